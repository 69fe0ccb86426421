/// TermUI: a small terminal UI toolkit. Rendering goes into a `CellBuffer`; drivers copy it
/// to a real terminal (ncurses) or keep it for tests.
public enum TermUI {}
