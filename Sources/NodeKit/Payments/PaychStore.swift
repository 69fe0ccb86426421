import Foundation
import GRDB

/// This node's payment channels and, per lane, the best voucher it signed (as payer) or
/// received (as payee), in the node's database. Channel rows mirror the ledger (funds,
/// redeemed, settle state) as last read; lanes are this node's own truth.
///
/// Every change that promises something to a peer (a voucher signed and about to leave,
/// a voucher acknowledged) is written with `writeDurably` before the promise is made.
struct PaychStore: Sendable {
    let database: NodeDatabase

    /// One channel row.
    struct Channel: Sendable, Equatable {
        var id: ChannelID
        var direction: ChannelDirection
        var peer: NodeID
        var payer: PublicKey
        var funds: TokenAmount
        var redeemed: TokenAmount
        var settlingAt: UInt64?
        var collected: Bool
        var createdAt: Date
        var updatedAt: Date
    }

    /// One lane's best voucher.
    struct Lane: Sendable, Equatable {
        var voucher: Voucher
        /// What the ledger has redeemed of this lane.
        var redeemed: TokenAmount
        var updatedAt: Date
        var state: LaneState { LaneState(lane: voucher.lane, nonce: voucher.nonce, amount: voucher.amount) }
    }

    /// Inserts or refreshes a channel from the ledger's state, keeping its creation time.
    func upsert(_ state: ChannelState, direction: ChannelDirection, now: Date, _ db: Database) throws {
        let peer = direction == .outbound ? state.payee : state.payer.nodeID
        try db.execute(sql: """
            INSERT INTO paych_channel (id, direction, peer, payer, funds, redeemed, settling_at, collected, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET funds = excluded.funds, redeemed = excluded.redeemed,
                settling_at = excluded.settling_at, collected = excluded.collected, updated_at = excluded.updated_at
            """, arguments: [
                state.id.description, direction.rawValue, peer.description, Data(state.payer.bytes), String(state.funds.attoFIL),
                String(state.redeemed.attoFIL), state.settlingAt.map { Int64(clamping: $0) }, state.collected ? 1 : 0,
                StoredTime.milliseconds(now), StoredTime.milliseconds(now),
            ])
        for lane in state.lanes {
            try db.execute(sql: "UPDATE paych_lane SET redeemed = ? WHERE channel = ? AND lane = ?",
                           arguments: [String(lane.amount.attoFIL), state.id.description, Int64(lane.lane)])
        }
    }

    /// `upsert` only when the row differs from `state` (funds, redeemed, settle state):
    /// a busy channel's batches then read its row instead of rewriting it each time.
    /// Redeemed amounts only grow per lane, so an equal total means equal lanes. Returns
    /// whether the row changed.
    @discardableResult
    func mirror(_ state: ChannelState, direction: ChannelDirection, now: Date, _ db: Database) throws -> Bool {
        if let row = try channel(state.id, db), row.funds == state.funds, row.redeemed == state.redeemed,
           row.settlingAt == state.settlingAt, row.collected == state.collected {
            return false
        }
        try upsert(state, direction: direction, now: now, db)
        return true
    }

    func mirror(_ state: ChannelState, direction: ChannelDirection, now: Date) async throws -> Bool {
        try await database.writeDurably { db in try mirror(state, direction: direction, now: now, db) }
    }

    func upsert(_ state: ChannelState, direction: ChannelDirection, now: Date) async throws {
        try await database.writeDurably { db in try upsert(state, direction: direction, now: now, db) }
    }

    /// Stores `voucher` as its lane's best (the caller `touch`es the channel).
    func saveLane(_ voucher: Voucher, now: Date, _ db: Database) throws {
        let lane = try db.cachedStatement(sql: """
            INSERT INTO paych_lane (channel, lane, nonce, amount, voucher, redeemed, updated_at) VALUES (?, ?, ?, ?, ?, '0', ?)
            ON CONFLICT (channel, lane) DO UPDATE SET nonce = excluded.nonce, amount = excluded.amount, voucher = excluded.voucher,
                updated_at = excluded.updated_at
            """)
        let channel = voucher.channel.description, time = StoredTime.milliseconds(now)
        try lane.execute(arguments: [channel, Int64(voucher.lane), Int64(voucher.nonce), String(voucher.amount.attoFIL),
                                     Data(voucher.cbor.encoded), time])
    }

    /// Marks channel `id` as changed at `now` (once per batch of lanes saved).
    func touch(_ id: ChannelID, now: Date, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE paych_channel SET updated_at = ? WHERE id = ?").execute(arguments: [StoredTime.milliseconds(now), id.description])
    }

    func channel(_ id: ChannelID, _ db: Database) throws -> Channel? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM paych_channel WHERE id = ?"), arguments: [id.description]).map(Self.channel)
    }

    func channel(_ id: ChannelID) async throws -> Channel? { try await database.read { db in try channel(id, db) } }

    /// Every channel, newest first.
    func channels() async throws -> [Channel] {
        try await database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM paych_channel ORDER BY created_at DESC, id").map(Self.channel) }
    }

    /// The newest open outbound channel to `peer`.
    func openOutbound(to peer: NodeID) async throws -> Channel? {
        try await database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM paych_channel WHERE peer = ? AND direction = 'outbound' AND settling_at IS NULL AND collected = 0
                ORDER BY created_at DESC LIMIT 1
                """, arguments: [peer.description]).map(Self.channel)
        }
    }

    func lanes(of id: ChannelID, _ db: Database) throws -> [Lane] {
        try Row.fetchAll(db, sql: "SELECT voucher, redeemed, updated_at FROM paych_lane WHERE channel = ? ORDER BY lane",
                         arguments: [id.description]).map { row in
            let r = StoredRow(row, subject: "a lane of channel \(id.short)")
            let voucher: Voucher
            do { voucher = try Voucher(cbor: try CBORDecoder.decode(Array(try r.blob("voucher")))) } catch let e as CorruptRowError { throw e } catch {
                throw CorruptRowError(subject: "a lane of channel \(id.short)", column: "voucher", problem: "\(error)")
            }
            return Lane(voucher: voucher, redeemed: try r.amount("redeemed"), updatedAt: try r.time("updated_at"))
        }
    }

    /// Each lane's nonce and amount, by lane, without decoding the vouchers: what a check
    /// or a new voucher needs, read for every voucher.
    func laneStates(of id: ChannelID, _ db: Database) throws -> [UInt64: LaneState] {
        var states: [UInt64: LaneState] = [:]
        let statement = try db.cachedStatement(sql: "SELECT lane, nonce, amount FROM paych_lane WHERE channel = ?")
        let rows = try Row.fetchCursor(statement, arguments: [id.description])
        while let row = try rows.next() {
            let r = StoredRow(row, subject: "a lane of channel \(id.short)")
            let state = LaneState(lane: UInt64(try r.integer(at: 0)), nonce: UInt64(try r.integer(at: 1)), amount: try r.amount(at: 2))
            states[state.lane] = state
        }
        return states
    }

    func lanes(of id: ChannelID) async throws -> [Lane] { try await database.read { db in try lanes(of: id, db) } }

    private static func channel(_ row: Row) throws -> Channel {
        let r = StoredRow(row, subject: "a payment channel")
        do {
            guard let direction = ChannelDirection(rawValue: try r.text("direction")) else {
                throw CorruptRowError(subject: "a payment channel", column: "direction", problem: "is neither outbound nor inbound")
            }
            return Channel(
                id: try ChannelID(try r.text("id")), direction: direction, peer: try NodeID(try r.text("peer")),
                payer: try PublicKey(bytes: Array(try r.blob("payer"))), funds: try r.amount("funds"), redeemed: try r.amount("redeemed"),
                settlingAt: try r.optionalInteger("settling_at").map(UInt64.init), collected: try r.integer("collected", maximum: 1) == 1,
                createdAt: try r.time("created_at"), updatedAt: try r.time("updated_at"))
        } catch let error as CorruptRowError {
            throw error
        } catch {
            throw CorruptRowError(subject: "a payment channel", column: "id/peer/payer", problem: "\(error)")
        }
    }
}

/// Which way a channel pays, seen from this node.
public enum ChannelDirection: String, Sendable, Equatable {
    /// This node pays (it is the channel's payer).
    case outbound
    /// This node is paid (the channel's payee).
    case inbound
}
