import Foundation
import NodeKit

/// Enter on a deal: the deal in full over the Deals view — where it stands, how far the
/// transfer and its payment have got, every status it went through (when, the bytes and
/// the amount paid by then, and why), its terms, broker, channel, CIDs, the block that
/// failed verification if one did, and where it writes. `c` copies the payload CID.
enum DealHistory {
    /// The panel for `deal`; `history` nil while the node has not answered yet. `rate`
    /// is the console's speed of an open deal.
    static func panel(_ deal: DealRecord, history: [DealHistoryEntry]?, rate: TransferRate?) -> DetailPanel {
        let client = deal.side == .client
        let p = deal.params
        var fields: [DetailPanel.Field] = [
            .init("Deal", DealCancel.shortID(deal) + ": " + deal.side.summary),
            .init(client ? "Provider" : "Client", deal.peer.description),
            .init("Status", deal.status.description + (deal.message.isEmpty ? "" : ": \(deal.message)")),
            .init("Progress", progress(deal, rate: rate)),
            .init("Paid", "\(deal.paid)" + (client ? " (the vouchers sent)" : " (credited, before any brokerage)")),
            .init("Owed", "\(deal.owed)" + (client ? " for bytes received and not yet paid for" : " for bytes sent and not yet paid for")),
        ]
        if let history {
            fields.append(.init("History", ConsoleFormat.count(history.count, "status", plural: "statuses") + ", oldest first (UTC)"))
            fields += history.map { e in
                let message = e.message.isEmpty ? "" : ": \(e.message)"
                return .init(ConsoleFormat.time(e.at, seconds: true), "\(e.status) · \(ConsoleFormat.bytes(e.bytes)) · paid \(e.paid)\(message)")
            }
        } else {
            fields.append(.init("History", "reading it from the node…"))
        }
        let gib = (try? p.pricePerByte.multiplied(by: 1 << 30)).map { "; 1 GiB costs \($0)" } ?? ""
        fields += [
            .init("Price", "\(p.pricePerByte) a byte (\(p.pricePerByte.attoFILDescription))\(gib)"),
            .init("Unseal price", p.unsealPrice == .zero ? "none" : "\(p.unsealPrice), paid before the first byte"),
            .init("Payment interval", "\(ConsoleFormat.bytes(p.paymentInterval)) before the first payment, each next one "
                + "\(ConsoleFormat.bytes(p.paymentIntervalIncrease)) longer"),
            .init("Broker", deal.broker.map { "\($0) (the gateway paid, which pays the provider)" } ?? "none: paid directly"),
            .init("Channel", deal.channel.map { "\($0), lane \(deal.lane.map(String.init) ?? "not allocated")" }
                ?? (p.isFree ? "none: the deal is free" : "none yet")),
            .init("Payload CID", deal.payload.description),
            .init("Piece CID", deal.pieceCID ?? "not known"),
        ]
        if let block = deal.failedBlock { fields.append(.init("Failed block", "\(block) (did not match its CID)")) }
        if let output = deal.output { fields.append(.init("Output", output.path + (output.car ? " (a CAR of the DAG)" : ""))) }
        if let request = deal.request { fields.append(.init("Retrieval", "request \(request)")) }
        fields += [
            .init("Created", ConsoleFormat.time(deal.createdAt, seconds: true) + " UTC"),
            .init("Updated", ConsoleFormat.time(deal.updatedAt, seconds: true) + " UTC"),
        ]
        return DetailPanel(title: "Deal \(DealCancel.shortID(deal))", fields: fields, copyValue: deal.payload.description, copyName: "payload CID")
    }

    /// "1.0 MiB of 4.0 MiB (25%), 12 of 48 blocks · 340 KiB/s, 9s left".
    static func progress(_ deal: DealRecord, rate: TransferRate?) -> String {
        let percent = DealRows.fraction(deal).map { " (\(Int(($0 * 100).rounded(.down)))%)" } ?? ""
        var text = "\(ConsoleFormat.bytes(deal.bytes)) of \(ConsoleFormat.bytes(deal.totalBytes))\(percent), \(deal.blocks) of \(deal.totalBlocks) blocks"
        if !deal.isTerminal, let speed = rate?.bytesPerSecond {
            text += " · \(ConsoleFormat.rate(speed))"
            if let left = rate?.secondsLeft(of: deal.totalBytes) { text += ", \(ConsoleFormat.duration(left)) left" }
        }
        return text
    }
}
