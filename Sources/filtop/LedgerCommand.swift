import ArgumentParser
import Foundation
import NodeKit

/// `filtop ledger`: the ledger a running node uses (its own with the `ledger` role, else
/// the one its config or register names), asked through that node's admin session.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The ledger a running node uses: its epoch, the accounts, and the devnet faucet.",
        subcommands: [Status.self, Accounts.self, Faucet.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "The ledger's epoch, epoch length and settle delay.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let status = try await remote.withControl { try await $0.ledgerStatus() }
            if json { Output.json(PaymentOutput.statusJSON(status)) } else { PaymentOutput.statusLines(status) }
        }
    }

    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "accounts", abstract: "Every account on the ledger: balance and nonce.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let accounts = try await remote.withControl { try await $0.ledgerAccounts() }
            if json {
                Output.json([("accounts", .array(accounts.map(PaymentOutput.accountJSON)))])
            } else if accounts.isEmpty {
                print("no accounts yet; on a devnet, fund one with 'filtop ledger faucet'")
            } else {
                PaymentOutput.accountTable(accounts)
            }
        }
    }

    struct Faucet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "faucet",
            abstract: "Devnet only: credit AMOUNT (at most 1000 FIL a call) to ACCOUNT, by default the node's own.",
            discussion: "filtop ledger faucet 10            credits 10 FIL to the node's account\nfiltop ledger faucet fid… \"0.5 FIL\"   credits another account")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: ArgumentHelp("[ACCOUNT] AMOUNT: an optional node ID (fid…), then '10 FIL', '10' (FIL) or an attoFIL amount.",
                                     valueName: "account-and-amount"))
        var values: [String] = []
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let (account, amount) = try parse()
            let state = try await remote.withControl { control in
                let target: NodeID
                if let account { target = account } else { target = try await control.ledgerAccount().account }
                return try await control.faucet(account: target, amount: amount)
            }
            if json {
                Output.json([("credited", .string("\(amount)")), ("account", PaymentOutput.accountJSON(state))])
            } else {
                print("credited \(amount) to \(state.account); its balance is \(state.balance)")
            }
        }

        /// `AMOUNT` or `ACCOUNT AMOUNT`.
        private func parse() throws -> (NodeID?, TokenAmount) {
            switch values.count {
            case 1: return (nil, try TokenAmount(values[0]))
            case 2: return (try CIDArgument.node(values[0], name: "ACCOUNT"), try TokenAmount(values[1]))
            default:
                throw OperatorError("give AMOUNT, or ACCOUNT AMOUNT (got \(values.count) arguments); e.g. 'filtop ledger faucet 10' credits 10 FIL to the node's account")
            }
        }
    }
}
