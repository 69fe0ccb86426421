import Foundation
import GRDB

/// What each client has paid a gateway for discovery and what it was charged.
///
/// A voucher's increase on its lane is credited (`pay`); each answered request is
/// charged (`charge`). Credit is `paid − charged` when positive; `owed` is the charge not
/// yet paid (a client that paid only the search fee and got offers owes the offers fee
/// until its next voucher). Accounts live in memory for the hot path and reach SQLite in
/// `flush` (every second and at stop); only a client that paid with a valid voucher on a
/// funded channel gets an account (free requests open none), so the table grows only with
/// paying clients.
public final class DiscoveryAccounts: Sendable {
    public struct Balance: Sendable, Equatable {
        public var paid: TokenAmount
        public var charged: TokenAmount

        public static let empty = Balance(paid: .zero, charged: .zero)

        public var credit: TokenAmount { paid > charged ? (try? paid.subtracting(charged)) ?? .zero : .zero }
        public var owed: TokenAmount { charged > paid ? (try? charged.subtracting(paid)) ?? .zero : .zero }

        /// What must be paid before a charge of `amount` is covered.
        public func shortfall(for amount: TokenAmount) -> TokenAmount {
            let due = (try? owed.adding(amount)) ?? .max
            return due > credit ? (try? due.subtracting(credit)) ?? .max : .zero
        }
    }

    private let database: NodeDatabase
    private let clock: any NodeClock
    private let balances: Locked<[NodeID: Balance]>
    private let dirty = Locked<Set<NodeID>>([])

    init(database: NodeDatabase, clock: any NodeClock) throws {
        self.database = database
        self.clock = clock
        let rows = try database.read { db in try Row.fetchAll(db, sql: "SELECT client, paid, charged FROM gateway_discovery_account") }
        var loaded: [NodeID: Balance] = [:]
        for row in rows {
            let stored = StoredRow(row, subject: "a discovery account")
            loaded[try stored.textNodeID("client")] = Balance(paid: try stored.amount("paid"), charged: try stored.amount("charged"))
        }
        balances = Locked(loaded)
    }

    public func balance(_ client: NodeID) -> Balance { balances.withLock { $0[client] } ?? .empty }

    /// Credits `amount` (a voucher's increase) to `client`.
    @discardableResult
    func pay(_ client: NodeID, _ amount: TokenAmount) -> Balance {
        update(client) { $0.paid = (try? $0.paid.adding(amount)) ?? .max }
    }

    /// Charges `amount` to `client` when its credit covers it (with what it owes);
    /// returns the new balance, or nil (nothing charged) when it does not.
    /// A free charge (a fee configured as 0) opens no account: only paying clients have one.
    func charge(_ client: NodeID, _ amount: TokenAmount) -> Balance? {
        guard amount > .zero else {
            let b = balance(client)
            return b.shortfall(for: .zero) == .zero ? b : nil  // still owes: pay that first
        }
        return balances.withLock { table -> Balance? in
            var b = table[client] ?? .empty
            guard b.shortfall(for: amount) == .zero else { return nil }
            b.charged = (try? b.charged.adding(amount)) ?? .max
            table[client] = b
            return b
        }.map { b in
            _ = dirty.withLock { $0.insert(client) }
            return b
        }
    }

    /// Charges `amount` to `client` whether or not it is covered (the offers fee, due
    /// once offers were returned); what is not covered becomes `owed`.
    @discardableResult
    func chargeOwing(_ client: NodeID, _ amount: TokenAmount) -> Balance {
        guard amount > .zero else { return balance(client) }
        return update(client) { $0.charged = (try? $0.charged.adding(amount)) ?? .max }
    }

    private func update(_ client: NodeID, _ change: (inout Balance) -> Void) -> Balance {
        let b = balances.withLock { table -> Balance in
            var b = table[client] ?? .empty
            change(&b)
            table[client] = b
            return b
        }
        _ = dirty.withLock { $0.insert(client) }
        return b
    }

    /// Writes the accounts changed since the last flush.
    func flush() async throws {
        let clients = dirty.withLock { d -> Set<NodeID> in defer { d = [] }; return d }
        guard !clients.isEmpty else { return }
        let rows = balances.withLock { table in clients.map { ($0, table[$0] ?? .empty) } }
        let now = StoredTime.milliseconds(clock.now)
        do {
            try await database.write { db in
                for (client, b) in rows {
                    try db.execute(
                        sql: """
                            INSERT INTO gateway_discovery_account (client, paid, charged, updated_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT (client) DO UPDATE SET paid = excluded.paid, charged = excluded.charged, updated_at = excluded.updated_at
                            """, arguments: [client.description, b.paid.attoFIL.description, b.charged.attoFIL.description, now])
                }
            }
        } catch {
            dirty.withLock { $0.formUnion(clients) }
            throw error
        }
    }
}
