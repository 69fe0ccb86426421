import Foundation
import Testing
@testable import NodeKit

/// Recomputes the discovery part of docs/PROTOCOL.md (§11) from the inputs it states — every
/// `find.…` value of its worked example — and checks its tables against the code: which
/// `MarketError` crosses the wire as which refusal code, and each reputation view's bounds
/// and each event's view and delta.
@Suite struct ProtocolDocDiscoveryTests {
    /// The inputs of the discovery worked example: the `find.<name>` lines the code does not compute.
    static let inputNames: Set<String> = ["voucher_lane", "voucher_nonce", "voucher_amount", "request_id", "now", "search_fee", "offers_fee"]

    /// The §8 sub-offer (the third Piece CID of the example offer), as the code makes it.
    static func exampleSubOffer() throws -> SubOffer {
        let hex = try #require(try ProtocolDocTests.computedValues()["sub_offer"])
        return try SubOffer(encoded: try #require(Hex.decode(hex)))
    }

    /// What the code makes of the documented inputs: the §10 payer, as a client, pays the
    /// §10 payee, a gateway, on the discovery lane of their channel and asks it for the
    /// §8 sub-offer's Piece CID.
    static func computedValues(_ doc: [String: String]) throws -> [String: String] {
        let paych = try ProtocolDocTests.documentedValues(prefix: "paych.")
        func input(_ name: String) throws -> String { try #require(doc[name], "PROTOCOL.md has no find.\(name) line") }
        func number(_ name: String) throws -> UInt64 { try #require(UInt64(try input(name)), "find.\(name) is not a number") }
        func seed(_ name: String) throws -> [UInt8] { try #require(Hex.decode(paych[name] ?? ""), "paych.\(name) is not hex") }
        let client = try KeyPair(seed: try seed("payer_seed"))
        let gateway = try KeyPair(seed: try seed("payee_seed"))
        let createNonce = try #require(UInt64(paych["create_nonce"] ?? ""), "paych.create_nonce")
        let channel = ChannelID(payer: client.publicKey, payee: gateway.nodeID, nonce: createNonce)
        let voucher = try Voucher(
            channel: channel, lane: try number("voucher_lane"), nonce: try number("voucher_nonce"),
            amount: try TokenAmount(try input("voucher_amount")), signer: client)
        let fees = DiscoveryFees(search: try TokenAmount(try input("search_fee")), offers: try TokenAmount(try input("offers_fee")))
        let sub = try exampleSubOffer()
        let requestID = try number("request_id")
        let answer = FindOffersAnswer(
            offers: [sub], charged: try fees.search.adding(fees.offers), credit: .zero, owed: .zero, required: .zero, fees: fees)
        let unpaid = FindOffersAnswer(offers: [], charged: .zero, credit: .zero, owed: .zero, required: fees.search, fees: fees)
        return [
            "voucher": Hex.encode(voucher.cbor.encoded),
            "request_frame": Hex.encode(Envelope(FindOffers(pieceCID: sub.pieceCID, voucher: voucher), requestID: requestID).framed),
            "answer_frame": Hex.encode(Envelope(answer, requestID: requestID).framed),
            "unpaid_answer": Hex.encode(unpaid.body.encoded),
        ]
    }

    @Test func discoveryWorkedExampleMatchesTheCode() throws {
        let documented = try ProtocolDocTests.documentedValues(prefix: "find.")
        let computed = try Self.computedValues(documented)
        for (name, value) in computed.sorted(by: { $0.key < $1.key }) {
            #expect(documented[name] == value, "find.\(name) = \(value)")
        }
        let unchecked = Set(documented.keys).subtracting(Self.inputNames).subtracting(computed.keys)
        #expect(unchecked.isEmpty, "PROTOCOL.md documents find values no test recomputes: \(unchecked.sorted())")

        // The example uses the default fee schedule, and its voucher pays exactly one request that finds.
        let search = try TokenAmount(try #require(documented["search_fee"])), offers = try TokenAmount(try #require(documented["offers_fee"]))
        #expect(DiscoveryFees(search: search, offers: offers) == DiscoveryFees.default)
        #expect(try TokenAmount(try #require(documented["voucher_amount"])) == (try search.adding(offers)))
        #expect(try #require(UInt64(documented["voucher_lane"] ?? "")) == OfferFinder.discoveryLane)

        // What a third party decodes from the documented frames: the request's voucher is
        // signed by the client, and the answer's sub-offer is §8's, valid on its own.
        func envelope(_ name: String) throws -> Envelope {
            let framed = try #require(Hex.decode(documented[name] ?? ""), "find.\(name) is not hex")
            return try Envelope(decoding: Array(framed.dropFirst(4)))
        }
        let request = try envelope("request_frame").message(as: FindOffers.self)
        let voucher = try #require(request.voucher)
        let client = try PublicKey(bytes: try #require(Hex.decode(try ProtocolDocTests.documentedValues(prefix: "paych.")["payer_public_key"] ?? "")))
        #expect(client.verify(voucher.signature, over: voucher.signedBytes))
        let answer = try envelope("answer_frame").message(as: FindOffersAnswer.self)
        let sub = try #require(answer.offers.first)
        let example = try Self.exampleSubOffer()
        #expect(answer.offers.count == 1 && sub.encoded == example.encoded)
        try sub.verify(covering: request.pieceCID, at: try #require(UInt64(documented["now"] ?? "")))
        let unpaid = try FindOffersAnswer(body: try CBORDecoder.decode(try #require(Hex.decode(documented["unpaid_answer"] ?? ""))))
        #expect(unpaid.offers.isEmpty && unpaid.required == search && unpaid.fees == DiscoveryFees.default)
    }

    @Test func discoveryRulesAreStated() throws {
        let text = try ProtocolDocTests.flatText()
        let fees = DiscoveryFees.default
        for rule in ["`[gateway] search_fee`, default `\(fees.search)`", "`[gateway] offers_fee`, default `\(fees.offers)`",
                     "at most \(FindOffersAnswer.maxOffers) sub-offers", "lane \(OfferFinder.discoveryLane)"] {
            let stated = text.contains(rule)
            #expect(stated, "PROTOCOL.md §11 does not state: \(rule)")
        }
    }

    /// The name PROTOCOL.md's table gives each `MarketError` case. Exhaustive, so a new
    /// case does not compile until it has a name here and a row in the document.
    static func caseName(_ error: MarketError) -> String {
        switch error {
        case .roleMissing: "roleMissing"
        case .blocked: "blocked"
        case .lowReputation: "lowReputation"
        case .tooSlow: "tooSlow"
        case .unregisteredProvider: "unregisteredProvider"
        case .notPublisher: "notPublisher"
        case .badOffer(.expired): "badOffer(expired)"
        case .badOffer(.badSignature): "badOffer(badSignature)"
        case .badOffer(.rootMismatch): "badOffer(rootMismatch)"
        case .badOffer(.proofMismatch): "badOffer(proofMismatch)"
        case .badOffer: "badOffer(other)"
        case .paymentRequired: "paymentRequired"
        case .noGateway: "noGateway"
        case .unknownGateway: "unknownGateway"
        case .nothingToOffer: "nothingToOffer"
        case .invalidValue: "invalidValue"
        }
    }

    /// One value of every `MarketError` case, and of each `badOffer` the table names.
    static func everyMarketError() throws -> [MarketError] {
        let node = VoucherTests.payee.nodeID
        return [
            .roleMissing(.gateway, "x"), .blocked(node), .lowReputation(node, -1), .tooSlow(node, rttMillis: 2, limit: 1),
            .unregisteredProvider(node), .notPublisher(offerProvider: node, session: node),
            .badOffer(.expired(expiry: 1, now: 2)), .badOffer(.badSignature(provider: node)), .badOffer(.rootMismatch(claimed: "a", computed: "b")),
            .badOffer(.proofMismatch), .badOffer(.malformed("x")), .badOffer(.duplicatePieceCID("x", first: 0, second: 1)),
            .paymentRequired(price: try TokenAmount("1 FIL")), .noGateway("x"), .unknownGateway(node), .nothingToOffer, .invalidValue("x"),
        ]
    }

    @Test func everyMarketErrorIsDocumentedWithItsRefusalCode() throws {
        var documented: [String: String] = [:]
        for row in try ProtocolDocTests.section("#### MarketError refusals") where row.hasPrefix("| `") {
            let cells = ProtocolDocTests.cells(row)
            if cells.count >= 2 { documented[cells[0]] = cells[1] }
        }
        let errors = try Self.everyMarketError()
        #expect(Set(documented.keys) == Set(errors.map(Self.caseName)), "PROTOCOL.md's MarketError table: \(documented.keys.sorted())")
        for error in errors {
            let name = Self.caseName(error)
            #expect(documented[name] == error.refusal.code.rawValue, "| `\(name)` | `\(error.refusal.code.rawValue)` |")
        }
    }

    /// A signed number of the document, which writes minus as `−`.
    static func integer(_ cell: String) -> Int64? { Int64(cell.replacingOccurrences(of: "−", with: "-")) }

    @Test func reputationTablesMatchTheCode() throws {
        var rows: [String: [String]] = [:]
        for row in try ProtocolDocTests.section("### Reputation") where row.hasPrefix("| `") {
            let cells = ProtocolDocTests.cells(row)
            #expect(rows[cells[0]] == nil, "PROTOCOL.md's reputation tables list \(cells[0]) twice")
            rows[cells[0]] = cells
        }
        let views = ReputationView.allCases.map(\.rawValue), events = ReputationEvent.allCases.map(\.rawValue)
        #expect(Set(rows.keys) == Set(views + events), "PROTOCOL.md's reputation tables: \(rows.keys.sorted())")
        for view in ReputationView.allCases {
            let cells = try #require(rows[view.rawValue], "no row for view \(view.rawValue)")
            try #require(cells.count >= 5)
            #expect(Self.integer(cells[2]) == view.initial, "\(view.rawValue): initial \(view.initial)")
            #expect(Self.integer(cells[3]) == view.bounds.lowerBound, "\(view.rawValue): floor \(view.bounds.lowerBound)")
            #expect(Self.integer(cells[4]) == view.bounds.upperBound, "\(view.rawValue): ceiling \(view.bounds.upperBound)")
        }
        for event in ReputationEvent.allCases {
            let cells = try #require(rows[event.rawValue], "no row for event \(event.rawValue)")
            try #require(cells.count >= 3)
            #expect(cells[1] == event.view.rawValue, "\(event.rawValue) is kept in \(event.view.rawValue)")
            #expect(Self.integer(cells[2]) == event.delta, "\(event.rawValue) moves by \(event.delta)")
        }
    }
}
