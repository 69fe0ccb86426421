import Foundation
import GRDB

/// The node's retrieval deals in SQLite, on both sides, with every status change kept as
/// history. Each save is one durable transaction: a deal's new state is on disk before
/// the driver runs its effects, so a node killed at any point restarts with every deal
/// where it was last known to be.
public struct DealStore: Sendable {
    let database: NodeDatabase

    init(database: NodeDatabase) { self.database = database }

    /// Inserts `deal` (new) with its first history entry; with `context`, notes it in the
    /// journal.
    func insert(_ deal: DealRecord, noting context: NodeContext? = nil) async throws {
        try await database.writeDurably { db in
            try Self.write(deal, insert: true, db)
            try Self.appendHistory(deal, db)
        }
        if let context { DealJournal.note(deal, context: context) }
    }

    /// Stores `deal`'s current state; appends a history entry when its status changed
    /// from `previous`.
    func save(_ deal: DealRecord, previous: DealStatus) async throws {
        try await database.writeDurably { db in
            try Self.write(deal, insert: false, db)
            if deal.status != previous { try Self.appendHistory(deal, db) }
        }
    }

    /// Stores progress that is not a status change (counters, checkpoint) without
    /// flushing to disk: losing it to a power cut only repeats verified work.
    func saveProgress(_ deal: DealRecord) async throws {
        try await database.write { db in try Self.write(deal, insert: false, db) }
    }

    /// Stores a changed deal as a machine's step leaves it: a status change durably, with
    /// its history entry and a journal event; progress alone without flushing.
    func record(_ deal: DealRecord, previous: DealStatus, context: NodeContext) async throws {
        guard deal.status != previous else { return try await saveProgress(deal) }
        try await save(deal, previous: previous)
        DealJournal.note(deal, context: context)
    }

    /// The deal `key`, or nil.
    func deal(_ key: DealKey) async throws -> DealRecord? {
        guard let id = Int64(exactly: key.id) else { return nil }
        return try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM retrieval_deal WHERE side = ? AND peer = ? AND id = ?",
                             arguments: [key.side.rawValue, key.peer.description, id]).map(Self.decode)
        }
    }

    /// Deals, newest first: all, or one side's; at most `limit`.
    func deals(side: DealSide? = nil, limit: Int = 200) async throws -> [DealRecord] {
        try await database.read { db in
            let filter = side.map { "WHERE side = '\($0.rawValue)'" } ?? ""
            return try Row.fetchAll(db, sql: "SELECT * FROM retrieval_deal \(filter) ORDER BY updated_at DESC, id DESC LIMIT ?",
                                    arguments: [limit]).map(Self.decode)
        }
    }

    /// Deals of `side` not in a terminal status, oldest first.
    func unfinished(side: DealSide) async throws -> [DealRecord] {
        let terminal = DealStatus.allCases.filter { $0.isTerminal(on: side) }.map { String($0.rawValue) }.joined(separator: ",")
        return try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM retrieval_deal WHERE side = ? AND status NOT IN (\(terminal)) ORDER BY created_at",
                             arguments: [side.rawValue]).map(Self.decode)
        }
    }

    /// Deals of the retrieval request `request` (client side), by ID.
    func deals(ofRequest request: UInt64) async throws -> [DealRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM retrieval_deal WHERE side = 'client' AND request = ? ORDER BY id",
                             arguments: [Int64(request)]).map(Self.decode)
        }
    }

    /// The status changes of deal `key`, oldest first.
    func history(_ key: DealKey) async throws -> [DealHistoryEntry] {
        guard let id = Int64(exactly: key.id) else { return [] }
        return try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT status, at, bytes, paid, message FROM retrieval_deal_history
                WHERE side = ? AND peer = ? AND id = ? ORDER BY seq
                """, arguments: [key.side.rawValue, key.peer.description, id]).map { row in
                let r = StoredRow(row, subject: "a history entry of deal \(key)")
                guard let status = DealStatus(rawValue: UInt64(try r.integer("status", in: 0...64))) else {
                    throw CorruptRowError(subject: "a history entry of deal \(key)", column: "status", problem: "not a DealStatus")
                }
                return DealHistoryEntry(status: status, at: try r.time("at"), bytes: try r.size("bytes"), paid: try r.amount("paid"),
                                        message: try r.text("message"))
            }
        }
    }

    /// The ID for the client's next deal: one above every deal ID it has used.
    func nextClientDealID() async throws -> UInt64 {
        try await database.read { db in
            UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM retrieval_deal WHERE side = 'client'") ?? 0) + 1
        }
    }

    /// The ID of deal `key` as SQLite stores it. A deal ID above `Int64.max` (a peer may
    /// name one) is never stored, so it is never found either.
    private static func storedID(_ key: DealKey) throws -> Int64 {
        guard let stored = Int64(exactly: key.id) else {
            throw RetrievalError.invalidValue("deal \(key) cannot be stored: deal IDs are at most \(Int64.max); use a smaller ID")
        }
        return stored
    }

    private static func write(_ d: DealRecord, insert: Bool, _ db: Database) throws {
        let verb = insert ? "INSERT" : "REPLACE"
        try db.execute(sql: """
            \(verb) INTO retrieval_deal (side, peer, id, broker, payload, piece, price, unseal, payment_interval, payment_increase,
                status, message, total_bytes, total_blocks, blocks, bytes, paid, channel, lane, failed_block, request,
                part_output, part_offset, part_format, checkpoint, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: StatementArguments([
                d.side.rawValue, d.peer.description, try storedID(d.key), d.broker?.description, d.payload.description, d.pieceCID,
                String(d.params.pricePerByte.attoFIL), String(d.params.unsealPrice.attoFIL), Int64(clamping: d.params.paymentInterval),
                Int64(clamping: d.params.paymentIntervalIncrease), Int64(d.status.rawValue), d.message, Int64(clamping: d.totalBytes),
                Int64(clamping: d.totalBlocks), Int64(clamping: d.blocks), Int64(clamping: d.bytes), String(d.paid.attoFIL),
                d.channel?.description, d.lane.map { Int64(clamping: $0) }, d.failedBlock, d.request.map { Int64(clamping: $0) },
                d.output?.path, d.output.map { Int64(clamping: $0.offset) }, d.output.map { $0.car ? 1 : $0.region ? 2 : 0 },
                d.output?.checkpoint.map { Data($0) }, StoredTime.milliseconds(d.createdAt), StoredTime.milliseconds(d.updatedAt),
            ] as [(any DatabaseValueConvertible)?]))
    }

    private static func appendHistory(_ d: DealRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO retrieval_deal_history (side, peer, id, status, at, bytes, paid, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [d.side.rawValue, d.peer.description, try storedID(d.key), Int64(d.status.rawValue), StoredTime.milliseconds(d.updatedAt),
                             Int64(clamping: d.bytes), String(d.paid.attoFIL), d.message])
    }

    /// Decodes a `retrieval_deal` row, checking every value.
    private static func decode(_ row: Row) throws -> DealRecord {
        var r = StoredRow(row, subject: "a retrieval deal")
        guard let side = DealSide(rawValue: try r.text("side")) else {
            throw CorruptRowError(subject: "a retrieval deal", column: "side", problem: "not client or provider")
        }
        let id = UInt64(try r.integer("id", in: 0...Int64.max))
        r.subject = "retrieval deal \(id) (\(side.rawValue))"
        let subject = r.subject
        func parsed<T>(_ column: String, _ parse: (String) throws -> T) throws -> T {
            let text = try r.text(column)
            do { return try parse(text) } catch { throw CorruptRowError(subject: subject, column: column, problem: "\(error)") }
        }
        func optional<T>(_ column: String, _ parse: (String) throws -> T) throws -> T? {
            guard let text = row[column] as String? else { return nil }
            do { return try parse(text) } catch { throw CorruptRowError(subject: subject, column: column, problem: "\(error)") }
        }
        guard let status = DealStatus(rawValue: UInt64(try r.integer("status", in: 0...64))) else {
            throw CorruptRowError(subject: subject, column: "status", problem: "not a DealStatus")
        }
        let params = DealParams(pricePerByte: try r.amount("price"), unsealPrice: try r.amount("unseal"),
                                paymentInterval: try r.size("payment_interval"), paymentIntervalIncrease: try r.size("payment_increase"))
        let output: DealOutput? = try optional("part_output") { $0 }.map { path in
            let format = try r.optionalInteger("part_format") ?? 0
            return DealOutput(path: path, car: format == 1, region: format == 2,
                       offset: UInt64(max(0, try r.optionalInteger("part_offset") ?? 0)),
                       checkpoint: (row["checkpoint"] as Data?).map { [UInt8]($0) })
        }
        return DealRecord(
            side: side, id: id, peer: try parsed("peer") { try NodeID($0) }, broker: try optional("broker") { try NodeID($0) },
            payload: try parsed("payload") { try CID($0) }, pieceCID: row["piece"], params: params, status: status,
            message: try r.text("message"), totalBytes: try r.size("total_bytes"), totalBlocks: try r.size("total_blocks"),
            blocks: try r.size("blocks"), bytes: try r.size("bytes"), paid: try r.amount("paid"),
            channel: try optional("channel") { try ChannelID($0) }, lane: try r.optionalInteger("lane").map { UInt64(max(0, $0)) },
            failedBlock: row["failed_block"], request: try r.optionalInteger("request").map { UInt64(max(0, $0)) }, output: output,
            createdAt: try r.time("created_at"), updatedAt: try r.time("updated_at"))
    }
}

/// One status change of a deal: when, and how far the transfer and payment had got.
public struct DealHistoryEntry: Sendable, Equatable {
    public var status: DealStatus
    public var at: Date
    public var bytes: UInt64
    public var paid: TokenAmount
    public var message: String

    public init(status: DealStatus, at: Date, bytes: UInt64, paid: TokenAmount, message: String) {
        self.status = status
        self.at = at
        self.bytes = bytes
        self.paid = paid
        self.message = message
    }
}

extension DealStore {
    /// The provider's stored retrieval terms; the defaults before the first `setTerms`.
    func terms() async throws -> RetrievalTerms {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT unseal, payment_interval, payment_increase FROM provider_retrieval_terms WHERE id = 1")
            else { return .default }
            let r = StoredRow(row, subject: "the provider's retrieval terms")
            return RetrievalTerms(unsealPrice: try r.amount("unseal"), paymentInterval: try r.size("payment_interval"),
                                  paymentIntervalIncrease: try r.size("payment_increase"))
        }
    }

    /// Stores `terms` (durably) for the proposals that arrive from now on.
    func setTerms(_ terms: RetrievalTerms) async throws {
        try await database.writeDurably { db in
            try db.execute(sql: "INSERT OR REPLACE INTO provider_retrieval_terms (id, unseal, payment_interval, payment_increase) VALUES (1, ?, ?, ?)",
                           arguments: [String(terms.unsealPrice.attoFIL), Int64(clamping: terms.paymentInterval), Int64(clamping: terms.paymentIntervalIncrease)])
        }
    }
}

/// A client's retrieval request as stored: what it asked for and where it writes.
struct StoredRetrievalRequest: Sendable, Equatable {
    var id: UInt64
    var payload: CID
    var pieceCID: String?
    var output: String
    var car: Bool
    var totalBytes: UInt64
    var status: RetrievalSummary.Status
    var message: String
    var createdAt: Date
    var updatedAt: Date
}

extension DealStore {
    /// Stores a new retrieval request, choosing its ID (one above every ID used).
    func insertRequest(_ make: @escaping @Sendable (UInt64) -> StoredRetrievalRequest) async throws -> StoredRetrievalRequest {
        try await database.writeDurably { db in
            let id = UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM retrieval_request") ?? 0) + 1
            let request = make(id)
            try Self.write(request, db)
            return request
        }
    }

    /// Stores `request`'s current state.
    func saveRequest(_ request: StoredRetrievalRequest) async throws {
        try await database.writeDurably { db in try Self.write(request, db) }
    }

    func request(_ id: UInt64) async throws -> StoredRetrievalRequest? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM retrieval_request WHERE id = ?", arguments: [Int64(clamping: id)]).map(Self.decodeRequest)
        }
    }

    /// Requests, newest first, at most `limit`; or only the running ones.
    func requests(runningOnly: Bool = false, limit: Int = 200) async throws -> [StoredRetrievalRequest] {
        try await database.read { db in
            let filter = runningOnly ? "WHERE status = 'running'" : ""
            return try Row.fetchAll(db, sql: "SELECT * FROM retrieval_request \(filter) ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.decodeRequest)
        }
    }

    /// The running request for `payload` writing to `output`, if there is one.
    func runningRequest(payload: CID, output: String) async throws -> StoredRetrievalRequest? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM retrieval_request WHERE status = 'running' AND payload = ? AND output = ? ORDER BY id DESC LIMIT 1",
                             arguments: [payload.description, output]).map(Self.decodeRequest)
        }
    }

    /// Records, in the transaction that stores a voucher for client deal `id` with
    /// `provider`, the channel and lane it pays on.
    static func recordLane(_ voucher: Voucher, deal id: UInt64, provider: NodeID, _ db: Database) throws {
        try db.execute(sql: "UPDATE retrieval_deal SET channel = ?, lane = ? WHERE side = 'client' AND peer = ? AND id = ?",
                       arguments: [voucher.channel.description, Int64(clamping: voucher.lane), provider.description, Int64(clamping: id)])
    }

    private static func write(_ r: StoredRetrievalRequest, _ db: Database) throws {
        try db.execute(sql: """
            REPLACE INTO retrieval_request (id, payload, piece, output, car, total_bytes, status, message, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [Int64(clamping: r.id), r.payload.description, r.pieceCID, r.output, r.car ? 1 : 0, Int64(clamping: r.totalBytes),
                             r.status.rawValue, r.message, StoredTime.milliseconds(r.createdAt), StoredTime.milliseconds(r.updatedAt)])
    }

    private static func decodeRequest(_ row: Row) throws -> StoredRetrievalRequest {
        var r = StoredRow(row, subject: "a retrieval request")
        let id = UInt64(try r.integer("id", in: 0...Int64.max))
        r.subject = "retrieval request \(id)"
        let payloadText = try r.text("payload")
        guard let payload = try? CID(payloadText) else { throw CorruptRowError(subject: r.subject, column: "payload", problem: "not a CID") }
        guard let status = RetrievalSummary.Status(rawValue: try r.text("status")) else {
            throw CorruptRowError(subject: r.subject, column: "status", problem: "not running, completed, failed or cancelled")
        }
        return StoredRetrievalRequest(
            id: id, payload: payload, pieceCID: row["piece"], output: try r.text("output"), car: try r.integer("car") != 0,
            totalBytes: try r.size("total_bytes"), status: status, message: try r.text("message"), createdAt: try r.time("created_at"),
            updatedAt: try r.time("updated_at"))
    }
}
