import Foundation
import NodeKit

/// The Deals view's `:` commands as they parse: `:query CID [PROVIDER]` and
/// `:retrieve [--car] CID [PATH]`.
extension ConsoleCommandLine {
    /// `CID [PROVIDER]`.
    func query(_ argument: String) throws(Error) -> Command {
        let usage = "usage: :query CID [PROVIDER] (CID a payload CID bafy… or a Piece CID baga…; PROVIDER a node ID, else every provider found)"
        let words = argument.split(separator: " ").map(String.init)
        guard let text = words.first else { throw Error(description: usage) }
        guard words.count <= 2 else { throw Error(description: ":query takes one CID and at most one provider; " + usage) }
        try requireCID(text, usage: usage)
        guard words.count == 2 else { return .query(text, provider: nil) }
        return .query(text, provider: try node(words[1], what: "provider"))
    }

    /// `[--car] CID [PATH]`: PATH is the rest of the line (spaces and all), `~` expanded
    /// and made absolute against the console's working directory; without it, the CID's
    /// text (with `.car` for a CAR) in the working directory. `--car` may come anywhere.
    func retrieve(_ argument: String) throws(Error) -> Command {
        let usage = "usage: :retrieve [--car] CID [PATH] (CID a payload CID bafy… or a Piece CID baga…; PATH default ./CID, ./CID.car with --car)"
        var words = argument.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let car = words.contains("--car")
        words.removeAll { $0 == "--car" }
        if let option = words.first(where: { $0.hasPrefix("--") }) {
            throw Error(description: "unknown option '\(option)' (only --car); " + usage)
        }
        guard let text = words.first else { throw Error(description: usage) }
        try requireCID(text, usage: usage)
        let typed = words.dropFirst().joined(separator: " ")
        let path = paths.absolute(typed.isEmpty ? text + (car ? ".car" : "") : typed)
        return .retrieve(RetrievalOrder(target: text, output: path, car: car))
    }

    /// Refuses `text` unless it is a CID (a Piece CID is one).
    private func requireCID(_ text: String, usage: String) throws(Error) {
        do { _ = try CID(text) } catch { throw Error(description: "'\(text)' is not a CID: \(error); " + usage) }
    }
}
