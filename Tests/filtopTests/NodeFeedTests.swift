import Foundation
import NodeKit
import Synchronization
import TermUI
import Testing
@testable import filtop

/// A node whose content revision the test moves, counting how often its pieces are listed.
final class RevisionNodeControl: PaymentlessControl {
    let state = Mutex((revision: Int64(1), listings: 0, pieces: Array(FixedNodeControl.pieces.prefix(3))))

    func status() async throws -> NodeStatus {
        let s = state.withLock { $0 }
        return NodeStatus(nodeID: "fidtestnode", roles: [.provider], dataDirectory: "/d", startedAt: FixedNodeControl.started,
                          pieceCount: s.pieces.count, contentRevision: s.revision, payloadBytes: 0, carBytes: 0, blockCount: 0, peerCount: 0)
    }
    func pieces() async throws -> [PieceSummary] { state.withLock { $0.listings += 1; return $0.pieces } }
    func registerPeers() async throws -> RegisterPeers { .notConfigured }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { AsyncStream { $0.finish() } }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> { AsyncThrowingStream { $0.finish() } }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }
}

@Suite struct NodeFeedTests {
    @Test func piecesAreListedAgainOnlyWhenTheContentRevisionMoves() async throws {
        let control = RevisionNodeControl()
        let mailbox = ConsoleMailbox(wake: {})
        let feed = NodeFeed(control: control, mailbox: mailbox, interval: 60)
        for _ in 0..<5 { await feed.refresh() }
        #expect(control.state.withLock { $0.listings } == 1)
        #expect(mailbox.take().snapshot?.pieces.count == 3)

        control.state.withLock { $0.revision = 2; $0.pieces = Array(FixedNodeControl.pieces.prefix(4)) }
        await feed.refresh()
        await feed.refresh()
        #expect(control.state.withLock { $0.listings } == 2)
        #expect(mailbox.take().snapshot?.pieces.count == 4)
    }
}

/// A node whose journal the test writes, counting how often its channels are read.
final class ChannelEventControl: PaymentlessControl {
    let reads = Mutex(0)
    let journal: AsyncStream<NodeEvent>
    let journalSink: AsyncStream<NodeEvent>.Continuation
    /// Yields the count after every read of the channels.
    let readCounts: AsyncStream<Int>
    private let readSink: AsyncStream<Int>.Continuation

    init() {
        (journal, journalSink) = AsyncStream.makeStream(of: NodeEvent.self)
        (readCounts, readSink) = AsyncStream.makeStream(of: Int.self)
    }

    /// The first `n` fixed channels on the `n`th read: each read shows one more.
    func channels() async throws -> [ChannelSummary] {
        let n = reads.withLock { $0 += 1; return $0 }
        readSink.yield(n)
        return Array(FixedPayments.summaries.prefix(n))
    }
    func status() async throws -> NodeStatus { try await FixedNodeControl().status() }
    func pieces() async throws -> [PieceSummary] { [] }
    func registerPeers() async throws -> RegisterPeers { .notConfigured }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { journal }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> { AsyncThrowingStream { $0.finish() } }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }

    func note(_ kind: NodeEvent.Kind, _ message: String) {
        journalSink.yield(NodeEvent(time: FixedNodeControl.started, level: .info, kind: kind, source: "filtop.node", message: message))
    }
}

@Suite struct NodeFeedChannelTests {
    /// The channels are read when the feed starts, again after a `.channel` event and when
    /// the Channels view opens; never by the status poll.
    @Test(.timeLimit(.minutes(1))) func aChannelEventMakesTheChannelsViewReadAgain() async throws {
        let control = ChannelEventControl()
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let mailbox = ConsoleMailbox(wake: { wake.yield() })
        let feed = NodeFeed(control: control, mailbox: mailbox, interval: 3600)
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = ConsoleApp(settings: ConsoleFixture.settings(), keyMap: .defaults, theme: .builtIn, mailbox: mailbox, feed: feed, time: clock)
        let task = feed.start()
        defer { task.cancel() }
        var reads = control.readCounts.makeAsyncIterator()
        let first = await reads.next()
        #expect(first == 1)
        for _ in 0..<3 { await feed.refresh() }
        #expect(control.reads.withLock { $0 } == 1, "the status poll read the channels")

        control.note(.log, "a log line, not about channels")
        control.note(.channel, "paych: settling pchexample")
        let afterTheEvent = await reads.next()
        #expect(afterTheEvent == 2)
        for await _ in wakes {
            app.update()
            if app.channelsView.caption == "2 channels" { break }
        }
        #expect(app.logView.log.lines.elements.map(\.text).contains("info paych: settling pchexample"))

        _ = app.handle(.character("4"))
        #expect(app.current === app.channelsView)
        let onOpening = await reads.next()
        #expect(onOpening == 3)
    }
}

/// A gateway whose journal the test writes, counting how often its cache is read.
final class OfferEventControl: PaymentlessControl {
    let reads = Mutex(0)
    let journal: AsyncStream<NodeEvent>
    let journalSink: AsyncStream<NodeEvent>.Continuation
    /// Yields the count after every read of the cache.
    let readCounts: AsyncStream<Int>
    private let readSink: AsyncStream<Int>.Continuation

    init() {
        (journal, journalSink) = AsyncStream.makeStream(of: NodeEvent.self)
        (readCounts, readSink) = AsyncStream.makeStream(of: Int.self)
    }

    /// The first `n` fixed cache rows on the `n`th read: each read shows one more.
    func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer] {
        let n = reads.withLock { $0 += 1; return $0 }
        readSink.yield(n)
        return Array(FixedMarket.cachedOffers(query).prefix(n))
    }
    func providerStandings() async throws -> [ProviderStanding] { FixedMarket.standings() }
    func gatewayPolicy() async throws -> GatewayPolicy { FixedMarket.policy() }
    func status() async throws -> NodeStatus { try await FixedNodeControl().status() }
    func pieces() async throws -> [PieceSummary] { [] }
    func registerPeers() async throws -> RegisterPeers { .notConfigured }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { journal }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> { AsyncThrowingStream { $0.finish() } }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }

    func note(_ kind: NodeEvent.Kind, _ message: String) {
        journalSink.yield(NodeEvent(time: FixedNodeControl.started, level: .info, kind: kind, source: "filtop.node", message: message))
    }
}

@Suite struct NodeFeedMarketTests {
    /// The cache is read when the feed starts, again after an `.offer` event and when the
    /// Offers or Providers view opens; the status poll alone never reads it.
    @Test(.timeLimit(.minutes(1))) func anOfferEventMakesTheMarketViewsReadAgain() async throws {
        let control = OfferEventControl()
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let mailbox = ConsoleMailbox(wake: { wake.yield() })
        let feed = NodeFeed(control: control, mailbox: mailbox, interval: 3600)
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = ConsoleApp(settings: ConsoleFixture.settings(), keyMap: .defaults, theme: .builtIn, mailbox: mailbox, feed: feed, time: clock)
        let task = feed.start()
        defer { task.cancel() }
        var reads = control.readCounts.makeAsyncIterator()
        let first = await reads.next()
        #expect(first == 1)
        for _ in 0..<3 { await feed.refresh() }
        #expect(control.reads.withLock { $0 } == 1, "the status poll read the cache")

        control.note(.log, "a log line, not about offers")
        control.note(.offer, "gateway: cached an offer of fidexample")
        let afterTheEvent = await reads.next()
        #expect(afterTheEvent == 2)
        for await _ in wakes {
            app.update()
            if app.offersView.caption == "2 sub-offers" { break }
        }
        #expect(app.logView.log.lines.elements.map(\.text).contains("info gateway: cached an offer of fidexample"))

        _ = app.handle(.character("6"))
        #expect(app.current === app.providersView)
        let onOpening = await reads.next()
        #expect(onOpening == 3)
        _ = app.handle(.character("5"))
        let onOffers = await reads.next()
        #expect(onOffers == 4)
    }
}

/// A node whose journal the test writes, counting how often its deals are read.
final class DealEventControl: PaymentlessControl {
    let book = DealBook()
    let journal: AsyncStream<NodeEvent>
    let journalSink: AsyncStream<NodeEvent>.Continuation
    /// Yields the count after every read of the deals.
    let readCounts: AsyncStream<Int>
    private let readSink: AsyncStream<Int>.Continuation

    init() {
        (journal, journalSink) = AsyncStream.makeStream(of: NodeEvent.self)
        (readCounts, readSink) = AsyncStream.makeStream(of: Int.self)
    }

    func deals() async throws -> [DealRecord] {
        let deals = book.deals()
        readSink.yield(book.reads)
        return deals
    }
    func status() async throws -> NodeStatus { try await FixedNodeControl().status() }
    func pieces() async throws -> [PieceSummary] { [] }
    func registerPeers() async throws -> RegisterPeers { .notConfigured }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { journal }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> { AsyncThrowingStream { $0.finish() } }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }

    func note(_ kind: NodeEvent.Kind, _ message: String) {
        journalSink.yield(NodeEvent(time: FixedNodeControl.started, level: .info, kind: kind, source: "filtop.node", message: message))
    }
}

@Suite struct NodeFeedDealTests {
    /// The deals are read when the feed starts, again after a `.deal` event and when the
    /// Deals view opens, and by every poll while one is open (progress is not journaled):
    /// one read a poll, none while every deal has ended.
    @Test(.timeLimit(.minutes(1))) func aDealEventAndAnOpenDealMakeTheDealsViewReadAgain() async throws {
        let control = DealEventControl()
        let ended = FixedDeals.deals.filter { !$0.isTerminal }
        for deal in ended { control.book.move(deal.key, bytes: deal.totalBytes, status: .completed) }
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let mailbox = ConsoleMailbox(wake: { wake.yield() })
        let feed = NodeFeed(control: control, mailbox: mailbox, interval: 3600)
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = ConsoleApp(settings: ConsoleFixture.settings(), keyMap: .defaults, theme: .builtIn, mailbox: mailbox, feed: feed, time: clock)
        let task = feed.start()
        defer { task.cancel() }
        var reads = control.readCounts.makeAsyncIterator()
        let first = await reads.next()
        #expect(first == 1)
        for _ in 0..<3 { await feed.poll() }
        #expect(!feed.pollReadsDeals, "every deal has ended")

        control.book.move(ended[0].key, bytes: 0, status: .ongoing)
        control.note(.log, "a log line, not about deals")
        control.note(.deal, "deal c7 (client) with provider fidexample: Ongoing")
        let afterTheEvent = await reads.next()
        #expect(afterTheEvent == 2, "the polls read the deals")
        for await _ in wakes {
            app.update()
            if feed.pollReadsDeals, app.logView.log.lines.elements.contains(where: { $0.text.hasSuffix("Ongoing") }) { break }
        }
        await feed.poll()
        let onPoll = await reads.next()
        #expect(onPoll == 3)

        _ = app.handle(.character("7"))
        #expect(app.current === app.dealsView)
        let onOpening = await reads.next()
        #expect(onOpening == 4)

        control.book.move(ended[0].key, bytes: ended[0].totalBytes, status: .completed)
        await feed.refreshDeals()
        #expect(!feed.pollReadsDeals)
    }
}
