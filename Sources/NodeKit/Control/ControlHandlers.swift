import Foundation

/// The admin protocol's server side: answers each control request by calling a
/// `NodeControl` — on a node, its `ControlService`, the same object an in-process console
/// calls — for admin keys only; any other peer is refused with `notAdmin`.
public struct ControlHandlers: Sendable {
    let control: any NodeControl
    let isAdmin: @Sendable (PublicKey) -> Bool
    let refused: @Sendable (PublicKey) -> Void

    /// Serves `control` to peers `isAdmin` accepts; `refused` hears of every other.
    public init(control: any NodeControl, isAdmin: @escaping @Sendable (PublicKey) -> Bool,
                refused: @escaping @Sendable (PublicKey) -> Void = { _ in }) {
        self.control = control
        self.isAdmin = isAdmin
        self.refused = refused
    }

    private func requireAdmin(_ peer: PublicKey) throws {
        guard isAdmin(peer) else {
            refused(peer)
            throw NodeError.notAdmin(peer.nodeID.description)
        }
    }

    public func install(into router: RequestRouter) {
        router.on(ControlStatusRequest.self) { _, peer in
            try requireAdmin(peer)
            return ControlStatus(try await control.status())
        }
        router.on(ControlPiecesRequest.self) { request, peer in
            try requireAdmin(peer)
            let all = try await control.pieces()
            let start = Int(min(request.offset, UInt64(all.count)))
            let end = min(all.count, start + Int(request.limit))
            return ControlPieces(total: UInt64(all.count), pieces: Array(all[start..<end]))
        }
        router.on(ControlPeersRequest.self) { request, peer in
            try requireAdmin(peer)
            let peers = try await control.registerPeers()
            let start = Int(min(request.offset, UInt64(peers.records.count)))
            let end = min(peers.records.count, start + Int(request.limit))
            return ControlPeers(configured: peers.configured, total: UInt64(peers.records.count), peers: Array(peers.records[start..<end]))
        }
        router.on(ControlEventsRequest.self) { request, peer in
            try requireAdmin(peer)
            return ControlEvents(events: try await control.eventPage(after: request.after, wait: .milliseconds(Int64(request.waitMillis))))
        }
        router.on(ControlImportRequest.self) { request, peer in
            try requireAdmin(peer)
            for try await update in await control.importFile(request.path) {
                if case .finished(let piece) = update { return ControlImported(piece: piece) }
            }
            throw Refusal(.failed, "the import of \(request.path) ended without a piece")
        }
        router.on(ControlImportProgressRequest.self) { request, peer in
            try requireAdmin(peer)
            let p = try await control.importProgress(of: request.path)
            return ControlImportProgress(done: p?.done ?? 0, total: p?.total ?? 0)
        }
        router.on(ControlPaymentRequest.self) { request, peer in
            try requireAdmin(peer)
            return try await answer(request)
        }
        router.on(ControlMarketRequest.self) { request, peer in
            try requireAdmin(peer)
            return try await answer(request)
        }
        router.on(ControlRetrievalRequest.self) { request, peer in
            try requireAdmin(peer)
            return try await answer(request)
        }
    }

    private func answer(_ r: ControlPaymentRequest) async throws -> ControlPaymentAnswer {
        switch r.action {
        case .channels: return ControlPaymentAnswer(channels: try await control.channels())
        case .channel: return ControlPaymentAnswer(channels: [try await control.channel(try r.required(r.channel, "channel"))])
        case .addFunds: return ControlPaymentAnswer(channels: [try await control.addFunds(peer: try r.required(r.peer, "peer"), amount: r.amount)])
        case .voucherCreate:
            let made = try await control.createVoucher(channel: try r.required(r.channel, "channel"), amount: r.amount, lane: r.lane, send: r.send)
            return ControlPaymentAnswer(vouchers: [made.voucher], receipt: made.receipt)
        case .voucherCheck:
            return ControlPaymentAnswer(amount: try await control.checkVoucher(channel: try r.required(r.channel, "channel"), voucher: try r.required(r.voucher, "voucher")))
        case .voucherAdd:
            return ControlPaymentAnswer(amount: try await control.addVoucher(channel: try r.required(r.channel, "channel"), voucher: try r.required(r.voucher, "voucher")))
        case .voucherList: return ControlPaymentAnswer(vouchers: try await control.vouchers(channel: try r.required(r.channel, "channel")))
        case .voucherBestSpendable: return ControlPaymentAnswer(vouchers: try await control.bestSpendable(channel: try r.required(r.channel, "channel")))
        case .voucherSubmit:
            return ControlPaymentAnswer(count: UInt64(try await control.submitVoucher(channel: try r.required(r.channel, "channel"), voucher: r.voucher)))
        case .settle: return ControlPaymentAnswer(channels: [try await control.settle(try r.required(r.channel, "channel"))])
        case .collect: return ControlPaymentAnswer(channels: [try await control.collect(try r.required(r.channel, "channel"))])
        case .ledgerStatus: return ControlPaymentAnswer(status: try await control.ledgerStatus())
        case .ledgerAccounts: return ControlPaymentAnswer(accounts: try await control.ledgerAccounts())
        case .ledgerAccount: return ControlPaymentAnswer(accounts: [try await control.ledgerAccount()])
        case .faucet: return ControlPaymentAnswer(accounts: [try await control.faucet(account: try r.required(r.peer, "peer"), amount: r.amount)])
        }
    }

    private func answer(_ r: ControlMarketRequest) async throws -> ControlMarketAnswer {
        switch r.action {
        case .ask: return ControlMarketAnswer(ask: try await control.ask())
        case .setAsk: return ControlMarketAnswer(ask: try await control.setAsk(try r.required(r.ask, "ask")))
        case .publish: return ControlMarketAnswer(publications: try await control.publish(to: r.gateways))
        case .publications: return ControlMarketAnswer(publications: try await control.publications())
        case .offers: return ControlMarketAnswer(offers: try await control.cachedOffers(r.offerQuery))
        case .providers: return ControlMarketAnswer(standings: try await control.providerStandings())
        case .setListing:
            let standing = try await control.setListing(try r.required(r.listing, "listing"), for: try r.required(r.provider, "provider"))
            return ControlMarketAnswer(standings: [standing])
        case .policy: return ControlMarketAnswer(policy: try await control.gatewayPolicy())
        case .find: return ControlMarketAnswer(found: try await control.findOffers(try r.required(r.pieceCID, "piece"), gateway: r.gateway))
        }
    }

    private func answer(_ r: ControlRetrievalRequest) async throws -> ControlRetrievalAnswer {
        switch r.action {
        case .query: return ControlRetrievalAnswer(answers: try await control.query(try r.required(r.target, "a target"), provider: r.provider))
        case .retrieve: return ControlRetrievalAnswer(summaries: [try await control.retrieve(try r.required(r.order, "an order"))])
        case .retrieval: return ControlRetrievalAnswer(summaries: [try await control.retrieval(try r.required(r.request, "a request ID"))])
        case .retrievals: return ControlRetrievalAnswer(summaries: try await control.retrievals())
        case .deals: return ControlRetrievalAnswer(deals: try await control.deals())
        case .deal: return ControlRetrievalAnswer(detail: try await control.deal(try r.required(r.deal, "a deal")))
        case .cancel: return ControlRetrievalAnswer(deals: [try await control.cancelDeal(try r.required(r.deal, "a deal"))])
        case .terms: return ControlRetrievalAnswer(terms: try await control.retrievalTerms())
        case .setTerms: return ControlRetrievalAnswer(terms: try await control.setRetrievalTerms(try r.required(r.terms, "terms")))
        }
    }
}

extension NodeError: RefusalConvertible {
    public var refusal: Refusal {
        switch self {
        case .notAdmin: return Refusal(.notAdmin, description)
        default: return Refusal(.failed, description)
        }
    }
}
