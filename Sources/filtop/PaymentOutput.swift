import Foundation
import NodeKit

/// How the `paych` and `ledger` commands show channels, vouchers and accounts: aligned
/// lines and tables for people, one JSON document for scripts. Amounts are always FIL
/// with the unit (`0.25 FIL`), exact to the attoFIL; settle states come with the epochs
/// left when the ledger's epoch is known.
enum PaymentOutput {
    // MARK: - Channels

    static func channelTable(_ channels: [ChannelSummary], epoch: UInt64?) {
        var table = TextTable([
            .left("CHANNEL"), .left("DIRECTION"), .left("PEER"), .right("FUNDS"), .right("SPENT"), .right("REDEEMED"),
            .right("AVAILABLE"), .right("LANES"), .left("STATE"),
        ])
        for c in channels {
            table.add([
                c.id.description, c.direction.rawValue, c.peer.short, "\(c.funds)", "\(c.spent)", "\(c.redeemed)", "\(c.available)",
                "\(c.laneCount)", c.settleState(at: epoch),
            ])
        }
        table.print()
    }

    static func channelLines(_ c: ChannelSummary, epoch: UInt64?) {
        let party = c.direction == .outbound ? "payee" : "payer"
        var lines = [
            ("channel", c.id.description),
            ("direction", c.direction == .outbound ? "outbound (this node pays)" : "inbound (this node is paid)"),
            (party, c.peer.description),
            ("funds", "\(c.funds)"),
            ("spent", "\(c.spent)" + (c.direction == .outbound ? " (signed in vouchers)" : " (received in vouchers)")),
            ("redeemed", "\(c.redeemed)"),
            ("available", "\(c.available)"),
            ("lanes", "\(c.laneCount)"),
            ("state", c.settleState(at: epoch) + (c.settlingAt.map { " (settling ends at epoch \($0))" } ?? "")),
        ]
        if let v = c.latest { lines.append(("latest", "lane \(v.lane), nonce \(v.nonce), \(v.amount)")) }
        lines.append(("updated", ISO8601DateFormatter().string(from: c.updatedAt)))
        fieldLines(lines)
    }

    static func channelJSON(_ c: ChannelSummary, epoch: UInt64?) -> JSONValue {
        let left: JSONValue = c.settlingAt.flatMap { end in epoch.map { .int(end > $0 ? end - $0 : 0) } } ?? .null
        return .object([
            ("channel", .string(c.id.description)), ("direction", .string(c.direction.rawValue)), ("peer", .string(c.peer.description)),
            ("funds", .string("\(c.funds)")), ("spent", .string("\(c.spent)")), ("redeemed", .string("\(c.redeemed)")),
            ("available", .string("\(c.available)")), ("lanes", .int(UInt64(c.laneCount))), ("state", .string(c.settleState(at: epoch))),
            ("settling_at", c.settlingAt.map { .int($0) } ?? .null), ("epochs_left", left), ("collected", .bool(c.collected)),
            ("latest", c.latest.map(voucherJSON) ?? .null), ("updated", .string(ISO8601DateFormatter().string(from: c.updatedAt))),
        ])
    }

    // MARK: - Vouchers

    static func voucherTable(_ vouchers: [Voucher]) {
        var table = TextTable([.right("LANE"), .right("NONCE"), .right("AMOUNT"), .left("VOUCHER")])
        for v in vouchers { table.add(["\(v.lane)", "\(v.nonce)", "\(v.amount)", v.text]) }
        table.print()
    }

    static func voucherJSON(_ v: Voucher) -> JSONValue {
        .object([
            ("voucher", .string(v.text)), ("channel", .string(v.channel.description)), ("lane", .int(v.lane)), ("nonce", .int(v.nonce)),
            ("amount", .string("\(v.amount)")), ("time_lock_min", .int(v.timeLockMin)), ("time_lock_max", .int(v.timeLockMax)),
            ("min_settle", .int(v.minSettleEpoch)),
        ])
    }

    static func receiptJSON(_ r: VoucherReceipt) -> JSONValue {
        .object([("channel", .string(r.channel.description)), ("lane", .int(r.lane)), ("nonce", .int(r.nonce)), ("added", .string("\(r.delta)"))])
    }

    // MARK: - Ledger

    static func accountTable(_ accounts: [AccountState]) {
        var table = TextTable([.left("ACCOUNT"), .right("BALANCE"), .right("NONCE")])
        for a in accounts { table.add([a.account.description, "\(a.balance)", "\(a.nonce)"]) }
        table.print()
    }

    static func accountJSON(_ a: AccountState) -> JSONValue {
        .object([("account", .string(a.account.description)), ("balance", .string("\(a.balance)")), ("nonce", .int(a.nonce))])
    }

    static func statusLines(_ s: LedgerStatus) {
        fieldLines([
            ("epoch", "\(s.epoch)"), ("epoch length", "\(s.epochMillis) ms"), ("settle delay", "\(s.settleDelay) epochs"),
            ("accounts", "\(s.accountCount)"), ("channels", "\(s.channelCount)"),
        ])
    }

    static func statusJSON(_ s: LedgerStatus) -> JSONValue {
        .object([
            ("epoch", .int(s.epoch)), ("epoch_ms", .int(s.epochMillis)), ("settle_delay", .int(s.settleDelay)),
            ("accounts", .int(UInt64(s.accountCount))), ("channels", .int(UInt64(s.channelCount))),
        ])
    }

    // MARK: -

    /// `name:` lines with the values in one column.
    static func fieldLines(_ fields: [(String, String)]) {
        let width = (fields.map(\.0.count).max() ?? 0) + 2
        for (name, value) in fields { print((name + ":").padding(toLength: width, withPad: " ", startingAt: 0) + value) }
    }
}
