/// The client's deal state machine: a pure function from a deal and an event to the
/// deal's next state and the effects the driver (`ClientDeals`) must run, in order. The
/// driver persists the new state before it runs the effects, so a restart finds every
/// deal in a state whose effects are safe to run again.
///
/// Paths (go-fil-markets' names):
/// - proposal: New → WaitForAcceptance → Accepted, or → Rejected / DealNotFound;
/// - payment set-up: Accepted → PaymentChannelCreating or PaymentChannelAddingInitialFunds
///   → PaymentChannelAllocatingLane → Ongoing; a free deal: Accepted → Ongoing;
/// - transfer: Ongoing ⇄ FundsNeeded → SendFunds → Ongoing, each time the verified bytes
///   reach the next threshold (and first, for an unseal price);
/// - end: Ongoing → BlocksComplete → SendFundsLastPayment → Finalizing (a free deal skips
///   the payment) → FinalizingBlockstore → Completed;
/// - failure: any → Failing → Errored; cancel: any → Cancelling → Cancelled.
public enum ClientDealMachine {
    public enum Event: Sendable, Equatable {
        case proposed
        case accepted
        case rejected(String)
        case notFound(String)
        case paymentChannelSkip
        case paymentChannelCreating
        case paymentChannelAddingFunds
        case paymentChannelReady(ChannelID)
        case laneAllocated
        /// Verified blocks arrived: the totals so far.
        case blocksReceived(blocks: UInt64, bytes: UInt64)
        case paymentRequested
        case sendFunds
        /// A voucher for `paid` in all was accepted by the payee.
        case paymentSent(paid: TokenAmount, lane: UInt64)
        case allBlocksReceived
        case lastPaymentRequested
        case lastPaymentSkipped
        case providerCompleted
        case blockstoreFinalized
        case failed(String, block: String? = nil)
        case errored
        case cancel(String)
        case cancelComplete
        /// The transfer stopped and the driver will resume it: the deal keeps its state.
        case interrupted(String)
    }

    public enum Effect: Sendable, Equatable {
        case propose
        case setUpPaymentChannel
        case openTransfer
        case sendPayment
        case finalizeOutput
        case closeTransfer
        case cancelAtProvider
    }

    /// Applies `event` to `deal` (a client deal), returning the effects to run.
    public static func apply(_ event: Event, to deal: inout DealRecord) throws(DealTransitionError) -> [Effect] {
        let s = deal.status
        func refuse() -> DealTransitionError { DealTransitionError(status: s, event: "\(event)") }
        guard !deal.isTerminal else { throw refuse() }
        switch event {
        case .proposed:
            guard s == .new else { throw refuse() }
            deal.status = .waitForAcceptance
            return [.propose]
        case .accepted:
            guard s == .waitForAcceptance else { throw refuse() }
            deal.status = .accepted
            return deal.params.isFree ? [] : [.setUpPaymentChannel]
        case .rejected(let why):
            guard s == .waitForAcceptance else { throw refuse() }
            (deal.status, deal.message) = (.rejected, why)
            return []
        case .notFound(let why):
            guard s != .cancelling else { throw refuse() }
            (deal.status, deal.message) = (.dealNotFound, why)
            return [.closeTransfer]
        case .paymentChannelSkip:
            guard s == .accepted, deal.params.isFree else { throw refuse() }
            deal.status = .ongoing
            return [.openTransfer]
        case .paymentChannelCreating:
            guard s == .accepted else { throw refuse() }
            deal.status = .paymentChannelCreating
            return []
        case .paymentChannelAddingFunds:
            guard s == .accepted else { throw refuse() }
            deal.status = .paymentChannelAddingInitialFunds
            return []
        case .paymentChannelReady(let channel):
            guard [.accepted, .paymentChannelCreating, .paymentChannelAddingInitialFunds].contains(s) else { throw refuse() }
            (deal.status, deal.channel) = (.paymentChannelAllocatingLane, channel)
            return []
        case .laneAllocated:
            guard s == .paymentChannelAllocatingLane else { throw refuse() }
            deal.status = .ongoing
            return [.openTransfer]
        case .blocksReceived(let blocks, let bytes):
            guard s == .ongoing, blocks >= deal.blocks, bytes >= deal.bytes else { throw refuse() }
            (deal.blocks, deal.bytes) = (blocks, bytes)
            return []
        case .paymentRequested:
            guard s == .ongoing, !deal.params.isFree else { throw refuse() }
            deal.status = .fundsNeeded
            return [.sendPayment]
        case .sendFunds:
            guard s == .fundsNeeded else { throw refuse() }
            deal.status = .sendFunds
            return []
        case .paymentSent(let paid, let lane):
            guard [.sendFunds, .sendFundsLastPayment].contains(s), paid >= deal.paid else { throw refuse() }
            (deal.paid, deal.lane) = (paid, lane)
            deal.status = s == .sendFunds ? .ongoing : .finalizing
            return []
        case .allBlocksReceived:
            guard s == .ongoing else { throw refuse() }
            deal.status = .blocksComplete
            return []
        case .lastPaymentRequested:
            guard s == .blocksComplete, !deal.params.isFree else { throw refuse() }
            deal.status = .sendFundsLastPayment
            return [.sendPayment]
        case .lastPaymentSkipped:
            guard s == .blocksComplete, (try? deal.params.price(of: deal.bytes)).map({ $0 <= deal.paid }) ?? false else { throw refuse() }
            deal.status = .finalizing
            return []
        case .providerCompleted:
            guard s == .finalizing else { throw refuse() }
            deal.status = .finalizingBlockstore
            return [.finalizeOutput]
        case .blockstoreFinalized:
            guard s == .finalizingBlockstore else { throw refuse() }
            (deal.status, deal.message) = (.completed, "")
            return []
        case .failed(let why, let block):
            guard s != .failing, s != .cancelling else { throw refuse() }
            (deal.status, deal.message) = (.failing, why)
            if let block { deal.failedBlock = block }
            return [.closeTransfer]
        case .errored:
            guard s == .failing else { throw refuse() }
            deal.status = .errored
            return []
        case .cancel(let why):
            guard s != .cancelling, s != .failing else { throw refuse() }
            (deal.status, deal.message) = (.cancelling, why)
            return [.closeTransfer, .cancelAtProvider]
        case .cancelComplete:
            guard s == .cancelling else { throw refuse() }
            deal.status = .cancelled
            return []
        case .interrupted(let why):
            deal.message = why
            return []
        }
    }
}
