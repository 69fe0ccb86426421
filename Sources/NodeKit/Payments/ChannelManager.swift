import Foundation
import GRDB

/// The payer's side of payment channels: gets or creates a channel to a peer with enough
/// funds (reusing an open one), tops it up, allocates lanes and signs vouchers only
/// within the channel's funds.
///
/// A voucher's nonce and amount are decided and stored in one transaction before the
/// voucher is returned, so two tasks paying on one channel never sign the same nonce and
/// a restart (even after kill -9) never reuses one. The payer's write is not flushed to
/// the disk like the payee's: a voucher the payer forgets in a power cut can only make it
/// sign a later one the payee refuses as stale, never make the payee lose money.
public struct ChannelManager: Sendable {
    private let context: NodeContext
    private let store: PaychStore
    private let ledger: LedgerAccess

    init(context: NodeContext, store: PaychStore, ledger: LedgerAccess) {
        self.context = context
        self.store = store
        self.ledger = ledger
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
        let id: ChannelID
        if let open = try await store.openOutbound(to: peer) {
            id = try await ledger.submit(.addFunds(channel: open.id, amount: amount)).channel
            context.note(.info, .channel, "paych: added \(amount) to \(id.short) (to \(peer.short))")
        } else {
            id = try await ledger.submit(.createChannel(payee: peer, amount: amount)).channel
            context.note(.info, .channel, "paych: opened \(id.short) to \(peer.short) with \(amount)")
        }
        try await refresh(id)
        return id
    }

    /// An open outbound channel to `peer` with at least `available` not yet promised,
    /// topping up the newest open one (or opening one) by what is missing.
    public func ensureFunds(to peer: NodeID, available: TokenAmount) async throws -> ChannelID {
        if let open = try await store.openOutbound(to: peer) {
            let summary = ChannelSummary(open, lanes: try await store.lanes(of: open.id))
            guard summary.available < available else { return open.id }
            return try await addFunds(to: peer, amount: try available.subtracting(summary.available))
        }
        return try await addFunds(to: peer, amount: available)
    }

    /// How a new voucher's amount is given.
    public enum Amount: Sendable {
        /// The lane's new cumulative amount (as `lotus paych voucher create` takes it).
        case cumulative(TokenAmount)
        /// This much more than the lane holds.
        case increment(TokenAmount)
    }

    /// Signs the next voucher of `lane` (a new lane when nil) on outbound channel `id`.
    /// Refused, with the shortfall, when all lanes would owe more than the channel holds.
    public func createVoucher(channel id: ChannelID, amount: Amount, lane: UInt64? = nil) async throws -> Voucher {
        let identity = context.identity, now = context.clock.now
        let voucher = try await store.database.write { db -> Voucher in
            guard let channel = try store.channel(id, db), channel.direction == .outbound else {
                throw PaymentError.unknownChannel(id)
            }
            guard !channel.collected else { throw PaymentError.collected(id) }
            if let end = channel.settlingAt { throw PaymentError.settling(channel: id, since: end) }
            let lanes = try store.lanes(of: id, db)
            let laneID = lane ?? (lanes.map(\.voucher.lane).max().map { $0 + 1 } ?? 0)
            let last = lanes.first { $0.voucher.lane == laneID }?.voucher
            if last == nil, lanes.count >= ChannelState.maxLanes {
                throw PaymentError.limit("channel \(id.short) already has \(ChannelState.maxLanes) lanes; pass --lane to reuse one")
            }
            let total: TokenAmount
            switch amount {
            case .cumulative(let a): total = a
            case .increment(let a): total = try (last?.amount ?? .zero).adding(a)
            }
            if let last, total <= last.amount {
                throw PaymentError.lowerAmount(lane: laneID, amount: total, last: last.amount)
            }
            guard total > .zero else { throw PaymentError.invalidVoucher("a voucher must be for more than 0 FIL") }
            var owed = total.attoFIL
            for l in lanes where l.voucher.lane != laneID { owed += l.voucher.amount.attoFIL }
            guard owed <= channel.funds.attoFIL else {
                throw PaymentError.overspend(channel: id, by: TokenAmount(unchecked: owed - channel.funds.attoFIL), funds: channel.funds)
            }
            let voucher = try Voucher(channel: id, lane: laneID, nonce: (last?.nonce ?? 0) + 1, amount: total, signer: identity)
            try store.saveLane(voucher, now: now, db)
            return voucher
        }
        context.note(.info, .channel, "paych: voucher for \(voucher.amount) on \(id.short) lane \(voucher.lane) nonce \(voucher.nonce)")
        return voucher
    }

    /// Sends `voucher` to its channel's payee and returns the payee's receipt (given only
    /// once the payee stored it).
    public func send(_ voucher: Voucher) async throws -> VoucherReceipt {
        guard let channel = try await store.channel(voucher.channel), channel.direction == .outbound else {
            throw PaymentError.unknownChannel(voucher.channel)
        }
        let copy = RegisterStore(database: context.blockstore.database, table: .localCopy)
        guard let record = try await copy.record(channel.peer), let address = record.addresses.first.flatMap({ try? NodeAddress($0) }) else {
            throw PaymentError.noLedger("the register lists no address for \(channel.peer.short); the voucher was kept and can be sent later")
        }
        let session = try await context.transport.connect(to: address, identity: context.identity, expectedPeer: channel.peer, timeout: .seconds(5))
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
