import Foundation

/// A node's side of its register: publishes the node's signed record, keeps the local
/// copy of the register fresh, and re-establishes with the nodes it lists that the node's
/// roles establish with (a client with gateways, a gateway with providers). Runs when the node starts and then every `refresh_seconds`; after a failure it
/// retries sooner (1 s, 2 s, 4 s, … up to the interval) and the node keeps working from
/// the local copy.
public final class RegisterSync: NodeService {
    private let context: NodeContext
    private let localCopy: RegisterStore
    private let establishments: [PeerEstablishment]
    private let loop = Locked<Task<Void, Never>?>(nil)
    private let reachable = Locked<Bool?>(nil)
    /// The sequence of the record last published, so each publish is newer even within
    /// one millisecond (or on a clock that stands still).
    private let published = Locked<UInt64>(0)
    /// Syncs never overlap (a record published later must carry the higher sequence).
    private let serial = SerialWork()

    init(context: NodeContext, establishments: [PeerEstablishment]) {
        self.context = context
        localCopy = RegisterStore(database: context.blockstore.database, table: .localCopy)
        self.establishments = establishments
    }

    /// Syncs once before returning — so a started node has published its record and
    /// established with the nodes it establishes with — then refreshes in the background.
    public func start() async {
        guard !context.config.register.address.isEmpty else { return }
        let interval = context.config.register.refreshSeconds
        let first = await sync()
        let task = Task { [self] in
            var synced = first
            var retry = 1
            while !Task.isCancelled {
                retry = synced ? 1 : min(retry * 2, interval)
                do { try await context.clock.sleep(for: .seconds(synced ? interval : retry)) } catch { return }
                synced = await sync()
            }
        }
        loop.withLock { $0 = task }
    }

    /// Stops the refresh loop and waits for a sync in progress to end, so nothing writes
    /// the node's database after the node stopped.
    public func stop() async {
        let task = loop.withLock { t -> Task<Void, Never>? in defer { t = nil }; return t }
        task?.cancel()
        await task?.value
    }

    /// Publishes, refreshes the local copy and establishes once. Returns
    /// whether the register answered.
    @discardableResult
    public func sync() async -> Bool {
        await serial.run { await self.syncOnce() }
    }

    private func syncOnce() async -> Bool {
        do {
            let address = try NodeAddress(context.config.register.address)
            let session = try await context.transport.connect(
                to: address, identity: context.identity, expectedPeer: try NodeID(context.config.register.nodeID), timeout: .seconds(5))
            let list: NodeList
            do {
                let record = try published.withLock { last in
                    let r = try context.config.record(
                        for: context.identity, addresses: context.listenAddress.withLock { $0 }.map { [$0.description] } ?? [],
                        now: context.clock.now, after: last)
                    last = r.sequence
                    return r
                }
                _ = try await session.call(RegisterNode(record: record), expecting: RegisterAck.self)
                list = try await session.call(ListNodes(), expecting: NodeList.self)
            } catch {
                await session.close()
                throw error
            }
            await session.close()
            try localCopy.replaceAll(list.records)
            if reachable.withLock({ $0 }) != true {
                context.note(.info, .register, "register reached at \(address): \(list.records.count) nodes known")
            }
            reachable.withLock { $0 = true }
            for establishment in establishments { await establishment.establish(with: list.records) }
            return true
        } catch let refusal as Refusal {
            context.note(.warning, .register, "the register refused this node: \(refusal.message)")
            reachable.withLock { $0 = false }
            return false
        } catch {
            if reachable.withLock({ $0 }) != false {
                let known = (try? await localCopy.list(now: context.clock.unixSeconds).count) ?? 0
                context.note(.warning, .register, "register unreachable (\(error)); working from the local copy of \(known) nodes")
            }
            reachable.withLock { $0 = false }
            return false
        }
    }
}
