import NodeKit
import TermUI

/// An allow, block or unlist of one provider at this gateway (`a`, `b`, `u` on the Offers
/// and Providers views, or `:allow`, `:block`, `:unlist`), with its provider resolved.
/// The console asks first (`confirmation`, focus on Cancel); the feed runs it, flashes
/// `done` or `failed`, and reads the cache again at once (a block empties the provider's
/// rows).
struct ListingChange: Sendable, Equatable {
    let listing: ProviderListing
    let provider: NodeID

    /// The listing each key of the market views asks for.
    static let keys: [Character: ProviderListing] = ["a": .allowed, "b": .blocked, "u": .unlisted]

    /// The verb the operator types for `listing` (`:allow`, `:block`, `:unlist`).
    static func verb(_ listing: ProviderListing) -> String {
        switch listing {
        case .allowed: "allow"
        case .blocked: "block"
        case .unlisted: "unlist"
        }
    }

    var verb: String { Self.verb(listing) }

    /// The question asked first, one line that fits an 80-column screen.
    var confirmation: ConfirmDialog {
        switch listing {
        case .allowed:
            return ConfirmDialog(title: "Allow provider?", message: "Keep every offer of \(provider.short), whatever its reputation?", confirmLabel: "Allow")
        case .blocked:
            return ConfirmDialog(title: "Block provider?", message: "Drop the cached offers of \(provider.short) and refuse its offers?", confirmLabel: "Block")
        case .unlisted:
            return ConfirmDialog(title: "Unlist provider?", message: "Take \(provider.short) off both lists, so reputation decides?", confirmLabel: "Unlist")
        }
    }

    /// Runs the change on the node; returns the provider's new standing.
    func perform(on control: any NodeControl) async throws -> ProviderStanding {
        try await control.setListing(listing, for: provider)
    }

    /// What the flash line says when the node did it.
    func done(_ standing: ProviderStanding) -> String {
        let kept = standing.isKept ? "its offers are kept" : "its offers are refused"
        return "provider \(provider.short) is \(standing.listing.rawValue): \(kept); \(ConsoleFormat.count(standing.cachedCIDs, "Piece CID")) cached"
    }

    /// What the flash line says when the node refused or could not be reached: the
    /// node's own words (a `MarketError` or `Refusal` says what to do).
    func failed(_ error: any Error) -> String { "\(verb) of \(provider.short) failed: \(error)" }
}
