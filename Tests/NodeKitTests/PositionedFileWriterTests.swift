import Foundation
import Testing
@testable import NodeKit

/// `PositionedFileWriter`, through the page cache and around it (`direct`, which takes
/// `DirectWriteBehind` where the file system allows direct I/O): whatever the mix of
/// write sizes, flushes, copies and cuts, the file ends up as a plain array would, and a
/// writer never changes a byte outside its own region of a shared file.
@Suite struct PositionedFileWriterTests {
    /// Random writes (1 byte to 5 MiB), flushes and copies of earlier bytes, from an
    /// unaligned start inside an existing file up to an unaligned end.
    @Test(arguments: [false, true]) func writesWhatAnArrayWould(direct: Bool) throws {
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/shared"
            var model = TestSupport.randomBytes(24 << 20, seed: 1)
            try TestSupport.write(model, to: path)
            let start = 5_000, end = model.count - 3_001
            let writer = try PositionedFileWriter(path: path, opening: .existing, position: UInt64(start), direct: direct)
            var rng = SeededGenerator(seed: direct ? 2 : 3)
            var position = start
            while position < end {
                let roll = rng.next() % 10
                if roll == 0 {
                    try writer.flush()
                } else if roll == 1, position - start > 1000 {
                    let count = Int(rng.next() % UInt64(min(position - start, end - position, 700_000))) + 1
                    let from = start + Int(rng.next() % UInt64(position - start - count + 1))
                    try writer.copy(from: UInt64(from), count: UInt64(count))
                    model.replaceSubrange(position..<(position + count), with: Array(model[from..<(from + count)]))
                    position += count
                } else {
                    let sizes = [Int(rng.next() % 300) + 1, 1 << 18, Int(rng.next() % (5 << 20)) + 1]
                    let count = min(sizes[Int(rng.next() % 3)], end - position)
                    let bytes = TestSupport.randomBytes(count, seed: rng.next())
                    try writer.write(bytes[...])
                    model.replaceSubrange(position..<(position + count), with: bytes)
                    position += count
                }
                #expect(writer.position == UInt64(position))
            }
            try writer.sync()
            #expect(try TestSupport.read(path) == model)
        }
    }

    /// A cut drops what was written after it, buffered or not, and writing goes on from it.
    @Test(arguments: [false, true]) func truncateDropsWhatFollows(direct: Bool) throws {
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/out"
            let writer = try PositionedFileWriter(path: path, opening: .createNew, direct: direct)
            let first = TestSupport.randomBytes(8 << 20 + 77, seed: 4)  // a last buffer of less than a block
            try writer.write(first[...])
            try writer.sync()
            #expect(try TestSupport.read(path) == first)
            try writer.write(TestSupport.randomBytes(3 << 20, seed: 5)[...])
            try writer.truncate(to: 6 << 20 + 5)
            let second = TestSupport.randomBytes(5 << 20 + 11, seed: 6)
            try writer.write(second[...])
            try writer.sync()
            #expect(try TestSupport.read(path) == Array(first[..<(6 << 20 + 5)]) + second)
        }
    }

    /// Two writers filling neighbouring regions that meet inside a block, writes
    /// interleaved, flushed at different moments: each region holds its own writer's bytes.
    @Test func neighbouringRegionsStayApart() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/shared"
            let size = 20 << 20, boundary = 10_000_123
            try TestSupport.write([UInt8](repeating: 0, count: size), to: path)
            let expected = TestSupport.randomBytes(size, seed: 8)
            let left = try PositionedFileWriter(path: path, opening: .existing, position: 0, direct: true)
            let right = try PositionedFileWriter(path: path, opening: .existing, position: UInt64(boundary), direct: true)
            var (l, r) = (0, boundary)
            var rng = SeededGenerator(seed: 9)
            while l < boundary || r < size {
                let n = Int(rng.next() % (3 << 20)) + 1
                let (lc, rc) = (min(n, boundary - l), min(n / 2 + 1, size - r))
                try left.write(expected[l..<(l + lc)])
                try right.write(expected[r..<(r + rc)])
                (l, r) = (l + lc, r + rc)
                if rng.next() % 3 == 0 { try left.flush() } else { try right.flush() }
            }
            try left.sync()
            try right.sync()
            #expect(try TestSupport.read(path) == expected)
        }
    }
}
