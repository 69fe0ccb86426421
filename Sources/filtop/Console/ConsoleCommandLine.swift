import Foundation
import NodeKit

/// The `:` commands: what they are, how they parse, and what Tab completes. A read-only
/// console neither offers nor accepts the commands that change the node.
struct ConsoleCommandLine {
    /// A parsed command.
    enum Command: Equatable {
        case importFile(String)
        /// Fund the channel to `peer`, or, with no peer, the selected channel's peer.
        case addFunds(peer: NodeID?, amount: TokenAmount)
        /// Settle the selected channel.
        case settle
        /// Collect the selected channel.
        case collect
        /// Allow, block or unlist `provider`, or, with none, the selected row's provider.
        case listing(ProviderListing, provider: NodeID?)
        /// Pay for and run a find-offers request at `gateway`, or at every usable gateway.
        case find(PieceCID, gateway: NodeID?)
        /// Sign this node's offers and publish them to `gateways` (every gateway when empty).
        case publish(gateways: [NodeID])
        /// Ask `provider`, or every provider found, whether it holds `target` (a payload or
        /// Piece CID) and on what terms.
        case query(String, provider: NodeID?)
        /// Start (or resume) a retrieval; its output path is absolute.
        case retrieve(RetrievalOrder)
        /// Cancel the deal selected in the Deals view.
        case cancel
        case theme(String?)
        case view(String)
        case help
        case quit(force: Bool)
    }

    /// Why a line is not a command, in words for the flash line.
    struct Error: Swift.Error, Equatable, CustomStringConvertible {
        let description: String
    }

    /// The view names, lower-cased (each is also a command).
    let views: [String]
    /// The theme names offered after `theme `.
    let themes: @Sendable () -> [String]
    let paths: PathCompletion
    let readOnly: Bool

    /// The commands offered, in the order help and errors list them.
    var verbs: [String] {
        (readOnly ? [] : ["import", "add-funds", "settle", "collect", "find", "publish", "allow", "block", "unlist", "retrieve", "cancel"])
            + ["query", "theme", "help", "q", "quit", "q!"]
    }

    func parse(_ line: String) throws(Error) -> Command {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let verb = String(trimmed.prefix { $0 != " " })
        let argument = trimmed.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
        switch verb {
        case "q", "quit": return .quit(force: false)
        case "q!", "quit!": return .quit(force: true)
        case "help": return .help
        case "theme": return .theme(argument.isEmpty ? nil : argument)
        case "import":
            guard !readOnly else { throw Error(description: "read-only console: :import is disabled (started with --readonly)") }
            guard !argument.isEmpty else { throw Error(description: "usage: :import PATH (a file to import as a piece)") }
            return .importFile(paths.absolute(argument))
        case "add-funds":
            guard !readOnly else { throw Error(description: "read-only console: :add-funds is disabled (started with --readonly)") }
            return try addFunds(argument)
        case "settle", "collect":
            guard !readOnly else { throw Error(description: "read-only console: :\(verb) is disabled (started with --readonly)") }
            guard argument.isEmpty else {
                throw Error(description: ":\(verb) acts on the channel selected in the Channels view and takes no argument")
            }
            return verb == "settle" ? .settle : .collect
        case "allow", "block", "unlist":
            guard !readOnly else { throw Error(description: "read-only console: :\(verb) is disabled (started with --readonly)") }
            let listing: ProviderListing = verb == "allow" ? .allowed : verb == "block" ? .blocked : .unlisted
            let words = argument.split(separator: " ")
            guard words.count <= 1 else { throw Error(description: "usage: :\(verb) [PROVIDER] (a node ID, fid…; else the selected row's provider)") }
            guard let word = words.first else { return .listing(listing, provider: nil) }
            return .listing(listing, provider: try node(String(word), what: "provider"))
        case "find":
            guard !readOnly else { throw Error(description: "read-only console: :find is disabled: it pays the gateways (started with --readonly)") }
            return try find(argument)
        case "publish":
            guard !readOnly else { throw Error(description: "read-only console: :publish is disabled (started with --readonly)") }
            var gateways: [NodeID] = []
            for word in argument.split(separator: " ") { gateways.append(try node(String(word), what: "gateway")) }
            return .publish(gateways: gateways)
        case "query": return try query(argument)
        case "retrieve":
            guard !readOnly else { throw Error(description: "read-only console: :retrieve is disabled: it pays providers (started with --readonly)") }
            return try retrieve(argument)
        case "cancel":
            guard !readOnly else { throw Error(description: "read-only console: :cancel is disabled (started with --readonly)") }
            guard argument.isEmpty else { throw Error(description: ":cancel acts on the deal selected in the Deals view and takes no argument") }
            return .cancel
        default:
            if views.contains(verb.lowercased()) { return .view(verb.lowercased()) }
            throw Error(description: "unknown command '\(verb)'; try \((verbs + views).joined(separator: ", "))")
        }
    }

    /// `[PEER] AMOUNT`: a first word starting `fid` is the peer; the rest is the amount.
    private func addFunds(_ argument: String) throws(Error) -> Command {
        let usage = "usage: :add-funds [PEER] AMOUNT (PEER a node ID, fid…, else the selected channel's peer; AMOUNT e.g. 0.5 FIL)"
        guard !argument.isEmpty else { throw Error(description: usage) }
        let first = String(argument.prefix { $0 != " " })
        var peer: NodeID?
        var amountText = argument
        if first.lowercased().hasPrefix("fid") {
            do { peer = try NodeID(first) } catch { throw Error(description: error.description) }
            amountText = argument.dropFirst(first.count).trimmingCharacters(in: .whitespaces)
            guard !amountText.isEmpty else { throw Error(description: "add-funds needs an amount after the peer; " + usage) }
        }
        let amount: TokenAmount
        do { amount = try TokenAmount(amountText) } catch { throw Error(description: error.description) }
        guard amount > .zero else { throw Error(description: "add-funds needs an amount above zero, e.g. 0.5 FIL") }
        return .addFunds(peer: peer, amount: amount)
    }

    /// `PIECE_CID [GATEWAY]`.
    private func find(_ argument: String) throws(Error) -> Command {
        let usage = "usage: :find PIECE_CID [GATEWAY] (PIECE_CID baga6ea4seaq…; GATEWAY a node ID, else every gateway)"
        let words = argument.split(separator: " ").map(String.init)
        guard let text = words.first else { throw Error(description: usage) }
        guard words.count <= 2 else { throw Error(description: ":find takes one Piece CID and at most one gateway; " + usage) }
        let cid: PieceCID
        do { cid = try PieceCID(text) } catch { throw Error(description: "'\(text)' is not a Piece CID: \(error); " + usage) }
        guard words.count == 2 else { return .find(cid, gateway: nil) }
        return .find(cid, gateway: try node(words[1], what: "gateway"))
    }

    /// A node ID typed as the `what` of a command.
    func node(_ text: String, what: String) throws(Error) -> NodeID {
        do { return try NodeID(text) } catch { throw Error(description: "\(what): \(error)") }
    }

    /// Full-line candidates for Tab: verbs and view names, theme names after `theme `,
    /// file paths after `import ` and after `retrieve CID `.
    func completions(_ line: String) -> [String] {
        if line.hasPrefix("theme ") { return themes().map { "theme " + $0 } }
        if line.hasPrefix("import "), !readOnly { return paths.candidates(String(line.dropFirst(7))).map { "import " + $0 } }
        if line.hasPrefix("retrieve "), !readOnly, let space = line.dropFirst(9).firstIndex(of: " ") {
            let head = String(line[...space])
            return paths.candidates(String(line[line.index(after: space)...])).map { head + $0 }
        }
        return verbs.filter { $0 != "q!" } + views
    }
}
