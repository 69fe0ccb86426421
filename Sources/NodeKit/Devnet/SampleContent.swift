import Foundation

/// The sample files a devnet provider serves: deterministic pseudo-random bytes, distinct
/// per provider and per file (64 KiB, 128 KiB, 256 KiB, … doubling), written to the
/// member's `samples/` directory and imported as pieces on its first start. The files
/// stay, so what a client retrieves can be compared with what was imported.
public enum SampleContent {
    public static let countRange = 0...8
    static let firstSize = 64 * 1024

    /// Imports the samples `member` does not hold yet (by file name), up to `count`.
    static func importMissing(count: Int, into member: Devnet.Member) throws {
        guard count > 0 else { return }
        let blockstore = member.node.context.blockstore
        var held = Set<String>()
        try blockstore.forEachPiece { held.insert($0.source) }
        let directory = member.directory.path + "/samples"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for index in 0..<count {
            let name = "\(member.name)-sample-\(index + 1).bin"
            guard !held.contains(name) else { continue }
            let path = directory + "/" + name
            if !FileManager.default.fileExists(atPath: path) {
                try PrivateFile.replace(path, with: bytes(seed: "\(member.name)/\(index)", count: firstSize << index))
            }
            let summary = try blockstore.importFile(path)
            member.node.context.note(.info, .content, "devnet: imported sample \(name) as \(summary.piece.pieceCID)")
        }
    }

    /// `count` bytes of a xorshift64* stream seeded from `seed`'s SHA-256.
    static func bytes(seed: String, count: Int) -> [UInt8] {
        let digest = Multihash.sha256(Array(seed.utf8)).digest
        var state = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } | 1
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            var word = state &* 0x2545_F491_4F6C_DD1D
            for _ in 0..<8 where i < count {
                out[i] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                i += 1
            }
        }
        return out
    }
}
