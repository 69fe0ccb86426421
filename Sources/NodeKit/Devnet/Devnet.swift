import Foundation
import Logging

/// A whole market in one process: a register, a ledger, and gateways and providers, each
/// a real `Node` with its own data directory, keys and database, talking over `transport`
/// (real loopback sockets for `filtop devnet` and the default run; the in-memory
/// transport in tests).
///
/// The devnet lives in one directory (`register/`, `ledger/`, `gateway-01/`, …,
/// `provider-01/`) and comes back as it was: keys, databases (the ledger's balances and
/// channels among them) and content persist, and each node listens on the port it had
/// last time when that port is free. Each node's `config.toml` is rewritten on start with
/// the register's current address, so `filtop node status`, `filtop paych` and `filtop
/// attach` work on any member with its `admin.key`.
///
/// The ledger starts right after the register, so every other member's first register
/// sync lists it and its payments find it; once all have started, each member's local
/// copy of the register lists every other member. Every member's account holds at least
/// `startingBalance` once `start` returns (`fund(_:)` tops up other accounts, such as the
/// operator's node of the default run).
public final class Devnet: Sendable {
    /// One node of the devnet.
    public struct Member: Sendable {
        public let name: String
        public let directory: DataDirectory
        public let node: Node
        public var adminKeyPath: String { directory.adminKeyPath }
    }

    /// The file that marks a directory as a devnet's, so only such a directory is ever
    /// cleared by `--fresh`.
    public static let markerName = ".filtop-devnet"

    /// What every devnet account holds at least after start: the faucet tops it up to this.
    public static let startingBalance = try! TokenAmount(fil: 100)

    public let directory: String
    public let register: Member
    /// The node with the `ledger` role: the devnet's chain.
    public let ledger: Member
    /// Gateways, providers and clients, by name.
    public let members: [Member]

    private init(directory: String, register: Member, ledger: Member, members: [Member]) {
        self.directory = directory
        self.register = register
        self.ledger = ledger
        self.members = members
    }

    /// The register's address and node ID, for nodes that join this devnet.
    public var registerAddress: NodeAddress? { register.node.listenAddress }
    public var registerID: NodeID { register.node.identity.publicKey.nodeID }

    /// Starts (creating on first use) the devnet in `directory` with `gateways` gateways
    /// and `providers` providers; each has published its record when this returns (a
    /// node's start includes its first register sync), and every member's account holds
    /// at least `startingBalance`. `settleDelay` is the ledger's epochs from a settle to
    /// the earliest collect (`NodeConfig.settleDelayRange`).
    ///
    /// Each provider holds `samplesPerProvider` sample files of its own (`SampleContent`,
    /// imported on first start) and has published its offers to every gateway when this
    /// returns. With `pace`, providers send at most `pace.sendRate` bytes a second, ask to
    /// be paid every `pace.paymentInterval` bytes and ask `pace.pricePerByte`, so deals
    /// take long enough to watch and cost enough to read.
    public static func start(
        directory: String, gateways: Int, providers: Int, clients: Int = 0, host: String = "127.0.0.1", transport: any Transport = TCPTransport(),
        clock: any NodeClock = SystemClock(), refreshSeconds: Int = 30, settleDelay: Int = 60, samplesPerProvider: Int = 0,
        pace: DevnetPace? = nil
    ) async throws -> Devnet {
        guard SampleContent.countRange.contains(samplesPerProvider) else {
            throw DevnetError.invalidSize(
                "a devnet provider holds \(SampleContent.countRange.lowerBound)…\(SampleContent.countRange.upperBound) sample files (asked for \(samplesPerProvider))")
        }
        guard (0...64).contains(gateways), (0...64).contains(providers), (0...64).contains(clients) else {
            throw DevnetError.invalidSize(
                "a devnet holds 0…64 gateways, providers and clients each (asked for \(gateways), \(providers) and \(clients))")
        }
        guard NodeConfig.settleDelayRange.contains(settleDelay) else {
            throw DevnetError.invalidSize(
                "the settle delay must be \(NodeConfig.settleDelayRange.lowerBound)…\(NodeConfig.settleDelayRange.upperBound) epochs (asked for \(settleDelay))")
        }
        try DataDirectory(path: directory).create()
        let marker = directory + "/" + markerName
        if !FileManager.default.fileExists(atPath: marker) {
            guard FileManager.default.createFile(atPath: marker, contents: Data("filtop devnet\n".utf8), attributes: [.posixPermissions: 0o600]) else {
                throw DevnetError.cannotCreate(marker)
            }
        }
        let register = try await startMember(
            name: "register", roles: [.register], in: directory, host: host, registerAt: nil, transport: transport, clock: clock,
            refreshSeconds: refreshSeconds)
        guard let registerAddress = register.node.listenAddress else {
            await register.node.stop()
            throw DevnetError.cannotCreate("the register did not listen")
        }
        let registry = (registerAddress, register.node.identity.publicKey.nodeID)
        let ledger: Member
        do {
            ledger = try await startMember(
                name: "ledger", roles: [.ledger], in: directory, host: host, registerAt: registry, transport: transport, clock: clock,
                refreshSeconds: refreshSeconds, settleDelay: settleDelay)
        } catch {
            await register.node.stop()
            throw error
        }
        let plan = (1...max(1, gateways)).prefix(gateways).map { (String(format: "gateway-%02d", $0), [NodeRole.gateway]) }
            + (1...max(1, providers)).prefix(providers).map { (String(format: "provider-%02d", $0), [NodeRole.provider]) }
            + (1...max(1, clients)).prefix(clients).map { (String(format: "client-%02d", $0), [NodeRole.client]) }
        var started: [Member] = []
        do {
            try await withThrowingTaskGroup(of: Member.self) { group in
                for (name, roles) in plan {
                    group.addTask {
                        let member = try await startMember(name: name, roles: roles, in: directory, host: host, registerAt: registry,
                                                           transport: transport, clock: clock, refreshSeconds: refreshSeconds,
                                                           sendRate: roles.contains(.provider) ? pace?.sendRate : nil)
                        do {
                            if roles.contains(.provider) { try SampleContent.importMissing(count: samplesPerProvider, into: member) }
                            if roles.contains(.provider), let pace {
                                _ = try await member.node.retrieval.setRetrievalTerms(
                                    RetrievalTerms(unsealPrice: .zero, paymentInterval: pace.paymentInterval, paymentIntervalIncrease: pace.paymentInterval))
                                var ask = try await member.node.control.ask()
                                ask.pricePerByte = pace.pricePerByte
                                _ = try await member.node.control.setAsk(ask)
                            }
                        } catch {
                            await member.node.stop()
                            throw error
                        }
                        return member
                    }
                }
                for try await member in group { started.append(member) }
            }
        } catch {
            for member in started { await member.node.stop() }
            await ledger.node.stop()
            await register.node.stop()
            throw error
        }
        started.sort { $0.name < $1.name }
        // The members started together, so one's first sync may have preceded another's
        // record: each refreshes its local copy once more now that every record is in, so
        // any member can pay any other at once (payments find a payee's address there).
        await resync([ledger] + started)
        // Gateways have now established with every provider: the providers publish.
        await publish(started)
        let devnet = Devnet(directory: directory, register: register, ledger: ledger, members: started)
        do {
            try await devnet.fund(([register, ledger] + started).map(\.node.context.nodeID))
        } catch {
            await devnet.stop()
            throw error
        }
        return devnet
    }

    /// Tops each of `accounts` up to `startingBalance` through the ledger's faucet (in
    /// process, on the ledger member's own ledger); an account already holding that much
    /// is left as it is, so a devnet that comes back does not mint more. Returns what each
    /// account topped up was given.
    @discardableResult
    public func fund(_ accounts: [NodeID]) async throws -> [NodeID: TokenAmount] {
        let book = try await ledger.node.payments.ledger.ledger()
        var given: [NodeID: TokenAmount] = [:]
        for account in accounts {
            let balance = try await book.account(account).balance
            guard balance < Self.startingBalance else { continue }
            let topUp = try Self.startingBalance.subtracting(balance)
            _ = try await book.faucet(account, amount: topUp)
            given[account] = topUp
            ledger.node.context.note(.info, .channel, "ledger: faucet gave \(topUp) to \(account.short) (devnet starting balance)")
        }
        return given
    }

    /// Makes `node`, which just joined this devnet's register, part of the market at once
    /// rather than at the members' next refresh: every member reads the register again
    /// (so gateways establish with it and providers see it), then the providers publish
    /// their offers to it when it is a gateway.
    public func welcome(_ node: Node) async {
        await Self.resync(members)
        if node.context.roles.contains(.gateway) { await Self.publish(members) }
    }

    /// Every member reads the register again (and establishes anew), concurrently.
    private static func resync(_ members: [Member]) async {
        await withTaskGroup(of: Void.self) { group in
            for member in members { group.addTask { await member.node.syncWithRegister() } }
        }
    }

    /// The providers among `members` publish what no gateway acknowledged yet, concurrently.
    private static func publish(_ members: [Member]) async {
        await withTaskGroup(of: Void.self) { group in
            for publisher in members.compactMap(\.node.market.publisher) { group.addTask { _ = try? await publisher.publishPending() } }
        }
    }

    /// Stops every node, then the ledger, the register last.
    public func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for member in members { group.addTask { await member.node.stop() } }
        }
        await ledger.node.stop()
        await register.node.stop()
    }

    private static func startMember(
        name: String, roles: [NodeRole], in directory: String, host: String, registerAt register: (NodeAddress, NodeID)?,
        transport: any Transport, clock: any NodeClock, refreshSeconds: Int, settleDelay: Int? = nil, sendRate: Int? = nil
    ) async throws -> Member {
        let dir = DataDirectory(path: directory + "/" + name)
        try dir.create()
        for path in [dir.keyPath, dir.adminKeyPath] where !FileManager.default.fileExists(atPath: path) {
            try KeyFile.write(KeyPair(), to: path)
        }
        let previous = (try? dir.loadConfig())?.node.listen
        var config = NodeConfig()
        config.node.roles = roles.map(\.rawValue)
        config.node.region = "devnet"
        config.register.address = register.map { $0.0.description } ?? ""
        config.register.nodeID = register.map { $0.1.description } ?? ""
        config.register.refreshSeconds = refreshSeconds
        if let settleDelay { config.ledger.settleDelay = settleDelay }
        if let sendRate { config.retrieval.maxSendRate = sendRate }
        config.admin.keys = [try KeyFile.load(from: dir.adminKeyPath).publicKey.nodeID.description]
        let identity = try KeyFile.load(from: dir.keyPath)
        // The port of the last run when it is free, else any free port.
        let candidates = [previous, "\(NodeAddress(host: host, port: 0))"].compactMap { $0 }
        var lastError: Error?
        for listen in candidates {
            config.node.listen = listen
            let node = try Node(directory: dir, identity: identity, config: config, clock: clock, transport: transport)
            do {
                try await node.start()
            } catch {
                lastError = error
                continue
            }
            var written = config
            written.node.listen = node.listenAddress?.description ?? listen
            try PrivateFile.replace(dir.configPath, with: Array(written.rendered.utf8))
            return Member(name: name, directory: dir, node: node)
        }
        throw lastError ?? DevnetError.cannotCreate(dir.path)
    }
}

/// How fast a devnet's providers serve, so that deals are slow enough to watch move.
public struct DevnetPace: Sendable, Equatable {
    /// What a provider sends per second at most (`retrieval.max_send_rate`).
    public var sendRate: Int
    /// The payment interval and increase a provider asks for.
    public var paymentInterval: UInt64
    /// The price per byte a provider asks (its offers carry it).
    public var pricePerByte: TokenAmount

    public init(sendRate: Int, paymentInterval: UInt64, pricePerByte: TokenAmount) {
        self.sendRate = sendRate
        self.paymentInterval = paymentInterval
        self.pricePerByte = pricePerByte
    }

    /// The console's devnet: 128 KiB/s, paid every 32 KiB (more each time), at 10 nanoFIL
    /// a byte (a 64 KiB sample costs about 0.0007 FIL, large enough to read on screen).
    public static let watchable = DevnetPace(sendRate: 128 << 10, paymentInterval: 32 << 10, pricePerByte: TokenAmount(unchecked: 10_000_000_000))
}

/// Why a devnet could not start.
public enum DevnetError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSize(String)
    case cannotCreate(String)
    case notADevnet(String)

    public var description: String {
        switch self {
        case .invalidSize(let why): return why
        case .cannotCreate(let what): return "cannot create the devnet: \(what)"
        case .notADevnet(let path): return "\(path) is not a devnet directory (no \(Devnet.markerName)); refusing to clear it"
        }
    }
}

extension Devnet {
    /// Removes the devnet in `directory` so the next start begins anew — only when the
    /// directory carries the devnet marker; a missing directory is nothing to do.
    public static func clear(directory: String) throws {
        guard FileManager.default.fileExists(atPath: directory) else { return }
        guard FileManager.default.fileExists(atPath: directory + "/" + markerName) else { throw DevnetError.notADevnet(directory) }
        try FileManager.default.removeItem(atPath: directory)
    }
}
