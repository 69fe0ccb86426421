import Foundation
import NodeKit

/// A market for one test: a register, a ledger, and gateways, providers and clients, each a real
/// `Node` with its own data directory, over the in-memory transport and a manual clock
/// (or real loopback sockets with `loopback()`). `run` removes everything afterwards.
public struct DevnetBuilder: Sendable {
    public var gateways = 0
    public var providers = 0
    public var clients = 0
    /// Seconds between register refreshes of every node.
    public var refreshSeconds = 30
    /// The ledger's epochs from a settle to the earliest collect.
    public var settleDelay = 60
    /// Sample files each provider imports and publishes offers for.
    public var samplesPerProvider = 0
    private var useLoopback = false

    public init(gateways: Int = 0, providers: Int = 0, clients: Int = 0) {
        self.gateways = gateways
        self.providers = providers
        self.clients = clients
    }

    /// Real TCP sockets on 127.0.0.1 with the system clock instead of the in-memory
    /// transport and the manual clock.
    public func loopback() -> DevnetBuilder {
        var copy = self
        copy.useLoopback = true
        return copy
    }

    /// What a test gets: the devnet, the clock and transport it runs on, and scratch space.
    public struct Market: Sendable {
        public let devnet: Devnet
        public let clock: any NodeClock
        public let transport: any Transport
        /// A directory for the test's own files (removed with the devnet).
        public let scratch: String

        /// The member named `name` (`gateway-01`, `provider-02`, `client-01`, …).
        public func member(_ name: String) -> Devnet.Member? { devnet.members.first { $0.name == name } }
        /// The manual clock (nil on loopback).
        public var manualClock: ManualClock? { clock as? ManualClock }
    }

    /// Starts the devnet, runs `body`, stops every node and removes the directories.
    public func run<T: Sendable>(_ body: (Market) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-devnet-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/scratch", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let clock: any NodeClock = useLoopback ? SystemClock() : ManualClock()
        let transport: any Transport = useLoopback ? TCPTransport() : InMemoryTransport(clock: clock)
        let devnet = try await Devnet.start(
            directory: root + "/devnet", gateways: gateways, providers: providers, clients: clients,
            host: useLoopback ? "127.0.0.1" : InMemoryTransport.host, transport: transport, clock: clock, refreshSeconds: refreshSeconds,
            settleDelay: settleDelay, samplesPerProvider: samplesPerProvider)
        do {
            let result = try await body(Market(devnet: devnet, clock: clock, transport: transport, scratch: root + "/scratch"))
            await devnet.stop()
            return result
        } catch {
            await devnet.stop()
            throw error
        }
    }
}
