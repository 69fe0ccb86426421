import Foundation
import GRDB

/// The payer's side of payment channels: gets or creates a channel to a peer with enough
/// funds (reusing an open one), tops it up, allocates lanes and signs vouchers only
/// within the channel's funds.
///
/// A voucher's nonce and amount are decided and stored in one transaction (shared by the
/// requests that arrive together, `BatchedWrites`) before the voucher is returned, so two tasks paying on one channel never sign the same nonce and
/// a restart (even after kill -9) never reuses one. The payer's write is not flushed to
/// the disk like the payee's: a voucher the payer forgets in a power cut can only make it
/// sign a later one the payee refuses as stale, never make the payee lose money.
public struct ChannelManager: Sendable {
    private let context: NodeContext
    private let store: PaychStore
    private let ledger: LedgerAccess
    private let activity: VoucherActivity
    private let signing: BatchedWrites<VoucherRequest, Voucher>

    init(context: NodeContext, store: PaychStore, ledger: LedgerAccess) {
        self.context = context
        self.store = store
        self.ledger = ledger
        activity = VoucherActivity(context: context, verb: "signed")
        let identity = context.identity, clock = context.clock
        signing = BatchedWrites(database: store.database, durable: false, label: "filtop.voucher-signing") { db, requests in
            try Self.sign(requests, store: store, identity: identity, now: clock.now, db)
        }
    }

    /// Adds `amount` to the open outbound channel to `peer`, or opens one with it. The peer
    /// must be in the node's copy of the register (`unknownPeer` otherwise): vouchers are
    /// sent to the address it lists.
    public func addFunds(to peer: NodeID, amount: TokenAmount) async throws -> ChannelID {
        guard peer != context.nodeID else { throw PaymentError.notParty("a node cannot open a payment channel to itself") }
        guard amount > .zero else { throw PaymentError.invalidVoucher("add at least 1 attoFIL to a channel") }
        guard try await RegisterStore(database: context.blockstore.database, table: .localCopy).record(peer) != nil else {
            throw PaymentError.unknownPeer(peer)
        }
        // Each event is noted once the node's own table shows the change: a console that
        // reads the channels on the event sees it.
        if let open = try await store.openOutbound(to: peer) {
            let id = try await ledger.submit(.addFunds(channel: open.id, amount: amount)).channel
            try await refresh(id)
            context.note(.info, .channel, "paych: added \(amount) to \(id.short) (to \(peer.short))")
            return id
        }
        let id = try await ledger.submit(.createChannel(payee: peer, amount: amount)).channel
        try await refresh(id)
        context.note(.info, .channel, "paych: opened \(id.short) to \(peer.short) with \(amount)")
        return id
    }

    /// The open outbound channel to `peer` that payments use (the newest), if any.
    public func openChannel(to peer: NodeID) async throws -> ChannelSummary? {
        guard let open = try await store.openOutbound(to: peer) else { return nil }
        return ChannelSummary(open, lanes: try await store.lanes(of: open.id))
    }

    /// An open outbound channel to `peer` with at least `available` not yet promised,
    /// topping up the newest open one (or opening one) by what is missing — or by
    /// `topUp` when that is more, so a payer of many small amounts does not send a ledger
    /// message for each.
    ///
    /// With `newLane`, the caller will pay on a lane of its own: a channel whose lanes are
    /// all taken (`ChannelState.maxLanes`) is left as it is and a new one opened, which
    /// later payments to `peer` then use.
    public func ensureFunds(to peer: NodeID, available: TokenAmount, topUp: TokenAmount = .zero, newLane: Bool = false) async throws -> ChannelID {
        if let open = try await store.openOutbound(to: peer) {
            let summary = ChannelSummary(open, lanes: try await store.lanes(of: open.id))
            if newLane, summary.laneCount >= ChannelState.maxLanes {
                let id = try await ledger.submit(.createChannel(payee: peer, amount: max(available, topUp))).channel
                try await refresh(id)
                context.note(.info, .channel, "paych: opened \(id.short) to \(peer.short) with \(max(available, topUp)) (channel \(open.id.short) has no lane left)")
                return id
            }
            guard summary.available < available else { return open.id }
            return try await addFunds(to: peer, amount: max(try available.subtracting(summary.available), topUp))
        }
        return try await addFunds(to: peer, amount: max(available, topUp))
    }

    /// How a new voucher's amount is given.
    public enum Amount: Sendable {
        /// The lane's new cumulative amount (as `lotus paych voucher create` takes it).
        case cumulative(TokenAmount)
        /// This much more than the lane holds.
        case increment(TokenAmount)
    }

    /// Runs in the transaction that stores a new voucher, so what the caller records of
    /// it (a deal's lane and what it has promised) is stored with it or not at all.
    typealias SignedRecord = @Sendable (Voucher, Database) throws -> Void

    /// A voucher asked for, waiting for its batch.
    struct VoucherRequest: Sendable {
        let channel: ChannelID
        let amount: Amount
        let lane: UInt64?
        var record: SignedRecord? = nil
    }

    /// Signs the next voucher of `lane` (a new lane when nil) on outbound channel `id`.
    /// Refused, with the shortfall, when all lanes would owe more than the channel holds.
    public func createVoucher(channel id: ChannelID, amount: Amount, lane: UInt64? = nil) async throws -> Voucher {
        try await createVoucher(channel: id, amount: amount, lane: lane, record: nil)
    }

    /// `createVoucher`, with `record` run inside the transaction that stores the voucher.
    func createVoucher(channel id: ChannelID, amount: Amount, lane: UInt64?, record: SignedRecord?) async throws -> Voucher {
        let voucher = try await signing.submit(VoucherRequest(channel: id, amount: amount, lane: lane, record: record))
        activity.record(voucher, delta: voucher.amount)
        return voucher
    }

    /// One batch of voucher requests, in one transaction: each decided against the lanes
    /// as the requests before it left them, signed and stored.
    static func sign(_ requests: [VoucherRequest], store: PaychStore, identity: KeyPair, now: Date, _ db: Database) throws -> [Result<Voucher, any Error>] {
        var channels: [ChannelID: PaychStore.Channel] = [:]
        var lanes: [ChannelID: [UInt64: LaneState]] = [:]
        let results = requests.map { request in
            Result {
                let id = request.channel
                if channels[id] == nil {
                    guard let channel = try store.channel(id, db), channel.direction == .outbound else { throw PaymentError.unknownChannel(id) }
                    channels[id] = channel
                    lanes[id] = try store.laneStates(of: id, db)
                }
                let voucher = try nextVoucher(request, channel: channels[id]!, lanes: lanes[id]!, identity: identity)
                try store.saveLane(voucher, now: now, db)
                try request.record?(voucher, db)
                lanes[id]![voucher.lane] = LaneState(lane: voucher.lane, nonce: voucher.nonce, amount: voucher.amount)
                return voucher
            }
        }
        for id in channels.keys { try store.touch(id, now: now, db) }
        return results
    }

    /// The voucher `request` asks for on `channel`, whose lanes are `lanes`, signed.
    private static func nextVoucher(_ request: VoucherRequest, channel: PaychStore.Channel, lanes: [UInt64: LaneState], identity: KeyPair) throws -> Voucher {
        let id = channel.id
        guard !channel.collected else { throw PaymentError.collected(id) }
        if let end = channel.settlingAt { throw PaymentError.settling(channel: id, since: end) }
        let laneID = request.lane ?? (lanes.keys.max().map { $0 + 1 } ?? 0)
        let last = lanes[laneID]
        if last == nil, lanes.count >= ChannelState.maxLanes {
            throw PaymentError.limit("channel \(id.short) already has \(ChannelState.maxLanes) lanes; pass --lane to reuse one")
        }
        let total: TokenAmount
        switch request.amount {
        case .cumulative(let a): total = a
        case .increment(let a): total = try (last?.amount ?? .zero).adding(a)
        }
        if let last, total <= last.amount {
            throw PaymentError.lowerAmount(lane: laneID, amount: total, last: last.amount)
        }
        guard total > .zero else { throw PaymentError.invalidVoucher("a voucher must be for more than 0 FIL") }
        var owed = total.attoFIL
        for (other, state) in lanes where other != laneID { owed += state.amount.attoFIL }
        guard owed <= channel.funds.attoFIL else {
            throw PaymentError.overspend(channel: id, by: TokenAmount(unchecked: owed - channel.funds.attoFIL), funds: channel.funds)
        }
        return try Voucher(channel: id, lane: laneID, nonce: (last?.nonce ?? 0) + 1, amount: total, signer: identity)
    }

    /// The best voucher this node signed on `lane` of outbound channel `id`, if any.
    public func voucher(channel id: ChannelID, lane: UInt64) async throws -> Voucher? {
        try await store.lanes(of: id).first { $0.voucher.lane == lane }?.voucher
    }

    /// Sends `voucher` to its channel's payee and returns the payee's receipt (given only
    /// once the payee stored it).
    public func send(_ voucher: Voucher) async throws -> VoucherReceipt {
        guard let channel = try await store.channel(voucher.channel), channel.direction == .outbound else {
            throw PaymentError.unknownChannel(voucher.channel)
        }
        let session = try await context.connect(to: channel.peer)
        do {
            let receipt = try await session.call(PaymentVoucher(voucher), expecting: VoucherReceipt.self)
            await session.close()
            return receipt
        } catch {
            await session.close()
            throw error
        }
    }

    /// Reads `id` from the ledger into the node's channel table.
    func refresh(_ id: ChannelID) async throws {
        let state = try await ledger.ledger().channel(id)
        let direction: ChannelDirection = state.payer == context.identity.publicKey ? .outbound : .inbound
        try await store.upsert(state, direction: direction, now: context.clock.now)
    }
}
