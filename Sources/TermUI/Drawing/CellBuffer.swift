/// The screen as plain data: every widget renders into a `CellBuffer`, and a driver only
/// copies it out (ncurses for a terminal, nothing for tests). Writes outside the buffer
/// or outside a clip rectangle are dropped, so no widget can draw over another.
public struct CellBuffer: Hashable, Sendable {
    public private(set) var size: Size
    private var cells: [Cell]

    public init(size: Size, fill: Cell = .blank) {
        self.size = size
        cells = Array(repeating: fill, count: size.width * size.height)
    }

    public var bounds: Rect { Rect(size) }

    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x, y) ? cells[y * size.width + x] : .blank }
        set { if contains(x, y) { cells[y * size.width + x] = newValue } }
    }

    private func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < size.width && y < size.height }

    /// Fills `rect` with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: Style) {
        let blank = Cell(style: style)
        for y in max(0, rect.y)..<min(size.height, rect.maxY) where rect.x < size.width {
            for x in max(0, rect.x)..<min(size.width, rect.maxX) { cells[y * size.width + x] = blank }
        }
    }

    /// Writes `text` from (x, y), clipped to `clip` (default: the whole buffer); returns
    /// the columns written. Wide graphemes take two cells; one that would straddle the
    /// clip edge becomes a space. Control characters are skipped.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style, clip: Rect? = nil) -> Int {
        let area = clip ?? bounds
        guard y >= area.y, y < area.maxY, y >= 0, y < size.height else { return 0 }
        let limit = min(area.maxX, size.width)
        if let written = writeASCII(text, x: x, y: y, style: style, from: max(0, area.x), limit: limit) { return written }
        var column = x
        for character in text {
            let w = CellWidth.of(character)
            if w == 0 { continue }
            if column + w > limit {
                if column < limit, column >= max(0, area.x) { self[column, y] = Cell(style: style) }
                break
            }
            if column >= max(0, area.x) {
                self[column, y] = Cell(character, style: style)
                if w == 2 { self[column + 1, y] = Cell(" ", style: style, isContinuation: true) }
            }
            column += w
        }
        return column - x
    }

    /// `write` for all-ASCII text: a cell per printable byte, no grapheme walk. Returns
    /// nil, writing nothing, when `text` is not ASCII.
    private mutating func writeASCII(_ text: String, x: Int, y: Int, style: Style, from: Int, limit: Int) -> Int? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            var column = x
            for b in bytes where b >= 0x20 && b < 0x7f {
                guard column < limit else { break }
                if column >= from { self[column, y] = Cell(Character(Unicode.Scalar(b)), style: style) }
                column += 1
            }
            return column - x
        } ?? nil
    }

    /// Changes the style of the cells in `rect`, keeping their characters.
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        for y in max(0, rect.y)..<min(size.height, rect.maxY) where rect.x < size.width {
            for x in max(0, rect.x)..<min(size.width, rect.maxX) {
                cells[y * size.width + x].style = transform(cells[y * size.width + x].style)
            }
        }
    }

    /// One row as text (continuation cells omitted, trailing spaces kept).
    public func line(_ y: Int) -> String {
        var s = ""
        for x in 0..<size.width where !self[x, y].isContinuation { s.append(self[x, y].character) }
        return s
    }

    /// The whole buffer as text, one line per row, trailing spaces trimmed — the form
    /// screen snapshots are stored in.
    public var text: String {
        (0..<size.height).map { y in
            var l = line(y)
            while l.last == " " { l.removeLast() }
            return l
        }.joined(separator: "\n") + "\n"
    }
}
