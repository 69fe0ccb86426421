import Foundation
import NodeKit

/// A node whose retrieval follows a script, for driving the real binary's retrieval
/// commands without a deal engine: retrieval 7 of 3 MiB advances one MiB a poll and then
/// ends as `outcome` says (or runs on); three provider deals and one client deal to list,
/// show and cancel; one provider that has the content and one that cannot be reached; a
/// provider's ask and retrieval terms that change when set. Every retrieval and market
/// call is recorded, so a test checks what the command sent.
final class ScriptedRetrievalNode: PaymentlessControl {
    enum Outcome: Sendable {
        case completes, fails(String), runsOn
    }

    enum Call: Equatable {
        case query(String, NodeID?), retrieve(RetrievalOrder), deal(DealKey), cancel(DealKey), setAsk(ProviderAsk), setTerms(RetrievalTerms)
    }

    static let total: UInt64 = 3 << 20
    static let started = Date(timeIntervalSince1970: 1_764_000_000)
    static let provider = try! KeyPair(seed: Array(repeating: 0x70, count: 32)).nodeID
    static let unreachable = try! KeyPair(seed: Array(repeating: 0x71, count: 32)).nodeID
    static let payload = try! CID("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
    static let params = DealParams(pricePerByte: try! TokenAmount(attoFIL: 1_000), paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 20)
    /// Two clients whose node IDs start alike: 'fid' and the same next character.
    static let (alice, bob) = alike()

    let outcome: Outcome
    let calls = Locked<[Call]>([])
    private let polls = Locked(0)
    private let currentAsk = Locked(ProviderAsk.default)
    private let currentTerms = Locked(RetrievalTerms.default)
    /// Yields once the command has polled the retrieval: it is following it.
    let following: AsyncStream<Void>
    private let followed: AsyncStream<Void>.Continuation

    init(outcome: Outcome = .completes) {
        self.outcome = outcome
        (following, followed) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    private func record(_ call: Call) { calls.withLock { $0.append(call) } }

    // MARK: - Retrieval

    static func clientDeal(bytes: UInt64, status: DealStatus, message: String = "") -> DealRecord {
        DealRecord(side: .client, id: 42, peer: provider, payload: payload, params: params, status: status, message: message, totalBytes: total,
                   totalBlocks: 12, blocks: bytes >> 18, bytes: bytes, paid: (try? params.price(of: bytes)) ?? .zero, request: 7,
                   output: DealOutput(path: "/srv/out.bin", car: false), createdAt: started, updatedAt: started.addingTimeInterval(2))
    }

    static let providerDeals = [
        DealRecord(side: .provider, id: 42, peer: alice, payload: payload, params: params, status: .ongoing, totalBytes: total, bytes: 1 << 20,
                   paid: try! TokenAmount(attoFIL: 1 << 30), createdAt: started),
        DealRecord(side: .provider, id: 42, peer: bob, payload: payload, params: params, status: .fundsNeeded, totalBytes: total, bytes: 2 << 20,
                   createdAt: started),
        DealRecord(side: .provider, id: 7, peer: bob, payload: payload, params: params, status: .completed, totalBytes: total, bytes: total,
                   paid: try! TokenAmount(attoFIL: 3 << 30), createdAt: started),
    ]

    static func summary(bytes: UInt64, status: RetrievalSummary.Status, message: String = "", deal: DealStatus) -> RetrievalSummary {
        RetrievalSummary(id: 7, payload: payload, pieceCID: nil, output: "/srv/out.bin", car: false, status: status, message: message, totalBytes: total,
                         bytes: bytes, paid: (try? params.price(of: bytes)) ?? .zero, createdAt: started, updatedAt: started.addingTimeInterval(2),
                         deals: [clientDeal(bytes: bytes, status: deal, message: message)])
    }

    func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary {
        record(.retrieve(order))
        return Self.summary(bytes: 0, status: .running, deal: .new)
    }

    func retrieval(_ id: UInt64) async throws -> RetrievalSummary {
        guard id == 7 else { throw RetrievalError.invalidValue("no retrieval \(id) on this node") }
        let poll = polls.withLock { p -> Int in p += 1; return p }
        followed.yield()
        switch outcome {
        case .runsOn: return Self.summary(bytes: 1 << 20, status: .running, deal: .ongoing)
        case _ where poll < 3: return Self.summary(bytes: UInt64(poll) << 20, status: .running, deal: .ongoing)
        case .completes: return Self.summary(bytes: Self.total, status: .completed, deal: .completed)
        case .fails(let why): return Self.summary(bytes: 2 << 20, status: .failed, message: why, deal: .errored)
        }
    }

    func retrievals() async throws -> [RetrievalSummary] { [try await retrieval(7)] }

    func deals() async throws -> [DealRecord] { [Self.clientDeal(bytes: 1 << 20, status: .ongoing)] + Self.providerDeals }

    func deal(_ key: DealKey) async throws -> DealDetail {
        record(.deal(key))
        guard let deal = try await deals().first(where: { $0.key == key }) else { throw RetrievalError.unknownDeal(key) }
        return DealDetail(deal: deal, history: [
            DealHistoryEntry(status: .new, at: Self.started, bytes: 0, paid: .zero, message: ""),
            DealHistoryEntry(status: .ongoing, at: Self.started.addingTimeInterval(0.5), bytes: 0, paid: .zero, message: "accepted"),
        ])
    }

    func cancelDeal(_ key: DealKey) async throws -> DealRecord {
        record(.cancel(key))
        guard var deal = try await deals().first(where: { $0.key == key }) else { throw RetrievalError.unknownDeal(key) }
        deal.status = .cancelled
        deal.message = "cancelled by the operator"
        return deal
    }

    func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer] {
        record(.query(target, provider))
        let available = QueryAnswer(provider: Self.provider, response: RetrievalQueryResponse(
            status: .available, pieceFound: .unknown, payload: Self.payload, size: Self.total, blocks: 12, paymentAddress: Self.provider,
            pricePerByte: Self.params.pricePerByte, paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 20, unsealPrice: .zero, message: ""))
        let lost = QueryAnswer(provider: provider ?? Self.unreachable, response: nil, error: "cannot reach 127.0.0.1:9: connection refused")
        return provider == nil ? [available, lost] : provider == Self.provider ? [available] : [lost]
    }

    func retrievalTerms() async throws -> RetrievalTerms { currentTerms.withLock { $0 } }

    func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms {
        record(.setTerms(terms))
        currentTerms.withLock { $0 = terms }
        return terms
    }

    // MARK: - The provider's ask

    func ask() async throws -> ProviderAsk { currentAsk.withLock { $0 } }

    func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk {
        record(.setAsk(ask))
        currentAsk.withLock { $0 = ask }
        return ask
    }

    // MARK: - Outside retrieval

    func status() async throws -> NodeStatus {
        NodeStatus(nodeID: Self.provider.description, roles: [.client, .provider], dataDirectory: "/srv/filtop", startedAt: Self.started,
                   pieceCount: 0, contentRevision: 0, payloadBytes: 0, carBytes: 0, blockCount: 0, peerCount: 0)
    }
    func pieces() async throws -> [PieceSummary] { [] }
    func registerPeers() async throws -> RegisterPeers { .notConfigured }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { AsyncStream { $0.finish() } }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> {
        AsyncThrowingStream { $0.finish(throwing: Refusal(.notServed, "the scripted node imports nothing")) }
    }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }

    /// Two node IDs starting with 'fid' and the same next character: among 33 keys two
    /// must (base32 has 32 characters).
    private static func alike() -> (NodeID, NodeID) {
        var seen: [Character: NodeID] = [:]
        for seed in UInt8(0)...32 {
            let id = try! KeyPair(seed: Array(repeating: seed, count: 32)).nodeID
            let next = Array(id.description)[3]
            if let other = seen[next] { return (other, id) }
            seen[next] = id
        }
        fatalError("33 node IDs cannot all differ in one base32 character")
    }
}

/// A control object served by `ControlHandlers` over TCP on 127.0.0.1 for the real binary,
/// with an admin key file of its own: pass `arguments` to a `filtop` command to reach it.
final class ServedControl {
    let directory: String
    let arguments: [String]
    private let listener: any Listener

    private init(directory: String, arguments: [String], listener: any Listener) {
        self.directory = directory
        self.arguments = arguments
        self.listener = listener
    }

    static func start(_ control: any NodeControl) async throws -> ServedControl {
        let directory = try CLI.temporaryDirectory()
        let admin = KeyPair(), server = KeyPair()
        try KeyFile.write(admin, to: directory + "/admin.key")
        let router = RequestRouter()
        ControlHandlers(control: control, isAdmin: { $0 == admin.publicKey }).install(into: router)
        let listener = try await TCPTransport().listen(on: NodeAddress(host: "127.0.0.1", port: 0), identity: server) {
            await router.answer($0, from: $1)
        }
        return ServedControl(directory: directory, arguments: [
            "--connect", listener.address.description, "--node-id", server.publicKey.nodeID.description, "--admin-key", directory + "/admin.key",
        ], listener: listener)
    }

    /// Runs `filtop` with `args` against the served control, off Swift's cooperative pool
    /// (the child is waited for on a dispatch thread while the control answers it).
    func run(_ args: [String], environment: [String: String] = [:], in workingDirectory: String? = nil) async throws -> CLI.Result {
        let all = args + arguments
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try CLI.run(all, environment: environment, timeout: 60, directory: workingDirectory) })
            }
        }
    }

    func close() async {
        await listener.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
