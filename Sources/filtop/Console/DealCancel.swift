import NodeKit
import TermUI

/// `:cancel` on the deal selected in the Deals view, with that deal resolved. The
/// console asks first (`confirmation`, focus on Cancel); the feed runs it, flashes `done`
/// or `failed`, and reads the deals again at once.
struct DealCancel: Sendable, Equatable {
    let deal: DealRecord

    /// "c42" for a deal this node retrieves, "p42" for one it serves (the peer column
    /// tells two providers' deals of the same number apart).
    static func shortID(_ deal: DealRecord) -> String { "\(deal.side.letter)\(deal.id)" }

    /// The question asked first, one line that fits an 80-column screen.
    var confirmation: ConfirmDialog {
        let peer = deal.side == .client ? "provider" : "client"
        return ConfirmDialog(title: "Cancel deal?", message: "Cancel deal \(Self.shortID(deal)) with \(peer) \(deal.peer.short)? What was paid stays paid.",
                             confirmLabel: "Cancel deal")
    }

    /// What the flash line says when the operator keeps the deal.
    var kept: String { "deal \(Self.shortID(deal)) left as it is" }

    /// Cancels the deal on the node (which tells its peer); returns it as it ended.
    func perform(on control: any NodeControl) async throws -> DealRecord { try await control.cancelDeal(deal.key) }

    /// What the flash line says when the node did it.
    func done(_ ended: DealRecord) -> String {
        "deal \(Self.shortID(ended)) \(ended.status): \(ConsoleFormat.bytes(ended.bytes)) of \(ConsoleFormat.bytes(ended.totalBytes)), paid \(ended.paid)"
    }

    /// What the flash line says when the node refused or could not be reached: the
    /// node's own words (a `RetrievalError` or `Refusal` says what to do).
    func failed(_ error: any Error) -> String { "cancel of deal \(Self.shortID(deal)) failed: \(error)" }
}
