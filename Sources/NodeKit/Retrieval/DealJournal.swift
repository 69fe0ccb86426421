import Foundation

/// How a deal's changes reach the journal: one `deal` event per status change, naming
/// the deal, its peer, its status and how far transfer and payment have got.
enum DealJournal {
    /// Notes `deal`'s status (a new deal's, or one it just changed to).
    static func note(_ deal: DealRecord, context: NodeContext) {
        let level: NodeEvent.Level = [.errored, .failing, .rejected, .dealNotFound].contains(deal.status) ? .warning : .info
        let peerRole = deal.side == .client ? "provider" : "client"
        var text = "deal \(deal.key) (\(deal.side.rawValue)) with \(peerRole) \(deal.peer.short)"
        if deal.side == .broker, let provider = deal.broker { text += " and provider \(provider.short)" }
        text += ": \(deal.status)"
        text += " — \(ByteCount.text(deal.bytes)) of \(ByteCount.text(deal.totalBytes)), paid \(deal.paid), owed \(deal.owed)"
        if !deal.message.isEmpty { text += ": \(deal.message)" }
        context.note(level, .deal, text)
    }
}

/// Byte counts as operators read them (binary units, one decimal).
enum ByteCount {
    static func text(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
