/// Why a retrieval transfer stopped: a block the provider sent that the client must
/// refuse, a stream that ended early, a DAG too large to follow, a block the provider
/// cannot serve, or a partial output that cannot be resumed.
///
/// The first group is the provider's fault and means "stop paying"; `missingBlock`,
/// `blockTooLarge` and `damagedPiece` arise on the provider; `partialOutputDamaged`
/// concerns the client's own files.
public enum TransferError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A block arrived out of transfer order.
    case unexpectedBlock(expected: CID, got: CID)
    /// A block's data does not hash to its CID.
    case hashMismatch(CID)
    /// A block's CID uses a hash function this node cannot compute, so it cannot be checked.
    case unverifiableHash(CID)
    /// A dag-pb block, or the UnixFS data inside it, cannot be decoded or is inconsistent.
    case malformedBlock(CID, reason: String)
    /// A block arrived after the traversal had finished.
    case extraneousBlock(CID)
    /// The DAG holds a block of a codec the transfer cannot follow (only raw and dag-pb).
    case cannotTraverse(CID, codec: UInt64)
    /// The DAG needs more than a limit of `TransferLimits` allows.
    case dagTooLarge(what: String, limit: UInt64)
    /// A file was asked for but the DAG is a UnixFS directory, symlink or the like.
    case notAFile(CID, kind: String)
    /// A section on the stream declares more bytes than any block may have.
    case sectionTooLarge(length: UInt64, limit: Int)
    /// A section on the stream cannot be parsed; the string says how.
    case malformedSection(String)
    /// The stream ended inside a section.
    case truncatedStream(bufferedBytes: Int)
    /// The transfer was finished before the traversal was; `next` is the block still due.
    case incomplete(next: CID)
    /// The provider's blockstore has no block with this CID.
    case missingBlock(CID)
    /// A stored block is larger than a transfer may carry.
    case blockTooLarge(CID, length: Int, limit: Int)
    /// A piece's CAR file disagrees with the blockstore's index of it.
    case damagedPiece(piece: String, reason: String)
    /// The files of a partial retrieval do not match the checkpoint given to resume it.
    case partialOutputDamaged(path: String, reason: String)

    public var description: String {
        switch self {
        case .unexpectedBlock(let expected, let got):
            return "the provider sent block \(got) where the traversal expected \(expected): "
                + "it does not follow the transfer order; try another provider"
        case .hashMismatch(let cid):
            return "block \(cid) does not hash to its CID: the provider sent corrupt data; try another provider"
        case .unverifiableHash(let cid):
            return "block \(cid) uses hash function \(Multicodec.name(of: cid.multihash.code)), which this node cannot check "
                + "(only sha2-256 and identity); the content cannot be retrieved safely"
        case .malformedBlock(let cid, let reason):
            return "block \(cid) is malformed (\(reason)); the content is damaged at the provider, try another provider"
        case .extraneousBlock(let cid):
            return "the provider sent block \(cid) after the last block of the DAG: "
                + "it does not follow the transfer order; try another provider"
        case .cannotTraverse(let cid, let codec):
            return "the DAG links to \(cid), a \(Multicodec.name(of: codec)) block; a transfer follows only raw and dag-pb blocks, "
                + "so this DAG cannot be retrieved"
        case .dagTooLarge(let what, let limit):
            return "the DAG needs more than \(limit) \(what), the most one transfer allows; retrieve a smaller part of it"
        case .notAFile(let cid, let kind):
            return "\(cid) is a UnixFS \(kind), not a file; retrieve it with --car to get its blocks"
        case .sectionTooLarge(let length, let limit):
            return "the provider declared a \(length)-byte block section, more than the \(limit)-byte limit; "
                + "try another provider"
        case .malformedSection(let why):
            return "the provider sent a malformed block section (\(why)); try another provider"
        case .truncatedStream(let buffered):
            return "the transfer stream ended inside a block (\(buffered) bytes of it received); "
                + "retry to resume from the last verified block"
        case .incomplete(let next):
            return "the transfer is not complete: block \(next) has not arrived yet; resume the retrieval to finish it"
        case .missingBlock(let cid):
            return "block \(cid) is not in this node's blockstore; re-import the piece that holds it"
        case .blockTooLarge(let cid, let length, let limit):
            return "block \(cid) is \(length) bytes, more than the \(limit) bytes a transfer carries; "
                + "re-import the content with smaller blocks"
        case .damagedPiece(let piece, let reason):
            return "piece \(piece) is damaged: \(reason); re-import it"
        case .partialOutputDamaged(let path, let reason):
            return "cannot resume the partial retrieval at \(path): \(reason); "
                + "remove it and its .filtop-partial file and retrieve again"
        }
    }
}
