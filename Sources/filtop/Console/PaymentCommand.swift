import NodeKit
import TermUI

/// A `:` command that moves money, with its target resolved (the peer, the selected
/// channel). The console asks before running one (`confirmation`, focus on Cancel); the
/// feed runs it and flashes `done` or `failed`.
enum PaymentCommand: Sendable, Equatable {
    /// Lock `amount` more in the open outbound channel to `peer`, or open one; `channel`
    /// is that open channel when the console knows it.
    case addFunds(peer: NodeID, amount: TokenAmount, channel: ChannelID?)
    /// Start the settle period of a channel.
    case settle(ChannelSummary)
    /// Pay out a channel whose settle period is over.
    case collect(ChannelSummary)

    /// The question asked first, one line that fits an 80-column screen.
    var confirmation: ConfirmDialog {
        switch self {
        case .addFunds(let peer, let amount, let channel?):
            return ConfirmDialog(title: "Add funds?", message: "Lock \(amount) more in \(channel.short) to \(peer.short)?", confirmLabel: "Add funds")
        case .addFunds(let peer, let amount, nil):
            return ConfirmDialog(title: "Open a channel?", message: "Open a channel to \(peer.short) with \(amount)?", confirmLabel: "Add funds")
        case .settle(let c) where c.direction == .inbound:
            return ConfirmDialog(title: "Settle channel?", message: "Redeem the vouchers held, then settle \(c.id.short)?", confirmLabel: "Settle")
        case .settle(let c):
            return ConfirmDialog(title: "Settle channel?", message: "Settle \(c.id.short)? It then takes no more funds or vouchers.", confirmLabel: "Settle")
        case .collect(let c):
            return ConfirmDialog(title: "Collect channel?", message: "Collect \(c.id.short): pay it out and close it?", confirmLabel: "Collect")
        }
    }

    /// Runs the command on the node; returns the channel as it now stands.
    func perform(on control: any NodeControl) async throws -> ChannelSummary {
        switch self {
        case .addFunds(let peer, let amount, _): return try await control.addFunds(peer: peer, amount: amount)
        case .settle(let c): return try await control.settle(c.id)
        case .collect(let c): return try await control.collect(c.id)
        }
    }

    /// What the flash line says when the node did it.
    func done(_ channel: ChannelSummary) -> String {
        switch self {
        case .addFunds(_, let amount, _):
            return "added \(amount): channel \(channel.id.short) to \(channel.peer.short) holds \(channel.funds)"
        case .settle:
            return "channel \(channel.id.short) is settling" + (channel.settlingAt.map { "; collect it from epoch \($0)" } ?? "")
        case .collect:
            return "collected channel \(channel.id.short)"
        }
    }

    /// What the flash line says when the node refused or could not be reached: the
    /// node's own words (a `PaymentError` or `Refusal` says what to do).
    func failed(_ error: any Error) -> String {
        switch self {
        case .addFunds(let peer, _, _): return "add-funds to \(peer.short) failed: \(error)"
        case .settle(let c): return "settle of \(c.id.short) failed: \(error)"
        case .collect(let c): return "collect of \(c.id.short) failed: \(error)"
        }
    }
}
