/// Counts the find-offers requests a gateway answers and notes them in the journal as
/// one summary per housekeeping period — not one event per request, which at tens of
/// thousands a second would drown the journal.
struct DiscoveryActivity: Sendable {
    private struct Counts: Sendable {
        var answered = 0
        var withOffers = 0
        var offers = 0
        var unpaid = 0
    }

    private let context: NodeContext
    private let counts = Locked(Counts())

    init(context: NodeContext) { self.context = context }

    func answered(offers: Int) {
        counts.withLock { c in
            c.answered += 1
            if offers > 0 { c.withOffers += 1 }
            c.offers += offers
        }
    }

    func unpaid() { counts.withLock { $0.unpaid += 1 } }

    /// Notes the counts since the last flush, if any.
    func flush() {
        let c = counts.withLock { c -> Counts in defer { c = Counts() }; return c }
        guard c.answered + c.unpaid > 0 else { return }
        var line = "gateway: answered \(c.answered) find-offers requests (\(c.withOffers) with offers, \(c.offers) sub-offers)"
        if c.unpaid > 0 { line += "; \(c.unpaid) refused until paid" }
        context.note(.info, .offer, line)
    }
}
