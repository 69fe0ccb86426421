import ArgumentParser
import Foundation
import NodeKit

extension ClientCommand {
    /// `filtop client retrieve`: starts a retrieval on the node and follows it to its end.
    struct Retrieve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retrieve",
            abstract: "Retrieve CID to PATH, paying the providers as verified bytes arrive, and follow it to the end.",
            discussion: """
                filtop client retrieve bafy… -o film.mkv             the file, from a provider found
                filtop client retrieve bafy… -o film.car --car       a CAR of the DAG instead
                filtop client retrieve baga… -o film.mkv --providers 4
                                                                     split over four providers
                filtop client retrieve bafy… -o film.mkv --provider fid… --max-price "2000 attoFIL"

                The node writes PATH; a relative PATH is taken from this directory.
                On a terminal one line shows the progress, speed, time left and what
                was paid. Exits 0 once the retrieval completed, non-zero with the
                reason when it failed or was cancelled. Ctrl-C stops following only:
                the retrieval goes on on the node, and the same command picks it up.
                """)
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The content: a payload CID (bafy…) or a Piece CID (baga6ea4sea…).") var cid: String
        @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The file to write (a relative path is taken from this directory).", valueName: "PATH"))
        var output: String
        @Flag(help: "Write a CARv1 of the DAG instead of the original file.") var car = false
        @Option(name: .customLong("provider"), help: ArgumentHelp(
            "A provider to retrieve from (fid…); repeat for several (default: the providers the node finds).", valueName: "ID"))
        var providers: [String] = []
        @Option(name: .customLong("providers"), help: ArgumentHelp("How many providers to split the retrieval over, 1…16 (default: 1).", valueName: "N"))
        var providerCount: String?
        @Option(name: .customLong("max-price"), help: ArgumentHelp("The highest price per byte to pay: '2000 attoFIL' (default: any).", valueName: "AMOUNT"))
        var maxPrice: String?
        @Flag(help: "Print one JSON document once the retrieval has ended (no progress line).") var json = false

        func run() async throws {
            let order = RetrievalOrder(
                target: try RetrievalArguments.target(cid), output: try RetrievalArguments.output(output), car: car,
                providers: try RetrievalArguments.providers(providers), providerCount: try providerCount.map(RetrievalArguments.providerCount) ?? 1,
                maxPricePerByte: try maxPrice.map { try RetrievalArguments.amount($0, option: "--max-price") })
            let follower = RetrievalFollower(order: order, drawsProgress: !json && isatty(STDOUT_FILENO) != 0)
            follower.installInterruptHandler()
            let ended = try await remote.withControl { control in
                try await follower.follow(try await control.retrieve(order), control: control)
            }
            if json { Output.json(RetrievalText.summaryJSON(ended)) } else { RetrievalText.summaryLines(ended) }
            guard ended.status == .completed else { throw OperatorError(Self.failure(ended)) }
        }

        /// Why a retrieval did not complete, with where to look further.
        static func failure(_ s: RetrievalSummary) -> String {
            let dealReasons = s.deals.filter { $0.status != .completed && !$0.message.isEmpty && $0.message != s.message }
                .map { "\($0.key): \($0.message)" }
            let reasons = (s.message.isEmpty ? [] : [s.message]) + dealReasons
            let why = reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; ")
            let verb = s.status == .cancelled ? "was cancelled" : "failed"
            let show = s.deals.first.map { "; see 'filtop deals show \($0.key)'" } ?? ""
            return "retrieval \(s.id) \(verb): \(why)\(show)"
        }
    }
}
