import Foundation

/// How a node reaches its ledger and signs for its account on it.
///
/// The ledger is, in order: the node's own `DevnetLedger` when it has the `ledger` role;
/// the one `[ledger]` in config.toml names; the node with the `ledger` role in the local
/// copy of the register. Messages are signed with the node's identity (its account) and
/// submitted one at a time, each with the account's next nonce, so two tasks of the node
/// never race for a nonce.
public final class LedgerAccess: Sendable {
    private let context: NodeContext
    private let local: DevnetLedger?
    private let serial = SerialWork()
    private let epochSeen = Locked<(epoch: UInt64, at: Date, millis: UInt64)?>(nil)
    /// The one read of the ledger's status in flight, shared by every caller meanwhile.
    private let epochRead = Locked<Task<LedgerStatus, any Error>?>(nil)
    /// The remote ledger last used, kept with its session while it stays the ledger.
    private let remote = Locked<RemoteLedger?>(nil)

    init(context: NodeContext, local: DevnetLedger?) {
        self.context = context
        self.local = local
    }

    /// The ledger to use now; `noLedger` when none is configured or known. Async because
    /// finding it may read the register's copy (off the cooperative pool).
    public func ledger() async throws -> any Ledger {
        if let local { return local }
        let (address, nodeID) = try await remoteTarget()
        return remote.withLock { cached in
            if let cached, cached.address == address, cached.nodeID == nodeID { return cached }
            let fresh = RemoteLedger(address: address, nodeID: nodeID, identity: context.identity, transport: context.transport)
            if let old = cached { Task { await old.close() } }
            cached = fresh
            return fresh
        }
    }

    private func remoteTarget() async throws -> (NodeAddress, NodeID) {
        let section = context.config.ledger
        if !section.address.isEmpty { return (try NodeAddress(section.address), try NodeID(section.nodeID)) }
        let copy = RegisterStore(database: context.blockstore.database, table: .localCopy)
        let known = (try? await copy.list(role: .ledger, now: context.clock.unixSeconds)) ?? []
        guard let record = known.first, let address = record.addresses.first.flatMap({ try? NodeAddress($0) }) else {
            throw PaymentError.noLedger("no ledger: this node's register lists no node with the ledger role, and config.toml has no [ledger] address")
        }
        return (address, record.nodeID)
    }

    /// Closes the session to a remote ledger.
    func close() async {
        let open = remote.withLock { r -> RemoteLedger? in defer { r = nil }; return r }
        await open?.close()
    }

    /// Signs `operation` with the node's key and the account's next nonce, and applies it.
    /// A nonce taken meanwhile by another holder of the key is retried once with the next.
    public func submit(_ operation: LedgerMessage.Operation) async throws -> LedgerReceipt {
        let ledger = try await self.ledger()
        let identity = context.identity
        return try await serial.run { () -> Result<LedgerReceipt, any Error> in
            do {
                for attempt in 0..<2 {
                    let nonce = try await ledger.account(identity.nodeID).nonce + 1
                    do {
                        return .success(try await ledger.apply(LedgerMessage(operation, nonce: nonce, signer: identity)))
                    } catch let refusal as Refusal where refusal.code == .replayed && attempt == 0 {
                        continue
                    } catch PaymentError.staleNonce where attempt == 0 {
                        continue
                    }
                }
                throw PaymentError.noLedger("the ledger refused two nonces in a row for \(identity.nodeID.short)")
            } catch {
                return .failure(error)
            }
        }.get()
    }

    /// The ledger's epoch now: read from the ledger at most every `refresh`, counted on
    /// the node's clock in between.
    public func epoch(refresh: Duration = .seconds(30)) async throws -> UInt64 {
        let now = context.clock.now
        if let local { return local.epoch }
        if let seen = epochSeen.withLock({ $0 }), now.timeIntervalSince(seen.at) < refresh.seconds, now >= seen.at {
            return seen.epoch + UInt64(now.timeIntervalSince(seen.at) * 1000) / max(1, seen.millis)
        }
        let ledger = try await self.ledger()
        let read = epochRead.withLock { current -> Task<LedgerStatus, any Error> in
            if let current { return current }
            let task = Task { try await ledger.status() }
            current = task
            return task
        }
        defer { epochRead.withLock { if $0 == read { $0 = nil } } }
        let status = try await read.value
        epochSeen.withLock { $0 = (status.epoch, now, status.epochMillis) }
        return status.epoch
    }
}
