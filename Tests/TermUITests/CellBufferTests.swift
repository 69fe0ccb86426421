import Testing
@testable import TermUI

@Suite struct CellBufferTests {
    @Test func widthsComeFromWcwidthNotCharacterCount() {
        #expect(CellWidth.of("abc") == 3)
        #expect(CellWidth.of("日本語") == 6)
        #expect("日本語".count == 3)
        #expect(CellWidth.of("e\u{301}") == 1)
        #expect(CellWidth.of("\u{7}") == 0)
    }

    @Test func wideCharactersTakeTwoCellsAndNeverStraddleTheEdge() {
        var buffer = CellBuffer(size: Size(width: 4, height: 1))
        let written = buffer.write("a日本", x: 0, y: 0, style: .plain)
        #expect(written == 3)
        #expect(buffer.line(0) == "a日 ")
        #expect(buffer[2, 0].isContinuation)
    }

    @Test func writesAreClipped() {
        var buffer = CellBuffer(size: Size(width: 10, height: 2))
        buffer.write("hello world", x: 2, y: 1, style: .plain, clip: Rect(x: 2, y: 1, width: 4, height: 1))
        buffer.write("outside", x: 0, y: 5, style: .plain)
        #expect(buffer.text == "\n  hell\n")
    }

    @Test func asciiAndUnicodeTextAreWrittenAlike() {
        // All-ASCII text takes a byte-per-cell path, anything else the grapheme walk; the
        // two strings differ only past the clip, so both paths must leave the same cells.
        for text in ["bafybeigdyrzt", "bafybeigdyrz\u{E9}"] {
            var buffer = CellBuffer(size: Size(width: 8, height: 1))
            let written = buffer.write(text, x: -2, y: 0, style: .plain, clip: Rect(x: 1, y: 0, width: 5, height: 1))
            #expect(buffer.line(0) == " ybeig  ")
            #expect(written == 8)
        }
        var buffer = CellBuffer(size: Size(width: 8, height: 1))
        #expect(buffer.write("a\tb\u{7}c", x: 0, y: 0, style: .plain) == 3)
        #expect(buffer.line(0) == "abc     ")
        #expect(CellWidth.of("a\tb") == 2)
        #expect(CellWidth.prefix("bafybeig", fitting: 3) == ("baf", 3))
        #expect(CellWidth.prefix("ab", fitting: 5) == ("ab", 2))
        #expect(CellWidth.fit("bafybeigdyrzt", 6) == "bafyb…")
    }

    @Test func fitPadsCutsAndAligns() {
        #expect(CellWidth.fit("abc", 5) == "abc  ")
        #expect(CellWidth.fit("abc", 5, alignRight: true) == "  abc")
        #expect(CellWidth.fit("abcdefgh", 5) == "abcd…")
        #expect(CellWidth.fit("日本語", 5) == "日本…")
    }

    @Test func splitsShareSpaceByWeight() {
        let rows = Rect(x: 0, y: 0, width: 10, height: 10).rows([.fixed(1), .fill(), .fixed(2), .fill()])
        #expect(rows.map(\.height) == [1, 3, 2, 4])
        #expect(rows.map(\.y) == [0, 1, 4, 6])
        let cols = Rect(x: 0, y: 0, width: 3, height: 1).columns([.fixed(5), .fill()])
        #expect(cols.map(\.width) == [3, 0])
    }

    @Test func ringBufferKeepsTheNewest() {
        var ring = RingBuffer<Int>(capacity: 3)
        for i in 1...5 { ring.append(i) }
        #expect(ring.elements == [3, 4, 5])
        #expect(ring.count == 3)
    }
}
