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

    public struct LedgerSection: Codable, Equatable, Sendable {
        /// `host:port` of the ledger node; empty: the node with the `ledger` role in the
        /// register's list (or this node's own ledger when it has that role).
        public var address: String = ""
        /// The ledger node's ID (`fid…`), required with `address`.
        public var nodeID: String = ""
        /// For a node with the `ledger` role: milliseconds per epoch.
        public var epochMillis: Int = 1000
        /// For a node with the `ledger` role: epochs from a settle to the earliest collect.
        public var settleDelay: Int = 60

        enum CodingKeys: String, CodingKey { case address, nodeID = "node_id", epochMillis = "epoch_ms", settleDelay = "settle_delay" }

        public init() {}

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            address = try c.decodeIfPresent(String.self, forKey: .address) ?? address
            nodeID = try c.decodeIfPresent(String.self, forKey: .nodeID) ?? nodeID
            epochMillis = try c.decodeIfPresent(Int.self, forKey: .epochMillis) ?? epochMillis
            settleDelay = try c.decodeIfPresent(Int.self, forKey: .settleDelay) ?? settleDelay
        }
    }

    public struct GatewaySection: Codable, Equatable, Sendable {
        /// Providers whose offers are always kept (node IDs).
        public var allow: [String] = []
        /// Providers whose offers are never kept or returned (node IDs).
        public var block: [String] = []
        /// Offers of an unlisted provider whose establishment round trip is slower are
        /// refused; 0: no limit.
        public var maxProviderLatencyMillis: Int = 0
        /// What a find-offers request costs (a `TokenAmount` text: "1000 attoFIL", "0.5 FIL").
        public var searchFee: String = DiscoveryFees.default.search.description
        /// What a find-offers request that returns offers costs on top.
        public var offersFee: String = DiscoveryFees.default.offers.description

        enum CodingKeys: String, CodingKey {
            case allow, block, maxProviderLatencyMillis = "max_provider_latency_ms", searchFee = "search_fee", offersFee = "offers_fee"
        }

        public init() {}

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            allow = try c.decodeIfPresent([String].self, forKey: .allow) ?? allow
            block = try c.decodeIfPresent([String].self, forKey: .block) ?? block
            maxProviderLatencyMillis = try c.decodeIfPresent(Int.self, forKey: .maxProviderLatencyMillis) ?? maxProviderLatencyMillis
            searchFee = try c.decodeIfPresent(String.self, forKey: .searchFee) ?? searchFee
            offersFee = try c.decodeIfPresent(String.self, forKey: .offersFee) ?? offersFee
        }

        /// The fee schedule, once `validate` has accepted the texts.
        public var fees: DiscoveryFees {
            DiscoveryFees(search: (try? TokenAmount(searchFee)) ?? DiscoveryFees.default.search,
                          offers: (try? TokenAmount(offersFee)) ?? DiscoveryFees.default.offers)
        }
    }

    /// Retrieval deals: how long a deal waits for a silent peer, and the brokerage a
    /// gateway charges and a provider accepts on brokered payments (basis points).
    public struct RetrievalSection: Codable, Equatable, Sendable {
        /// A deal whose peer is silent this long (no transfer, no payment) fails.
        public var dealTimeoutSeconds: Int = 600
        /// The gateway's cut of each payment it brokers, in basis points (100 = 1 %).
        public var brokerageBasisPoints: Int = 100
        /// The largest brokerage the provider accepts a gateway keeping, in basis points.
        public var maxBrokerageBasisPoints: Int = 1_000
        /// The provider's cap on what it sends per second over all of one deal's transfer,
        /// in bytes; 0: no cap.
        public var maxSendRate: Int = 0

        enum CodingKeys: String, CodingKey {
            case dealTimeoutSeconds = "deal_timeout_seconds", brokerageBasisPoints = "brokerage_bps", maxBrokerageBasisPoints = "max_brokerage_bps"
            case maxSendRate = "max_send_rate"
        }

        public init() {}

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            dealTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .dealTimeoutSeconds) ?? dealTimeoutSeconds
            brokerageBasisPoints = try c.decodeIfPresent(Int.self, forKey: .brokerageBasisPoints) ?? brokerageBasisPoints
            maxBrokerageBasisPoints = try c.decodeIfPresent(Int.self, forKey: .maxBrokerageBasisPoints) ?? maxBrokerageBasisPoints
            maxSendRate = try c.decodeIfPresent(Int.self, forKey: .maxSendRate) ?? maxSendRate
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
    public var ledger = LedgerSection()
    public var gateway = GatewaySection()
    public var retrieval = RetrievalSection()
    public var admin = AdminSection()

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        node = try c.decodeIfPresent(NodeSection.self, forKey: .node) ?? NodeSection()
        register = try c.decodeIfPresent(RegisterSection.self, forKey: .register) ?? RegisterSection()
        ledger = try c.decodeIfPresent(LedgerSection.self, forKey: .ledger) ?? LedgerSection()
        gateway = try c.decodeIfPresent(GatewaySection.self, forKey: .gateway) ?? GatewaySection()
        retrieval = try c.decodeIfPresent(RetrievalSection.self, forKey: .retrieval) ?? RetrievalSection()
        admin = try c.decodeIfPresent(AdminSection.self, forKey: .admin) ?? AdminSection()
    }

    enum CodingKeys: String, CodingKey { case node, register, ledger, gateway, retrieval, admin }

    /// Parses and validates a config file's text.
    public static func parse(_ text: String, path: String = "config.toml") throws -> NodeConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch {
            throw NodeError.invalidConfig(path: path, reason: "not valid TOML: \(error)")
        }
        try rejectUnknownKeys(table, path: path)
        let config: NodeConfig
        do { config = try TOMLDecoder().decode(NodeConfig.self, from: table) } catch {
            throw NodeError.invalidConfig(path: path, reason: "a value could not be read; compare the file with docs/OPERATOR.md or recreate it with 'filtop node init --force'")
        }
        try config.validate(path: path)
        return config
    }

    /// Every key of the file and the TOML type its value must have (`.array`: of strings).
    private static var schema: [String: [String: TOMLType]] {
        [
            "node": ["listen": .string, "roles": .array, "region": .string, "country": .string, "payment_address": .string, "record_ttl": .int],
            "register": ["address": .string, "node_id": .string, "refresh_seconds": .int],
            "ledger": ["address": .string, "node_id": .string, "epoch_ms": .int, "settle_delay": .int],
            "gateway": ["allow": .array, "block": .array, "max_provider_latency_ms": .int, "search_fee": .string, "offers_fee": .string],
            "retrieval": ["deal_timeout_seconds": .int, "brokerage_bps": .int, "max_brokerage_bps": .int, "max_send_rate": .int],
            "admin": ["keys": .array],
        ]
    }

    /// Rejects unknown sections and keys and values of the wrong type, before decoding
    /// (whose errors name neither the key nor the expected type).
    private static func rejectUnknownKeys(_ table: TOMLTable, path: String) throws {
        for key in table.keys {
            guard let known = schema[key] else { throw NodeError.invalidConfig(path: path, reason: "unknown section [\(key)]") }
            guard let section = table[key]?.table else { throw NodeError.invalidConfig(path: path, reason: "[\(key)] must be a table") }
            for k in section.keys {
                guard let expected = known[k] else { throw NodeError.invalidConfig(path: path, reason: "unknown key '\(k)' in [\(key)]") }
                guard let value = section[k] else { continue }
                let name = expected == .int ? "an integer" : expected == .string ? "a quoted string" : "a list of quoted strings"
                var ok = value.type == expected
                if ok, expected == .array, let items = value.array { ok = items.allSatisfy { $0.type == .string } }
                guard ok else {
                    throw NodeError.invalidConfig(path: path, reason: "\(key).\(k) must be \(name), not \(value.type) \(value.debugDescription)")
                }
            }
        }
    }

    /// Largest `record_ttl`: a week, so a dead node drops out of registers in days.
    public static let recordTTLRange = 1...604_800
    /// `refresh_seconds`: from a second to a day.
    public static let refreshSecondsRange = 1...86_400

    /// `epoch_ms`: from a tenth of a second to a minute.
    public static let epochMillisRange = 100...60_000
    /// `settle_delay`: up to a million epochs (11½ days at one a second).
    public static let settleDelayRange = 0...1_000_000

    /// `max_provider_latency_ms`: up to a minute; 0 turns the limit off.
    public static let providerLatencyRange = 0...60_000

    /// `deal_timeout_seconds`: from ten seconds to a day.
    public static let dealTimeoutRange = 10...86_400
    /// Brokerage in basis points: 0 … 10000 (all of it).
    public static let basisPointsRange = 0...10_000
    /// `max_send_rate`: 0 (no cap), or 1 KiB/s … 64 GiB/s.
    public static let sendRateRange = 1_024...(64 << 30)

    /// Checks every value, naming the first bad one.
    public func validate(path: String) throws {
        do { _ = try NodeAddress(node.listen, allowingPortZero: true) } catch {
            throw NodeError.invalidConfig(path: path, reason: "node.listen: \(error)")
        }
        for r in node.roles where NodeRecord.Role(rawValue: r) == nil {
            throw NodeError.invalidConfig(path: path, reason: "node.roles: unknown role '\(r)' (client, gateway, ledger, provider, register)")
        }
        guard Self.recordTTLRange.contains(node.recordTTL) else {
            throw NodeError.invalidConfig(
                path: path, reason: "node.record_ttl must be \(Self.recordTTLRange.lowerBound)…\(Self.recordTTLRange.upperBound) seconds (got \(node.recordTTL))")
        }
        try Self.checkText(node.region, key: "node.region", maxBytes: NodeRecord.maxRegionLength, path: path)
        guard node.country.count == 2, node.country.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw NodeError.invalidConfig(
                path: path, reason: "node.country must be an ISO 3166-1 alpha-2 code of two capital letters, like DE or ZZ (got '\(node.country)')")
        }
        try Self.checkText(node.paymentAddress, key: "node.payment_address", maxBytes: NodeRecord.maxPaymentAddressLength, path: path)
        if !register.address.isEmpty {
            do { _ = try NodeAddress(register.address) } catch {
                throw NodeError.invalidConfig(path: path, reason: "register.address: \(error)")
            }
            do { _ = try NodeID(register.nodeID) } catch {
                throw NodeError.invalidConfig(path: path, reason: "register.node_id: \(error)")
            }
        }
        guard Self.refreshSecondsRange.contains(register.refreshSeconds) else {
            throw NodeError.invalidConfig(
                path: path,
                reason: "register.refresh_seconds must be \(Self.refreshSecondsRange.lowerBound)…\(Self.refreshSecondsRange.upperBound) (got \(register.refreshSeconds))")
        }
        if !ledger.address.isEmpty || !ledger.nodeID.isEmpty {
            do { _ = try NodeAddress(ledger.address) } catch {
                throw NodeError.invalidConfig(path: path, reason: "ledger.address: \(error) (set both address and node_id, or neither)")
            }
            do { _ = try NodeID(ledger.nodeID) } catch {
                throw NodeError.invalidConfig(path: path, reason: "ledger.node_id: \(error) (set both address and node_id, or neither)")
            }
        }
        guard Self.epochMillisRange.contains(ledger.epochMillis) else {
            throw NodeError.invalidConfig(path: path, reason: "ledger.epoch_ms must be \(Self.epochMillisRange.lowerBound)…\(Self.epochMillisRange.upperBound) (got \(ledger.epochMillis))")
        }
        guard Self.settleDelayRange.contains(ledger.settleDelay) else {
            throw NodeError.invalidConfig(path: path, reason: "ledger.settle_delay must be \(Self.settleDelayRange.lowerBound)…\(Self.settleDelayRange.upperBound) epochs (got \(ledger.settleDelay))")
        }
        for (key, list) in [("gateway.allow", gateway.allow), ("gateway.block", gateway.block)] {
            for k in list {
                do { _ = try NodeID(k) } catch { throw NodeError.invalidConfig(path: path, reason: "\(key): \(error)") }
            }
        }
        if let both = Set(gateway.allow).intersection(gateway.block).first {
            throw NodeError.invalidConfig(path: path, reason: "gateway.allow and gateway.block both name \(both); keep it in one list")
        }
        guard Self.providerLatencyRange.contains(gateway.maxProviderLatencyMillis) else {
            throw NodeError.invalidConfig(
                path: path,
                reason: "gateway.max_provider_latency_ms must be \(Self.providerLatencyRange.lowerBound)…\(Self.providerLatencyRange.upperBound) (0: no limit; got \(gateway.maxProviderLatencyMillis))")
        }
        for (key, text) in [("gateway.search_fee", gateway.searchFee), ("gateway.offers_fee", gateway.offersFee)] {
            do { _ = try TokenAmount(text) } catch {
                throw NodeError.invalidConfig(path: path, reason: "\(key): \(error) (write it like \"1000 attoFIL\" or \"0.000001 FIL\")")
            }
        }
        guard Self.dealTimeoutRange.contains(retrieval.dealTimeoutSeconds) else {
            throw NodeError.invalidConfig(path: path, reason: "retrieval.deal_timeout_seconds must be \(Self.dealTimeoutRange.lowerBound)…\(Self.dealTimeoutRange.upperBound) (got \(retrieval.dealTimeoutSeconds))")
        }
        for (key, value) in [("retrieval.brokerage_bps", retrieval.brokerageBasisPoints), ("retrieval.max_brokerage_bps", retrieval.maxBrokerageBasisPoints)] {
            guard Self.basisPointsRange.contains(value) else {
                throw NodeError.invalidConfig(path: path, reason: "\(key) must be 0…10000 basis points (100 = 1 %; got \(value))")
            }
        }
        guard retrieval.maxSendRate == 0 || Self.sendRateRange.contains(retrieval.maxSendRate) else {
            throw NodeError.invalidConfig(path: path, reason: "retrieval.max_send_rate must be 0 (no cap) or \(Self.sendRateRange.lowerBound)…\(Self.sendRateRange.upperBound) bytes per second (got \(retrieval.maxSendRate))")
        }
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

    /// Refuses control characters and over-long text in a value that is published or
    /// written into config.toml.
    private static func checkText(_ text: String, key: String, maxBytes: Int, path: String) throws {
        guard text.utf8.count <= maxBytes else {
            throw NodeError.invalidConfig(path: path, reason: "\(key) must be at most \(maxBytes) bytes of UTF-8 (got \(text.utf8.count))")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw NodeError.invalidConfig(path: path, reason: "\(key) must not contain control characters such as newlines or tabs")
        }
    }

    /// The config as a TOML file, encoded (and escaped) by TOMLKit, under a comment
    /// pointing at the operator guide.
    public var rendered: String {
        get throws {
            "# filtop node configuration (docs/OPERATOR.md explains every key).\n\n" + (try TOMLEncoder().encode(self)) + "\n"
        }
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
