import Foundation
import NodeKit
import TermUI

/// The hand-off between the node side (background tasks) and the UI thread. Producers
/// post and wake the loop; the UI takes everything in one go when it wakes. Producers
/// never wait on the UI and the UI never waits on the node.
final class ConsoleMailbox: Sendable {
    /// Everything posted since the last `take`.
    struct Delivery {
        var snapshot: NodeSnapshot?
        /// The channels and the ledger, read again after a `.channel` event.
        var payments: PaymentsSnapshot?
        /// The offer cache, the providers and the policy, read again after an `.offer` event.
        var market: MarketSnapshot?
        /// The answer to the operator's last `:find`.
        var found: FindResult?
        /// The deals, read again after a `.deal` event and every poll while one is open.
        var deals: DealsSnapshot?
        /// A deal and its history, read for its details (Enter on the Deals view).
        var deal: DealDetail?
        /// The providers' answers to the operator's last `:query`.
        var queried: QueryAnswersPanel.Result?
        var events: [NodeEvent] = []
        var notices: [(String, FlashLine.Level)] = []
        /// nil: no news; `.some(nil)`: the import ended; `.some(p)`: it is at `p`.
        var progress: ImportProgressState??
    }

    /// An import in flight, as the progress bar shows it.
    struct ImportProgressState: Sendable, Equatable {
        var path: String
        var done: UInt64
        var total: UInt64
    }

    private let state = Locked(State())
    private let wake: @Sendable () -> Void

    private struct State {
        var delivery = Delivery()
        var wakePending = false
        var lastSnapshot: NodeSnapshot?
        var lastMarket: MarketSnapshot?
    }

    init(wake: @escaping @Sendable () -> Void) { self.wake = wake }

    /// Posts a snapshot; wakes the UI only when it differs from the last one.
    func post(_ snapshot: NodeSnapshot) {
        let changed = state.withLock { s -> Bool in
            guard s.lastSnapshot != snapshot else { return false }
            s.lastSnapshot = snapshot
            s.delivery.snapshot = snapshot
            return true
        }
        if changed { signal() }
    }

    /// Posts the channels and the ledger as just read.
    func post(_ payments: PaymentsSnapshot) { state.withLock { $0.delivery.payments = payments }; signal() }

    /// Posts the market as just read; wakes the UI only when it differs from the last one
    /// (a view that shows stays as it is when a poll finds nothing new).
    func post(_ market: MarketSnapshot) {
        let changed = state.withLock { s -> Bool in
            guard s.lastMarket != market else { return false }
            s.lastMarket = market
            s.delivery.market = market
            return true
        }
        if changed { signal() }
    }

    /// Posts what a `:find` found.
    func post(found: FindResult) { state.withLock { $0.delivery.found = found }; signal() }

    /// Posts the deals as just read, changed or not: each read is a reading of the open
    /// deals' progress.
    func post(_ deals: DealsSnapshot) { state.withLock { $0.delivery.deals = deals }; signal() }

    /// Posts a deal's details and history.
    func post(deal: DealDetail) { state.withLock { $0.delivery.deal = deal }; signal() }

    /// Posts the providers' answers to a `:query`.
    func post(queried: QueryAnswersPanel.Result) { state.withLock { $0.delivery.queried = queried }; signal() }

    func post(_ event: NodeEvent) { state.withLock { $0.delivery.events.append(event) }; signal() }
    func notice(_ text: String, _ level: FlashLine.Level) { state.withLock { $0.delivery.notices.append((text, level)) }; signal() }
    func progress(_ p: ImportProgressState?) { state.withLock { $0.delivery.progress = .some(p) }; signal() }

    func take() -> Delivery {
        state.withLock { s in
            defer { s.delivery = Delivery(); s.wakePending = false }
            return s.delivery
        }
    }

    /// One wake-up per batch: a burst of log lines costs the UI one redraw.
    private func signal() {
        let first = state.withLock { s -> Bool in
            defer { s.wakePending = true }
            return !s.wakePending
        }
        if first { wake() }
    }
}
