import Foundation
import NodeKit
import NodeKitTesting
import TermUI
@testable import filtop

/// A node that never changes: fixed identity, pieces, peers, payment channels and offer
/// cache, for deterministic screens. Payment and market commands answer as the node would
/// (the channel or the standing after the change, or the refusal) but leave the fixed
/// channels and listings as they are.
struct FixedNodeControl: NodeControl, RetrievallessControl {
    static let started = Date(timeIntervalSince1970: 1_700_000_000)
    var peers = RegisterPeers.notConfigured

    /// What the node holds as a gateway.
    enum Cache: Sendable {
        /// `FixedMarket`'s offers and providers.
        case fixed
        /// A gateway nothing has been published to yet.
        case empty
        /// No gateway role: every gateway call is refused as the node refuses it.
        case notGateway
    }
    var cache = Cache.fixed

    static let pieces: [PieceSummary] = (0..<24).map(piece)

    static func piece(_ i: Int) -> PieceSummary {
        let letters = Array("abcdefghij")
        let root: String = "bafybeig" + String(repeating: String(letters[i % 10]), count: 3) + "rootcid" + String(i * 7919 + 1_000_000, radix: 36)
        let piece: String = "baga6ea4seaq" + "piececid" + String(i * 104_729 + 1_000_000, radix: 36)
        let sources = ["video.mp4", "dataset.csv", "日本語.txt", "backup.tar"]
        let payload = UInt64(1 + i * 37_000)
        let car = UInt64(200 + i * 37_100)
        let padded = UInt64(1) << UInt64(10 + i % 12)
        return PieceSummary(rootCID: root, pieceCID: piece, payloadSize: payload, carSize: car, pieceSize: padded,
                            source: sources[i % 4], importedAt: started.addingTimeInterval(Double(i) * 3600))
    }

    func status() async throws -> NodeStatus {
        NodeStatus(nodeID: "fidtestnode7k3q2example", roles: [.provider], dataDirectory: "/var/lib/filtop",
                   startedAt: Self.started, pieceCount: Self.pieces.count, contentRevision: 1, payloadBytes: 21_000_000, carBytes: 21_100_000,
                   blockCount: 120, peerCount: peers.records.count)
    }
    func pieces() async throws -> [PieceSummary] { Self.pieces }
    func registerPeers() async throws -> RegisterPeers { peers }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { AsyncStream { $0.finish() } }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> { AsyncThrowingStream { $0.finish() } }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }

    func channels() async throws -> [ChannelSummary] { FixedPayments.summaries }
    func channel(_ id: ChannelID) async throws -> ChannelSummary { try FixedPayments.channel(id) }
    func addFunds(peer: NodeID, amount: TokenAmount) async throws -> ChannelSummary { try FixedPayments.addFunds(peer: peer, amount: amount) }
    func settle(_ channel: ChannelID) async throws -> ChannelSummary { try FixedPayments.settle(channel) }
    func collect(_ channel: ChannelID) async throws -> ChannelSummary { try FixedPayments.collect(channel) }
    func vouchers(channel: ChannelID) async throws -> [Voucher] {
        guard let c = FixedPayments.channels.first(where: { $0.summary.id == channel }) else { throw PaymentError.unknownChannel(channel) }
        return c.vouchers
    }
    func bestSpendable(channel: ChannelID) async throws -> [Voucher] {
        let c = try FixedPayments.channel(channel)
        guard c.direction == .inbound, c.redeemed < c.spent else { return [] }
        return try await vouchers(channel: channel)
    }
    func ledgerStatus() async throws -> LedgerStatus { FixedPayments.ledger }
    func ledgerAccounts() async throws -> [AccountState] { [FixedPayments.account] }
    func ledgerAccount() async throws -> AccountState { FixedPayments.account }

    /// Vouchers and the faucet would change the fixed channels and balance: refused, as
    /// a node refuses what it may not do.
    private var fixed: PaymentError { .notParty("the fixed test node's channels and balance do not change") }
    func createVoucher(channel: ChannelID, amount: TokenAmount, lane: UInt64?, send: Bool) async throws -> CreatedVoucher { throw fixed }
    func checkVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount { throw fixed }
    func addVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount { throw fixed }
    func submitVoucher(channel: ChannelID, voucher: Voucher?) async throws -> Int { throw fixed }
    func faucet(account: NodeID, amount: TokenAmount) async throws -> AccountState { throw fixed }

    private func requireGateway(_ what: String) throws {
        if cache == .notGateway { throw MarketError.roleMissing(.gateway, what) }
    }
    func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer] {
        try requireGateway("the offer cache")
        return cache == .empty ? [] : FixedMarket.cachedOffers(query)
    }
    func providerStandings() async throws -> [ProviderStanding] {
        try requireGateway("provider standings")
        return cache == .empty ? [] : FixedMarket.standings()
    }
    func setListing(_ listing: ProviderListing, for provider: NodeID) async throws -> ProviderStanding {
        try requireGateway("allow and block lists")
        var listings = FixedMarket.listings
        return try FixedMarket.setListing(listing, for: provider, in: &listings)
    }
    func gatewayPolicy() async throws -> GatewayPolicy {
        try requireGateway("the gateway policy")
        return cache == .empty
            ? GatewayPolicy(allowed: [], blocked: [], maxLatencyMillis: 0, fees: .default, cachedOffers: 0, cachedCIDs: 0) : FixedMarket.policy()
    }
    func findOffers(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult { try FixedMarket.find(pieceCID, gateway: gateway) }
    func publish(to gateways: [NodeID]) async throws -> [Publication] { try FixedMarket.publish(to: gateways) }
    func publications() async throws -> [Publication] { try FixedMarket.publish(to: []) }
    func ask() async throws -> ProviderAsk { .default }
    func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk { throw MarketError.invalidValue("the fixed test node's ask does not change") }
}

/// The two ways a console reaches a node: every snapshot and key test runs against both,
/// and both must give the same screens.
enum ControlKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// The console calls the node's control object directly.
    case inProcess
    /// The console's requests cross an admin session (over the in-memory transport, with
    /// the codec) to the same control object served by `ControlHandlers`.
    case remote

    var description: String { rawValue }

    /// `control` as a console of this kind reaches it.
    func reach(_ control: any NodeControl) async throws -> any NodeControl {
        switch self {
        case .inProcess:
            return control
        case .remote:
            let admin = KeyPair(), server = KeyPair()
            let router = RequestRouter()
            ControlHandlers(control: control, isAdmin: { $0 == admin.publicKey }).install(into: router)
            let transport = InMemoryTransport()
            let listener = try await transport.listen(on: NodeAddress(host: InMemoryTransport.host, port: 0), identity: server) {
                await router.answer($0, from: $1)
            }
            return RemoteNodeControl(address: listener.address, adminKey: admin, expectedPeer: server.publicKey.nodeID, transport: transport)
        }
    }
}

/// A console wired to a fixed node and a manual clock, with data already delivered.
enum ConsoleFixture {
    static let themes = CLI.repositoryRoot.appendingPathComponent("Sources/filtop/Themes").path

    static func settings(depth: ColorDepth = .ansi256) -> ConsoleSettings {
        ConsoleSettings(configDirectory: "/nonexistent/filtop", shippedThemes: themes, colorDepth: depth, glyphs: .unicode, readOnly: false)
    }

    /// `wake` is called whenever the feed posts (a payment command's outcome, say).
    /// `control` defaults to the fixed node with `peers`.
    static func app(clock: ManualTimeSource, peers: RegisterPeers = .notConfigured, control node: (any NodeControl)? = nil, logLines: Int = 40,
                    via kind: ControlKind = .inProcess, wake: @escaping @Sendable () -> Void = {}) async throws -> ConsoleApp {
        let control = try await kind.reach(node ?? FixedNodeControl(peers: peers))
        let mailbox = ConsoleMailbox(wake: wake)
        let settings = settings()
        let feed = NodeFeed(control: control, mailbox: mailbox, interval: 60)
        let app = ConsoleApp(settings: settings, keyMap: .defaults, theme: try settings.catalog.theme(named: "default"),
                             mailbox: mailbox, feed: feed, time: clock)
        await feed.refresh()
        await feed.refreshPayments()
        await feed.refreshMarket()
        for i in 0..<logLines {
            mailbox.post(NodeEvent(time: FixedNodeControl.started.addingTimeInterval(Double(i)), level: i % 7 == 3 ? .warning : .info,
                                   source: "filtop.node", message: "event \(i): piece baga6ea4seaq\(i) announced"))
        }
        app.update()
        clock.advance(by: 3725)
        return app
    }

    /// The `:` line of a console whose home is `home` and working directory `cwd`.
    static func commands(home: String = "/home/op", cwd: String = "/", readOnly: Bool = false) -> ConsoleCommandLine {
        ConsoleCommandLine(views: ["overview", "content", "peers", "channels", "offers", "providers", "log"], themes: { ["dusk"] },
                           paths: PathCompletion(home: home, workingDirectory: cwd), readOnly: readOnly)
    }

    static func screen(_ app: ConsoleApp, _ size: Size, clock: TimeSource) -> String {
        TerminalLoop.frame(app, size: size, now: clock.now).text
    }
}
