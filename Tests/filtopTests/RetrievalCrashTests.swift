import Foundation
import NodeKit
import NodeKitTesting
import Testing

/// kill -9 of a retrieving client: a real `filtop node run` client process killed in the
/// middle of a paid transfer and started again on its data directory finishes the
/// retrieval with the file byte for byte, having paid exactly size × price on one lane.
/// The ledger (and register) is a process too (`CrashMarket`); the provider runs inside
/// the test, which watches its side of the deal to kill the client mid-transfer.
@Suite(.serialized) struct RetrievalCrashTests {
    /// Pauses at 256 KiB, 768 KiB and 1.5 MiB of the 2 MiB file.
    static let terms = RetrievalTerms(unsealPrice: .zero, paymentInterval: 256 << 10, paymentIntervalIncrease: 256 << 10)

    /// The stderr of the process's current run.
    static func currentLog(_ process: NodeProcess) -> String {
        (try? String(contentsOfFile: "\(process.dataDir).\(process.runs).log", encoding: .utf8)) ?? ""
    }

    @Test(.timeLimit(.minutes(4)))
    func aClientKilledMidTransferResumesToTheSameFileAndPaysOnce() async throws {
        try await CrashMarket.run(inProcess: [], payeeProcess: false) { m in
            func useLedger(_ config: inout NodeConfig) {
                config.register.address = m.ledgerAddress.description
                config.register.nodeID = m.ledgerID.description
                config.ledger.address = m.ledgerAddress.description
                config.ledger.nodeID = m.ledgerID.description
            }
            // The provider, in the test: its calls to the ledger can be held.
            let providerDirectory = DataDirectory(path: m.root + "/provider")
            try providerDirectory.create()
            var providerConfig = NodeConfig()
            providerConfig.node.listen = "127.0.0.1:0"
            providerConfig.node.roles = ["provider"]
            useLedger(&providerConfig)
            let ledgerCalls = HoldingTransport(TCPTransport())
            let provider = try Node(directory: providerDirectory, identity: KeyPair(), config: providerConfig, transport: ledgerCalls)
            try await provider.start()
            do {
                try await Self.killAndResume(in: m, provider: provider, ledgerCalls: ledgerCalls, useLedger: useLedger)
                await provider.stop()
            } catch {
                await provider.stop()
                throw error
            }
        }
    }

    /// Runs `body`, failing with `what` when it takes more than `seconds` (a loaded machine
    /// is slow; a step that never comes is reported, not waited for).
    static func within(_ seconds: Double, _ what: @autoclosure () -> String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await body(); return true }
            group.addTask { try await Task.sleep(for: .seconds(seconds)); return false }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        guard finished else { throw DevnetProcessError(message: "\(what()) within \(Int(seconds)) s") }
    }

    static func killAndResume(
        in m: CrashMarket, provider: Node, ledgerCalls: HoldingTransport, useLedger: (inout NodeConfig) -> Void
    ) async throws {
        _ = try await provider.retrieval.setRetrievalTerms(Self.terms)
        let original = m.root + "/original.bin"
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // xorshift: no two 256 KiB blocks alike
        let bytes = (0..<(2 << 20)).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: original))
        let root = try provider.context.blockstore.importFile(original).piece.rootCID

        let port = try #require(LoopbackSocket.freePort())
        let client = try NodeProcess.initialise(m.root + "/client", ["--listen", "127.0.0.1:\(port)", "--roles", "client"], configure: useLedger)
        defer { client.stop() }
        let clientID = try client.nodeID()
        _ = try await m.remoteLedger.faucet(clientID, amount: try TokenAmount(fil: 10))

        // The retrieval is ordered on the client's data directory by a node of the test,
        // stopped before its proposal leaves; the process takes it from there.
        let directory = DataDirectory(path: client.dataDir)
        let ordering = HoldingTransport(TCPTransport())
        let proposal = ordering.hold(DealProposal.self, at: .request)
        let orderer = try Node(directory: directory, identity: try KeyFile.load(from: directory.keyPath), config: try directory.loadConfig(),
                               transport: ordering)
        try await orderer.start()
        let output = m.root + "/retrieved.bin"
        let started: RetrievalSummary
        do {
            started = try await orderer.retrieval.retrieve(RetrievalOrder(target: root, output: output))
            try await Self.within(60, "the ordering node did not propose the deal") { try await proposal.reached() }
            await orderer.stop()
        } catch {
            await orderer.stop()
            throw error
        }
        let served = DealKey(side: .provider, peer: clientID, id: try #require(started.deals.first).id)

        // The provider credits the first voucher only once it has read the client's new
        // channel from the ledger: held there, the client process waits for its receipt
        // past the first 256 KiB — and is killed.
        let channelRead = ledgerCalls.hold(LedgerChannelRequest.self, at: .request)
        try client.start()
        try await Self.within(90, "the client process did not pay its first voucher; its log: \(client.logTail())") { try await channelRead.reached() }
        client.kill9()
        channelRead.release()
        try await CrashMarket.waitUntil("the provider did not credit the first voucher") {
            ((try? await provider.retrieval.deal(served).deal.paid) ?? .zero) > .zero
        }

        try client.start()
        try await CrashMarket.waitUntil("the client did not finish; its log: \(client.logTail())", seconds: 60) {
            Self.currentLog(client).contains("retrieval \(started.id) of \(root) completed: \(output)")
        }
        #expect(client.stop(), "the client did not stop cleanly: \(client.logTail())")

        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(contentsOf: URL(fileURLWithPath: original)))
        #expect(!FileManager.default.fileExists(atPath: output + ".filtop-partial"))
        let reader = try Node(directory: directory, identity: try KeyFile.load(from: directory.keyPath), config: try directory.loadConfig())
        let deal = try #require(try await reader.retrieval.retrieval(started.id).deals.first)
        let total = try ProviderAsk.default.pricePerByte.multiplied(by: deal.totalBytes)
        #expect(deal.status == .completed && deal.bytes == deal.totalBytes && deal.paid == total)
        // The restart resumed the deal where it was (SendFunds), rather than starting over.
        let path = try await reader.retrieval.deal(deal.key).history.map(\.status)
        #expect(path.filter { $0 == .waitForAcceptance }.count == 1 && path.filter { $0 == .sendFunds }.count == 3, "\(path)")
        let paying = try await reader.payments.channels().filter { $0.direction == .outbound }
        #expect(paying.count == 1 && paying.first?.laneCount == 1 && paying.first?.spent == total, "\(paying)")
        let credited = try await provider.retrieval.deal(served).deal
        #expect(credited.status == .completed && credited.paid == total)
        let paid = try await provider.payments.channels().filter { $0.direction == .inbound && $0.peer == clientID }
        #expect(paid.count == 1 && paid.first?.laneCount == 1 && paid.first?.spent == total, "\(paid)")
    }
}
