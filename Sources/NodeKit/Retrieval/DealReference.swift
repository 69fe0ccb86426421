/// A deal as an operator types it: `c42` for the client's deal 42 (a client numbers its
/// deals itself, so the number is enough) and `p42@fid…` for the provider's deal 42 with
/// the client `fid…` (each client numbers its own deals), the client's node ID whole or
/// its start as `filtop deals list` shows it. `c42@fid…` names a client deal's provider
/// as well. The text is parsed on its own (`init(text:)`); a short form is then looked up
/// among the node's deals (`resolve(in:)`).
///
///     let reference = try DealReference(text: "p42@fidq2fz7k3a")
///     let key = try reference.resolve(in: try await control.deals())
public struct DealReference: Sendable, Hashable, CustomStringConvertible {
    public var side: DealSide
    public var id: UInt64
    /// The peer's node ID or its start, in lower case (`fid…`); nil when not given.
    public var peer: String?

    public init(side: DealSide, id: UInt64, peer: String? = nil) {
        self.side = side
        self.id = id
        self.peer = peer?.lowercased()
    }

    /// Parses `c42`, `c42@fid…` or `p42@fid…` (any case, surrounding spaces ignored).
    public init(text: String) throws(DealReferenceError) {
        let trimmed = text.trimmingWhitespace()
        let lower = trimmed.lowercased()
        let side: DealSide
        guard let first = lower.first, let named = DealSide.allCases.first(where: { $0.letter == first }) else {
            throw .malformed(text, "it must start with c (a client deal: c42) or p (a provider deal: p42@fid…); b42@fid… names a deal this gateway brokers")
        }
        side = named
        let parts = lower.dropFirst().split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let number = parts[0]
        guard !number.isEmpty, number.allSatisfy({ ("0"..."9").contains($0) }), let id = UInt64(number) else {
            throw .malformed(text, "the deal number after '\(side.letter)' must be a whole number (c42, p42@fid…)")
        }
        var peer: String?
        if parts.count == 2 {
            let given = String(parts[1])
            guard given.hasPrefix("fid"), given.count > 3, given.count <= Self.nodeIDLength,
                  given.dropFirst(3).allSatisfy({ Self.base32.contains($0) }) else {
                throw .malformed(text, "after '@' comes the \(side == .client ? "provider" : "client")'s node ID or its start: 'fid' and up to 52 base32 characters")
            }
            if given.count == Self.nodeIDLength {
                do { _ = try NodeID(given) } catch { throw .malformed(text, "\(error)") }
            }
            peer = given
        } else if side != .client {
            throw .malformed(text, "a \(side.rawValue) deal is named with its client: \(side.letter)\(id)@fid… (the client's node ID or its start)")
        }
        self.init(side: side, id: id, peer: peer)
    }

    /// The deal's key, when the text names the peer whole; nil when it must be looked up.
    public var key: DealKey? {
        guard let peer, peer.count == Self.nodeIDLength, let id = try? NodeID(peer) else { return nil }
        return DealKey(side: side, peer: id, id: self.id)
    }

    /// The one deal among `deals` this names (its key directly when the peer is given whole).
    public func resolve(in deals: [DealRecord]) throws(DealReferenceError) -> DealKey {
        if let key { return key }
        var matches: [DealKey] = []
        for deal in deals where deal.side == side && deal.id == id && (peer.map { deal.peer.description.hasPrefix($0) } ?? true) {
            if !matches.contains(deal.key) { matches.append(deal.key) }
        }
        guard let first = matches.first else { throw .notFound(self, searched: deals.count) }
        guard matches.count == 1 else { throw .ambiguous(self, matches) }
        return first
    }

    public var description: String { "\(side.letter)\(id)" + (peer.map { "@" + $0 } ?? "") }

    static let nodeIDLength = 55
    private static let base32 = Set("abcdefghijklmnopqrstuvwxyz234567")
}

extension DealKey {
    /// The deal `text` names (`c42`, `c42@fid…`, `p42@fid…`), a short form looked up among `deals`.
    public init(text: String, among deals: [DealRecord]) throws(DealReferenceError) {
        self = try DealReference(text: text).resolve(in: deals)
    }
}

/// Why a deal's text names no deal: what was wrong and how to name it.
public enum DealReferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not a deal reference; the string says what is wrong with it.
    case malformed(String, String)
    /// No deal among the `searched` ones listed matches.
    case notFound(DealReference, searched: Int)
    /// Several deals match a peer's start.
    case ambiguous(DealReference, [DealKey])

    public var description: String {
        switch self {
        case .malformed(let text, let why):
            return "'\(text)' is not a deal ID: \(why); see 'filtop deals list'"
        case .notFound(let r, let searched):
            let whose = r.side == .client ? "client deal \(r.id)" : "provider deal \(r.id)"
            let peer = r.peer.map { " with a \(r.side == .client ? "provider" : "client") starting '\($0)'" } ?? ""
            let whole = r.side == .client ? "c\(r.id)@fid… (its provider's whole node ID)" : "p\(r.id)@fid… (its client's whole node ID)"
            return "no \(whose)\(peer) among the node's \(searched) most recently changed deals; list them with 'filtop deals list', "
                + "or name an older deal as \(whole)"
        case .ambiguous(let r, let keys):
            let party = r.side == .client ? "provider" : "client"
            return "\(r) names \(keys.count) deals (\(keys.map { "\($0.side.letter)\($0.id)@\($0.peer)" }.joined(separator: ", "))); "
                + "give more of the \(party)'s node ID"
        }
    }
}
