import ArgumentParser
import Foundation
import NodeKit

/// `filtop deals`: a running node's retrieval deals on both sides, over an admin session to
/// the node of `--data-dir`. A deal is named as the list shows it: `c42` for the node's
/// client deal 42, `p42@fid…` for its provider deal 42 with that client (its node ID or the
/// start of it).
struct DealsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deals",
        abstract: "A running node's retrieval deals, client and provider side: list them, show one with its history, cancel one.",
        subcommands: [List.self, Show.self, Cancel.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the node's deals, most recently changed first (at most 200).")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let deals = try await remote.withControl { try await $0.deals() }
            if json {
                Output.json([("deals", .array(deals.map(RetrievalText.dealJSON)))])
            } else if deals.isEmpty {
                print("no retrieval deals yet; start one with 'filtop client retrieve CID -o PATH'")
            } else {
                RetrievalText.dealTable(deals)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one deal and every status it went through.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The deal, as 'filtop deals list' shows it: c42, or p42@fid… (the client's node ID or its start).") var deal: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let reference = try RetrievalArguments.deal(deal)
            let detail = try await remote.withControl { control in try await control.deal(try await DealsCommand.key(reference, control)) }
            if json {
                Output.json(RetrievalText.detailJSON(detail))
            } else {
                RetrievalText.dealLines(detail.deal)
                if !detail.history.isEmpty {
                    print("")
                    RetrievalText.historyTable(detail.history)
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel", abstract: "Cancel an open deal, telling its peer; show it as it ended.",
            discussion: "A client's cancelled deal pays nothing more; the rest of its retrieval is not retrieved from that provider.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The deal, as 'filtop deals list' shows it: c42, or p42@fid… (the client's node ID or its start).") var deal: String
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let reference = try RetrievalArguments.deal(deal)
            let ended = try await remote.withControl { control in try await control.cancelDeal(try await DealsCommand.key(reference, control)) }
            if json { Output.json(RetrievalText.dealJSON(ended)) } else { RetrievalText.dealLines(ended) }
        }
    }

    /// The key `reference` names: as given when it names the peer whole, else looked up
    /// among the node's deals.
    static func key(_ reference: DealReference, _ control: RemoteNodeControl) async throws -> DealKey {
        if let key = reference.key { return key }
        return try reference.resolve(in: try await control.deals())
    }
}
