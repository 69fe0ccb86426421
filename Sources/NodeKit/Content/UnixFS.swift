/// The UnixFS `Data` message carried in a dag-pb node's Data field.
public struct UnixFSData: Hashable, Sendable {
    /// UnixFS node kinds (the `DataType` enum of unixfs.proto).
    public enum Kind: UInt64, Sendable {
        case raw = 0, directory = 1, file = 2, metadata = 3, symlink = 4, hamtShard = 5
    }

    public var kind: Kind
    public var data: [UInt8]?
    public var fileSize: UInt64?
    public var blockSizes: [UInt64]

    public init(kind: Kind, data: [UInt8]? = nil, fileSize: UInt64? = nil, blockSizes: [UInt64] = []) {
        self.kind = kind
        self.data = data
        self.fileSize = fileSize
        self.blockSizes = blockSizes
    }

    /// Protobuf encoding as go-unixfs writes it: Type, Data (only when non-empty),
    /// filesize, then one unpacked blocksizes entry per child.
    public var encoded: [UInt8] {
        var out: [UInt8] = [0x08]
        Varint.append(kind.rawValue, to: &out)
        if let data, !data.isEmpty {
            out.append(0x12); Varint.append(UInt64(data.count), to: &out); out.append(contentsOf: data)
        }
        if let fileSize { out.append(0x18); Varint.append(fileSize, to: &out) }
        for size in blockSizes { out.append(0x20); Varint.append(size, to: &out) }
        return out
    }

    public init(decoding bytes: ArraySlice<UInt8>) throws(ContentError) {
        var reader = ProtobufReader(bytes, context: "UnixFS Data")
        var kind: Kind?
        var data: [UInt8]?
        var fileSize: UInt64?
        var blockSizes = [UInt64]()
        while !reader.isAtEnd {
            let (number, field) = try reader.next()
            switch (number, field) {
            case (1, .varint(let v)):
                guard let k = Kind(rawValue: v) else { throw .invalidDagPB("UnixFS Data: unknown type \(v)") }
                kind = k
            case (2, .bytes(let b)): data = Array(b)
            case (3, .varint(let v)): fileSize = v
            case (4, .varint(let v)):
                guard blockSizes.count < PBNode.maxLinks else { throw .limitExceeded(what: "UnixFS blocksizes", limit: PBNode.maxLinks) }
                blockSizes.append(v)
            case (4, .bytes(let packed)):
                throw .invalidDagPB("UnixFS Data: packed blocksizes are not supported (\(packed.count) bytes)")
            case (5, .varint), (6, .varint), (7, .varint), (8, _): continue
            default: throw .invalidDagPB("UnixFS Data: unexpected field \(number)")
            }
        }
        guard let kind else { throw .invalidDagPB("UnixFS Data: missing Type") }
        self.init(kind: kind, data: data, fileSize: fileSize, blockSizes: blockSizes)
    }
}
