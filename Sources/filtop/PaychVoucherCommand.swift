import ArgumentParser
import Foundation
import NodeKit

/// `filtop paych voucher`: sign, send, check, keep, list and redeem vouchers (as `lotus
/// paych voucher`). A voucher travels as the base64url text `create` prints.
struct PaychVoucherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voucher",
        abstract: "Create, check, add, list and submit a channel's vouchers.",
        subcommands: [Create.self, Check.self, Add.self, List.self, BestSpendable.self, Submit.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Sign a voucher on an outbound channel; AMOUNT is the lane's new cumulative amount (as in Lotus).",
            discussion: "Without --lane the voucher opens a new lane. Refused when the vouchers of all lanes would owe more than the channel holds.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The channel (pch…).") var channel: String
        @Argument(help: "The lane's new total: '1 FIL', '1' (FIL) or '1000000000000000000 attoFIL'.") var amount: String
        @Option(help: "The lane, 0…2^63−1 (default: a new one).") var lane: String?
        @Flag(help: "Deliver the voucher to the payee and print its receipt.") var send = false
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let id = try ChannelID(channel)
            let value = try TokenAmount(amount)
            let laneID = try lane.map(Self.lane)
            let created = try await remote.withControl { control in
                try await control.createVoucher(channel: id, amount: value, lane: laneID, send: send)
            }
            let v = created.voucher
            if json {
                Output.json([("voucher", PaymentOutput.voucherJSON(v)), ("receipt", created.receipt.map(PaymentOutput.receiptJSON) ?? .null)])
                return
            }
            var lines = [("voucher", v.text), ("lane", "\(v.lane)"), ("nonce", "\(v.nonce)"), ("amount", "\(v.amount) (the lane's total)")]
            if let r = created.receipt {
                lines.append(("sent", "the payee kept it: +\(r.delta) on lane \(r.lane)"))
            } else {
                lines.append(("sent", "no; give the payee the voucher text ('filtop paych voucher add'), or pass --send"))
            }
            PaymentOutput.fieldLines(lines)
        }

        /// `--lane`: a whole number up to `Voucher.maxLane`.
        static func lane(_ text: String) throws -> UInt64 {
            guard let lane = UInt64(text.trimmingCharacters(in: .whitespaces)), lane <= Voucher.maxLane else {
                throw OperatorError("--lane '\(text)' is not a lane: give a whole number 0…\(Voucher.maxLane) (see 'filtop paych voucher list')")
            }
            return lane
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Check a received voucher for an inbound channel without keeping it.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The channel (pch…).") var channel: String
        @Argument(help: "The voucher text.") var voucher: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let id = try ChannelID(channel)
            let v = try Voucher(text: voucher)
            let adds = try await remote.withControl { try await $0.checkVoucher(channel: id, voucher: v) }
            if json {
                Output.json([("valid", .bool(true)), ("adds", .string("\(adds)")), ("lane", .int(v.lane)), ("nonce", .int(v.nonce))])
            } else {
                print("valid: it would add \(adds) to lane \(v.lane) (nonce \(v.nonce), lane total \(v.amount))")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Check a received voucher for an inbound channel and keep it (durably) for redeeming.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The channel (pch…).") var channel: String
        @Argument(help: "The voucher text.") var voucher: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let id = try ChannelID(channel)
            let v = try Voucher(text: voucher)
            let added = try await remote.withControl { try await $0.addVoucher(channel: id, voucher: v) }
            if json {
                Output.json([("added", .string("\(added)")), ("lane", .int(v.lane)), ("nonce", .int(v.nonce))])
            } else {
                print("kept: +\(added) on lane \(v.lane) (nonce \(v.nonce), lane total \(v.amount))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "The best voucher of each lane the node holds for a channel (signed or received).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The channel (pch…).") var channel: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let id = try ChannelID(channel)
            let vouchers = try await remote.withControl { try await $0.vouchers(channel: id) }
            PaychVoucherCommand.show(vouchers, of: id, json: json, none: "no vouchers on \(id)")
        }
    }

    struct BestSpendable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "best-spendable", abstract: "The held vouchers of an inbound channel that the ledger has not yet redeemed in full.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The channel (pch…).") var channel: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let id = try ChannelID(channel)
            let vouchers = try await remote.withControl { try await $0.bestSpendable(channel: id) }
            PaychVoucherCommand.show(vouchers, of: id, json: json, none: "nothing to redeem on \(id)")
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit", abstract: "Redeem a voucher on the ledger, or without VOUCHER every spendable one of the channel.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The channel (pch…).") var channel: String
        @Argument(help: "The voucher text (default: every spendable voucher).") var voucher: String?
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let id = try ChannelID(channel)
            let v = try voucher.map { try Voucher(text: $0) }
            let ((count, summary), epoch) = try await PaychCommand.withEpoch(remote) { control in
                (try await control.submitVoucher(channel: id, voucher: v), try await control.channel(id))
            }
            if json {
                Output.json([("submitted", .int(UInt64(count))), ("channel", PaymentOutput.channelJSON(summary, epoch: epoch))])
            } else {
                print("submitted \(count) voucher\(count == 1 ? "" : "s"); \(summary.redeemed) of \(summary.funds) is now redeemed on \(id)")
            }
        }
    }

    /// Prints vouchers: a table, `none` when there are none, or one JSON document.
    static func show(_ vouchers: [Voucher], of id: ChannelID, json: Bool, none: String) {
        if json {
            Output.json([("channel", .string(id.description)), ("vouchers", .array(vouchers.map(PaymentOutput.voucherJSON)))])
        } else if vouchers.isEmpty {
            print(none)
        } else {
            PaymentOutput.voucherTable(vouchers)
        }
    }
}
