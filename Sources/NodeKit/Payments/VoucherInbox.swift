import Foundation
import GRDB

/// The payee's side: checks vouchers for the node's inbound channels and keeps the best
/// voucher of each lane, durably, before anyone is told it was accepted.
///
/// Vouchers are checked and stored in batches: each `add` joins the batch being
/// collected, one durable transaction checks every voucher of the batch in arrival
/// order (each against the lanes as the ones before it left them) and stores the good
/// ones, and only after the commit is each caller answered. So a voucher is
/// acknowledged only once it is on disk, and many payers share one flush.
///
/// A channel seen for the first time is read from the ledger (and must pay this node);
/// a voucher that would overspend the funds last read makes the inbox read the channel
/// again, once, in case the payer added funds.
public final class VoucherInbox: Sendable {
    private struct Pending {
        let voucher: Voucher
        let channel: ChannelState
        let epoch: UInt64
        let continuation: CheckedContinuation<TokenAmount, any Error>
    }

    /// How many vouchers one transaction takes at most.
    static let maxBatch = 512
    /// How many channels' ledger states are cached (the cache starts over when full).
    static let maxKnownChannels = 1024

    private let context: NodeContext
    private let store: PaychStore
    private let ledger: LedgerAccess
    private let queue = DispatchQueue(label: "filtop.voucher-inbox")
    private let pending = Locked<(waiting: [Pending], flushing: Bool)>(([], false))
    /// Ledger states of inbound channels, so a busy channel is not read for every voucher.
    private let known = Locked<[ChannelID: ChannelState]>([:])

    init(context: NodeContext, store: PaychStore, ledger: LedgerAccess) {
        self.context = context
        self.store = store
        self.ledger = ledger
    }

    /// Checks `voucher` without keeping it; returns what it would add to its lane.
    public func check(_ voucher: Voucher, expected: ChannelID? = nil) async throws -> TokenAmount {
        let channel = try await inboundChannel(voucher.channel, fresh: false)
        let epoch = try await ledger.epoch()
        let lanes = try await store.database.read { db in try self.laneStates(channel, db) }
        do {
            return try VoucherCheck.check(voucher, for: channel, lanes: lanes, epoch: epoch, expected: expected)
        } catch PaymentError.overspend {
            let fresh = try await inboundChannel(voucher.channel, fresh: true)
            return try VoucherCheck.check(voucher, for: fresh, lanes: lanes, epoch: epoch, expected: expected)
        }
    }

    /// Checks and durably stores `voucher`; returns what it added to its lane. Re-adding
    /// the best voucher of a lane is refused as stale (its nonce is not above the lane's).
    public func add(_ voucher: Voucher, expected: ChannelID? = nil) async throws -> TokenAmount {
        if let expected, voucher.channel != expected { throw PaymentError.wrongChannel(voucher: voucher.channel, expected: expected) }
        let channel = try await inboundChannel(voucher.channel, fresh: false)
        let epoch = try await ledger.epoch()
        do {
            return try await enqueue(voucher, channel, epoch)
        } catch PaymentError.overspend {
            return try await enqueue(voucher, try await inboundChannel(voucher.channel, fresh: true), epoch)
        }
    }

    private func enqueue(_ voucher: Voucher, _ channel: ChannelState, _ epoch: UInt64) async throws -> TokenAmount {
        let delta = try await withCheckedThrowingContinuation { (c: CheckedContinuation<TokenAmount, any Error>) in
            let start = pending.withLock { p -> Bool in
                p.waiting.append(Pending(voucher: voucher, channel: channel, epoch: epoch, continuation: c))
                defer { p.flushing = true }
                return !p.flushing
            }
            if start { queue.async { self.flush() } }
        }
        context.note(.info, .channel, "paych: received \(voucher.amount) on \(voucher.channel.short) lane \(voucher.lane) nonce \(voucher.nonce) (+\(delta))")
        return delta
    }

    /// Runs on `queue`: stores batch after batch until none is waiting.
    private func flush() {
        while true {
            let batch = pending.withLock { p -> [Pending] in
                let take = Array(p.waiting.prefix(Self.maxBatch))
                p.waiting.removeFirst(take.count)
                if take.isEmpty { p.flushing = false }
                return take
            }
            if batch.isEmpty { return }
            var results = [Result<TokenAmount, any Error>](repeating: .failure(CancellationError()), count: batch.count)
            let now = context.clock.now
            do {
                try store.database.writeDurably { db in
                    var lanes: [ChannelID: [UInt64: LaneState]] = [:]
                    for (i, item) in batch.enumerated() {
                        let id = item.channel.id
                        if lanes[id] == nil {
                            try store.upsert(item.channel, direction: .inbound, now: now, db)
                            lanes[id] = try laneStates(item.channel, db)
                        }
                        do {
                            let delta = try VoucherCheck.check(item.voucher, for: item.channel, lanes: lanes[id]!, epoch: item.epoch)
                            try store.saveLane(item.voucher, now: now, db)
                            lanes[id]![item.voucher.lane] = LaneState(lane: item.voucher.lane, nonce: item.voucher.nonce, amount: item.voucher.amount)
                            results[i] = .success(delta)
                        } catch {
                            results[i] = .failure(error)
                        }
                    }
                }
            } catch {
                results = batch.map { _ in .failure(error) }
            }
            for (item, result) in zip(batch, results) { item.continuation.resume(with: result) }
        }
    }

    /// The lanes a voucher is checked against: the best voucher held of each lane, or
    /// what the ledger redeemed where that is further.
    private func laneStates(_ channel: ChannelState, _ db: Database) throws -> [UInt64: LaneState] {
        var lanes = Dictionary(uniqueKeysWithValues: channel.lanes.map { ($0.lane, $0) })
        for held in try store.lanes(of: channel.id, db) where held.voucher.nonce >= (lanes[held.voucher.lane]?.nonce ?? 0) {
            lanes[held.voucher.lane] = held.state
        }
        return lanes
    }

    /// The ledger's state of `id`, which must be a channel that pays this node.
    private func inboundChannel(_ id: ChannelID, fresh: Bool) async throws -> ChannelState {
        if !fresh, let state = known.withLock({ $0[id] }) { return state }
        let state = try await ledger.ledger().channel(id)
        guard state.payee == context.nodeID else {
            throw PaymentError.notParty("channel \(id.short) pays \(state.payee.short), not this node")
        }
        known.withLock { cache in
            if cache.count >= Self.maxKnownChannels { cache.removeAll() }
            cache[id] = state
        }
        return state
    }

    /// Forgets the cached ledger state of `id` (after this node changed it on the ledger).
    func forget(_ id: ChannelID) { _ = known.withLock { $0.removeValue(forKey: id) } }

    /// The best voucher of each lane of inbound channel `id` that the ledger has not yet
    /// redeemed in full, by lane.
    public func bestSpendable(_ id: ChannelID) async throws -> [Voucher] {
        try await store.lanes(of: id).filter { $0.voucher.amount > $0.redeemed }.map(\.voucher)
    }
}
