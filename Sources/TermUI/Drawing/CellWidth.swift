import CNcurses
import Foundation

/// How many terminal columns text takes, by `wcwidth(3)` — never by `String.count`,
/// which counts graphemes, not cells (a CJK ideograph is one grapheme but two cells).
public enum CellWidth {
    /// Ensures `wcwidth` answers for UTF-8: the user's locale when it is UTF-8, else
    /// `C.UTF-8`. Runs once; the ncurses driver relies on it before `initscr`.
    public static func prepareLocale() { _ = localeReady }

    private static let localeReady: Bool = {
        setlocale(LC_ALL, "")
        if filtop_locale_is_utf8() != 0 { return true }
        return setlocale(LC_CTYPE, "C.UTF-8") != nil
    }()

    /// True when the locale can show Unicode (block glyphs, box drawing).
    public static var unicodeAvailable: Bool { prepareLocale(); return localeReady }

    /// Columns for one grapheme: 0 (combining or control), 1 or 2.
    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii < 0x7f ? 1 : 0 }
        prepareLocale()
        var width = 0
        for scalar in character.unicodeScalars {
            if scalar.value == 0xFE0F { return 2 }
            let w = Int(filtop_wcwidth(scalar.value))
            if width == 0, w > 0 { width = w }
        }
        return min(width, 2)
    }

    /// Columns for a string.
    public static func of(_ text: String) -> Int {
        if let width = asciiWidth(text) { return width }
        var total = 0
        for c in text { total += of(c) }
        return total
    }

    /// The columns of `text` when it is all ASCII — one per printable byte, none for a
    /// control byte — without walking graphemes; nil when it is not ASCII.
    static func asciiWidth(_ text: String) -> Int? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            var width = 0
            for b in bytes {
                if b >= 0x80 { return nil }
                if b >= 0x20, b < 0x7f { width += 1 }
            }
            return width
        } ?? nil
    }

    /// The longest prefix of `text` that fits in `columns`, with its width.
    public static func prefix(_ text: String, fitting columns: Int) -> (text: Substring, width: Int) {
        if let width = asciiWidth(text), width == text.utf8.count {
            let n = min(max(0, columns), width)
            return (text[..<text.utf8.index(text.utf8.startIndex, offsetBy: n)], n)
        }
        var width = 0
        var end = text.startIndex
        for i in text.indices {
            let w = of(text[i])
            if width + w > columns { break }
            width += w
            end = text.index(after: i)
        }
        return (text[text.startIndex..<end], width)
    }

    /// `text` cut or padded with spaces to exactly `columns`; an ellipsis marks a cut.
    public static func fit(_ text: String, _ columns: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        let w = of(text)
        if w <= columns {
            let pad = String(repeating: " ", count: columns - w)
            return alignRight ? pad + text : text + pad
        }
        let mark = of(ellipsis) <= columns ? ellipsis : ""
        let cut = prefix(text, fitting: columns - of(mark))
        return String(cut.text) + mark + String(repeating: " ", count: columns - cut.width - of(mark))
    }

    /// `text` in exactly `columns`, cut in the middle when too wide: its head, an
    /// ellipsis and its tail, so long identifiers that share a prefix stay distinct.
    public static func fitMiddle(_ text: String, _ columns: Int, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        let w = of(text)
        if w <= columns { return text + String(repeating: " ", count: columns - w) }
        let mark = of(ellipsis) <= columns ? ellipsis : ""
        let room = columns - of(mark)
        if w == text.utf8.count, asciiWidth(text) == w {
            // All printable ASCII: a byte is a cell, so cut by position.
            let headCount = (room + 1) / 2, tailCount = room - headCount
            return String(decoding: text.utf8.prefix(headCount), as: UTF8.self) + mark + String(decoding: text.utf8.suffix(tailCount), as: UTF8.self)
        }
        let head = prefix(text, fitting: (room + 1) / 2)
        var tail = Substring(text)
        while !tail.isEmpty, of(String(tail)) > room - head.width { tail = tail.dropFirst() }
        let used = head.width + of(mark) + of(String(tail))
        return String(head.text) + mark + String(tail) + String(repeating: " ", count: max(0, columns - used))
    }

    /// `text` broken into lines of at most `columns`, at spaces where it can be and
    /// mid-word only when a word alone is wider than a line. Never returns no line.
    public static func wrap(_ text: String, _ columns: Int) -> [String] {
        guard columns > 0 else { return [text] }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            var piece = String(word)
            var pieceWidth = of(piece)
            if lineWidth > 0, lineWidth + 1 + pieceWidth > columns {
                lines.append(line)
                (line, lineWidth) = ("", 0)
            } else if lineWidth > 0 {
                line += " "
                lineWidth += 1
            }
            while lineWidth + pieceWidth > columns {
                let cut = prefix(piece, fitting: columns - lineWidth)
                guard !cut.text.isEmpty || lineWidth > 0 else { break }
                lines.append(line + cut.text)
                piece = String(piece.dropFirst(cut.text.count))
                pieceWidth = of(piece)
                (line, lineWidth) = ("", 0)
            }
            line += piece
            lineWidth += pieceWidth
        }
        lines.append(line)
        return lines
    }
}
