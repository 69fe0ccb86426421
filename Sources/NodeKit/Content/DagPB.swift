/// A dag-pb link: the child's CID, a name, and the cumulative size of the child's DAG.
public struct PBLink: Hashable, Sendable {
    public var cid: CID
    public var name: String?
    public var tsize: UInt64?

    public init(cid: CID, name: String? = "", tsize: UInt64?) {
        self.cid = cid
        self.name = name
        self.tsize = tsize
    }
}

/// A dag-pb node (the IPLD codec 0x70): links first, then opaque data.
///
/// Encoding follows the dag-pb spec byte for byte: Links (field 2) before Data (field 1);
/// within a link Hash (1), Name (2), Tsize (3), each only when present.
public struct PBNode: Hashable, Sendable {
    public var links: [PBLink]
    public var data: [UInt8]?

    /// The most links a decoded node may have.
    public static let maxLinks = 1 << 16

    public init(links: [PBLink], data: [UInt8]?) {
        self.links = links
        self.data = data
    }

    public var encoded: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(links.count * 48 + (data?.count ?? 0) + 8)
        for link in links {
            var l = [UInt8]()
            l.reserveCapacity(48)
            let cid = link.cid.bytes
            l.append(0x0a); Varint.append(UInt64(cid.count), to: &l); l.append(contentsOf: cid)
            if let name = link.name {
                l.append(0x12); Varint.append(UInt64(name.utf8.count), to: &l); l.append(contentsOf: name.utf8)
            }
            if let tsize = link.tsize { l.append(0x18); Varint.append(tsize, to: &l) }
            out.append(0x12); Varint.append(UInt64(l.count), to: &out); out.append(contentsOf: l)
        }
        if let data {
            out.append(0x0a); Varint.append(UInt64(data.count), to: &out); out.append(contentsOf: data)
        }
        return out
    }

    /// Decodes a dag-pb block, rejecting anything the spec does not allow.
    public init(decoding bytes: ArraySlice<UInt8>) throws(ContentError) {
        var reader = ProtobufReader(bytes, context: "PBNode")
        var links = [PBLink]()
        var data: [UInt8]?
        while !reader.isAtEnd {
            let (number, field) = try reader.next()
            switch (number, field) {
            case (2, .bytes(let b)):
                guard data == nil else { throw .invalidDagPB("PBNode: Links must come before Data") }
                guard links.count < PBNode.maxLinks else { throw .limitExceeded(what: "dag-pb links", limit: PBNode.maxLinks) }
                links.append(try PBNode.decodeLink(b))
            case (1, .bytes(let b)):
                guard data == nil else { throw .invalidDagPB("PBNode: duplicate Data field") }
                data = Array(b)
            default:
                throw .invalidDagPB("PBNode: unexpected field \(number)")
            }
        }
        self.links = links
        self.data = data
    }

    private static func decodeLink(_ bytes: ArraySlice<UInt8>) throws(ContentError) -> PBLink {
        var reader = ProtobufReader(bytes, context: "PBLink")
        var cid: CID?
        var name: String?
        var tsize: UInt64?
        var last: UInt64 = 0
        while !reader.isAtEnd {
            let (number, field) = try reader.next()
            guard number > last else { throw .invalidDagPB("PBLink: fields out of order or repeated") }
            last = number
            switch (number, field) {
            case (1, .bytes(let b)):
                do { cid = try CID(bytes: Array(b)) } catch { throw .invalidDagPB("PBLink: bad Hash: \(error)") }
            case (2, .bytes(let b)):
                guard let s = String(validating: b, as: UTF8.self) else { throw .invalidDagPB("PBLink: Name is not UTF-8") }
                name = s
            case (3, .varint(let v)):
                tsize = v
            default:
                throw .invalidDagPB("PBLink: unexpected field \(number)")
            }
        }
        guard let cid else { throw .invalidDagPB("PBLink: missing Hash") }
        return PBLink(cid: cid, name: name, tsize: tsize)
    }
}
