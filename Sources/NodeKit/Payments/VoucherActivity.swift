import Foundation

/// Tells the journal about vouchers without flooding it: the first voucher of a quiet
/// channel is noted at once, the ones that follow within `window` in one summary when
/// the window closes. So the Channels view stays live (it refreshes on channel events)
/// while a channel carrying thousands of vouchers a second adds a few lines, not
/// thousands, to the journal. Holds one entry per channel with an open window.
final class VoucherActivity: Sendable {
    private struct Window {
        var count = 0
        var total = TokenAmount.zero
        var latest: Voucher?
    }

    static let window: Duration = .milliseconds(500)

    private let context: NodeContext
    /// "signed" (payer) or "received" (payee).
    private let verb: String
    private let open = Locked<[ChannelID: Window]>([:])

    init(context: NodeContext, verb: String) {
        self.context = context
        self.verb = verb
    }

    /// Notes that `voucher` was signed or received, adding `delta` to its lane.
    func record(_ voucher: Voucher, delta: TokenAmount) {
        let id = voucher.channel
        let first = open.withLock { windows -> Bool in
            if var w = windows[id] {
                w.count += 1
                w.total = (try? w.total.adding(delta)) ?? w.total
                w.latest = voucher
                windows[id] = w
                return false
            }
            windows[id] = Window()
            return true
        }
        guard first else { return }
        context.note(.info, .channel, "paych: \(verb) \(voucher.amount) on \(id.short) lane \(voucher.lane) nonce \(voucher.nonce) (+\(delta))")
        Task { [self] in
            try? await context.clock.sleep(for: Self.window)
            let w = open.withLock { $0.removeValue(forKey: id) }
            guard let w, w.count > 0, let latest = w.latest else { return }
            context.note(.info, .channel, "paych: \(verb) \(w.count) more vouchers on \(id.short) (+\(w.total)); latest \(latest.amount) on lane \(latest.lane) nonce \(latest.nonce)")
        }
    }
}
