import Foundation

/// Copying text to the operator's clipboard from inside a terminal, by OSC 52 (as k9s and
/// lazygit do): the terminal, not the program, owns the clipboard, so this works over
/// ssh and in tmux (with `set-clipboard on`). Terminals that do not support it ignore it.
public enum Clipboard {
    /// The escape sequence that asks the terminal to put `text` on the clipboard.
    public static func osc52(_ text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }

    /// Sends `osc52(text)` straight to the terminal (it moves no cursor and draws nothing,
    /// so it can go between frames).
    public static func copy(_ text: String) {
        let bytes = Array(osc52(text).utf8)
        bytes.withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}
