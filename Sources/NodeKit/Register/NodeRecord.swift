import Foundation

/// A signed register entry: who a node is, what it does, and how to reach and pay it.
///
/// Only the holder of `publicKey` can produce a valid record (the signature covers every
/// field), so a register or a cache relaying records cannot alter them. A newer record
/// for the same node has a higher `sequence`. Signed bytes: `"filtop/node-record/v1\0" ‖`
/// the canonical DAG-CBOR of the record's fields without the signature
/// (`docs/PROTOCOL.md` "Node records").
public struct NodeRecord: Hashable, Sendable {
    public typealias Role = NodeRole

    public static let domain: [UInt8] = Array("filtop/node-record/v1".utf8) + [0]
    public static let maxAddresses = 8
    public static let maxAddressLength = 128
    public static let maxRegionLength = 32
    public static let maxPaymentAddressLength = 128

    public let publicKey: PublicKey
    public let roles: Set<Role>
    /// `host:port` addresses the node listens on.
    public let addresses: [String]
    public let region: String
    /// ISO 3166-1 alpha-2, upper case (e.g. "DE").
    public let country: String
    public let paymentAddress: String
    /// Unix seconds after which the record is void.
    public let expiry: UInt64
    public let sequence: UInt64
    public let signature: Signature

    public var nodeID: NodeID { publicKey.nodeID }

    /// Makes and signs a record for `keyPair`'s node, checking every field.
    public init(
        keyPair: KeyPair, roles: Set<Role>, addresses: [String], region: String, country: String,
        paymentAddress: String, expiry: UInt64, sequence: UInt64
    ) throws(RegisterError) {
        try Self.validate(roles: roles, addresses: addresses, region: region, country: country, paymentAddress: paymentAddress)
        publicKey = keyPair.publicKey
        self.roles = roles
        self.addresses = addresses
        self.region = region
        self.country = country
        self.paymentAddress = paymentAddress
        self.expiry = expiry
        self.sequence = sequence
        signature = keyPair.sign(Self.signedBytes(Self.fields(publicKey, roles, addresses, region, country, paymentAddress, expiry, sequence)))
    }

    /// The exact bytes the node signs.
    public var signedBytes: [UInt8] {
        Self.signedBytes(Self.fields(publicKey, roles, addresses, region, country, paymentAddress, expiry, sequence))
    }

    private static func signedBytes(_ fields: [String: CBOR]) -> [UInt8] {
        domain + CBOR.map(fields).encoded
    }

    private static func fields(
        _ key: PublicKey, _ roles: Set<Role>, _ addresses: [String], _ region: String, _ country: String,
        _ payment: String, _ expiry: UInt64, _ sequence: UInt64
    ) -> [String: CBOR] {
        [
            "key": .bytes(key.bytes), "roles": .array(roles.sorted().map { .text($0.rawValue) }),
            "addrs": .array(addresses.map { .text($0) }), "region": .text(region), "country": .text(country),
            "pay": .text(payment), "expiry": .unsigned(expiry), "seq": .unsigned(sequence),
        ]
    }

    /// The wire form: the signed fields plus `sig`.
    public var cbor: CBOR {
        var f = Self.fields(publicKey, roles, addresses, region, country, paymentAddress, expiry, sequence)
        f["sig"] = .bytes(signature.bytes)
        return .map(f)
    }

    /// Reads a record from its wire form and verifies its signature.
    public init(cbor: CBOR) throws(RegisterError) {
        guard let m = cbor.mapValue, Set(m.keys) == ["key", "roles", "addrs", "region", "country", "pay", "expiry", "seq", "sig"] else {
            throw .invalidRecord("a node record has exactly the fields key, roles, addrs, region, country, pay, expiry, seq, sig")
        }
        guard let key = m["key"]?.bytesValue, let sig = m["sig"]?.bytesValue,
              let roleList = m["roles"]?.arrayValue, let addrList = m["addrs"]?.arrayValue,
              let region = m["region"]?.textValue, let country = m["country"]?.textValue, let pay = m["pay"]?.textValue,
              let expiry = m["expiry"]?.unsignedValue, let seq = m["seq"]?.unsignedValue else {
            throw .invalidRecord("a node record field has the wrong type")
        }
        var roles = Set<Role>()
        for r in roleList {
            guard let name = r.textValue, let role = Role(rawValue: name) else { throw .invalidRecord("unknown role in record") }
            roles.insert(role)
        }
        guard addrList.count <= Self.maxAddresses else { throw .invalidRecord("more than \(Self.maxAddresses) addresses") }
        let addresses = addrList.compactMap(\.textValue)
        guard addresses.count == addrList.count else { throw .invalidRecord("addresses must be text") }
        try Self.validate(roles: roles, addresses: addresses, region: region, country: country, paymentAddress: pay)
        do {
            publicKey = try PublicKey(bytes: key)
            signature = try Signature(bytes: sig)
        } catch {
            throw .invalidRecord("\(error)")
        }
        self.roles = roles
        self.addresses = addresses
        self.region = region
        self.country = country
        self.paymentAddress = pay
        self.expiry = expiry
        self.sequence = seq
        guard publicKey.verify(signature, over: signedBytes) else {
            throw .invalidRecord("signature does not match the record of \(publicKey.nodeID)")
        }
    }

    private static func validate(
        roles: Set<Role>, addresses: [String], region: String, country: String, paymentAddress: String
    ) throws(RegisterError) {
        guard !roles.isEmpty else { throw .invalidRecord("a record needs at least one role") }
        guard addresses.count <= maxAddresses else { throw .invalidRecord("more than \(maxAddresses) addresses") }
        for a in addresses {
            guard a.utf8.count <= maxAddressLength, (try? NodeAddress(a)) != nil else {
                throw .invalidRecord("address '\(a.prefix(64))' is not host:port")
            }
        }
        guard region.utf8.count <= maxRegionLength else { throw .invalidRecord("region longer than \(maxRegionLength) bytes") }
        guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw .invalidRecord("country must be a two-letter upper-case ISO 3166 code, got '\(country.prefix(8))'")
        }
        guard paymentAddress.utf8.count <= maxPaymentAddressLength else {
            throw .invalidRecord("payment address longer than \(maxPaymentAddressLength) bytes")
        }
    }

    /// Whether the record is still valid at `now` (Unix seconds).
    public func isLive(at now: UInt64) -> Bool { now < expiry }
}

/// A `host:port` network address.
public struct NodeAddress: Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; port 0 ("any free port") only when `allowingPortZero`.
    public init(_ text: String, allowingPortZero: Bool = false) throws(RegisterError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              ((allowingPortZero ? 0 : 1)...65535).contains(port), colon > text.startIndex else {
            throw .invalidAddress("'\(text.prefix(64))' is not host:port (e.g. 127.0.0.1:7420)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why a register operation failed.
public enum RegisterError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidRecord(String)
    case invalidAddress(String)
    case notOwner(String)
    case stale(String)
    case unknownNode(String)

    public var description: String {
        switch self {
        case .invalidRecord(let why): return "invalid node record: \(why)"
        case .invalidAddress(let why): return "invalid address: \(why)"
        case .notOwner(let why): return "refused: \(why)"
        case .stale(let why): return "stale record: \(why)"
        case .unknownNode(let id): return "node \(id) is not in the register"
        }
    }
}
