import Foundation
import NodeKit

/// Parsing of the `client query`, `client retrieve`, `deals` and `provider ask` retrieval
/// values, each error naming the argument or option, what was wrong and the accepted form
/// or range. Values are parsed before the node is contacted, so a typo never reaches it.
enum RetrievalArguments {
    /// A payload CID or Piece CID, in its canonical text form.
    static func target(_ text: String, name: String = "CID") throws -> String {
        do { return try CID(text).description } catch {
            throw OperatorError("\(name) '\(text)' is not a CID (\(error)); give a payload CID (bafy…) or a Piece CID (baga6ea4sea…)")
        }
    }

    /// `-o PATH`: `~` expanded, a relative path resolved against `workingDirectory`, `.`,
    /// `..` and repeated slashes removed — the absolute path the node writes to.
    static func output(
        _ text: String, workingDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw OperatorError("-o is empty; give the file to write the content to (-o film.mkv)")
        }
        guard !text.hasSuffix("/") else { throw OperatorError("-o '\(text)' names a directory; give a file in it (-o \(text)film.mkv)") }
        let expanded = expandingTilde(text, environment: environment)
        let absolute = expanded.hasPrefix("/") ? expanded : workingDirectory + "/" + expanded
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        let path = "/" + parts.joined(separator: "/")
        guard path.utf8.count <= RetrievalOrder.maxOutputLength else {
            throw OperatorError("-o '\(text)' is \(path.utf8.count) bytes long as an absolute path; a retrieval accepts at most "
                + "\(RetrievalOrder.maxOutputLength); choose a shorter path")
        }
        return path
    }

    /// `--providers N`: how many providers to split over, within `RetrievalOrder.providerCountRange`.
    static func providerCount(_ text: String) throws -> Int {
        let range = RetrievalOrder.providerCountRange
        guard let n = Int(text), range.contains(n) else {
            throw OperatorError("--providers '\(text)' is not a provider count: give a whole number \(range.lowerBound)…\(range.upperBound)")
        }
        return n
    }

    /// Node IDs of repeated `--provider` options, at most `ControlRetrievalRequest.maxProviders`.
    static func providers(_ texts: [String]) throws -> [NodeID] {
        guard texts.count <= ControlRetrievalRequest.maxProviders else {
            throw OperatorError("--provider is given \(texts.count) times; a retrieval names at most \(ControlRetrievalRequest.maxProviders) providers")
        }
        return try texts.map { try CIDArgument.node($0, name: "--provider") }
    }

    /// A token amount option (`--max-price`, `--unseal-price`): `1000 attoFIL`, `0.000001 FIL`.
    static func amount(_ text: String, option: String) throws -> TokenAmount {
        do { return try TokenAmount(text) } catch { throw OperatorError("\(option): \(error)") }
    }

    /// `--payment-interval`: bytes (`1048576`) or a binary size (`1MiB`) within `RetrievalTerms.intervalRange`.
    static func paymentInterval(_ text: String) throws -> UInt64 {
        let range = RetrievalTerms.intervalRange
        let bytes = try size(text, option: "--payment-interval")
        guard range.contains(bytes) else {
            throw OperatorError("--payment-interval \(Self.shown(text, bytes)) is outside \(ByteCount.format(range.lowerBound))…"
                + "\(ByteCount.format(range.upperBound)) (\(range.lowerBound)…\(range.upperBound) bytes)")
        }
        return bytes
    }

    /// `--payment-interval-increase`: 0 (every interval the same) or a size up to
    /// `RetrievalTerms.intervalRange`'s upper bound.
    static func paymentIntervalIncrease(_ text: String) throws -> UInt64 {
        let most = RetrievalTerms.intervalRange.upperBound
        let bytes = text == "0" ? 0 : try size(text, option: "--payment-interval-increase")
        guard bytes <= most else {
            throw OperatorError("--payment-interval-increase \(Self.shown(text, bytes)) is more than \(ByteCount.format(most)) (\(most) bytes)")
        }
        return bytes
    }

    /// A deal's ID as `filtop deals list` shows it (`c42`, `p42@fid…`).
    static func deal(_ text: String) throws -> DealReference {
        do { return try DealReference(text: text) } catch { throw OperatorError("DEAL: \(error)") }
    }

    private static func size(_ text: String, option: String) throws -> UInt64 {
        guard let size = ByteSize(argument: text) else {
            throw OperatorError("\(option) '\(text)' is not a size: give bytes (1048576) or a number with KiB, MiB or GiB (512KiB, 1MiB)")
        }
        return size.bytes
    }

    private static func shown(_ text: String, _ bytes: UInt64) -> String { text == "\(bytes)" ? "\(bytes) B" : "\(text) (\(bytes) B)" }
}
