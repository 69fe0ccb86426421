import Foundation
import GRDB

/// The devnet's chain: accounts, balances and payment channels in the node's SQLite
/// database, epochs counted from a genesis time on the node's clock.
///
/// Every message is checked and applied in one durable transaction (`writeDurably`), the
/// account nonce included, so a message is applied exactly once and a killed ledger node
/// comes back with every balance it acknowledged. Arithmetic is `TokenAmount`'s, checked
/// to the attoFIL. Channel rules follow the payment-channel actor:
/// - create: the payer's balance → the channel's funds; the ID is `ChannelID(payer:payee:nonce:)`.
/// - add funds: payer only, while the channel is not settling.
/// - update: payee only, a voucher passing `VoucherCheck` against the redeemed lanes;
///   the lane then holds the voucher's nonce and amount.
/// - settle: payer or payee, once: settling ends at `max(epoch + settleDelay, minSettle)`.
/// - collect: payer or payee, from the settle end on: redeemed → payee, the rest → payer.
public final class DevnetLedger: Ledger {
    /// The most one faucet call credits.
    public static let faucetLimit = try! TokenAmount(fil: 1_000)

    private let database: NodeDatabase
    private let clock: any NodeClock
    private let genesisMillis: UInt64
    public let epochMillis: UInt64
    public let settleDelay: UInt64

    /// Opens the ledger kept in `database`; the first open sets its genesis to now.
    public init(database: NodeDatabase, clock: any NodeClock, epochMillis: UInt64 = 1000, settleDelay: UInt64 = 60) throws {
        self.database = database
        self.clock = clock
        self.epochMillis = max(1, epochMillis)
        self.settleDelay = settleDelay
        let now = Int64(clamping: clock.now.unixMillis)
        genesisMillis = try database.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT genesis_ms FROM ledger_meta WHERE id = 1") {
                return UInt64(try StoredRow(row, subject: "the ledger's genesis").integer("genesis_ms"))
            }
            try db.execute(sql: "INSERT INTO ledger_meta (id, genesis_ms) VALUES (1, ?)", arguments: [now])
            return UInt64(now)
        }
    }

    /// The epoch now.
    public var epoch: UInt64 {
        let now = clock.now.unixMillis
        return now > genesisMillis ? (now - genesisMillis) / epochMillis : 0
    }

    public func status() async throws -> LedgerStatus {
        let (accounts, channels) = try await database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_account") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_channel") ?? 0)
        }
        return LedgerStatus(epoch: epoch, epochMillis: epochMillis, settleDelay: settleDelay, accountCount: accounts, channelCount: channels)
    }

    public func account(_ id: NodeID) async throws -> AccountState {
        try await database.read { db in try Self.account(id, db) }
    }

    public func accounts() async throws -> [AccountState] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT account, balance, nonce FROM ledger_account ORDER BY account LIMIT ?",
                             arguments: [LedgerAccounts.maxAccounts]).map { row in
                let r = StoredRow(row, subject: "a ledger account")
                let id: NodeID
                do { id = try NodeID(try r.text("account")) } catch { throw CorruptRowError(subject: "a ledger account", column: "account", problem: "\(error)") }
                return AccountState(account: id, balance: try r.amount("balance"), nonce: UInt64(try r.integer("nonce")))
            }
        }
    }

    public func channel(_ id: ChannelID) async throws -> ChannelState {
        try await database.read { db in try Self.channel(id, db) }
    }

    public func faucet(_ account: NodeID, amount: TokenAmount) async throws -> AccountState {
        guard amount <= Self.faucetLimit else {
            throw PaymentError.limit("the faucet gives at most \(Self.faucetLimit) a call (asked for \(amount))")
        }
        return try await database.writeDurably { db in
            var state = try Self.account(account, db)
            state.balance = try state.balance.adding(amount)
            try Self.save(state, db)
            return state
        }
    }

    public func apply(_ message: LedgerMessage) async throws -> LedgerReceipt {
        guard message.isValid else { throw PaymentError.badSignature("the ledger message is not signed by account \(message.account.short)") }
        let epoch = self.epoch, settleDelay = self.settleDelay
        return try await database.writeDurably { db in
            var book = AccountBook(db: db)
            let sender = try book[message.account]
            guard message.nonce == sender.nonce + 1 else {
                throw PaymentError.staleNonce(account: message.account, expected: sender.nonce + 1, got: message.nonce)
            }
            try book.update(message.account) { $0.nonce = message.nonce }
            let touched: ChannelID
            switch message.operation {
            case .createChannel(let payee, let amount):
                touched = ChannelID(payer: message.signer, payee: payee, nonce: message.nonce)
                try book.debit(message.account, amount)
                try db.execute(sql: """
                    INSERT INTO ledger_channel (id, payer, payee, funds, settling_at, min_settle, collected, created_epoch)
                    VALUES (?, ?, ?, ?, NULL, 0, 0, ?)
                    """, arguments: [touched.description, Data(message.signer.bytes), payee.description, String(amount.attoFIL), Int64(clamping: epoch)])
            case .addFunds(let id, let amount):
                let channel = try Self.channel(id, db)
                guard channel.payer == message.signer else { throw PaymentError.notParty("only the payer of channel \(id.short) may add funds to it") }
                try Self.requireOpen(channel)
                try book.debit(message.account, amount)
                let funds = try channel.funds.adding(amount)
                try db.execute(sql: "UPDATE ledger_channel SET funds = ? WHERE id = ?", arguments: [String(funds.attoFIL), id.description])
                touched = id
            case .update(let voucher):
                let channel = try Self.channel(voucher.channel, db)
                guard channel.payee == message.account else {
                    throw PaymentError.notParty("only the payee of channel \(channel.id.short) may redeem its vouchers")
                }
                let lanes = Dictionary(uniqueKeysWithValues: channel.lanes.map { ($0.lane, $0) })
                _ = try VoucherCheck.check(voucher, for: channel, lanes: lanes, epoch: epoch)
                try db.execute(sql: "INSERT OR REPLACE INTO ledger_lane (channel, lane, nonce, redeemed) VALUES (?, ?, ?, ?)",
                               arguments: [channel.id.description, Int64(voucher.lane), Int64(voucher.nonce), String(voucher.amount.attoFIL)])
                if voucher.minSettleEpoch > channel.minSettleEpoch {
                    try db.execute(sql: "UPDATE ledger_channel SET min_settle = ? WHERE id = ?",
                                   arguments: [Int64(clamping: voucher.minSettleEpoch), channel.id.description])
                }
                touched = channel.id
            case .settle(let id):
                let channel = try Self.channel(id, db)
                try Self.requireParty(message.account, channel, "settle")
                try Self.requireOpen(channel)
                let end = max(epoch &+ settleDelay, channel.minSettleEpoch, 1)  // ≥ 1: 0 means "open" on the wire
                try db.execute(sql: "UPDATE ledger_channel SET settling_at = ? WHERE id = ?", arguments: [Int64(clamping: end), id.description])
                touched = id
            case .collect(let id):
                let channel = try Self.channel(id, db)
                try Self.requireParty(message.account, channel, "collect")
                guard !channel.collected else { throw PaymentError.collected(id) }
                guard let end = channel.settlingAt else {
                    throw PaymentError.tooEarly("channel \(id.short) is not settling; settle it first ('filtop paych settle')")
                }
                guard epoch >= end else {
                    throw PaymentError.tooEarly("channel \(id.short) can be collected from epoch \(end); it is epoch \(epoch) (\(end - epoch) to go)")
                }
                let redeemed = channel.redeemed
                let refund = try channel.funds.subtracting(redeemed)
                try book.update(channel.payee) { $0.balance = try $0.balance.adding(redeemed) }
                try book.update(channel.payer.nodeID) { $0.balance = try $0.balance.adding(refund) }
                try db.execute(sql: "UPDATE ledger_channel SET collected = 1 WHERE id = ?", arguments: [id.description])
                touched = id
            }
            try book.save()
            return LedgerReceipt(epoch: epoch, channel: touched, nonce: message.nonce)
        }
    }

    /// The accounts one message touches, read once and written back together.
    private struct AccountBook {
        let db: Database
        private var touched: [NodeID: AccountState] = [:]

        init(db: Database) { self.db = db }

        subscript(id: NodeID) -> AccountState {
            mutating get throws {
                if let state = touched[id] { return state }
                let state = try DevnetLedger.account(id, db)
                touched[id] = state
                return state
            }
        }

        mutating func update(_ id: NodeID, _ change: (inout AccountState) throws -> Void) throws {
            var state = try self[id]
            try change(&state)
            touched[id] = state
        }

        mutating func debit(_ id: NodeID, _ amount: TokenAmount) throws {
            try update(id) { state in
                guard amount <= state.balance else {
                    throw PaymentError.insufficientBalance(account: id, needed: amount, available: state.balance)
                }
                state.balance = try state.balance.subtracting(amount)
            }
        }

        func save() throws {
            for state in touched.values { try DevnetLedger.save(state, db) }
        }
    }

    // MARK: - Rows

    private static func requireParty(_ account: NodeID, _ channel: ChannelState, _ what: String) throws {
        guard account == channel.payee || account == channel.payer.nodeID else {
            throw PaymentError.notParty("only the payer or payee of channel \(channel.id.short) may \(what) it")
        }
    }

    private static func requireOpen(_ channel: ChannelState) throws {
        guard !channel.collected else { throw PaymentError.collected(channel.id) }
        if let end = channel.settlingAt { throw PaymentError.settling(channel: channel.id, since: end) }
    }

    static func account(_ id: NodeID, _ db: Database) throws -> AccountState {
        guard let row = try Row.fetchOne(db, sql: "SELECT balance, nonce FROM ledger_account WHERE account = ?", arguments: [id.description]) else {
            return AccountState(account: id, balance: .zero, nonce: 0)
        }
        let r = StoredRow(row, subject: "ledger account \(id.short)")
        return AccountState(account: id, balance: try r.amount("balance"), nonce: UInt64(try r.integer("nonce")))
    }

    static func save(_ state: AccountState, _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO ledger_account (account, balance, nonce) VALUES (?, ?, ?)",
                       arguments: [state.account.description, String(state.balance.attoFIL), Int64(clamping: state.nonce)])
    }

    static func channel(_ id: ChannelID, _ db: Database) throws -> ChannelState {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ledger_channel WHERE id = ?", arguments: [id.description]) else {
            throw PaymentError.unknownChannel(id)
        }
        let subject = "ledger channel \(id.short)"
        let r = StoredRow(row, subject: subject)
        let payer: PublicKey, payee: NodeID
        do {
            payer = try PublicKey(bytes: Array(try r.blob("payer")))
            payee = try NodeID(try r.text("payee"))
        } catch let error as CorruptRowError { throw error } catch {
            throw CorruptRowError(subject: subject, column: "payer/payee", problem: "\(error)")
        }
        let lanes = try Row.fetchAll(db, sql: "SELECT lane, nonce, redeemed FROM ledger_lane WHERE channel = ? ORDER BY lane",
                                     arguments: [id.description]).map { row in
            let l = StoredRow(row, subject: subject + " lane")
            return LaneState(lane: UInt64(try l.integer("lane")), nonce: UInt64(try l.integer("nonce")), amount: try l.amount("redeemed"))
        }
        return ChannelState(
            id: id, payer: payer, payee: payee, funds: try r.amount("funds"), lanes: lanes,
            settlingAt: try r.optionalInteger("settling_at").map(UInt64.init), minSettleEpoch: UInt64(try r.integer("min_settle")),
            collected: try r.integer("collected", maximum: 1) == 1, createdEpoch: UInt64(try r.integer("created_epoch")))
    }
}
