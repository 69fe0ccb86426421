import ArgumentParser
import Foundation
import NodeKit

/// `filtop offer`: create, inspect, verify and prove signed CID offers by hand.
struct OfferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offer",
        abstract: "Create, show and verify signed CID Group Offers and their sub-offers.",
        subcommands: [Create.self, Show.self, Verify.self, Prove.self, VerifySub.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Sign an offer for 1 to 128 Piece CIDs (a Single CID Offer when there is one).")
        @OptionGroup var key: KeyOptions
        @Option(help: "Price per byte, e.g. '0.000000001 FIL' or '1000000000 attoFIL'.") var price: String
        @Option(help: "Expiry: Unix seconds, a duration from now (24h, 7d) or an ISO 8601 date.") var expiry: String
        @Option(help: "QoS: latency to first byte, in milliseconds (250, 250ms) or seconds (2s).") var qos: String
        @Option(help: "Offer nonce (default: the current time in milliseconds, so newer offers rank higher).") var nonce: UInt64?
        @Option(name: .shortAndLong, help: "Write the offer here (default: standard output, if not a terminal).") var output: String?
        @Flag(help: "Replace an existing regular file at the output path.") var force = false
        @Argument(help: "The Piece CIDs (baga6ea4seaq…).") var pieceCIDs: [String]

        func run() throws {
            InterruptCleanup.install()
            let target = try output.map {
                try OutputFile(
                    path: expandingTilde($0), force: force, inputs: [(try key.resolvedPath(creatingDirectory: false), "key file")],
                    dataDirectories: [key.data.directory.path])
            }
            let cids = try pieceCIDs.enumerated().map { i, text in try CIDArgument.piece(text, name: "Piece CID argument \(i + 1)") }
            let terms = OfferTerms(
                pricePerByte: try TokenAmount(price), expiry: try OfferArguments.expiry(expiry),
                latencyMillis: try OfferArguments.latencyMillis(qos),
                nonce: nonce ?? UInt64(Date().timeIntervalSince1970 * 1000))
            if terms.expiry <= OfferArguments.now {
                FileHandle.standardError.write(Data("warning: this offer expired at \(OfferArguments.date(terms.expiry)); gateways will refuse it\n".utf8))
            }
            let offer = try CIDOffer.sign(pieceCIDs: cids, terms: terms, by: try key.load())
            try OfferArguments.write(offer.encoded, to: target)
            if let output {
                print("wrote \(offer.isSingle ? "single CID" : "group") offer \(Hex.encode(offer.id)) (\(offer.cidCount) Piece CIDs) to \(output)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print an offer's fields (does not verify it).")
        @Argument(help: "The offer file.") var file: String
        @Flag(help: "Print one JSON object (field names in docs/PROTOCOL.md).") var json = false

        func run() throws {
            let offer = try CIDOffer(encoded: OfferArguments.read(file, limit: OfferLimits.maxEncodedOffer, what: "offer"))
            let t = offer.terms
            if json {
                Output.json([
                    ("kind", .string(offer.isSingle ? "single" : "group")),
                    ("provider", .string(offer.providerID.description)),
                    ("provider_public_key", .string(offer.provider.hex)),
                    ("piece_cids", .array(offer.pieceCIDs.map { .string($0.description) })),
                    ("leaf_count", .int(UInt64(offer.cidCount))),
                    ("merkle_root", .string(Hex.encode(offer.root))),
                    ("price_per_byte_attofil", .string(String(t.pricePerByte.attoFIL))),
                    ("price_per_byte", .string(t.pricePerByte.description)),
                    ("expiry", .int(t.expiry)), ("qos_latency_ms", .int(t.latencyMillis)), ("nonce", .int(t.nonce)),
                    ("signature", .string(offer.signature.hex)), ("offer_id", .string(Hex.encode(offer.id))),
                ])
            } else {
                print("offer:          \(Hex.encode(offer.id)) (\(offer.isSingle ? "single CID" : "group"))")
                print("provider:       \(offer.providerID)")
                print("public key:     \(offer.provider.hex)")
                print("price per byte: \(t.pricePerByte) (\(t.pricePerByte.attoFILDescription))")
                print("expiry:         \(t.expiry) (\(OfferArguments.date(t.expiry)))")
                print("QoS latency:    \(t.latencyMillis) ms to first byte")
                print("nonce:          \(t.nonce)")
                print("Merkle root:    \(Hex.encode(offer.root))")
                print("signature:      \(offer.signature.hex)")
                print("Piece CIDs:     \(offer.cidCount)")
                for cid in offer.pieceCIDs { print("  \(cid)") }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check an offer's Merkle root, signature and expiry; exit 0 only if all hold.")
        @Argument(help: "The offer file.") var file: String
        @Option(help: "Check expiry at this Unix time instead of now.") var at: UInt64?

        func run() throws {
            let offer = try CIDOffer(encoded: OfferArguments.read(file, limit: OfferLimits.maxEncodedOffer, what: "offer"))
            try offer.verify(at: at ?? OfferArguments.now)
            print("ok: offer \(Hex.encode(offer.id)) from \(offer.providerID), \(offer.cidCount) Piece CIDs, "
                + "root and signature valid, expires \(OfferArguments.date(offer.terms.expiry))")
        }
    }

    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prove", abstract: "Extract the sub-offer (CID, inclusion proof, signed fields) for one Piece CID.")
        @Argument(help: "The offer file.") var file: String
        @Argument(help: "The Piece CID to prove.") var pieceCID: String
        @Option(name: .shortAndLong, help: "Write the sub-offer here (default: standard output, if not a terminal).") var output: String?
        @Flag(help: "Replace an existing regular file at the output path.") var force = false

        func run() throws {
            InterruptCleanup.install()
            let target = try output.map { try OutputFile(path: expandingTilde($0), force: force, inputs: [(expandingTilde(file), "offer file")]) }
            let offer = try CIDOffer(encoded: OfferArguments.read(file, limit: OfferLimits.maxEncodedOffer, what: "offer"))
            try offer.verifyIntegrity()
            let sub = try offer.subOffer(for: try CIDArgument.piece(pieceCID, name: "the Piece CID argument"))
            try OfferArguments.write(sub.encoded, to: target)
            if let output {
                print("wrote sub-offer for \(sub.pieceCID) (position \(sub.proof.index) of \(sub.proof.leafCount), \(sub.proof.depth)-node proof) to \(output)")
            }
        }
    }

    struct VerifySub: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-sub",
            abstract: "Check a sub-offer alone: inclusion proof, provider signature, expiry; exit 0 only if all hold.")
        @Argument(help: "The sub-offer file.") var file: String
        @Option(help: "Also require the sub-offer to be for this Piece CID.") var cid: String?
        @Option(help: "Check expiry at this Unix time instead of now.") var at: UInt64?

        func run() throws {
            let sub = try SubOffer(encoded: OfferArguments.read(file, limit: OfferLimits.maxEncodedSubOffer, what: "sub-offer"))
            let now = at ?? OfferArguments.now
            if let cid { try sub.verify(covering: try CIDArgument.piece(cid, name: "--cid"), at: now) } else { try sub.verify(at: now) }
            print("ok: \(sub.pieceCID) is offered by \(sub.providerID) at \(sub.terms.pricePerByte) per byte, "
                + "proof and signature valid, expires \(OfferArguments.date(sub.terms.expiry))")
        }
    }
}
