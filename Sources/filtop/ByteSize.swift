import ArgumentParser

/// A size in bytes given on the command line: a whole number with an optional binary
/// unit (`1048576`, `512KiB`, `64GiB`, `2TiB`; `K`, `M`, `G`, `T` mean the same units).
/// Values from 1 byte to 2^62 bytes are accepted; anything else is refused as the
/// option is parsed.
struct ByteSize: ExpressibleByArgument, Equatable {
    let bytes: UInt64

    static let maximum: UInt64 = 1 << 62

    init(bytes: UInt64) { self.bytes = bytes }

    init?(argument: String) {
        let units: [(String, UInt64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40), ("B", 1),
        ]
        var number = Substring(argument), scale: UInt64 = 1
        for (suffix, s) in units where argument.hasSuffix(suffix) {
            number = argument.dropLast(suffix.count)
            scale = s
            break
        }
        guard let n = UInt64(number), n > 0, n <= Self.maximum / scale else { return nil }
        bytes = n * scale
    }

    var defaultValueDescription: String { ByteCount.format(bytes) }
}
