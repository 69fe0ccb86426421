import Foundation
import TOMLKit

/// A node's configuration, kept as `config.toml` in its data directory.
///
/// Every field has a default, so an empty file is a valid client/gateway/provider node on
/// loopback with no register. Unknown keys are rejected so typos do not go unnoticed.
public struct NodeConfig: Codable, Equatable, Sendable {
    public struct NodeSection: Codable, Equatable, Sendable {
        /// `host:port` to listen on (port 0 picks a free port).
        public var listen: String = "127.0.0.1:7420"
        public var roles: [String] = ["client", "gateway", "provider"]
        public var region: String = "local"
        public var country: String = "ZZ"
        public var paymentAddress: String = ""
        /// Seconds a published node record stays valid.
        public var recordTTL: Int = 3600

        enum CodingKeys: String, CodingKey {
            case listen, roles, region, country
            case paymentAddress = "payment_address", recordTTL = "record_ttl"
        }

        public init() {}

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            listen = try c.decodeIfPresent(String.self, forKey: .listen) ?? listen
            roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? roles
            region = try c.decodeIfPresent(String.self, forKey: .region) ?? region
            country = try c.decodeIfPresent(String.self, forKey: .country) ?? country
            paymentAddress = try c.decodeIfPresent(String.self, forKey: .paymentAddress) ?? paymentAddress
            recordTTL = try c.decodeIfPresent(Int.self, forKey: .recordTTL) ?? recordTTL
        }
    }

    public struct RegisterSection: Codable, Equatable, Sendable {
        /// `host:port` of the register; empty for none.
        public var address: String = ""
        /// The register's node ID (`fid…`): the session must prove it.
        public var nodeID: String = ""
        public var refreshSeconds: Int = 30

        enum CodingKeys: String, CodingKey { case address, nodeID = "node_id", refreshSeconds = "refresh_seconds" }

        public init() {}

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            address = try c.decodeIfPresent(String.self, forKey: .address) ?? address
            nodeID = try c.decodeIfPresent(String.self, forKey: .nodeID) ?? nodeID
            refreshSeconds = try c.decodeIfPresent(Int.self, forKey: .refreshSeconds) ?? refreshSeconds
        }
    }

    public struct AdminSection: Codable, Equatable, Sendable {
        /// Node IDs of the keys allowed to control this node remotely.
        public var keys: [String] = []
        public init() {}
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            keys = try c.decodeIfPresent([String].self, forKey: .keys) ?? []
        }
        enum CodingKeys: String, CodingKey { case keys }
    }

    public var node = NodeSection()
    public var register = RegisterSection()
    public var admin = AdminSection()

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        node = try c.decodeIfPresent(NodeSection.self, forKey: .node) ?? NodeSection()
        register = try c.decodeIfPresent(RegisterSection.self, forKey: .register) ?? RegisterSection()
        admin = try c.decodeIfPresent(AdminSection.self, forKey: .admin) ?? AdminSection()
    }

    enum CodingKeys: String, CodingKey { case node, register, admin }

    /// Parses and validates a config file's text.
    public static func parse(_ text: String, path: String = "config.toml") throws -> NodeConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch {
            throw NodeError.invalidConfig(path: path, reason: "not valid TOML: \(error)")
        }
        try rejectUnknownKeys(table, path: path)
        let config: NodeConfig
        do { config = try TOMLDecoder().decode(NodeConfig.self, from: table) } catch {
            throw NodeError.invalidConfig(path: path, reason: "\(error)")
        }
        try config.validate(path: path)
        return config
    }

    private static let knownKeys: [String: Set<String>] = [
        "node": ["listen", "roles", "region", "country", "payment_address", "record_ttl"],
        "register": ["address", "node_id", "refresh_seconds"],
        "admin": ["keys"],
    ]

    private static func rejectUnknownKeys(_ table: TOMLTable, path: String) throws {
        for key in table.keys {
            guard let known = knownKeys[key] else { throw NodeError.invalidConfig(path: path, reason: "unknown section [\(key)]") }
            guard let section = table[key]?.table else { throw NodeError.invalidConfig(path: path, reason: "[\(key)] must be a table") }
            for k in section.keys where !known.contains(k) {
                throw NodeError.invalidConfig(path: path, reason: "unknown key '\(k)' in [\(key)]")
            }
        }
    }

    /// Checks every value, naming the first bad one.
    public func validate(path: String) throws {
        do { _ = try NodeAddress(node.listen, allowingPortZero: true) } catch {
            throw NodeError.invalidConfig(path: path, reason: "node.listen: \(error)")
        }
        for r in node.roles where NodeRecord.Role(rawValue: r) == nil {
            throw NodeError.invalidConfig(path: path, reason: "node.roles: unknown role '\(r)' (client, gateway, provider, register)")
        }
        guard node.recordTTL > 0 else { throw NodeError.invalidConfig(path: path, reason: "node.record_ttl must be positive") }
        if !register.address.isEmpty {
            do { _ = try NodeAddress(register.address) } catch {
                throw NodeError.invalidConfig(path: path, reason: "register.address: \(error)")
            }
            do { _ = try NodeID(register.nodeID) } catch {
                throw NodeError.invalidConfig(path: path, reason: "register.node_id: \(error)")
            }
        }
        guard register.refreshSeconds > 0 else { throw NodeError.invalidConfig(path: path, reason: "register.refresh_seconds must be positive") }
        for k in admin.keys {
            do { _ = try NodeID(k) } catch { throw NodeError.invalidConfig(path: path, reason: "admin.keys: \(error)") }
        }
    }

    /// This node's signed record as the config describes it, valid for `record_ttl`
    /// seconds from `now`; the sequence is `now` in milliseconds (so a later record wins),
    /// or at least `after + 1` when the caller already published `after`.
    public func record(for keyPair: KeyPair, addresses: [String], now: Date = Date(), after: UInt64 = 0) throws(RegisterError) -> NodeRecord {
        let seconds = UInt64(max(0, now.timeIntervalSince1970))
        return try NodeRecord(
            keyPair: keyPair, roles: Set(node.roles.compactMap(NodeRecord.Role.init(rawValue:))), addresses: addresses,
            region: node.region, country: node.country, paymentAddress: node.paymentAddress,
            expiry: seconds + UInt64(node.recordTTL), sequence: max(seconds * 1000, after + 1))
    }

    /// The file a new node starts with, commented for the operator.
    public var rendered: String {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        return """
            # filtop node configuration (docs/OPERATOR.md explains every key).

            [node]
            listen = "\(node.listen)"            # host:port; port 0 picks a free port
            roles = \(list(node.roles))         # client, gateway, provider, register
            region = "\(node.region)"
            country = "\(node.country)"                  # ISO 3166-1 alpha-2
            payment_address = "\(node.paymentAddress)"
            record_ttl = \(node.recordTTL)              # seconds a published node record stays valid

            [register]
            address = "\(register.address)"              # host:port of the register; empty for none
            node_id = "\(register.nodeID)"              # the register's node ID (fid…)
            refresh_seconds = \(register.refreshSeconds)

            [admin]
            keys = \(list(admin.keys))               # node IDs allowed to control this node remotely

            """
    }
}

/// Why a node could not start or do what was asked.
public enum NodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidConfig(path: String, reason: String)
    case notInitialised(String)
    case notAdmin(String)
    case noRegister

    public var description: String {
        switch self {
        case .invalidConfig(let path, let reason): return "config \(path): \(reason)"
        case .notInitialised(let dir): return "no node in \(dir): run 'filtop node init --data-dir \(dir)' first"
        case .notAdmin(let who): return "refused: \(who) does not hold an admin key of this node"
        case .noRegister: return "no register configured: set [register] address and node_id in config.toml, or pass --register and --register-id"
        }
    }
}
