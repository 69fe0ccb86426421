import Foundation
import Testing
@testable import NodeKit

/// Recomputes the retrieval part of docs/PROTOCOL.md (§12) from the inputs it states —
/// every `retrieval.…` value of its worked example, the threshold series and the
/// vouchers that pay for it — and checks its numbers and its table of which
/// `RetrievalError` crosses the wire as which refusal code against the code.
@Suite struct ProtocolDocRetrievalTests {
    /// The inputs of the retrieval worked example: the `retrieval.<name>` lines the code does not compute.
    static let inputNames: Set<String> = [
        "deal", "payload_bytes", "payload", "piece", "price", "unseal", "interval", "increase", "broker", "request_id", "dag_bytes",
    ]

    /// The byte positions at which a provider pauses a transfer of `size` block bytes:
    /// each threshold after the one before, up to the end of the DAG.
    static func thresholds(_ params: DealParams, size: UInt64) -> [UInt64] {
        var positions: [UInt64] = []
        var paidFor: UInt64 = 0
        while true {
            let next = params.nextThreshold(after: paidFor)
            guard next <= size else { break }
            positions.append(next)
            if next == size { break }
            paidFor = next
        }
        return positions
    }

    /// The cumulative amounts a client's vouchers carry for a DAG of `size` block bytes whose
    /// blocks end on the thresholds: the unseal price alone (when there is one), one at
    /// each threshold before the end, and the last payment for every byte.
    static func vouchers(_ params: DealParams, size: UInt64) throws -> [TokenAmount] {
        var amounts: [TokenAmount] = params.unsealPrice > .zero ? [params.unsealPrice] : []
        for position in thresholds(params, size: size) where position < size { amounts.append(try params.price(of: position)) }
        amounts.append(try params.price(of: size))
        return amounts
    }

    /// What the code makes of the documented inputs.
    static func computedValues(_ doc: [String: String]) throws -> [String: String] {
        func input(_ name: String) throws -> String { try #require(doc[name], "PROTOCOL.md has no retrieval.\(name) line") }
        func number(_ name: String) throws -> UInt64 { try #require(UInt64(try input(name)), "retrieval.\(name) is not a number") }
        let params = DealParams(
            pricePerByte: try TokenAmount(try input("price")), unsealPrice: try TokenAmount(try input("unseal")),
            paymentInterval: try number("interval"), paymentIntervalIncrease: try number("increase"))
        let proposal = DealProposal(
            deal: try number("deal"), payload: try CID(try input("payload")), pieceCID: try input("piece"), params: params,
            broker: try NodeID(try input("broker")))
        let size = try number("dag_bytes")
        return [
            "proposal": Hex.encode(proposal.body.encoded),
            "proposal_frame": Hex.encode(Envelope(proposal, requestID: try number("request_id")).framed),
            "thresholds": Self.thresholds(params, size: size).map(String.init).joined(separator: " "),
            "vouchers": try Self.vouchers(params, size: size).map { String($0.attoFIL) }.joined(separator: " "),
        ]
    }

    @Test func retrievalWorkedExampleMatchesTheCode() throws {
        let documented = try ProtocolDocTests.documentedValues(prefix: "retrieval.")
        let computed = try Self.computedValues(documented)
        for (name, value) in computed.sorted(by: { $0.key < $1.key }) {
            #expect(documented[name] == value, "retrieval.\(name) = \(value)")
        }
        let unchecked = Set(documented.keys).subtracting(Self.inputNames).subtracting(computed.keys)
        #expect(unchecked.isEmpty, "PROTOCOL.md documents retrieval values no test recomputes: \(unchecked.sorted())")

        // The payload is the raw block of the documented bytes, the piece §8's third Piece
        // CID and the broker §10's payee, as the text says.
        let bytes = try #require(Hex.decode(documented["payload_bytes"] ?? ""), "retrieval.payload_bytes is not hex")
        #expect(CID.raw(bytes).description == documented["payload"])
        #expect(documented["piece"] == (try ProtocolDocTests.computedValues())["piece_cid_3"])
        #expect(documented["broker"] == (try ProtocolDocTests.documentedValues(prefix: "paych."))["payee_node_id"])

        // What a third party decodes from the documented body and frame: the proposal of the inputs.
        let body = try #require(Hex.decode(documented["proposal"] ?? ""), "retrieval.proposal is not hex")
        let decoded = try DealProposal(body: try CBORDecoder.decode(body))
        #expect(decoded.deal == 1 && decoded.pieceCID == documented["piece"] && decoded.payload.description == documented["payload"])
        #expect(decoded.params.paymentInterval == 1 << 20 && decoded.params.paymentIntervalIncrease == 1 << 20)
        let framed = try #require(Hex.decode(documented["proposal_frame"] ?? ""), "retrieval.proposal_frame is not hex")
        #expect(try Envelope(decoding: Array(framed.dropFirst(4))).message(as: DealProposal.self) == decoded)
    }

    @Test func thresholdSeriesInTheTextIsTheCodes() throws {
        let text = try ProtocolDocTests.flatText()
        let mebibyte: UInt64 = 1 << 20
        let series = DealParams(pricePerByte: .zero, paymentInterval: mebibyte, paymentIntervalIncrease: mebibyte)
        var positions: [UInt64] = []
        for _ in 0..<5 { positions.append(series.nextThreshold(after: positions.last ?? 0)) }
        let stated = "With P = I = 1 MiB they are \(positions.map { String($0 / mebibyte) }.joined(separator: ", ")) MiB"
        #expect(positions.allSatisfy { $0 % mebibyte == 0 } && text.contains(stated), "PROTOCOL.md §12 does not state: \(stated)")
        // The closed form the text gives, k·P + k(k−1)/2·I, is the series.
        let p: UInt64 = 3000, i: UInt64 = 700
        let params = DealParams(pricePerByte: .zero, paymentInterval: p, paymentIntervalIncrease: i)
        var position: UInt64 = 0
        for k in UInt64(1)...50 {
            position = params.nextThreshold(after: position)
            #expect(position == k * p + k * (k - 1) / 2 * i, "threshold \(k)")
        }
        #expect(DealParams(pricePerByte: .zero, paymentInterval: 0, paymentIntervalIncrease: 0).nextThreshold(after: 7) == 8)
        let huge = DealParams(pricePerByte: .zero, paymentInterval: 1 << 62, paymentIntervalIncrease: 1 << 62)
        #expect(huge.nextThreshold(after: 3 << 62) == .max, "a position past 2^64 − 1 is read as 2^64 − 1")
    }

    @Test func retrievalRulesAreStated() throws {
        let text = try ProtocolDocTests.flatText()
        let config = NodeConfig.RetrievalSection()
        let timeouts = NodeConfig.dealTimeoutRange
        let terms = RetrievalTerms.default, range = RetrievalTerms.intervalRange
        let limits = TransferLimits()
        for rule in [
            "`[retrieval] deal_timeout_seconds`, \(timeouts.lowerBound)…\(timeouts.upperBound), default \(config.dealTimeoutSeconds)",
            "`[retrieval] brokerage_bps`, default \(config.brokerageBasisPoints)",
            "`[retrieval] max_brokerage_bps` (default \(config.maxBrokerageBasisPoints)",
            "fewer than \(ProviderDeals.maxOpenDeals) open deals, fewer than \(ProviderDeals.maxOpenPerClient) of this client's",
            "at most \(ProviderDeals.maxOpenDeals) open deals at once, at most \(ProviderDeals.maxOpenPerClient) per client",
            "a lane of its channel to the provider that serves this deal only",
            "default \(terms.unsealPrice.attoFIL), \(terms.paymentInterval >> 20) MiB and \(terms.paymentIntervalIncrease >> 20) MiB; "
                + "an interval is \(range.lowerBound >> 10) KiB … \(range.upperBound >> 30) GiB",
            "at most 2^\(limits.maxPendingLinks.trailingZeroBitCount) pending links and 2^\(limits.maxBlocks.trailingZeroBitCount) distinct blocks",
            "no block over \(BlockSection.maxDataLength >> 20) MiB",
            "with an \(ClientDealRun.window >> 20) MiB window",
            "every \(ClientDealRun.checkpointStep >> 20) MiB verified between thresholds",
            "checking every \(Retrieval.sweepInterval.components.seconds) s",
            "`[retrieval] max_send_rate` set (bytes per second, \(NodeConfig.sendRateRange.lowerBound >> 10) KiB … "
                + "\(NodeConfig.sendRateRange.upperBound >> 30) GiB; \(config.maxSendRate), the default, sets no cap)",
            "at most \(ClientDeals.maxQueried) of the providers",
        ] {
            let stated = text.contains(rule)
            #expect(stated, "PROTOCOL.md §12 does not state: \(rule)")
        }
        #expect(limits.maxPendingLinks.nonzeroBitCount == 1 && limits.maxBlocks.nonzeroBitCount == 1)
        #expect(terms.unsealPrice == .zero && terms.paymentInterval % (1 << 20) == 0 && terms.paymentIntervalIncrease % (1 << 20) == 0)
    }

    /// The name PROTOCOL.md's table gives each `RetrievalError` case. Exhaustive, so a new
    /// case does not compile until it has a name here and a row in the document.
    static func caseName(_ error: RetrievalError) -> String {
        switch error {
        case .roleMissing: "roleMissing"
        case .unknownDeal: "unknownDeal"
        case .dealEnded: "dealEnded"
        case .notReady: "notReady"
        case .contentNotFound: "contentNotFound"
        case .paymentRefused: "paymentRefused"
        case .busy: "busy"
        case .invalidTarget: "invalidTarget"
        case .noProvider: "noProvider"
        case .invalidValue: "invalidValue"
        }
    }

    /// One value of every `RetrievalError` case.
    static func everyRetrievalError() -> [RetrievalError] {
        let key = DealKey(side: .provider, peer: VoucherTests.payee.nodeID, id: 1)
        return [
            .roleMissing(.provider, "x"), .unknownDeal(key), .dealEnded(key, .completed), .notReady(key, "x"), .contentNotFound("x"),
            .paymentRefused("x"), .busy("x"), .invalidTarget("x"), .noProvider("x"), .invalidValue("x"),
        ]
    }

    @Test func everyRetrievalErrorIsDocumentedWithItsRefusalCode() throws {
        var documented: [String: String] = [:]
        for row in try ProtocolDocTests.section("#### RetrievalError refusals") where row.hasPrefix("| `") {
            let cells = ProtocolDocTests.cells(row)
            if cells.count >= 2 { documented[cells[0]] = cells[1] }
        }
        let errors = Self.everyRetrievalError()
        #expect(Set(documented.keys) == Set(errors.map(Self.caseName)), "PROTOCOL.md's RetrievalError table: \(documented.keys.sorted())")
        for error in errors {
            let name = Self.caseName(error)
            #expect(documented[name] == error.refusal.code.rawValue, "| `\(name)` | `\(error.refusal.code.rawValue)` |")
        }
    }
}
