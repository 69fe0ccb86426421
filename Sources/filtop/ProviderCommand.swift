import ArgumentParser
import Foundation
import NodeKit

/// `filtop provider`: a running provider's ask and its publications to gateways, over an
/// admin session to the node of `--data-dir` (as `filtop paych`).
struct ProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider",
        abstract: "A running provider's ask (price, QoS, offer lifetime, retrieval terms) and its offers published to gateways.",
        subcommands: [Ask.self, Publish.self, Publications.self])

    struct Ask: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ask",
            abstract: "Show the provider's ask and retrieval terms; with options, change those (the others are kept) and show the result.",
            discussion: """
                filtop provider ask                                  shows the ask and the terms
                filtop provider ask --price-per-byte "2000 attoFIL"  changes the price only
                filtop provider ask --qos 250 --ttl 7d               changes QoS and lifetime
                filtop provider ask --unseal-price "0.001 FIL" --payment-interval 4MiB
                                                                     changes retrieval terms
                Offers signed from then on carry the new ask; 'filtop provider publish'
                sends them. Deals proposed from then on must meet the retrieval terms:
                at least the unseal price, at most the payment interval and increase.
                """)
        @OptionGroup var remote: RemoteOptions
        @Option(name: .customLong("price-per-byte"), help: ArgumentHelp("Price per byte: '1000 attoFIL', '0.000000000000001 FIL'.", valueName: "AMOUNT"))
        var pricePerByte: String?
        @Option(help: ArgumentHelp("Latency to first byte the offers promise: 250, 250ms or 2s (1 ms…1 h).", valueName: "MS"))
        var qos: String?
        @Option(help: ArgumentHelp("How long signed offers stay valid: 3600 (seconds), 90s, 30m, 24h or 7d (1 minute…365 days).", valueName: "DURATION"))
        var ttl: String?
        @Option(name: .customLong("unseal-price"), help: ArgumentHelp("What a deal pays before the first byte: '0 FIL', '0.001 FIL'.", valueName: "AMOUNT"))
        var unsealPrice: String?
        @Option(name: .customLong("payment-interval"), help: ArgumentHelp(
            "Bytes sent before the first payment: 1048576 or 1MiB (1 KiB…1 GiB).", valueName: "BYTES"))
        var paymentInterval: String?
        @Option(name: .customLong("payment-interval-increase"), help: ArgumentHelp(
            "How much longer each later interval is: 0, 512KiB or 1MiB (at most 1 GiB).", valueName: "BYTES"))
        var paymentIntervalIncrease: String?
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let price = try pricePerByte.map(MarketArguments.price)
            let latency = try qos.map(MarketArguments.latencyMillis)
            let lifetime = try ttl.map(MarketArguments.ttlSeconds)
            let unseal = try unsealPrice.map { try RetrievalArguments.amount($0, option: "--unseal-price") }
            let interval = try paymentInterval.map(RetrievalArguments.paymentInterval)
            let increase = try paymentIntervalIncrease.map(RetrievalArguments.paymentIntervalIncrease)
            let (ask, terms) = try await remote.withControl { control in
                var ask = try await control.ask()
                if price != nil || latency != nil || lifetime != nil {
                    ask = try await control.setAsk(ProviderAsk(
                        pricePerByte: price ?? ask.pricePerByte, latencyMillis: latency ?? ask.latencyMillis, ttlSeconds: lifetime ?? ask.ttlSeconds))
                }
                var terms = try await control.retrievalTerms()
                if unseal != nil || interval != nil || increase != nil {
                    terms = try await control.setRetrievalTerms(RetrievalTerms(
                        unsealPrice: unseal ?? terms.unsealPrice, paymentInterval: interval ?? terms.paymentInterval,
                        paymentIntervalIncrease: increase ?? terms.paymentIntervalIncrease))
                }
                return (ask, terms)
            }
            if json { Output.json(MarketOutput.askJSON(ask, terms: terms)) } else { MarketOutput.askLines(ask, terms: terms) }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Sign offers for every piece the node holds at its ask and publish them to gateways.",
            discussion: "Exits non-zero when no gateway acknowledged an offer; the STATUS column says why for each.")
        @OptionGroup var remote: RemoteOptions
        @Option(name: .customLong("gateway"), help: ArgumentHelp(
            "A gateway to publish to (fid…); repeat for several (default: every gateway in the node's copy of the register).", valueName: "ID"))
        var gateways: [String] = []
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let targets = try MarketArguments.gateways(gateways)
            let publications = try await remote.withControl { try await $0.publish(to: targets) }
            if json {
                Output.json([("publications", .array(publications.map(MarketOutput.publicationJSON)))])
            } else if !publications.isEmpty {
                MarketOutput.publicationTable(publications)
            }
            let acknowledged = Set(publications.filter { $0.acknowledgedAt != nil }.map(\.gateway))
            guard !acknowledged.isEmpty else {
                throw OperatorError(publications.isEmpty
                    ? "nothing was published: the node made no publication; list the gateways with 'filtop register list --role gateway'"
                    : "no gateway acknowledged the offers (\(publications.count) sent); the STATUS column says why")
            }
        }
    }

    struct Publications: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publications", abstract: "The provider's latest publication to each gateway, per offer, newest first.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            let publications = try await remote.withControl { try await $0.publications() }
            if json {
                Output.json([("publications", .array(publications.map(MarketOutput.publicationJSON)))])
            } else if publications.isEmpty {
                print("nothing published yet; publish the node's offers with 'filtop provider publish'")
            } else {
                MarketOutput.publicationTable(publications)
            }
        }
    }
}
