import Foundation

/// The client's side of retrieval deals: queries providers, turns a retrieval order
/// into a request with its deal, runs each deal (`ClientDealRun`) in the background, and
/// resumes every unfinished deal when the node starts.
///
/// A Piece CID is looked up through the gateways (paid discovery, `OfferFinder`); the
/// deal is then brokered by the gateway the offer came through. A payload CID is asked of
/// the providers in the node's copy of the register, and paid for directly.
public final class ClientDeals: Sendable {
    /// Providers asked at once when looking for a payload CID.
    static let maxQueried = 16

    private let context: NodeContext
    let store: DealStore
    private let manager: ChannelManager
    private let finder: OfferFinder?
    private let afterStatusChange: StatusChangeHook
    private let live = Locked<[DealKey: (deal: LiveDeal, task: Task<Void, Never>)]>([:])
    private let newDeals = SerialWork()

    init(context: NodeContext, store: DealStore, manager: ChannelManager, finder: OfferFinder?, afterStatusChange: StatusChangeHook) {
        self.context = context
        self.store = store
        self.manager = manager
        self.finder = finder
        self.afterStatusChange = afterStatusChange
    }

    /// Resumes every unfinished deal.
    func start() async {
        do {
            var splits = Set<UInt64>()
            for record in try await store.unfinished(side: .client) {
                if record.output?.region == true, let request = record.request {
                    splits.insert(request)
                } else {
                    launch(LiveDeal(record))
                }
            }
            for request in splits.sorted() { startSplit(request) }
        } catch {
            context.note(.error, .deal, "could not read the unfinished deals to resume them: \(error)")
        }
    }

    /// Stops every running deal where it is (each resumes on the next start).
    func stop() async {
        let splitTasks = splits.withLock { s -> [Task<Void, Never>] in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for task in splitTasks { task.cancel() }
        let running = live.withLock { deals -> [Task<Void, Never>] in
            defer { deals.removeAll() }
            return deals.values.map(\.task)
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
        for task in splitTasks { await task.value }
    }

    // MARK: Query

    /// The providers for `target` and their answers (see `RetrievalControl.query`).
    func query(_ target: String, provider: NodeID?, through gateway: NodeID? = nil) async throws -> [QueryAnswer] {
        let parsed = try RetrievalTarget(target)
        let candidates: [(provider: NodeID, gateway: NodeID?)]
        if let provider {
            candidates = [(provider, nil)]
        } else {
            candidates = try await discover(parsed, through: gateway)
        }
        return await withTaskGroup(of: (Int, QueryAnswer).self) { group in
            for (i, candidate) in candidates.enumerated() {
                group.addTask { [self] in (i, await ask(candidate.provider, gateway: candidate.gateway, about: parsed)) }
            }
            var answers: [(Int, QueryAnswer)] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func ask(_ provider: NodeID, gateway: NodeID?, about target: RetrievalTarget) async -> QueryAnswer {
        do {
            let session = try await context.connect(to: provider)
            defer { Task { await session.close() } }
            let response = try await session.call(target.query, expecting: RetrievalQueryResponse.self)
            return QueryAnswer(provider: provider, gateway: gateway, response: response)
        } catch {
            return QueryAnswer(provider: provider, gateway: gateway, response: nil, error: "\(error)")
        }
    }

    /// Providers that may hold `target`: the offers the gateways return for a Piece CID
    /// (each with the gateway it came through), or the register's providers.
    private func discover(_ target: RetrievalTarget, through gateway: NodeID?) async throws -> [(provider: NodeID, gateway: NodeID?)] {
        switch target {
        case .piece(let pieceCID):
            guard let finder else { throw RetrievalError.roleMissing(.client, "finding providers through the gateways") }
            let found = try await finder.find(pieceCID, gateway: gateway)
            var seen = Set<NodeID>()
            // An offer from this node's own gateway is paid directly: a node brokers for others.
            return found.offers.compactMap { offer in
                guard seen.insert(offer.offer.providerID).inserted else { return nil }
                return (offer.offer.providerID, offer.gateway == context.nodeID ? nil : offer.gateway)
            }
        case .payload:
            let copy = RegisterStore(database: context.blockstore.database, table: .localCopy)
            let now = UInt64(max(0, context.clock.now.timeIntervalSince1970))
            return try await copy.list(role: .provider, now: now).map(\.nodeID).filter { $0 != context.nodeID }
                .prefix(Self.maxQueried).map { ($0, nil) }
        }
    }

    // MARK: Retrieve

    /// Starts (or finds running) the retrieval `order` asks for.
    func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary {
        guard order.output.hasPrefix("/") else {
            throw RetrievalError.invalidValue("the output path must be absolute (got '\(order.output)'); the CLI and console resolve relative paths")
        }
        guard (1...16).contains(order.providerCount) else {
            throw RetrievalError.invalidValue("split a retrieval over 1 to 16 providers (got \(order.providerCount))")
        }
        let target = try RetrievalTarget(order.target)
        if case .payload(let root) = target, let running = try await store.runningRequest(payload: root, output: order.output) {
            return try await summary(running)
        }
        var answers = try await query(order.target, among: order.providers, through: order.gateway)
        answers = answers.filter { answer in
            guard let r = answer.response, r.status == .available, r.payload != nil else { return false }
            return order.maxPricePerByte.map { r.pricePerByte <= $0 } ?? true
        }
        answers.sort { ($0.response!.pricePerByte, $0.response!.unsealPrice) < ($1.response!.pricePerByte, $1.response!.unsealPrice) }
        guard let best = answers.first, let response = best.response, let root = response.payload else {
            let limit = order.maxPricePerByte.map { " at or below \($0) per byte" } ?? ""
            throw RetrievalError.noProvider("no provider offers \(order.target)\(limit); check it with 'filtop client query \(order.target)'")
        }
        if let running = try await store.runningRequest(payload: root, output: order.output) { return try await summary(running) }
        if order.car && order.providerCount > 1 {
            throw RetrievalError.invalidValue("a CAR is written by one deal in transfer order; retrieve it from one provider (--providers 1), or the file from several")
        }
        let format: RetrievalOutput.Format = order.car ? .car : .file
        if RetrievalOutput.isPartial(path: order.output, format: format) {
            throw RetrievalError.invalidValue("\(order.output) is a partial retrieval of another request; remove it and its .filtop-partial file, or choose another path")
        }
        let chosen = Array(answers.filter { $0.response?.payload == root }.prefix(order.providerCount))
        let split = order.providerCount > 1 && chosen.count > 1 ? response.rootBlock.flatMap { RetrievalSplit(root: root, block: $0) } : nil
        let now = context.clock.now
        let pieceCID: String? = if case .piece(let p) = target { p.description } else { nil }
        let request = try await store.insertRequest { id in
            StoredRetrievalRequest(id: id, payload: root, pieceCID: pieceCID, output: order.output, car: order.car, totalBytes: response.size,
                                   status: .running, message: "", createdAt: now, updatedAt: now)
        }
        guard let split else {
            let record = try await newDeals.runThrowing { [self] in
                let record = DealRecord(
                    side: .client, id: try await store.nextClientDealID(), peer: best.provider, broker: best.gateway, payload: root,
                    pieceCID: pieceCID, params: response.params, totalBytes: response.size, totalBlocks: response.blocks, request: request.id,
                    output: DealOutput(path: order.output, car: order.car), createdAt: now)
                try await store.insert(record, noting: context)
                return record
            }
            launch(LiveDeal(record))
            return try await summary(request)
        }
        try RetrievalSplit.createOutput(order.output, size: split.fileSize)
        let records = try await newDeals.runThrowing { [self] in
            let first = try await store.nextClientDealID()
            var records: [DealRecord] = []
            for (i, part) in split.parts.enumerated() {
                let answer = chosen[i % chosen.count]
                let record = DealRecord(
                    side: .client, id: first + UInt64(i), peer: answer.provider, broker: answer.gateway, payload: part.child,
                    params: answer.response!.params, request: request.id,
                    output: DealOutput(path: order.output, car: false, region: true, offset: part.offset), createdAt: now)
                try await store.insert(record, noting: context)
                records.append(record)
            }
            return records
        }
        context.note(.info, .deal, "retrieval \(request.id) of \(root): \(records.count) parts over \(chosen.count) providers")
        startSplit(request.id)
        return try await summary(request)
    }

    private func query(_ target: String, among providers: [NodeID], through gateway: NodeID?) async throws -> [QueryAnswer] {
        guard !providers.isEmpty else { return try await query(target, provider: nil, through: gateway) }
        var answers: [QueryAnswer] = []
        for p in providers { answers += try await query(target, provider: p) }
        return answers
    }

    /// Runs `deal` in the background; when it ends, its request ends with it.
    private func launch(_ deal: LiveDeal) {
        let key = deal.record.key
        let run = ClientDealRun(context: context, store: store, manager: manager, deal: deal, afterStatusChange: afterStatusChange)
        let task = Task { [self] in
            await run.run()
            guard !Task.isCancelled else { return }
            live.withLock { _ = $0.removeValue(forKey: key) }
            await finishRequest(of: deal.record)
        }
        live.withLock { $0[key] = (deal, task) }
    }

    /// Marks a single-deal request completed, failed or cancelled once its deal has ended
    /// (a split request ends in `runSplit`).
    private func finishRequest(of deal: DealRecord) async {
        guard let id = deal.request, deal.isTerminal, deal.output?.region != true else { return }
        do {
            guard var request = try await store.request(id), request.status == .running else { return }
            switch deal.status {
            case .completed: request.status = .completed
            case .cancelled: (request.status, request.message) = (.cancelled, deal.message)
            default: (request.status, request.message) = (.failed, "deal \(deal.key) \(deal.status): \(deal.message)")
            }
            request.updatedAt = context.clock.now
            try await store.saveRequest(request)
            context.note(deal.status == .completed ? .info : .warning, .deal,
                         "retrieval \(id) of \(request.payload) \(request.status.rawValue): \(request.output)\(request.message.isEmpty ? "" : " — \(request.message)")")
        } catch {
            context.note(.error, .deal, "could not record the end of retrieval \(id): \(error)")
        }
    }

    // MARK: Split retrievals

    private let splits = Locked<[UInt64: Task<Void, Never>]>([:])

    private func startSplit(_ request: UInt64) {
        let task = Task { [self] in await runSplit(request) }
        splits.withLock { $0[request] = task }
    }

    /// Runs a split request's parts until every part is complete: one deal at a time per
    /// provider, providers in parallel. A part whose deal fails (or is rejected, or finds
    /// nothing) is reassigned to another of the request's providers and its provider is
    /// not used again; the request fails when no provider is left, and is cancelled when
    /// the operator cancels one of its deals.
    private func runSplit(_ request: UInt64) async {
        var turn = 0
        while !Task.isCancelled {
            do {
                let deals = try await store.deals(ofRequest: request)
                var latest: [UInt64: DealRecord] = [:]
                for d in deals {
                    let offset = d.output?.offset ?? 0
                    if let other = latest[offset], other.id > d.id { continue }
                    latest[offset] = d
                }
                if latest.values.allSatisfy({ $0.status == .completed }) {
                    try await endSplit(request, .completed, "")
                    return
                }
                if let cancelled = latest.values.first(where: { $0.status == .cancelled }) {
                    await stopParts(of: request)
                    try await endSplit(request, .cancelled, "deal \(cancelled.key) was cancelled")
                    return
                }
                let failed = latest.values.filter { $0.isTerminal && $0.status != .completed }.sorted { $0.id < $1.id }
                let excluded = Set(deals.filter { $0.isTerminal && ![.completed, .cancelled].contains($0.status) }.map(\.peer))
                var providers: [(NodeID, NodeID?)] = []
                for d in deals.sorted(by: { $0.id < $1.id }) where !excluded.contains(d.peer) && !providers.contains(where: { $0.0 == d.peer }) {
                    providers.append((d.peer, d.broker))
                }
                if !failed.isEmpty {
                    guard !providers.isEmpty else {
                        let last = failed.last!
                        try await endSplit(request, .failed, "no provider left: deal \(last.key) \(last.status): \(last.message)")
                        return
                    }
                    for part in failed {
                        let (provider, broker) = providers[turn % providers.count]
                        turn += 1
                        try await reassign(part, to: provider, broker: broker)
                    }
                    continue
                }
                // One deal at a time per provider, in part order.
                let open = latest.values.filter { !$0.isTerminal }.sorted { $0.id < $1.id }
                let byProvider = Dictionary(grouping: open, by: \.peer)
                await withTaskGroup(of: Void.self) { group in
                    for (_, queue) in byProvider {
                        group.addTask { [self] in
                            for record in queue where !Task.isCancelled { await runPart(record) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                context.note(.error, .deal, "retrieval \(request): \(error); trying again")
                try? await context.clock.sleep(for: .seconds(5))
            }
        }
    }

    /// Runs one part's deal to its end (registered as running, so the console sees its
    /// progress and the operator can cancel it).
    private func runPart(_ record: DealRecord) async {
        let deal = live.withLock { $0[record.key]?.deal } ?? LiveDeal(record)
        let run = ClientDealRun(context: context, store: store, manager: manager, deal: deal, afterStatusChange: afterStatusChange)
        let task = Task { await run.run() }
        live.withLock { $0[record.key] = (deal, task) }
        await task.value
        if deal.record.isTerminal { live.withLock { _ = $0.removeValue(forKey: record.key) } }
    }

    /// A new deal for `part`'s region with `provider`.
    private func reassign(_ part: DealRecord, to provider: NodeID, broker: NodeID?) async throws {
        let now = context.clock.now
        let record = try await newDeals.runThrowing { [self] in
            let record = DealRecord(
                side: .client, id: try await store.nextClientDealID(), peer: provider, broker: broker, payload: part.payload,
                params: part.params, request: part.request, output: DealOutput(path: part.output!.path, car: false, region: true, offset: part.output!.offset),
                createdAt: now)
            try await store.insert(record, noting: context)
            return record
        }
        context.note(.info, .deal, "retrieval \(part.request ?? 0): the part of deal \(part.key) (\(part.status)) goes to \(provider.short) as deal \(record.key)")
    }

    private func stopParts(of request: UInt64) async {
        let running = live.withLock { deals in deals.values.filter { $0.deal.record.request == request }.map(\.task) }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    private func endSplit(_ id: UInt64, _ status: RetrievalSummary.Status, _ message: String) async throws {
        guard var request = try await store.request(id), request.status == .running else { return }
        (request.status, request.message, request.updatedAt) = (status, message, context.clock.now)
        try await store.saveRequest(request)
        context.note(status == .completed ? .info : .warning, .deal,
                     "retrieval \(id) of \(request.payload) \(status.rawValue): \(request.output)\(message.isEmpty ? "" : " — \(message)")")
    }

    // MARK: Listing and cancel

    /// A request with its deals as they are now (running deals as in memory).
    func summary(_ request: StoredRetrievalRequest) async throws -> RetrievalSummary {
        let deals = try await store.deals(ofRequest: request.id).map { live.withLock { [key = $0.key] in $0[key]?.deal.record } ?? $0 }
        var paid = TokenAmount.zero
        for d in deals { paid = try paid.adding(d.paid) }
        return RetrievalSummary(
            id: request.id, payload: request.payload, pieceCID: request.pieceCID, output: request.output, car: request.car,
            status: request.status, message: request.message, totalBytes: request.totalBytes, bytes: deals.reduce(0) { $0 + $1.bytes },
            paid: paid, createdAt: request.createdAt, updatedAt: deals.map(\.updatedAt).max() ?? request.updatedAt, deals: deals)
    }

    /// The running deals' records as in memory (progress not yet stored).
    func liveRecords() -> [DealKey: DealRecord] {
        live.withLock { $0.mapValues { $0.deal.record } }
    }

    /// Cancels the client deal `key`.
    func cancel(_ key: DealKey) async throws -> DealRecord {
        guard let running = live.withLock({ $0[key] }) else {
            guard let stored = try await store.deal(key) else { throw RetrievalError.unknownDeal(key) }
            guard !stored.isTerminal else { throw RetrievalError.dealEnded(key, stored.status) }
            throw RetrievalError.notReady(key, "it is not running on this node")
        }
        running.task.cancel()
        await running.task.value
        let deal = running.deal
        let now = context.clock.now
        let (store, context) = (self.store, self.context)
        if !deal.record.isTerminal, deal.record.status != .cancelling {
            _ = try await deal.change({ record in
                let effects = try ClientDealMachine.apply(.cancel("cancelled by the operator"), to: &record)
                record.updatedAt = now
                return effects
            }, persist: { record, before in try await store.record(record, previous: before, context: context) })
        }
        launch(deal)  // runs Cancelling → Cancelled (telling the provider)
        if let task = live.withLock({ $0[key]?.task }) { await task.value }
        return deal.record
    }
}

/// What a retrieval asks for: a DAG by its root, or a piece by its Piece CID.
enum RetrievalTarget: Sendable {
    case payload(CID)
    case piece(PieceCID)

    init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let cid: CID
        do { cid = try CID(trimmed) } catch {
            throw RetrievalError.invalidTarget("'\(text)' is not a CID: \(error); give a payload CID (bafy…) or a Piece CID (baga…)")
        }
        if cid.codec == Multicodec.filCommitmentUnsealed.rawValue {
            do { self = .piece(try PieceCID(cid)) } catch { throw RetrievalError.invalidTarget("\(error)") }
        } else {
            self = .payload(cid)
        }
    }

    var query: RetrievalQuery {
        switch self {
        case .payload(let root): return RetrievalQuery(payload: root)
        case .piece(let piece): return RetrievalQuery(payload: nil, pieceCID: piece.description)
        }
    }
}
