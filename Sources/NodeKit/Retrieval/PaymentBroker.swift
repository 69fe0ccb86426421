import Foundation
import GRDB

/// The gateway's side of brokered payments (the seeds' default path): a client pays the
/// gateway it found an offer through, on the client's channel to the gateway; the gateway
/// keeps what the voucher adds, pays the provider that much less its brokerage
/// (`retrieval.brokerage_bps`) on lane 0 of its own channel to the provider, and answers
/// with the provider's receipt.
///
/// Payments to one provider are made one at a time, so the gateway's vouchers reach the
/// provider in nonce order. What each brokered deal has been paid in all is stored
/// (`gateway_brokered_deal`), so a client's repeated voucher (after a lost answer) is
/// forwarded again, not paid twice.
public final class PaymentBroker: Sendable {
    /// The lane of a gateway's channel to a provider that brokered payments use.
    static let lane: UInt64 = 0

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
        let outcome: Result<DealPaymentAnswer, any Error> = await serial.run { [self] in
            do { return .success(try await forward(payment, from: client)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    private func forward(_ payment: BrokeredPayment, from client: PublicKey) async throws -> DealPaymentAnswer {
        let key = BrokeredDeal(client: client.nodeID, provider: payment.provider, deal: payment.deal)
        var added = TokenAmount.zero
        do {
            added = try await inbox.add(payment.voucher, payer: client)
        } catch PaymentError.staleVoucher {
            // Sent again after a lost answer: forward what is already held.
        }
        let before = try await gross(key)
        let gross = try before.adding(added)
        var voucher: Voucher
        if added > .zero {
            let net = try Brokerage.net(of: added, basisPoints: basisPoints)
            let channel = try await manager.ensureFunds(to: payment.provider, available: net, topUp: try net.multiplied(by: 100))
            voucher = try await manager.createVoucher(channel: channel, amount: .increment(net), lane: Self.lane) { _, db in
                try Self.save(key, gross: gross, db)
            }
        } else {
            guard let channel = try await manager.openChannel(to: payment.provider),
                  let held = try await manager.voucher(channel: channel.id, lane: Self.lane) else {
                throw RetrievalError.paymentRefused("the voucher adds nothing and this gateway has paid \(payment.provider.short) nothing yet")
            }
            voucher = held
        }
        let session = try await context.connect(to: payment.provider)
        defer { Task { await session.close() } }
        let answer = try await session.call(
            DealPayment(deal: payment.deal, client: client.nodeID, voucher: voucher, gross: gross, feeBasisPoints: basisPoints),
            expecting: DealPaymentAnswer.self)
        try await follow(key, payload: payment.payload, gross: gross, answer: answer)
        if added > .zero {
            context.note(.info, .channel, "brokered \(added) from \(client.nodeID.short) for deal \(payment.deal) with \(payment.provider.short): kept \(try added.subtracting(try Brokerage.net(of: added, basisPoints: basisPoints)))")
        }
        return answer
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
            try await store.insert(record)
            DealJournal.note(record, previous: .errored, context: context)
        }
        let before = record.status
        let sent = status == .completed ? answer.size : answer.sent
        (record.status, record.paid, record.bytes, record.totalBytes, record.updatedAt) = (status, gross, sent, answer.size, now)
        try await store.save(record, previous: before)
        DealJournal.note(record, previous: before, context: context)
    }

    /// What the client has paid the gateway for the deal in all.
    private func gross(_ key: BrokeredDeal) async throws -> TokenAmount {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT gross FROM gateway_brokered_deal WHERE client = ? AND provider = ? AND deal = ?",
                                             arguments: [key.client.description, key.provider.description, Int64(clamping: key.deal)]) else { return .zero }
            return try StoredRow(row, subject: "brokered deal \(key.deal)").amount("gross")
        }
    }

    private static func save(_ key: BrokeredDeal, gross: TokenAmount, _ db: Database) throws {
        try db.execute(sql: "REPLACE INTO gateway_brokered_deal (client, provider, deal, gross) VALUES (?, ?, ?, ?)",
                       arguments: [key.client.description, key.provider.description, Int64(clamping: key.deal), String(gross.attoFIL)])
    }
}

/// A deal the gateway brokers payments for: the client's deal ID with a provider.
struct BrokeredDeal: Hashable, Sendable {
    let client: NodeID
    let provider: NodeID
    let deal: UInt64
}
