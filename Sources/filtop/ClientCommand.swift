import ArgumentParser
import Foundation
import NodeKit

/// `filtop client`: a running client's paid discovery, over an admin session to the node
/// of `--data-dir`.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "A running client's paid discovery of offers for a Piece CID.", subcommands: [Find.self])

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
}
