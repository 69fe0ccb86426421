import Foundation
import NIOCore

/// The provider's side of retrieval deals: answers queries, accepts or rejects
/// proposals against its ask and terms, streams each deal's blocks in transfer order,
/// pausing at every payment threshold until a voucher covers what it sent, and credits
/// payments from the client or from the deal's broker.
///
/// Every deal is in `DealStore` from the moment it is accepted, and every status change
/// is stored before it is acted on, so after a restart a returning client's transfer
/// continues where its last verified block was. A deal whose client stays silent for
/// `retrieval.deal_timeout_seconds` (no transfer, no payment) fails. A peer cannot grow
/// the node: at most `maxOpenDeals` deals are open, `maxOpenPerClient` per client.
public final class ProviderDeals: Sendable {
    public static let maxOpenDeals = 1_024
    public static let maxOpenPerClient = 64
    /// Bytes sent between progress records of a running transfer.
    static let progressStep: UInt64 = 16 << 20

    private let context: NodeContext
    let store: DealStore
    private let inbox: VoucherInbox
    private let askPrice: @Sendable () async throws -> TokenAmount
    private let afterStatusChange: StatusChangeHook
    private let live = Locked<[DealKey: LiveDeal]>([:])
    private let transferring = Locked<[DealKey: Int]>([:])

    init(
        context: NodeContext, store: DealStore, inbox: VoucherInbox, afterStatusChange: StatusChangeHook,
        askPrice: @escaping @Sendable () async throws -> TokenAmount
    ) {
        self.context = context
        self.store = store
        self.inbox = inbox
        self.afterStatusChange = afterStatusChange
        self.askPrice = askPrice
    }

    private var timeout: Duration { .seconds(context.config.retrieval.dealTimeoutSeconds) }

    func install(into router: RequestRouter) {
        router.on(RetrievalQuery.self) { [self] query, _ in try await answer(query) }
        router.on(DealProposal.self) { [self] proposal, client in try await propose(proposal, from: client) }
        router.on(DealPayment.self) { [self] payment, peer in try await pay(payment, from: peer) }
        router.on(DealCancel.self) { [self] cancel, client in try await self.cancel(cancel, from: client) }
        router.onStream(DealTransfer.self) { [self] request, client, sender in try await transfer(request, from: client, to: sender) }
    }

    // MARK: Query and proposal

    /// Answers a query: whether this node holds the DAG (or piece), its size, and the
    /// terms a deal for it would have.
    func answer(_ query: RetrievalQuery) async throws -> RetrievalQueryResponse {
        let ask = try await askPrice()
        let terms = try await store.terms()
        func response(
            _ status: RetrievalQueryResponse.Status, _ found: RetrievalQueryResponse.PieceFound, _ root: CID?, _ size: DAGSize?, _ message: String,
            rootBlock: [UInt8]? = nil
        ) -> RetrievalQueryResponse {
            RetrievalQueryResponse(
                status: status, pieceFound: found, payload: root, size: size?.bytes ?? 0, blocks: UInt64(size?.blocks ?? 0), paymentAddress: context.nodeID,
                pricePerByte: ask, paymentInterval: terms.paymentInterval, paymentIntervalIncrease: terms.paymentIntervalIncrease,
                unsealPrice: terms.unsealPrice, message: message, rootBlock: rootBlock)
        }
        var root = query.payload
        var found = RetrievalQueryResponse.PieceFound.unknown
        if let pieceCID = query.pieceCID {
            guard let piece = try context.blockstore.piece(pieceCID) else {
                return response(.unavailable, .unavailable, nil, nil, "this provider does not hold piece \(pieceCID)")
            }
            let pieceRoot = try CID(piece.rootCID)
            if let asked = root, asked != pieceRoot {
                return response(.unavailable, .unavailable, nil, nil, "piece \(pieceCID) holds \(pieceRoot), not \(asked)")
            }
            (root, found) = (pieceRoot, .available)
        }
        guard let root else { return response(.error, found, nil, nil, "the query names no content") }
        do {
            let size = try await TransferPlan.size(of: root, in: context.blockstore)
            return response(.available, found, root, size, "", rootBlock: try await rootBlock(root))
        } catch let error as TransferError {
            return response(.unavailable, found, nil, nil, "\(error)")
        }
    }

    /// The root's block data when the root is a dag-pb node (what a client needs to split a
    /// retrieval over the root's children).
    private func rootBlock(_ root: CID) async throws -> [UInt8]? {
        guard root.codec == Multicodec.dagPB.rawValue else { return nil }
        var plan = try await TransferPlan(blockstore: context.blockstore, root: root)
        guard let chunk = try await plan.nextChunk(maxBytes: 1) else { return nil }
        var reader = BlockSectionReader()
        guard let section = try reader.feed(chunk.sections).first, section.cid == root else { return nil }
        return Array(section.data)
    }

    /// Accepts a proposal at or above the ask (storing the deal) or rejects it with the
    /// reason; a repeated proposal answers the deal's current status.
    func propose(_ proposal: DealProposal, from client: PublicKey) async throws -> DealResponse {
        let key = DealKey(side: .provider, peer: client.nodeID, id: proposal.deal)
        if let existing = try await store.deal(key) {
            guard existing.payload == proposal.payload, existing.params == proposal.params, existing.broker == proposal.broker else {
                return DealResponse(deal: proposal.deal, status: .rejected, message: "deal ID \(proposal.deal) is already used for other terms; propose with a new ID")
            }
            return response(for: existing)
        }
        let open = live.withLock { deals in (deals.count, deals.keys.filter { $0.peer == key.peer }.count) }
        guard open.0 < Self.maxOpenDeals, open.1 < Self.maxOpenPerClient else {
            throw RetrievalError.busy("this provider has \(open.0) deals open, \(open.1) of them with \(key.peer.short)")
        }
        let ask = try await askPrice()
        if let why = try await store.terms().shortfall(of: proposal.params, pricePerByte: ask) {
            return DealResponse(deal: proposal.deal, status: .rejected, message: why)
        }
        if let pieceCID = proposal.pieceCID {
            guard let piece = try context.blockstore.piece(pieceCID), piece.rootCID == proposal.payload.description else {
                return DealResponse(deal: proposal.deal, status: .dealNotFound, message: "this provider does not hold \(proposal.payload) in piece \(pieceCID)")
            }
        }
        let size: DAGSize
        do { size = try await TransferPlan.size(of: proposal.payload, in: context.blockstore) } catch let error as TransferError {
            return DealResponse(deal: proposal.deal, status: .dealNotFound, message: "\(error)")
        }
        let record = DealRecord(
            side: .provider, id: proposal.deal, peer: client.nodeID, broker: proposal.broker, payload: proposal.payload,
            pieceCID: proposal.pieceCID, params: proposal.params, totalBytes: size.bytes, totalBlocks: UInt64(size.blocks), createdAt: context.clock.now)
        try await store.insert(record, noting: context)
        let deal = LiveDeal(record)
        live.withLock { $0[key] = deal }
        try await afterStatusChange.changed(to: record)
        try await run(try await apply(.accepted, to: deal), on: deal)
        return response(for: deal.record)
    }

    private func response(for deal: DealRecord) -> DealResponse {
        DealResponse(deal: deal.id, status: deal.status, paid: deal.paid, size: deal.totalBytes, blocks: deal.totalBlocks, message: deal.message)
    }

    // MARK: Transfer

    /// Streams the deal's blocks from block `request.from` on, pausing at each payment
    /// threshold; returns (ending the stream) once the last block is sent and paid for.
    func transfer(_ request: DealTransfer, from client: PublicKey, to sender: any StreamSending) async throws {
        let key = DealKey(side: .provider, peer: client.nodeID, id: request.deal)
        // A client that lost the end of a completed transfer (a restart after its last
        // payment) asks again from its last block: the transfer is over. The deal may also
        // complete (its superseded transfer ending it) while this one starts.
        let deal: LiveDeal
        do {
            deal = try await liveDeal(key)
        } catch RetrievalError.dealEnded(_, .completed) {
            guard let ended = try await store.deal(key), request.from >= ended.totalBlocks else { throw RetrievalError.dealEnded(key, .completed) }
            return
        }
        let me = deal.beginTransfer()
        // Stored but not yet accepted when the node stopped: accept it now.
        if deal.record.status == .new { try await run(try await apply(.accepted, to: deal), on: deal) }
        transferring.withLock { $0[key, default: 0] += 1 }
        defer { transferring.withLock { $0[key, default: 1] -= 1; if $0[key] == 0 { $0[key] = nil } } }
        if deal.record.status == .fundsNeededUnseal {
            try await wait(on: deal, transfer: me, for: "the unseal payment") { $0.status != .fundsNeededUnseal }
        }
        if deal.record.status == .unsealing { try await run(try await apply(.unsealComplete, to: deal), on: deal) }
        let record = deal.record
        guard request.from <= record.totalBlocks else {
            throw RetrievalError.notReady(key, "the transfer has \(record.totalBlocks) blocks; cannot start after block \(request.from)")
        }
        if [.unsealed, .ongoing, .fundsNeeded].contains(record.status) {
            try await send(deal, from: request.from, transfer: me, to: sender)
        }
        if deal.record.status == .fundsNeededLastPayment {
            try await wait(on: deal, transfer: me, for: "the last payment") { $0.status != .fundsNeededLastPayment }
        }
        // A transfer that another superseded may be ending the deal too: each step once.
        if deal.record.status == .finalizing { _ = try await apply(.complete, to: deal, from: .finalizing) }
        if deal.record.status == .completing { _ = try await apply(.cleanupComplete, to: deal, from: .completing) }
        guard deal.record.status == .completed else { throw RetrievalError.dealEnded(key, deal.record.status) }
        forget(key)
    }

    /// The sending loop: blocks in transfer order up to each threshold, then a pause
    /// until the payments cover what was sent; ends when every block is sent.
    private func send(_ deal: LiveDeal, from block: UInt64, transfer me: UInt64, to sender: any StreamSending) async throws {
        var cursor = try await TransferPlan(blockstore: context.blockstore, root: deal.record.payload, startingAt: Int(clamping: block))
        var position = cursor.bytesSent
        var blocks = block
        var recorded = position
        var pace = SendPace(rate: UInt64(context.config.retrieval.maxSendRate), clock: context.clock)
        while true {
            let record = deal.record
            guard deal.isCurrent(me) else { throw NetworkError.streamCancelled("a newer transfer of the deal took over") }
            guard !record.isTerminal, ![.cancelling, .failing].contains(record.status) else { throw RetrievalError.dealEnded(record.key, record.status) }
            let limit = record.params.isFree ? UInt64.max : record.params.nextThreshold(after: record.bytesPaidFor)
            if position >= limit {
                _ = try await apply(.blocksSent(blocks: blocks, bytes: position), to: deal)
                recorded = position
                _ = try await apply(.paymentRequested, to: deal)
                let sent = position
                try await wait(on: deal, transfer: me, for: "payment for \(sent) bytes sent") { $0.bytesPaidFor >= sent }
                pace.restart()
                continue
            }
            guard let chunk = try await cursor.nextChunk(maxBytes: min(limit - position, pace.chunkBytes)) else { break }
            try await pace.wait(before: chunk.bytes)
            try await sender.send(chunk.sections)
            position += chunk.bytes
            blocks += UInt64(chunk.blocks)
            if deal.record.status == .unsealed || position - recorded >= Self.progressStep {
                _ = try await apply(.blocksSent(blocks: blocks, bytes: position), to: deal)
                recorded = position
            }
        }
        if deal.record.status != .fundsNeeded || position > deal.record.bytes {
            _ = try await apply(.blocksSent(blocks: blocks, bytes: position), to: deal)
        }
        _ = try await apply(.lastPaymentRequested, to: deal)
    }

    /// Waits until `condition` holds of the deal; fails the deal when the client is silent
    /// for the deal timeout; throws when the deal ends or another transfer takes over.
    private func wait(on deal: LiveDeal, transfer me: UInt64, for what: String, until condition: @escaping @Sendable (DealRecord) -> Bool) async throws {
        let timeout = self.timeout
        let clock = context.clock
        let met = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await deal.wait(superseding: me) { condition($0) || $0.isTerminal || [.cancelling, .failing].contains($0.status) }
                return true
            }
            group.addTask {
                try await clock.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        guard met else {
            try await fail(deal, "the client sent no \(what) within \(context.config.retrieval.dealTimeoutSeconds) s")
            throw RetrievalError.dealEnded(deal.record.key, deal.record.status)
        }
        guard deal.isCurrent(me) else { throw NetworkError.streamCancelled("a newer transfer of the deal took over") }
        let record = deal.record
        guard condition(record) else { throw RetrievalError.dealEnded(record.key, record.status) }
    }

    // MARK: Payment and cancel

    /// Credits a payment for a deal from its client (direct) or its broker, and answers
    /// what the deal is now credited and how far the provider will send.
    func pay(_ payment: DealPayment, from peer: PublicKey) async throws -> DealPaymentAnswer {
        let key = DealKey(side: .provider, peer: payment.client ?? peer.nodeID, id: payment.deal)
        // A payment sent again after its answer was lost, when the deal has since ended:
        // the receipt again, and the voucher is not taken.
        if let ended = try await store.deal(key), ended.isTerminal { return receipt(ended) }
        let deal = try await liveDeal(key)
        return try await deal.payments.runThrowing { [self] in try await credit(payment, from: peer, to: deal) }
    }

    /// Credits one payment (the deal's payments run one at a time).
    private func credit(_ payment: DealPayment, from peer: PublicKey, to deal: LiveDeal) async throws -> DealPaymentAnswer {
            let record = deal.record
            var credited = record.paid
            do {
                if payment.client != nil {
                    credited = try await brokered(payment, from: peer, deal: record)
                } else {
                    let added = try await inbox.add(payment.voucher, payer: peer)
                    credited = try record.paid.adding(added)
                }
            } catch PaymentError.staleVoucher {
                // A payment sent again after a lost answer: already credited.
            }
            if credited > record.paid { try await run(try await apply(.paymentReceived(paid: credited), to: deal), on: deal) }
            return receipt(deal.record)
    }

    /// The receipt for a payment on `deal` as it stands.
    private func receipt(_ deal: DealRecord) -> DealPaymentAnswer {
        let limit = deal.params.isFree ? UInt64.max : deal.params.nextThreshold(after: deal.bytesPaidFor)
        return DealPaymentAnswer(
            deal: deal.id, status: deal.status, paid: deal.paid, total: (try? deal.params.price(of: deal.totalBytes)) ?? .max, limit: limit,
            sent: deal.bytes, size: deal.totalBytes)
    }

    /// A broker's payment: what the voucher (on the broker's channel) adds must be at least
    /// the new gross less the stated brokerage, less what the earlier payments were worth
    /// on the same terms, with the brokerage within this provider's limit. Returns the
    /// deal's new credit (gross).
    private func brokered(_ payment: DealPayment, from peer: PublicKey, deal: DealRecord) async throws -> TokenAmount {
        guard deal.broker == peer.nodeID else {
            throw RetrievalError.paymentRefused("\(peer.nodeID.short) is not the broker of deal \(deal.key)")
        }
        let limit = UInt64(context.config.retrieval.maxBrokerageBasisPoints)
        guard payment.feeBasisPoints <= limit else {
            throw RetrievalError.paymentRefused("a brokerage of \(payment.feeBasisPoints) basis points is over this provider's limit of \(limit)")
        }
        guard payment.gross > deal.paid else { return deal.paid }
        let due = try Brokerage.net(of: payment.gross, basisPoints: payment.feeBasisPoints)
            .subtracting(try Brokerage.net(of: deal.paid, basisPoints: payment.feeBasisPoints))
        let adds = try await inbox.check(payment.voucher)
        guard adds >= due else {
            throw RetrievalError.paymentRefused("the broker's voucher adds \(adds); \(due) is due for \(payment.gross) paid in all less \(payment.feeBasisPoints) basis points")
        }
        let added = try await inbox.add(payment.voucher, payer: peer)
        guard added >= due else {
            // Another voucher on the same lane was kept in between: only what this one added counts.
            throw RetrievalError.paymentRefused("the broker's voucher added \(added), not the \(due) due; a broker pays each deal on a lane of its own")
        }
        return payment.gross
    }

    /// The client cancels its deal.
    func cancel(_ request: DealCancel, from client: PublicKey) async throws -> DealResponse {
        let key = DealKey(side: .provider, peer: client.nodeID, id: request.deal)
        guard let stored = try await store.deal(key) else { throw RetrievalError.unknownDeal(key) }
        guard !stored.isTerminal else { return response(for: stored) }
        return response(for: try await cancel(key, request.reason.isEmpty ? "cancelled by the client" : "cancelled by the client: \(request.reason)"))
    }

    /// The operator cancels a provider deal: its transfer stops; the client learns it when
    /// it next asks for blocks or pays.
    func cancelAsProvider(_ key: DealKey) async throws -> DealRecord {
        try await cancel(key, "cancelled by the provider's operator")
    }

    private func cancel(_ key: DealKey, _ why: String) async throws -> DealRecord {
        let deal = try await liveDeal(key)
        _ = try await apply(.cancel(why), to: deal)
        _ = try await apply(.cancelComplete, to: deal)
        deal.poke()
        forget(key)
        return deal.record
    }

    // MARK: Housekeeping

    /// Fails every open deal whose client has been silent (no transfer running, no
    /// change) for the deal timeout. Returns how many failed.
    @discardableResult
    func sweep() async -> Int {
        let cutoff = context.clock.now.addingTimeInterval(-Double(context.config.retrieval.dealTimeoutSeconds))
        guard let open = try? await store.unfinished(side: .provider) else { return 0 }
        var failed = 0
        for record in open where record.updatedAt < cutoff && transferring.withLock({ $0[record.key] == nil }) {
            guard let deal = try? await liveDeal(record.key) else { continue }
            do {
                try await fail(deal, "the client was silent for \(context.config.retrieval.dealTimeoutSeconds) s (retrieval.deal_timeout_seconds)")
                failed += 1
            } catch {
                context.note(.error, .deal, "deal \(record.key): could not record its failure: \(error)")
            }
        }
        return failed
    }

    // MARK: Deal state

    private func fail(_ deal: LiveDeal, _ why: String) async throws {
        _ = try await apply(.failed(why), to: deal)
        _ = try await apply(.errored, to: deal)
        deal.poke()
        forget(deal.record.key)
    }

    /// The open deal `key`, from memory or the store.
    private func liveDeal(_ key: DealKey) async throws -> LiveDeal {
        if let deal = live.withLock({ $0[key] }) { return deal }
        guard let record = try await store.deal(key) else { throw RetrievalError.unknownDeal(key) }
        guard !record.isTerminal else { throw RetrievalError.dealEnded(key, record.status) }
        return live.withLock { deals in
            if let other = deals[key] { return other }
            let deal = LiveDeal(record)
            deals[key] = deal
            return deal
        }
    }

    private func forget(_ key: DealKey) { _ = live.withLock { $0.removeValue(forKey: key) } }

    /// Applies `event`, persisting the result (durably on a status change) and noting it;
    /// with `from`, only while the deal is still in that status (nothing otherwise). A
    /// status change is then passed to `afterStatusChange`, before its effects run.
    private func apply(_ event: ProviderDealMachine.Event, to deal: LiveDeal, from status: DealStatus? = nil) async throws -> [ProviderDealMachine.Effect] {
        let now = context.clock.now
        let (store, context) = (self.store, self.context)
        let (effects, changed) = try await deal.change({ (record: inout DealRecord) -> ([ProviderDealMachine.Effect], DealRecord?) in
            if let status, record.status != status { return ([], nil) }
            let before = record.status
            let effects = try ProviderDealMachine.apply(event, to: &record)
            record.updatedAt = now
            return (effects, record.status != before ? record : nil)
        }, persist: { record, before in try await store.record(record, previous: before, context: context) })
        if let changed { try await afterStatusChange.changed(to: changed) }
        return effects
    }

    /// Runs a transition's effects. Unsealing is immediate (pieces are kept unsealed as
    /// CAR files); a waiting transfer sees the other effects through the deal's record.
    private func run(_ effects: [ProviderDealMachine.Effect], on deal: LiveDeal) async throws {
        for effect in effects where effect == .unseal {
            try await run(try await apply(.unsealComplete, to: deal), on: deal)
        }
    }

    /// The provider's retrieval terms.
    func terms() async throws -> RetrievalTerms { try await store.terms() }

    /// Stores new retrieval terms, checking their range.
    func setTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms {
        for (name, value) in [("payment interval", terms.paymentInterval), ("payment interval increase", terms.paymentIntervalIncrease)] {
            guard RetrievalTerms.intervalRange.contains(value) || (name == "payment interval increase" && value == 0) else {
                throw RetrievalError.invalidValue("the \(name) must be \(RetrievalTerms.intervalRange.lowerBound)…\(RetrievalTerms.intervalRange.upperBound) bytes (got \(value))")
            }
        }
        try await store.setTerms(terms)
        context.note(.info, .deal, "retrieval terms: unseal price \(terms.unsealPrice), payment interval \(terms.paymentInterval) bytes, increase \(terms.paymentIntervalIncrease) bytes")
        return terms
    }
}
