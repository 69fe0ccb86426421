import Foundation

/// How a retrieval is split over several providers (seed 004): the root's children in
/// link order, each retrieved by a deal of its own into its region of the output file
/// (from the root's UnixFS `blocksizes`). The root block itself comes with the query
/// (`RetrievalQueryResponse.rootBlock`), checked against its CID; only the children's
/// blocks are paid for.
struct RetrievalSplit: Sendable, Equatable {
    struct Part: Sendable, Equatable {
        let child: CID
        let offset: UInt64
    }

    let fileSize: UInt64
    let parts: [Part]

    /// The split of the file DAG whose root block is `block`, or nil when it cannot be
    /// split: not a dag-pb UnixFS file with at least two children, or a block that does
    /// not hash to `root`.
    init?(root: CID, block: [UInt8]) {
        guard root.codec == Multicodec.dagPB.rawValue, (try? root.multihash.matches(block)) == true,
              let node = try? PBNode(decoding: block[...]), let data = node.data,
              let unixfs = try? UnixFSData(decoding: data[...]), unixfs.kind == .file, (unixfs.data ?? []).isEmpty,
              node.links.count >= 2, unixfs.blockSizes.count == node.links.count
        else { return nil }
        var offset: UInt64 = 0
        var parts: [Part] = []
        for (link, size) in zip(node.links, unixfs.blockSizes) {
            parts.append(Part(child: link.cid, offset: offset))
            let (next, overflow) = offset.addingReportingOverflow(size)
            guard !overflow else { return nil }
            offset = next
        }
        guard unixfs.fileSize.map({ $0 == offset }) ?? true else { return nil }
        fileSize = offset
        self.parts = parts
    }

    /// Creates the output file every part writes a region of, `size` bytes long (sparse).
    /// An existing file is never replaced (`OutputPathError`).
    static func createOutput(_ path: String, size: UInt64) throws {
        guard access(path, F_OK) != 0 else {
            throw RetrievalError.invalidValue("\(path) already exists; remove it or choose another output path")
        }
        let writer = try PositionedFileWriter(path: path, opening: .createNew)
        try writer.truncate(to: size)
        try writer.sync()
    }
}
