/// The provider's deal state machine: a pure function from a deal and an event to the
/// deal's next state and the effects the driver (`ProviderDeals`) must run.
///
/// Paths (go-fil-markets' names):
/// - acceptance: New → Unsealing → Unsealed, or New → FundsNeededUnseal → Unsealing when
///   the deal has an unseal price (it is paid before any block is sent);
/// - transfer: Unsealed → Ongoing ⇄ FundsNeeded (paused at each threshold until a
///   voucher covers what was sent);
/// - end: Ongoing → FundsNeededLastPayment (all sent, not all paid; skipped when it is) → Finalizing →
///   Completing → Completed;
/// - failure: any → Failing → Errored; cancel (by the client or the operator): any →
///   Cancelling → Cancelled.
public enum ProviderDealMachine {
    public enum Event: Sendable, Equatable {
        case accepted
        case unsealComplete
        /// Blocks went out (a resumed transfer may resend some): the furthest position sent.
        case blocksSent(blocks: UInt64, bytes: UInt64)
        case paymentRequested
        case lastPaymentRequested
        /// A payment was credited: `paid` in all.
        case paymentReceived(paid: TokenAmount)
        case complete
        case cleanupComplete
        case failed(String)
        case errored
        /// The client, or the provider's operator, cancels the deal.
        case cancel(String)
        case cancelComplete
        /// The client went away; the deal waits for it to come back.
        case interrupted(String)
    }

    public enum Effect: Sendable, Equatable {
        case unseal
        case resumeTransfer
        case endTransfer
        case closeTransfer
    }

    /// Applies `event` to `deal` (a provider deal), returning the effects to run.
    public static func apply(_ event: Event, to deal: inout DealRecord) throws(DealTransitionError) -> [Effect] {
        let s = deal.status
        func refuse() -> DealTransitionError { DealTransitionError(status: s, event: "\(event)") }
        guard !deal.isTerminal else { throw refuse() }
        switch event {
        case .accepted:
            guard s == .new else { throw refuse() }
            if deal.params.unsealPrice > .zero, !deal.unsealPaid {
                deal.status = .fundsNeededUnseal
                return []
            }
            deal.status = .unsealing
            return [.unseal]
        case .unsealComplete:
            guard s == .unsealing else { throw refuse() }
            deal.status = .unsealed
            return [.resumeTransfer]
        case .blocksSent(let blocks, let bytes):
            guard [.unsealed, .ongoing, .fundsNeeded].contains(s) else { throw refuse() }
            (deal.status, deal.blocks, deal.bytes) = (.ongoing, max(deal.blocks, blocks), max(deal.bytes, bytes))
            return []
        case .paymentRequested:
            guard [.unsealed, .ongoing].contains(s) else { throw refuse() }
            deal.status = .fundsNeeded
            return []
        case .lastPaymentRequested:
            guard [.unsealed, .ongoing, .fundsNeeded].contains(s) else { throw refuse() }
            if (try? deal.params.price(of: deal.totalBytes)).map({ deal.paid >= $0 }) ?? false {
                deal.status = .finalizing
                return [.endTransfer]
            }
            deal.status = .fundsNeededLastPayment
            return []
        case .paymentReceived(let paid):
            guard paid >= deal.paid, [.fundsNeededUnseal, .unsealing, .unsealed, .ongoing, .fundsNeeded, .fundsNeededLastPayment].contains(s)
            else { throw refuse() }
            deal.paid = paid
            switch s {
            case .fundsNeededUnseal where deal.unsealPaid:
                deal.status = .unsealing
                return [.unseal]
            case .fundsNeeded where deal.bytesPaidFor >= deal.bytes:
                deal.status = .ongoing
                return [.resumeTransfer]
            case .fundsNeededLastPayment where (try? deal.params.price(of: deal.totalBytes)).map({ paid >= $0 }) ?? false:
                deal.status = .finalizing
                return [.endTransfer]
            default:
                return []
            }
        case .complete:
            guard s == .finalizing else { throw refuse() }
            deal.status = .completing
            return []
        case .cleanupComplete:
            guard s == .completing else { throw refuse() }
            (deal.status, deal.message) = (.completed, "")
            return []
        case .failed(let why):
            guard s != .failing, s != .cancelling else { throw refuse() }
            (deal.status, deal.message) = (.failing, why)
            return [.closeTransfer]
        case .errored:
            guard s == .failing else { throw refuse() }
            deal.status = .errored
            return []
        case .cancel(let why):
            guard s != .cancelling, s != .failing else { throw refuse() }
            (deal.status, deal.message) = (.cancelling, why)
            return [.closeTransfer]
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
