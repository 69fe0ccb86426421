import Foundation
import NodeKit

/// How the `client query`, `client retrieve`, `deals` and `provider ask` commands show
/// query answers, retrievals, deals and retrieval terms: aligned lines and tables for
/// people, one JSON document for scripts. Amounts are FIL with the unit, exact to the
/// attoFIL (as `PaymentOutput`); statuses are go-fil-markets' `DealStatus` names; deals
/// are named as `filtop deals show` takes them (`c42`, `p42@fid…`).
enum RetrievalText {
    // MARK: - Query

    /// `available`, `unavailable` or `error` (the provider's answer), or `unreachable`.
    static func status(_ a: QueryAnswer) -> String {
        guard let r = a.response else { return "unreachable" }
        switch r.status {
        case .available: return "available"
        case .unavailable: return "unavailable"
        case .error: return "error"
        }
    }

    static func queryTable(_ answers: [QueryAnswer]) {
        var table = TextTable([
            .left("PROVIDER"), .left("STATUS"), .right("SIZE"), .right("PRICE/BYTE"), .right("UNSEAL"), .right("INTERVAL"), .right("INCREASE"),
            .right("TOTAL PRICE"), .left("MESSAGE"),
        ])
        for a in answers {
            guard let r = a.response else {
                table.add([a.provider.short, status(a), "-", "-", "-", "-", "-", "-", a.error ?? "no answer"])
                continue
            }
            let available = r.status == .available
            table.add([
                a.provider.short, status(a), available ? ByteCount.format(r.size) : "-", available ? "\(r.pricePerByte)" : "-",
                available ? "\(r.unsealPrice)" : "-", available ? ByteCount.format(r.paymentInterval) : "-",
                available ? ByteCount.format(r.paymentIntervalIncrease) : "-", available ? "\(r.totalPrice)" : "-",
                r.message.isEmpty ? (a.error ?? "-") : r.message,
            ])
        }
        table.print()
    }

    static func queryJSON(_ target: String, _ answers: [QueryAnswer]) -> JSONValue {
        .object([("target", .string(target)), ("answers", .array(answers.map(answerJSON)))])
    }

    private static func answerJSON(_ a: QueryAnswer) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("provider", .string(a.provider.description)), ("gateway", text(a.gateway?.description)), ("status", .string(status(a))),
        ]
        let r = a.response
        fields += [
            ("piece_found", text(r.map { pieceFound($0.pieceFound) })), ("payload", text(r?.payload?.description)), ("size", number(r?.size)),
            ("blocks", number(r?.blocks)), ("payment_address", text(r?.paymentAddress.description)),
            ("price_per_byte", text(r.map { "\($0.pricePerByte)" })), ("unseal_price", text(r.map { "\($0.unsealPrice)" })),
            ("payment_interval", number(r?.paymentInterval)), ("payment_interval_increase", number(r?.paymentIntervalIncrease)),
            ("total_price", text(r.map { "\($0.totalPrice)" })), ("message", text(r?.message)), ("error", text(a.error)),
        ]
        return .object(fields)
    }

    private static func pieceFound(_ p: RetrievalQueryResponse.PieceFound) -> String {
        switch p {
        case .available: return "available"
        case .unavailable: return "unavailable"
        case .unknown: return "unknown"
        }
    }

    // MARK: - Retrievals

    /// The deal's ID as `filtop deals show` takes it.
    static func id(_ d: DealRecord) -> String { d.key.description }

    /// `done` of `total` as a percentage with one decimal, `-` when the total is unknown.
    static func percent(_ done: UInt64, of total: UInt64) -> String {
        total == 0 ? "-" : String(format: "%.1f%%", Double(min(done, total)) * 100 / Double(total))
    }

    /// How long `seconds` is: `1h 02m`, `3m 05s`, `4.2 s`.
    static func duration(_ seconds: Double) -> String {
        let s = max(0, seconds)
        if s < 60 { return String(format: "%.1f s", s) }
        let whole = Int(s.rounded())
        if whole < 3600 { return String(format: "%dm %02ds", whole / 60, whole % 60) }
        return String(format: "%dh %02dm", whole / 3600, whole % 3600 / 60)
    }

    /// Decimal megabytes a second, as the benchmarks show speeds.
    static func speed(_ bytesPerSecond: Double) -> String { String(format: "%.1f MB/s", bytesPerSecond / 1e6) }

    /// The end of a retrieval: where it went, how much, how long, how fast, what it paid,
    /// and each provider's part.
    static func summaryLines(_ s: RetrievalSummary) {
        let seconds = s.updatedAt.timeIntervalSince(s.createdAt)
        var lines = [
            ("retrieval", "\(s.id): \(s.status.rawValue)" + (s.message.isEmpty ? "" : " (\(s.message))")),
            ("content", s.payload.description + (s.pieceCID.map { " (piece \($0))" } ?? "")),
            ("output", s.output + (s.car ? " (CAR)" : "")),
            ("bytes", "\(ByteCount.format(s.bytes)) of \(ByteCount.format(s.totalBytes)) (\(s.bytes) B)"),
            ("duration", duration(seconds)),
        ]
        if seconds > 0 { lines.append(("speed", speed(Double(s.bytes) / seconds))) }
        lines.append(("paid", "\(s.paid)"))
        PaymentOutput.fieldLines(lines)
        guard !s.deals.isEmpty else { return }
        print("")
        var table = TextTable([.left("DEAL"), .left("PROVIDER"), .right("BYTES"), .right("PAID"), .left("STATUS"), .left("MESSAGE")])
        for d in s.deals {
            table.add([id(d), d.peer.description, ByteCount.format(d.bytes), "\(d.paid)", d.status.description, d.message.isEmpty ? "-" : d.message])
        }
        table.print()
    }

    static func summaryJSON(_ s: RetrievalSummary) -> JSONValue {
        let seconds = s.updatedAt.timeIntervalSince(s.createdAt)
        return .object([
            ("id", .int(s.id)), ("payload", .string(s.payload.description)), ("piece_cid", s.pieceCID.map { .string($0) } ?? .null),
            ("output", .string(s.output)), ("car", .bool(s.car)), ("status", .string(s.status.rawValue)), ("message", .string(s.message)),
            ("total_bytes", .int(s.totalBytes)), ("bytes", .int(s.bytes)), ("paid", .string("\(s.paid)")),
            ("duration_ms", .int(UInt64(max(0, seconds) * 1000))), ("created", MarketOutput.dateJSON(s.createdAt)),
            ("updated", MarketOutput.dateJSON(s.updatedAt)), ("deals", .array(s.deals.map(dealJSON))),
        ])
    }

    // MARK: - Deals

    static func dealTable(_ deals: [DealRecord]) {
        var table = TextTable([
            .left("ID"), .left("SIDE"), .left("PEER"), .left("STATUS"), .right("PROGRESS"), .right("BYTES"), .right("PAID"), .right("OWED"),
            .left("UPDATED"),
        ])
        for d in deals {
            table.add([
                id(d), d.side.rawValue, d.peer.short, d.status.description, percent(d.bytes, of: d.totalBytes), ByteCount.format(d.bytes),
                "\(d.paid)", "\(d.owed)", MarketOutput.date(d.updatedAt),
            ])
        }
        table.print()
    }

    static func dealLines(_ d: DealRecord) {
        let party = d.side == .client ? "provider" : "client"
        var lines = [
            ("deal", id(d)), ("side", d.side.summary),
            (party, d.peer.description), ("status", d.status.description + (d.message.isEmpty ? "" : " (\(d.message))")),
            ("content", d.payload.description + (d.pieceCID.map { " (piece \($0))" } ?? "")),
            ("progress", "\(percent(d.bytes, of: d.totalBytes)): \(ByteCount.format(d.bytes)) of \(ByteCount.format(d.totalBytes)), "
                + "\(d.blocks) of \(d.totalBlocks) blocks"),
            ("paid", "\(d.paid)"), ("owed", "\(d.owed)"),
            ("price per byte", "\(d.params.pricePerByte)"), ("unseal price", "\(d.params.unsealPrice)"),
            ("payment interval", "\(ByteCount.format(d.params.paymentInterval)), growing by \(ByteCount.format(d.params.paymentIntervalIncrease))"),
        ]
        if let broker = d.broker { lines.append(("broker", broker.description)) }
        if let channel = d.channel { lines.append(("channel", channel.description + (d.lane.map { ", lane \($0)" } ?? ""))) }
        if let block = d.failedBlock { lines.append(("failed block", block)) }
        if let request = d.request { lines.append(("retrieval", "\(request)")) }
        if let o = d.output { lines.append(("output", o.path + (o.car ? " (CAR)" : "") + (o.region ? " from byte \(o.offset)" : ""))) }
        lines.append(("created", MarketOutput.date(d.createdAt)))
        lines.append(("updated", MarketOutput.date(d.updatedAt)))
        PaymentOutput.fieldLines(lines)
    }

    static func historyTable(_ history: [DealHistoryEntry]) {
        var table = TextTable([.left("TIME"), .left("STATUS"), .right("BYTES"), .right("PAID"), .left("MESSAGE")])
        for h in history {
            table.add([MarketOutput.date(h.at), h.status.description, ByteCount.format(h.bytes), "\(h.paid)", h.message.isEmpty ? "-" : h.message])
        }
        table.print()
    }

    static func dealJSON(_ d: DealRecord) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", .string(id(d))), ("deal_id", .int(d.id)), ("side", .string(d.side.rawValue)), ("peer", .string(d.peer.description)),
            ("broker", text(d.broker?.description)), ("payload", .string(d.payload.description)), ("piece_cid", text(d.pieceCID)),
            ("status", .string(d.status.description)), ("status_code", .int(d.status.rawValue)), ("message", .string(d.message)),
        ]
        fields += [
            ("total_bytes", .int(d.totalBytes)), ("total_blocks", .int(d.totalBlocks)), ("blocks", .int(d.blocks)), ("bytes", .int(d.bytes)),
            ("paid", .string("\(d.paid)")), ("owed", .string("\(d.owed)")), ("price_per_byte", .string("\(d.params.pricePerByte)")),
            ("unseal_price", .string("\(d.params.unsealPrice)")), ("payment_interval", .int(d.params.paymentInterval)),
            ("payment_interval_increase", .int(d.params.paymentIntervalIncrease)),
        ]
        fields += [
            ("channel", text(d.channel?.description)), ("lane", number(d.lane)), ("failed_block", text(d.failedBlock)),
            ("retrieval", number(d.request)), ("output", text(d.output?.path)), ("car", d.output.map { .bool($0.car) } ?? .null),
            ("created", MarketOutput.dateJSON(d.createdAt)), ("updated", MarketOutput.dateJSON(d.updatedAt)),
        ]
        return .object(fields)
    }

    private static func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    private static func number(_ value: UInt64?) -> JSONValue { value.map { .int($0) } ?? .null }

    static func detailJSON(_ detail: DealDetail) -> JSONValue {
        .object([
            ("deal", dealJSON(detail.deal)),
            ("history", .array(detail.history.map { h in
                .object([
                    ("status", .string(h.status.description)), ("status_code", .int(h.status.rawValue)), ("at", MarketOutput.dateJSON(h.at)),
                    ("bytes", .int(h.bytes)), ("paid", .string("\(h.paid)")), ("message", .string(h.message)),
                ])
            })),
        ])
    }

}
