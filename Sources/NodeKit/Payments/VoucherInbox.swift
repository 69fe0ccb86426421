import Foundation
import GRDB

/// The payee's side: checks vouchers for the node's inbound channels and keeps the best
/// voucher of each lane, durably, before anyone is told it was accepted.
///
/// Vouchers are checked and stored in batches (`BatchedWrites`, durable): one
/// transaction checks every voucher of a batch in arrival order (each against the lanes
/// as the ones before it left them) and stores the good ones, and only after the commit
/// is each caller answered. So a voucher is acknowledged only once it is on disk, and
/// many payers share one flush.
///
/// A channel seen for the first time is read from the ledger (and must pay this node);
/// a voucher that would overspend the funds last read makes the inbox read the channel
/// again, once, in case the payer added funds.
public final class VoucherInbox: Sendable {
    /// A voucher waiting for its batch, with the ledger state and epoch it is checked at.
    private struct Arrival: Sendable {
        let voucher: Voucher
        let channel: ChannelState
        let epoch: UInt64
    }

    /// How many channels' ledger states are cached (the cache starts over when full).
    static let maxKnownChannels = 1024

    private let context: NodeContext
    private let store: PaychStore
    private let ledger: LedgerAccess
    private let activity: VoucherActivity
    private let batches: BatchedWrites<Arrival, TokenAmount>
    /// Ledger states of inbound channels, so a busy channel is not read for every voucher.
    private let known = Locked<[ChannelID: ChannelState]>([:])
    /// Reads of a channel from the ledger in flight, shared by every voucher that needs one.
    private let reading = Locked<[ChannelID: Task<ChannelState, any Error>]>([:])

    init(context: NodeContext, store: PaychStore, ledger: LedgerAccess) {
        self.context = context
        self.store = store
        self.ledger = ledger
        activity = VoucherActivity(context: context, verb: "received")
        let now: @Sendable () -> Date = { context.clock.now }
        batches = BatchedWrites(database: store.database, durable: true, label: "filtop.voucher-inbox") { db, arrivals in
            try Self.keep(arrivals, store: store, now: now(), db)
        }
    }

    /// Checks `voucher` without keeping it; returns what it would add to its lane.
    public func check(_ voucher: Voucher, expected: ChannelID? = nil) async throws -> TokenAmount {
        let channel = try await inboundChannel(voucher.channel, fresh: false)
        let epoch = try await ledger.epoch()
        let lanes = try await store.database.read { db in try Self.laneStates(channel, store: self.store, db) }
        do {
            return try VoucherCheck.check(voucher, for: channel, lanes: lanes, epoch: epoch, expected: expected)
        } catch PaymentError.overspend {
            let fresh = try await inboundChannel(voucher.channel, fresh: true)
            return try VoucherCheck.check(voucher, for: fresh, lanes: lanes, epoch: epoch, expected: expected)
        }
    }

    /// Checks and durably stores `voucher`; returns what it added to its lane. Re-adding
    /// the best voucher of a lane is refused as stale (its nonce is not above the lane's).
    /// With `payer`, the channel must be paid by that key (a voucher that pays for a
    /// request must come from the requester's own channel).
    public func add(_ voucher: Voucher, expected: ChannelID? = nil, payer: PublicKey? = nil) async throws -> TokenAmount {
        if let expected, voucher.channel != expected { throw PaymentError.wrongChannel(voucher: voucher.channel, expected: expected) }
        let channel = try await inboundChannel(voucher.channel, fresh: false)
        if let payer, channel.payer != payer {
            throw PaymentError.notParty("channel \(voucher.channel.short) is paid by \(channel.payer.nodeID.short), not by \(payer.nodeID.short) who sent the voucher")
        }
        try VoucherCheck.checkSignature(voucher, for: channel)  // here, in parallel, not in the serial batch
        let epoch = try await ledger.epoch()
        let delta: TokenAmount
        do {
            delta = try await batches.submit(Arrival(voucher: voucher, channel: channel, epoch: epoch))
        } catch PaymentError.overspend {
            let fresh = try await inboundChannel(voucher.channel, fresh: true)
            delta = try await batches.submit(Arrival(voucher: voucher, channel: fresh, epoch: epoch))
        }
        activity.record(voucher, delta: delta)
        return delta
    }

    /// One batch, in one transaction: each voucher (its signature already checked)
    /// checked against the lanes as the vouchers before it left them, the good ones stored.
    private static func keep(_ arrivals: [Arrival], store: PaychStore, now: Date, _ db: Database) throws -> [Result<TokenAmount, any Error>] {
        var lanes: [ChannelID: [UInt64: LaneState]] = [:]
        var results: [Result<TokenAmount, any Error>] = []
        results.reserveCapacity(arrivals.count)
        for item in arrivals {
            let id = item.channel.id
            if lanes[id] == nil {
                try store.mirror(item.channel, direction: .inbound, now: now, db)
                lanes[id] = try laneStates(item.channel, store: store, db)
            }
            do {
                let delta = try VoucherCheck.checkState(item.voucher, for: item.channel, lanes: lanes[id]!, epoch: item.epoch)
                try store.saveLane(item.voucher, now: now, db)
                lanes[id]![item.voucher.lane] = LaneState(lane: item.voucher.lane, nonce: item.voucher.nonce, amount: item.voucher.amount)
                results.append(.success(delta))
            } catch {
                results.append(.failure(error))
            }
        }
        for id in lanes.keys { try store.touch(id, now: now, db) }
        return results
    }

    /// The lanes a voucher is checked against: the best voucher held of each lane, or
    /// what the ledger redeemed where that is further.
    private static func laneStates(_ channel: ChannelState, store: PaychStore, _ db: Database) throws -> [UInt64: LaneState] {
        var lanes = Dictionary(uniqueKeysWithValues: channel.lanes.map { ($0.lane, $0) })
        for (lane, held) in try store.laneStates(of: channel.id, db) where held.nonce >= (lanes[lane]?.nonce ?? 0) {
            lanes[lane] = held
        }
        return lanes
    }

    /// The ledger's state of `id`, which must be a channel that pays this node.
    private func inboundChannel(_ id: ChannelID, fresh: Bool) async throws -> ChannelState {
        if !fresh, let state = known.withLock({ $0[id] }) { return state }
        let ledger = try await self.ledger.ledger()
        let read = reading.withLock { inFlight -> Task<ChannelState, any Error> in
            if let current = inFlight[id] { return current }
            let task = Task { try await ledger.channel(id) }
            inFlight[id] = task
            return task
        }
        defer { reading.withLock { if $0[id] == read { $0[id] = nil } } }
        let state = try await read.value
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
