import Foundation
import GRDB

/// The gateway's side of brokered payments (the seeds' default path): a client pays the
/// gateway it found an offer through, on the client's channel to the gateway; the gateway
/// keeps what the voucher adds, and pays the provider what the client has paid for the
/// deal in all less its brokerage (`retrieval.brokerage_bps`), cumulatively on a lane of
/// its own channel to the provider that serves this deal only; it answers with the
/// provider's receipt.
///
/// Payments to one provider are made one at a time. What each brokered deal has been
/// paid in all, and its channel and lane, are stored (`gateway_brokered_deal`) with the
/// voucher that pays it, so a client's repeated voucher (after a lost answer) is
/// forwarded again, never paid twice.
public final class PaymentBroker: Sendable {
    private let context: NodeContext
    private let inbox: VoucherInbox
    private let manager: ChannelManager
    private let database: NodeDatabase
    private let store: DealStore
    private let perProvider = Locked<[NodeID: SerialWork]>([:])

    init(context: NodeContext, store: DealStore, inbox: VoucherInbox, manager: ChannelManager) {
        self.context = context
        self.store = store
        self.inbox = inbox
        self.manager = manager
        database = context.blockstore.database
    }

    var basisPoints: UInt64 { UInt64(context.config.retrieval.brokerageBasisPoints) }

    func install(into router: RequestRouter) {
        router.on(BrokeredPayment.self) { [self] payment, client in try await broker(payment, from: client) }
    }

    /// Keeps the client's voucher and pays the provider its part.
    func broker(_ payment: BrokeredPayment, from client: PublicKey) async throws -> DealPaymentAnswer {
        let provider = payment.provider
        guard provider != context.nodeID else { throw RetrievalError.paymentRefused("a gateway does not broker payments to itself") }
        let serial = perProvider.withLock { $0[provider, default: SerialWork()] }
        return try await serial.runThrowing { [self] in try await forward(payment, from: client) }
    }

    private func forward(_ payment: BrokeredPayment, from client: PublicKey) async throws -> DealPaymentAnswer {
        let key = BrokeredDeal(client: client.nodeID, provider: payment.provider, deal: payment.deal)
        var added = TokenAmount.zero
        do {
            added = try await inbox.add(payment.voucher, payer: client)
        } catch PaymentError.staleVoucher {
            // Sent again after a lost answer: forward what is already held.
        }
        let held = try await brokered(key)
        let gross = try held.gross.adding(added)
        let voucher: Voucher
        if added > .zero {
            let step = try Brokerage.net(of: added, basisPoints: basisPoints)
            let channel: ChannelID
            if let known = held.channel {
                channel = known
            } else {
                channel = try await manager.ensureFunds(to: payment.provider, available: step, topUp: try step.multiplied(by: 100), newLane: true)
            }
            voucher = try await payProvider(channel: channel, lane: held.lane, net: try Brokerage.net(of: gross, basisPoints: basisPoints), key: key, gross: gross)
        } else {
            guard let channel = held.channel, let lane = held.lane, let signed = try await manager.voucher(channel: channel, lane: lane) else {
                throw RetrievalError.paymentRefused("the voucher adds nothing and this gateway has paid nothing for deal \(payment.deal) yet")
            }
            voucher = signed
        }
        let session = try await context.connect(to: payment.provider)
        defer { Task { await session.close() } }
        let answer = try await session.call(
            DealPayment(deal: payment.deal, client: client.nodeID, voucher: voucher, gross: gross, feeBasisPoints: basisPoints),
            expecting: DealPaymentAnswer.self)
        try await follow(key, payload: payment.payload, gross: gross, answer: answer)
        if added > .zero {
            let kept = try added.subtracting(try Brokerage.net(of: added, basisPoints: basisPoints))
            context.note(.info, .channel, "brokered \(added) from \(client.nodeID.short) for deal \(payment.deal) with \(payment.provider.short): kept \(kept)")
        }
        return answer
    }

    /// Signs the deal's next voucher to the provider (`net` in all on the deal's lane),
    /// storing the deal's gross, channel and lane with it; tops the channel up once when
    /// other deals' payments took what it held.
    private func payProvider(channel: ChannelID, lane: UInt64?, net: TokenAmount, key: BrokeredDeal, gross: TokenAmount) async throws -> Voucher {
        let record: ChannelManager.SignedRecord = { voucher, db in try Self.save(key, gross: gross, voucher: voucher, db) }
        do {
            return try await manager.createVoucher(channel: channel, amount: .cumulative(net), lane: lane, record: record)
        } catch PaymentError.overspend(_, let by, _) {
            _ = try await manager.addFunds(to: key.provider, amount: try by.multiplied(by: 100))
            return try await manager.createVoucher(channel: channel, amount: .cumulative(net), lane: lane, record: record)
        }
    }

    /// Keeps the gateway's own record of the deal (side `broker`) as the provider's receipt
    /// describes it; the deal is complete for the broker once the provider is paid in full.
    private func follow(_ key: BrokeredDeal, payload: CID, gross: TokenAmount, answer: DealPaymentAnswer) async throws {
        let dealKey = DealKey(side: .broker, peer: key.client, id: key.deal)
        let now = context.clock.now
        let status: DealStatus
        if answer.status.isTerminal(on: .provider) {
            status = answer.status
        } else {
            status = answer.paid >= answer.total ? .completed : answer.status
        }
        var record: DealRecord
        if let existing = try await store.deal(dealKey) {
            guard !existing.isTerminal else { return }
            record = existing
        } else {
            record = DealRecord(
                side: .broker, id: key.deal, peer: key.client, broker: key.provider, payload: payload,
                params: DealParams(pricePerByte: .zero, paymentInterval: 0, paymentIntervalIncrease: 0), createdAt: now)
            try await store.insert(record, noting: context)
        }
        let before = record.status
        let sent = status == .completed ? answer.size : answer.sent
        (record.status, record.paid, record.bytes, record.totalBytes, record.updatedAt) = (status, gross, sent, answer.size, now)
        try await store.record(record, previous: before, context: context)
    }

    /// What the client has paid the gateway for the deal in all, and the channel and lane
    /// the gateway pays the provider on for it (nil before its first payment).
    private func brokered(_ key: BrokeredDeal) async throws -> (gross: TokenAmount, channel: ChannelID?, lane: UInt64?) {
        try await database.read { db in
            let sql = "SELECT gross, channel, lane FROM gateway_brokered_deal WHERE client = ? AND provider = ? AND deal = ?"
            guard let row = try Row.fetchOne(db, sql: sql, arguments: [key.client.description, key.provider.description, Int64(clamping: key.deal)])
            else { return (.zero, nil, nil) }
            let r = StoredRow(row, subject: "brokered deal \(key.deal)")
            var channel: ChannelID?
            if let text = row["channel"] as String? {
                do { channel = try ChannelID(text) } catch {
                    throw CorruptRowError(subject: "brokered deal \(key.deal)", column: "channel", problem: "\(error)")
                }
            }
            return (try r.amount("gross"), channel, try r.optionalInteger("lane").map { UInt64(max(0, $0)) })
        }
    }

    private static func save(_ key: BrokeredDeal, gross: TokenAmount, voucher: Voucher, _ db: Database) throws {
        try db.execute(sql: "REPLACE INTO gateway_brokered_deal (client, provider, deal, gross, channel, lane) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [key.client.description, key.provider.description, Int64(clamping: key.deal), String(gross.attoFIL),
                                   voucher.channel.description, Int64(clamping: voucher.lane)])
    }
}

/// A deal the gateway brokers payments for: the client's deal ID with a provider.
struct BrokeredDeal: Hashable, Sendable {
    let client: NodeID
    let provider: NodeID
    let deal: UInt64
}
