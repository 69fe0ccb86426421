import ArgumentParser
import Foundation
import NodeKit

/// `filtop gateway`: a running gateway's offer cache, the providers it knows, its allow
/// and block lists and its fees, over an admin session to the node of `--data-dir`.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "A running gateway's cached offers, provider standings, allow and block lists, and retention policy.",
        subcommands: [Offers.self, Providers.self, Allow.self, Block.self, Unlist.self, Policy.self])

    struct Offers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "offers",
            abstract: "List cached offers, one row per (offer, Piece CID), newest first; expired offers and blocked providers' are never listed.")
        @OptionGroup var remote: RemoteOptions
        @Option(help: ArgumentHelp("Only this provider's offers (fid…).", valueName: "ID")) var provider: String?
        @Option(help: ArgumentHelp("Only offers for this Piece CID (baga6ea4sea…).", valueName: "PIECE_CID")) var cid: String?
        @Option(help: ArgumentHelp("At most this many rows, 1…\(ControlMarketAnswer.maxItems) (default: \(ControlMarketAnswer.maxItems)).", valueName: "N"))
        var limit: String?
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let query = OfferQuery(
                provider: try provider.map { try CIDArgument.node($0, name: "--provider") }, pieceCID: try cid.map { try CIDArgument.piece($0, name: "--cid") },
                limit: try limit.map(MarketArguments.limit) ?? ControlMarketAnswer.maxItems)
            let offers = try await remote.withControl { try await $0.cachedOffers(query) }
            if json {
                Output.json([("offers", .array(offers.map(MarketOutput.offerJSON)))])
            } else if offers.isEmpty {
                print("no cached offers" + (query.provider != nil || query.pieceCID != nil ? " match" : "") + "; providers publish theirs with 'filtop provider publish'")
            } else {
                MarketOutput.offerTable(offers)
            }
        }
    }

    struct Providers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "providers", abstract: "Every provider the gateway has a standing for: listing, reputation, latency, cached CIDs.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let standings = try await remote.withControl { try await $0.providerStandings() }
            if json {
                Output.json([("providers", .array(standings.map(MarketOutput.standingJSON)))])
            } else if standings.isEmpty {
                print("no providers known yet: none has published here or been allowed or blocked")
            } else {
                MarketOutput.standingTable(standings)
            }
        }
    }

    struct Allow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allow", abstract: "Always keep PROVIDER's offers, whatever its reputation or latency (persisted; beats config.toml).")
        @OptionGroup var listing: ListingOptions
        func run() async throws { try await listing.set(.allowed) }
    }

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "block", abstract: "Never keep PROVIDER's offers; its cached offers are dropped at once (persisted; beats config.toml).")
        @OptionGroup var listing: ListingOptions
        func run() async throws { try await listing.set(.blocked) }
    }

    struct Unlist: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unlist", abstract: "Take PROVIDER off the allow and block lists: reputation, latency and expiry decide again.")
        @OptionGroup var listing: ListingOptions
        func run() async throws { try await listing.set(.unlisted) }
    }

    /// What `allow`, `block` and `unlist` share: the provider, the node, the output.
    struct ListingOptions: ParsableArguments {
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The provider's node ID (fid…, see 'filtop gateway providers').") var provider: String
        @Flag(help: "Print one JSON document.") var json = false

        func set(_ listing: ProviderListing) async throws {
            let id = try CIDArgument.node(provider, name: "PROVIDER")
            let standing = try await remote.withControl { try await $0.setListing(listing, for: id) }
            if json { Output.json(MarketOutput.standingJSON(standing)) } else { MarketOutput.standingLines(standing) }
        }
    }

    struct Policy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy", abstract: "The gateway's allow and block lists, latency limit, discovery fees and cache size.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let policy = try await remote.withControl { try await $0.gatewayPolicy() }
            if json { Output.json(MarketOutput.policyJSON(policy)) } else { MarketOutput.policyLines(policy) }
        }
    }
}
