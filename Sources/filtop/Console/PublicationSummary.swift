import NodeKit
import TermUI

/// What `:publish` flashes: "published 3 offers to 8 gateways (24 acknowledged)", and,
/// when a gateway did not acknowledge, the first reason given.
struct PublicationSummary {
    /// Distinct offers sent.
    let offers: Int
    /// Distinct gateways they went to.
    let gateways: Int
    /// Publications (one per gateway and offer) the gateway acknowledged.
    let acknowledged: Int
    /// Publications in all.
    let sent: Int
    /// The first gateway that did not acknowledge, and why.
    let firstRefusal: (gateway: NodeID, reason: String)?

    init(_ publications: [Publication]) {
        offers = Set(publications.map(\.offerID)).count
        gateways = Set(publications.map(\.gateway)).count
        acknowledged = publications.filter { $0.acknowledgedAt != nil }.count
        sent = publications.count
        firstRefusal = publications.first { $0.acknowledgedAt == nil }.map { ($0.gateway, $0.error ?? "no acknowledgement") }
    }

    var line: String {
        let head = "published \(ConsoleFormat.count(offers, "offer")) to \(ConsoleFormat.count(gateways, "gateway")) (\(acknowledged) acknowledged)"
        guard let refusal = firstRefusal else { return head }
        return head + "; \(refusal.gateway.short): \(refusal.reason)"
    }

    /// Info when every gateway acknowledged; a warning when one did not, or none was sent.
    var level: FlashLine.Level { sent > 0 && acknowledged == sent ? .info : .warning }
}
