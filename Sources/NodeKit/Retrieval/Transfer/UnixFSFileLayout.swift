/// What one accepted block adds to a reassembled UnixFS file, in order.
public enum FileWrite: Equatable, Sendable {
    /// The block's data, whole (a raw leaf).
    case blockData
    /// Bytes carried inside a dag-pb node (UnixFS inline data).
    case inline([UInt8])
    /// A repeat of `length` bytes already written at `offset` of the file: a subtree the
    /// transfer skipped because it was sent before.
    case repeatOf(offset: UInt64, length: UInt64)
}

/// Turns the blocks of a UnixFS file, met in transfer order, into the file's bytes:
/// leaves' data in order, nodes' inline data before their children, and a copy of the
/// earlier bytes wherever a repeated subtree was skipped.
///
/// Since a subtree is never sent twice, the bytes of a repeat are found in the file
/// already written; this layout remembers where each block's bytes went (one span a
/// distinct block) and checks every node's declared file size against its blocks.
struct UnixFSFileLayout: Sendable {
    private struct OpenNode: Sendable {
        let start: UInt64
        let declared: UInt64?
    }

    private struct Span: Sendable {
        let start: UInt64
        let length: UInt64
    }

    private let maxBytes: UInt64
    /// File bytes produced so far, repeats included.
    private(set) var offset: UInt64 = 0
    private var open: [OpenNode] = []
    private var spans: [CID: Span] = [:]

    init(maxBytes: UInt64) { self.maxBytes = maxBytes }

    /// A raw leaf of `length` bytes: its data is the next part of the file.
    mutating func leaf(_ cid: CID, length: Int) throws(TransferError) -> [FileWrite] {
        let start = offset
        try grow(by: UInt64(length))
        spans[cid] = Span(start: start, length: UInt64(length))
        return [.blockData]
    }

    /// A dag-pb node: must hold a UnixFS file (or raw) node; its inline data comes first.
    mutating func node(_ cid: CID, _ node: PBNode) throws(TransferError) -> [FileWrite] {
        guard let data = node.data else { throw .malformedBlock(cid, reason: "dag-pb node without UnixFS data") }
        let unixfs: UnixFSData
        do { unixfs = try UnixFSData(decoding: data[...]) } catch { throw .malformedBlock(cid, reason: error.description) }
        guard unixfs.kind == .file || unixfs.kind == .raw else { throw .notAFile(cid, kind: Self.name(unixfs.kind)) }
        open.append(OpenNode(start: offset, declared: unixfs.fileSize))
        guard let inline = unixfs.data, !inline.isEmpty else { return [] }
        try grow(by: UInt64(inline.count))
        return [.inline(inline)]
    }

    /// The steps the traversal passed after a block: repeats become copies of earlier
    /// bytes; finished nodes are checked against their declared size.
    mutating func passed(_ steps: [TransferOrder.Step]) throws(TransferError) -> [FileWrite] {
        var writes: [FileWrite] = []
        for step in steps {
            switch step {
            case .repeated(let cid):
                guard let span = spans[cid] else {
                    throw .malformedBlock(cid, reason: "repeated before its first copy was complete")
                }
                try grow(by: span.length)
                if span.length > 0 { writes.append(.repeatOf(offset: span.start, length: span.length)) }
            case .finished(let cid):
                guard let node = open.popLast() else { continue }
                let length = offset - node.start
                if let declared = node.declared, declared != length {
                    throw .malformedBlock(cid, reason: "declares a file size of \(declared) bytes but its blocks hold \(length)")
                }
                spans[cid] = Span(start: node.start, length: length)
            }
        }
        return writes
    }

    private mutating func grow(by count: UInt64) throws(TransferError) {
        guard count <= maxBytes - offset else { throw .dagTooLarge(what: "file bytes", limit: maxBytes) }
        offset += count
    }

    private static func name(_ kind: UnixFSData.Kind) -> String {
        switch kind {
        case .raw: return "raw node"
        case .directory: return "directory"
        case .file: return "file"
        case .metadata: return "metadata node"
        case .symlink: return "symlink"
        case .hamtShard: return "sharded directory"
        }
    }
}
