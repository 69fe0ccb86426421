import ArgumentParser
import Foundation
import NodeKit

/// `filtop paych`: a running node's payment channels, as `lotus paych` drives Lotus's —
/// every subcommand goes over an admin session to the node of `--data-dir` (a `filtop
/// node run`, a devnet member, or the console's own node).
struct PaychCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paych",
        abstract: "Open, fund, pay through, settle and collect a running node's payment channels (as lotus paych).",
        subcommands: [List.self, Status.self, AddFunds.self, PaychVoucherCommand.self, Settle.self, Collect.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the node's channels, inbound and outbound, newest first.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let (channels, epoch) = try await remote.withControl { control in
                (try await control.channels(), await Self.epoch(control))
            }
            if json {
                Output.json([("epoch", epoch.map { .int($0) } ?? .null), ("channels", .array(channels.map { PaymentOutput.channelJSON($0, epoch: epoch) }))])
            } else if channels.isEmpty {
                print("no payment channels yet; open one with 'filtop paych add-funds PEER AMOUNT'")
            } else {
                PaymentOutput.channelTable(channels, epoch: epoch)
            }
        }

        /// The ledger's epoch, for the settle states; nil when the ledger cannot be reached
        /// (the channels listed are the node's own records and still shown).
        static func epoch(_ control: RemoteNodeControl) async -> UInt64? {
            try? await control.ledgerStatus().epoch
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show one channel, read again from the ledger.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The channel (pch…, see 'filtop paych list').") var channel: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let id = try ChannelID(channel)
            let (summary, epoch) = try await PaychCommand.withEpoch(remote) { try await $0.channel(id) }
            PaychCommand.show(summary, epoch: epoch, json: json)
        }
    }

    struct AddFunds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-funds",
            abstract: "Add AMOUNT to the open channel to PEER, or open one with it (the node's account pays).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The payee's node ID (fid…, see 'filtop register list').") var peer: String
        @Argument(help: "How much: '0.5 FIL', '0.5' (FIL) or '500000000000000000 attoFIL'.") var amount: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let payee = try CIDArgument.node(peer, name: "PEER")
            let value = try TokenAmount(amount)
            let (summary, epoch) = try await PaychCommand.withEpoch(remote) { try await $0.addFunds(peer: payee, amount: value) }
            PaychCommand.show(summary, epoch: epoch, json: json)
        }
    }

    struct Settle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "settle",
            abstract: "Start settling a channel; as its payee, the node first redeems the vouchers it holds. Collect after the settle delay.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The channel (pch…).") var channel: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let id = try ChannelID(channel)
            let (summary, epoch) = try await PaychCommand.withEpoch(remote) { try await $0.settle(id) }
            PaychCommand.show(summary, epoch: epoch, json: json)
        }
    }

    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "collect",
            abstract: "Collect a settled channel: what was redeemed goes to the payee, the rest back to the payer.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The channel (pch…).") var channel: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let id = try ChannelID(channel)
            let (summary, epoch) = try await PaychCommand.withEpoch(remote) { try await $0.collect(id) }
            let refund = try summary.funds.subtracting(summary.redeemed)
            if json {
                Output.json([
                    ("to_payee", .string("\(summary.redeemed)")), ("to_payer", .string("\(refund)")),
                    ("channel", PaymentOutput.channelJSON(summary, epoch: epoch)),
                ])
            } else {
                print("collected \(summary.id): \(summary.redeemed) to the payee, \(refund) back to the payer")
            }
        }
    }

    /// Runs `action` on the node, then reads the ledger's epoch, which a channel's settle
    /// state is shown at.
    static func withEpoch<T>(_ remote: RemoteOptions, _ action: (RemoteNodeControl) async throws -> T) async throws -> (T, UInt64) {
        try await remote.withControl { control in (try await action(control), try await control.ledgerStatus().epoch) }
    }

    /// Prints a channel: aligned lines, or one JSON document.
    static func show(_ summary: ChannelSummary, epoch: UInt64?, json: Bool) {
        if json {
            Output.json(PaymentOutput.channelJSON(summary, epoch: epoch))
        } else {
            PaymentOutput.channelLines(summary, epoch: epoch)
        }
    }
}
