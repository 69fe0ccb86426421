import Foundation
import GRDB

/// A gateway's allow and block lists: config.toml's `[gateway] allow` and `block`, with
/// the operator's commands on top. A command's word is stored and beats the config (so
/// `unlist` of a provider the config blocks unlists it until the operator says otherwise);
/// a provider neither names is `unlisted`.
///
/// The table is small (one row per provider an operator listed) and read once at start.
public final class ProviderListings: Sendable {
    private let database: NodeDatabase
    private let clock: any NodeClock
    private let configured: [NodeID: ProviderListing]
    private let commanded: Locked<[NodeID: ProviderListing]>

    init(database: NodeDatabase, clock: any NodeClock, config: NodeConfig.GatewaySection) throws {
        self.database = database
        self.clock = clock
        var configured: [NodeID: ProviderListing] = [:]
        for id in config.allow { if let n = try? NodeID(id) { configured[n] = .allowed } }
        for id in config.block { if let n = try? NodeID(id) { configured[n] = .blocked } }
        self.configured = configured
        let rows = try database.read { db in try Row.fetchAll(db, sql: "SELECT provider, listing FROM gateway_provider_listing") }
        var commanded: [NodeID: ProviderListing] = [:]
        for row in rows {
            let stored = StoredRow(row, subject: "a provider listing")
            let text = try stored.text("listing")
            guard let listing = ProviderListing(rawValue: text) else {
                throw CorruptRowError(subject: "a provider listing", column: "listing", problem: "holds '\(text)'")
            }
            commanded[try stored.textNodeID("provider")] = listing
        }
        self.commanded = Locked(commanded)
    }

    /// The listing in force for `provider`.
    public func listing(_ provider: NodeID) -> ProviderListing {
        commanded.withLock { $0[provider] } ?? configured[provider] ?? .unlisted
    }

    /// Stores the operator's word on `provider`.
    public func set(_ listing: ProviderListing, for provider: NodeID) async throws {
        let now = StoredTime.milliseconds(clock.now)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO gateway_provider_listing (provider, listing, changed_at) VALUES (?, ?, ?)
                    ON CONFLICT (provider) DO UPDATE SET listing = excluded.listing, changed_at = excluded.changed_at
                    """, arguments: [provider.description, listing.rawValue, now])
        }
        commanded.withLock { $0[provider] = listing }
    }

    /// Every provider listed allowed or blocked, by config or command.
    public var listed: [NodeID: ProviderListing] {
        configured.merging(commanded.withLock { $0 }) { _, command in command }.filter { $0.value != .unlisted }
    }

    /// Providers named by config or command (any listing), for standings.
    public var named: Set<NodeID> { Set(configured.keys).union(commanded.withLock { Set($0.keys) }) }
}
