extension TransferError {
    /// The block the provider sent that failed verification, when the error is about one
    /// (the client deal records it).
    var offendingBlock: String? {
        switch self {
        case .unexpectedBlock(_, let got): return got.description
        case .hashMismatch(let cid), .unverifiableHash(let cid), .extraneousBlock(let cid), .cannotTraverse(let cid, _): return cid.description
        case .malformedBlock(let cid, _): return cid.description
        default: return nil
        }
    }
}
