import ArgumentParser
import Foundation
import NodeKit

/// `filtop client`: a running client's paid discovery, its queries to providers and its
/// retrievals, over an admin session to the node of `--data-dir`.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "A running client's paid discovery of offers, its queries to providers, and its retrievals.",
        subcommands: [Find.self, Query.self, Retrieve.self])

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "find",
            abstract: "Pay gateways to find offers for PIECE_CID; list the verified ones cheapest first, then what each gateway answered.",
            discussion: "The node pays each gateway it asks (its discovery fee) through a payment channel. Exits non-zero when no offer was found.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The Piece CID to find (baga6ea4sea…).") var pieceCID: String
        @Option(help: ArgumentHelp("Ask only this gateway (fid…; default: every usable gateway).", valueName: "ID")) var gateway: String?
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let piece = try CIDArgument.piece(pieceCID, name: "PIECE_CID")
            let only = try gateway.map { try CIDArgument.node($0, name: "--gateway") }
            let result = try await remote.withControl { try await $0.findOffers(piece, gateway: only) }
            if json {
                Output.json(MarketOutput.findJSON(result))
            } else {
                if !result.offers.isEmpty { MarketOutput.foundTable(result.offers) }
                if !result.answers.isEmpty {
                    if !result.offers.isEmpty { print("") }
                    MarketOutput.answerTable(result.answers)
                }
            }
            guard !result.offers.isEmpty else {
                throw OperatorError("no verified offer for \(piece) from \(result.answers.count) gateway(s); see their answers above")
            }
        }
    }

    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query",
            abstract: "Ask providers whether they hold CID and on what terms: size, price per byte, unseal price, payment interval.",
            discussion: """
                Without --provider the node asks every provider it finds: through the
                gateways for a Piece CID, the register's providers for a payload CID.
                Exits non-zero when no provider has the content available.
                """)
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The content: a payload CID (bafy…) or a Piece CID (baga6ea4sea…).") var cid: String
        @Option(help: ArgumentHelp("Ask only this provider (fid…).", valueName: "ID")) var provider: String?
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let target = try RetrievalArguments.target(cid)
            let only = try provider.map { try CIDArgument.node($0, name: "--provider") }
            let answers = try await remote.withControl { try await $0.query(target, provider: only) }
            if json {
                Output.json(RetrievalText.queryJSON(target, answers))
            } else if !answers.isEmpty {
                RetrievalText.queryTable(answers)
            }
            guard answers.contains(where: { $0.response?.status == .available }) else {
                throw OperatorError(answers.isEmpty
                    ? "no provider to ask about \(target); list the providers with 'filtop register list --role provider'"
                    : "no provider has \(target) available (\(answers.count) asked); the MESSAGE column says why")
            }
        }
    }
}
