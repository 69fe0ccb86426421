import Foundation
import NodeKit
import NodeKitTesting

/// A small payments market for kill -9 tests: a ledger node that is also the register,
/// run as a `filtop node run` process; optionally a payee as a second process; and nodes
/// inside the test process that use the ledger process as register and ledger (so a test
/// sees exactly which of their operations were acknowledged). `run` removes everything
/// afterwards and leaves no process running, on every path.
struct CrashMarket: Sendable {
    let root: String
    let ledger: NodeProcess
    let ledgerAddress: NodeAddress
    let ledgerID: NodeID
    /// The payee process, when asked for (roles: provider).
    let payee: NodeProcess?
    let payeeAddress: NodeAddress?
    let payeeID: NodeID?
    /// The in-process nodes, in the order their names were given.
    let nodes: [Node]

    /// Starts the market, runs `body`, then stops every node and process.
    /// `configureLedger` adjusts the ledger node's config.toml (epoch length, settle delay).
    static func run<T: Sendable>(
        inProcess names: [String], payeeProcess: Bool, configureLedger: (inout NodeConfig) -> Void = { _ in },
        _ body: (CrashMarket) async throws -> T
    ) async throws -> T {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var processes: [NodeProcess] = []
        var nodes: [Node] = []
        do {
            let ledgerAddress = try NodeAddress("127.0.0.1:\(try freePort())")
            let ledger = try NodeProcess.initialise(root + "/ledger", ["--listen", ledgerAddress.description, "--roles", "ledger,register"],
                                                    configure: configureLedger)
            processes.append(ledger)
            let ledgerID = try ledger.nodeID()
            func useLedger(_ config: inout NodeConfig) {
                config.register.address = ledgerAddress.description
                config.register.nodeID = ledgerID.description
                config.ledger.address = ledgerAddress.description
                config.ledger.nodeID = ledgerID.description
            }
            try ledger.start()
            try await waitUntilLedgerAnswers(at: ledgerAddress, ledgerID, process: ledger)

            var payee: NodeProcess?, payeeAddress: NodeAddress?, payeeID: NodeID?
            if payeeProcess {
                let address = try NodeAddress("127.0.0.1:\(try freePort())")
                let process = try NodeProcess.initialise(root + "/payee", ["--listen", address.description, "--roles", "provider"], configure: useLedger)
                processes.append(process)
                let id = try process.nodeID()
                try process.start()
                try await waitUntilAnswering(at: address, id, process: process)
                (payee, payeeAddress, payeeID) = (process, address, id)
            }
            for name in names {
                let directory = DataDirectory(path: root + "/" + name)
                try directory.create()
                var config = NodeConfig()
                config.node.listen = "127.0.0.1:0"
                config.node.roles = ["provider"]
                useLedger(&config)
                let node = try Node(directory: directory, identity: KeyPair(), config: config)
                try await node.start()
                nodes.append(node)
            }
            let market = CrashMarket(root: root, ledger: ledger, ledgerAddress: ledgerAddress, ledgerID: ledgerID, payee: payee,
                                     payeeAddress: payeeAddress, payeeID: payeeID, nodes: nodes)
            try await market.waitUntilEveryNodeListsEveryOther()
            let result = try await body(market)
            await shutDown(nodes, processes)
            return result
        } catch {
            await shutDown(nodes, processes)
            throw error
        }
    }

    private static func shutDown(_ nodes: [Node], _ processes: [NodeProcess]) async {
        for node in nodes { await node.stop() }
        for process in processes { process.stop() }
    }

    private static func freePort() throws -> Int {
        guard let port = LoopbackSocket.freePort() else { throw DevnetProcessError(message: "no free loopback port") }
        return port
    }

    /// Polls `condition` every 50 ms until it holds; throws naming `what` after `seconds`.
    static func waitUntil(_ what: String, seconds: Double = 20, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { throw DevnetProcessError(message: "\(what) within \(seconds) s") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits until the node `id` at `address` completes a secure handshake.
    static func waitUntilAnswering(at address: NodeAddress, _ id: NodeID, process: NodeProcess) async throws {
        let transport = TCPTransport(), identity = KeyPair()
        try await waitUntil("the node at \(address) did not answer; its log: \(process.logTail())") {
            guard let session = try? await transport.connect(to: address, identity: identity, expectedPeer: id, timeout: .seconds(2)) else {
                return false
            }
            await session.close()
            return true
        }
    }

    /// Waits until the ledger `id` at `address` answers a status request.
    static func waitUntilLedgerAnswers(at address: NodeAddress, _ id: NodeID, process: NodeProcess) async throws {
        let ledger = RemoteLedger(address: address, nodeID: id, identity: KeyPair(), transport: TCPTransport())
        try await waitUntil("the ledger at \(address) did not answer; its log: \(process.logTail())") {
            (try? await ledger.status()) != nil
        }
    }

    /// The ledger process, as a `Ledger` reached over the wire.
    var remoteLedger: RemoteLedger {
        RemoteLedger(address: ledgerAddress, nodeID: ledgerID, identity: KeyPair(), transport: TCPTransport())
    }

    /// SIGKILLs the ledger, starts it again on the same data directory and waits until it answers.
    func restartLedger() async throws {
        ledger.kill9()
        try ledger.start()
        try await Self.waitUntilLedgerAnswers(at: ledgerAddress, ledgerID, process: ledger)
    }

    /// SIGKILLs the payee process, starts it again and waits until it answers.
    func restartPayee() async throws {
        guard let payee, let payeeAddress, let payeeID else { throw DevnetProcessError(message: "this market has no payee process") }
        payee.kill9()
        try payee.start()
        try await Self.waitUntilAnswering(at: payeeAddress, payeeID, process: payee)
    }

    /// Syncs each in-process node with the register until its copy lists every other
    /// node of the market (a payer can open a channel only to a peer its copy lists).
    private func waitUntilEveryNodeListsEveryOther() async throws {
        let everyone = Set(nodes.map(\.identity.nodeID.description) + [payeeID?.description].compactMap { $0 })
        for node in nodes {
            let others = everyone.subtracting([node.identity.nodeID.description])
            try await Self.waitUntil("node \(node.identity.nodeID.short) did not see every other node in the register") {
                await node.syncWithRegister()
                let listed = (try? await node.control.registerPeers().records.map(\.nodeID)) ?? []
                return others.isSubset(of: listed)
            }
        }
    }
}
