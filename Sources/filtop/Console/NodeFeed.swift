import Foundation
import NodeKit

/// Keeps the mailbox supplied from a `NodeControl`, off the UI thread: polls status and
/// register peers every `interval` (and the pieces when the node's content revision
/// moved), streams the node's events, reads the channels and the ledger again when the
/// journal says a channel changed (never on a timer), reads the gateway's offer cache and
/// providers when the journal says an offer or a listing changed (and every poll while a
/// market view shows), reads the deals when the journal says a deal changed status (and
/// every poll while one is open, for its progress), and runs operator commands (imports,
/// payments, listings, finds, publishes, queries, retrievals, cancels) and reports their
/// outcome.
struct NodeFeed: Sendable {
    let control: NodeControl
    let mailbox: ConsoleMailbox
    let interval: TimeInterval
    /// The pieces last fetched and the content revision they belong to: an idle node
    /// with ten thousand pieces costs one small status read per poll, not a full list.
    private let lastPieces = Locked<(revision: Int64, pieces: [PieceSummary])?>(nil)
    /// Requests to read the channels again; a burst of them costs one read (the stream
    /// keeps only the newest).
    private let paymentRequests: AsyncStream<Void>
    private let paymentRequest: AsyncStream<Void>.Continuation
    /// Requests to read the offer cache, the providers and the policy again; a burst of
    /// them costs one read.
    private let marketRequests: AsyncStream<Void>
    private let marketRequest: AsyncStream<Void>.Continuation
    /// Whether the Offers or Providers view shows: the poll then reads the market too.
    private let marketWatched = Locked(false)
    /// Requests to read the deals again; a burst of them costs one read.
    private let dealRequests: AsyncStream<Void>
    private let dealRequest: AsyncStream<Void>.Continuation
    /// Whether the last read found an open deal: the poll then reads the deals too.
    private let dealsOpen = Locked(false)

    init(control: NodeControl, mailbox: ConsoleMailbox, interval: TimeInterval) {
        self.control = control
        self.mailbox = mailbox
        self.interval = interval
        (paymentRequests, paymentRequest) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (marketRequests, marketRequest) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (dealRequests, dealRequest) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts polling and streaming, and reads the channels, the market and the deals
    /// once; cancel the task to stop. Call once per feed.
    func start() -> Task<Void, Never> {
        requestPayments()
        requestMarket()
        requestDeals()
        return Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        await poll()
                        try? await Task.sleep(for: .seconds(interval))
                    }
                }
                group.addTask {
                    for await event in await control.events(after: 0) {
                        if Task.isCancelled { break }
                        if event.kind == .channel { requestPayments() }
                        if event.kind == .offer { requestMarket() }
                        if event.kind == .deal { requestDeals() }
                        mailbox.post(event)
                    }
                }
                group.addTask {
                    for await _ in paymentRequests { await refreshPayments() }
                }
                group.addTask {
                    for await _ in marketRequests { await refreshMarket() }
                }
                group.addTask {
                    for await _ in dealRequests { await refreshDeals() }
                }
            }
        }
    }

    /// One poll: the status and peers, then asks for the market while a market view shows
    /// and for the deals while one is open — at most one read of each per poll.
    func poll() async {
        await refresh()
        if marketWatched.withLock({ $0 }) { requestMarket() }
        if dealsOpen.withLock({ $0 }) { requestDeals() }
    }

    /// Asks the running feed to read the channels and the ledger again (the Channels
    /// view opened); returns at once.
    func requestPayments() { paymentRequest.yield() }

    /// Asks the running feed to read the offer cache, the providers and the policy again
    /// (a market view opened); returns at once.
    func requestMarket() { marketRequest.yield() }

    /// Whether a market view shows: while it does, every poll reads the market too, so
    /// reputations and round trips move without an event.
    func watchMarket(_ shown: Bool) { marketWatched.withLock { $0 = shown } }

    /// Asks the running feed to read the deals again (a deal changed, or one was
    /// started or cancelled); returns at once.
    func requestDeals() { dealRequest.yield() }

    /// Whether each poll reads the deals: the last read found one still open.
    var pollReadsDeals: Bool { dealsOpen.withLock { $0 } }

    /// Fetches everything once and posts it.
    func refresh() async {
        var snapshot = NodeSnapshot()
        do {
            let status = try await control.status()
            snapshot.status = status
            snapshot.pieces = try await pieces(at: status.contentRevision)
            snapshot.peers = try await control.registerPeers()
        } catch {
            snapshot.error = "\(error)"
        }
        mailbox.post(snapshot)
    }

    /// Reads the channels, the ledger's status and the node's account once and posts
    /// them; a node without a ledger still lists its channels, with the reason beside.
    func refreshPayments() async {
        var payments = PaymentsSnapshot()
        do { payments.channels = try await control.channels() } catch { payments.channelsError = "\(error)" }
        do {
            payments.ledger = try await control.ledgerStatus()
            payments.account = try await control.ledgerAccount()
        } catch {
            payments.ledgerError = "\(error)"
        }
        mailbox.post(payments)
    }

    /// Reads the gateway's offer cache (the newest `MarketSnapshot.offerLimit` rows), its
    /// providers' standings and its policy once and posts them. A node without the
    /// gateway role is posted as such, in its own words, not as an error.
    func refreshMarket() async {
        var market = MarketSnapshot()
        do {
            market.offers = try await control.cachedOffers(OfferQuery(limit: MarketSnapshot.offerLimit))
            market.standings = try await control.providerStandings()
            market.policy = try await control.gatewayPolicy()
        } catch {
            market = MarketSnapshot()
            if let why = MarketSnapshot.missingRole(error) { market.notGateway = why } else { market.error = "\(error)" }
        }
        mailbox.post(market)
    }

    /// Reads the deals once (one control call) and posts them; notes whether one is open,
    /// which keeps the poll reading them. A node that serves no deals is posted as such,
    /// in its own words, not as an error.
    func refreshDeals() async {
        var deals = DealsSnapshot()
        do {
            deals.deals = try await control.deals()
        } catch {
            if let why = DealsSnapshot.notServed(error) { deals.notServed = why } else { deals.error = "\(error)" }
        }
        dealsOpen.withLock { $0 = deals.hasOpenDeals }
        mailbox.post(deals)
    }

    /// The node's pieces at `revision`: the last list when the revision has not moved.
    private func pieces(at revision: Int64) async throws -> [PieceSummary] {
        if let last = lastPieces.withLock({ $0 }), last.revision == revision { return last.pieces }
        let pieces = try await control.pieces()
        lastPieces.withLock { $0 = (revision, pieces) }
        return pieces
    }

    /// Imports a file, posting progress and the result; refreshes the views when done.
    /// A failure is posted once, in the node's words (which name the file already).
    @discardableResult
    func importFile(_ path: String) -> Task<Void, Never> {
        Task {
            mailbox.progress(.init(path: path, done: 0, total: 0))
            do {
                for try await update in await control.importFile(path) {
                    switch update {
                    case .progress(let done, let total):
                        mailbox.progress(.init(path: path, done: done, total: total))
                    case .finished(let piece):
                        mailbox.notice("imported \(piece.source): piece \(piece.pieceCID)", .info)
                    }
                }
            } catch {
                let reason = "\(error)"
                mailbox.notice(reason.contains(path) ? "import failed: \(reason)" : "import of \(path) failed: \(reason)", .error)
            }
            mailbox.progress(nil)
            await refresh()
        }
    }

    /// Runs a confirmed payment command and flashes its outcome. The channels are read
    /// again when the node's journal reports the change, like any other channel change.
    @discardableResult
    func run(_ command: PaymentCommand) -> Task<Void, Never> {
        Task {
            do {
                mailbox.notice(command.done(try await command.perform(on: control)), .info)
            } catch {
                mailbox.notice(command.failed(error), .error)
            }
        }
    }

    /// Runs a confirmed allow, block or unlist, flashes its outcome, and reads the market
    /// again at once: a blocked provider's rows leave the Offers view without waiting for
    /// the journal or the poll.
    @discardableResult
    func run(_ change: ListingChange) -> Task<Void, Never> {
        Task {
            do {
                mailbox.notice(change.done(try await change.perform(on: control)), .info)
            } catch {
                mailbox.notice(change.failed(error), .error)
            }
            await refreshMarket()
        }
    }

    /// Pays for and runs a find-offers request (`:find`): posts what was found, or flashes
    /// why nothing could be asked.
    @discardableResult
    func find(_ pieceCID: PieceCID, gateway: NodeID?) -> Task<Void, Never> {
        Task {
            do {
                mailbox.post(found: try await control.findOffers(pieceCID, gateway: gateway))
            } catch {
                mailbox.notice("find of \(ConsoleFormat.shortID(pieceCID.description, 24)) failed: \(error)", .error)
            }
        }
    }

    /// Signs and publishes this node's offers (`:publish`) and flashes how many gateways
    /// acknowledged them.
    @discardableResult
    func publish(to gateways: [NodeID]) -> Task<Void, Never> {
        Task {
            do {
                let summary = PublicationSummary(try await control.publish(to: gateways))
                mailbox.notice(summary.line, summary.level)
            } catch {
                mailbox.notice("publish failed: \(error)", .error)
            }
        }
    }
}
