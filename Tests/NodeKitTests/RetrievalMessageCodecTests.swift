import Testing
@testable import NodeKit

/// The retrieval messages 600–608: each survives the wire, and each refuses a body that
/// is not exactly its fields with their types and ranges.
struct RetrievalMessageCodecTests {
    static let price = TokenAmount(unchecked: 2_500)
    static let unseal = TokenAmount(unchecked: 300)
    static let params = DealParams(pricePerByte: price, unsealPrice: unseal, paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 19)

    static let query = RetrievalQuery(payload: DealFixtures.payload, pieceCID: DealFixtures.pieceCID)
    static let queryResponse = RetrievalQueryResponse(
        status: .available, pieceFound: .available, payload: DealFixtures.payload, size: 2_097_152, blocks: 9,
        paymentAddress: DealFixtures.provider.nodeID, pricePerByte: price, paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 19,
        unsealPrice: unseal, message: "ready", rootBlock: [0x12, 0x34, 0x56])
    static let proposal = DealProposal(deal: 42, payload: DealFixtures.payload, pieceCID: DealFixtures.pieceCID, params: params,
                                       broker: DealFixtures.broker.nodeID)
    static let response = DealResponse(deal: 42, status: .fundsNeeded, paid: TokenAmount(unchecked: 2_621_740), size: 2_097_152, blocks: 9,
                                       message: "pay for 1048576 bytes")
    static let transfer = DealTransfer(deal: 42, from: 3)
    static func payment() throws -> DealPayment {
        DealPayment(deal: 42, client: DealFixtures.client.nodeID, voucher: try DealFixtures.voucher(), gross: TokenAmount(unchecked: 2_100),
                    feeBasisPoints: 100)
    }
    static let answer = DealPaymentAnswer(
        deal: 42, status: .ongoing, paid: TokenAmount(unchecked: 2_100), total: TokenAmount(unchecked: 9_000), limit: 3_145_728, sent: 1_048_600,
        size: 4_500_000)
    static func brokered() throws -> BrokeredPayment {
        BrokeredPayment(provider: DealFixtures.provider.nodeID, deal: 42, payload: DealFixtures.payload, voucher: try DealFixtures.voucher())
    }
    static let cancel = DealCancel(deal: 42, reason: "no longer needed")

    /// The message read back from its envelope's bytes.
    static func overTheWire<M: WireMessage>(_ message: M) throws -> M {
        try Envelope(decoding: Envelope(message, requestID: 9).encoded).message(as: M.self)
    }

    @Test func theMessageTypesAre600To608() {
        let types: [any WireMessage.Type] = [
            RetrievalQuery.self, RetrievalQueryResponse.self, DealProposal.self, DealResponse.self, DealTransfer.self, DealPayment.self,
            DealPaymentAnswer.self, BrokeredPayment.self, DealCancel.self,
        ]
        #expect(types.map { $0.messageType.rawValue } == Array(600...608))
    }

    // MARK: Round trips

    @Test func everyMessageSurvivesTheWire() throws {
        #expect(try Self.overTheWire(Self.query) == Self.query)
        #expect(try Self.overTheWire(Self.queryResponse) == Self.queryResponse)
        #expect(try Self.overTheWire(Self.proposal) == Self.proposal)
        #expect(try Self.overTheWire(Self.response) == Self.response)
        #expect(try Self.overTheWire(Self.transfer) == Self.transfer)
        #expect(try Self.overTheWire(Self.payment()) == Self.payment())
        #expect(try Self.overTheWire(Self.answer) == Self.answer)
        #expect(try Self.overTheWire(Self.brokered()) == Self.brokered())
        #expect(try Self.overTheWire(Self.cancel) == Self.cancel)
    }

    @Test func optionalFieldsSurviveAsNull() throws {
        for query in [RetrievalQuery(payload: DealFixtures.payload), RetrievalQuery(payload: nil, pieceCID: DealFixtures.pieceCID)] {
            #expect(try Self.overTheWire(query) == query)
        }
        let unavailable = RetrievalQueryResponse(
            status: .unavailable, pieceFound: .unknown, payload: nil, size: 0, blocks: 0, paymentAddress: DealFixtures.provider.nodeID,
            pricePerByte: .zero, paymentInterval: 0, paymentIntervalIncrease: 0, unsealPrice: .zero, message: "")
        #expect(try Self.overTheWire(unavailable) == unavailable)
        let direct = DealProposal(deal: 0, payload: DealFixtures.payload, pieceCID: nil, params: DealFixtures.free, broker: nil)
        #expect(try Self.overTheWire(direct) == direct)
        let fromClient = DealPayment(deal: .max, client: nil, voucher: try DealFixtures.voucher(), gross: .zero, feeBasisPoints: 0)
        #expect(try Self.overTheWire(fromClient) == fromClient)
    }

    @Test func everyStatusAndTheLargestNumbersSurvive() throws {
        for status in DealStatus.allCases {
            let response = DealResponse(deal: .max, status: status, paid: .max, size: .max, blocks: .max)
            #expect(try Self.overTheWire(response) == response)
            let answer = DealPaymentAnswer(deal: .max, status: status, paid: .max, total: .max, limit: .max, sent: .max, size: .max)
            #expect(try Self.overTheWire(answer) == answer)
        }
        for status in [RetrievalQueryResponse.Status.available, .unavailable, .error] {
            for found in [RetrievalQueryResponse.PieceFound.available, .unavailable, .unknown] {
                let response = RetrievalQueryResponse(
                    status: status, pieceFound: found, payload: nil, size: .max, blocks: .max, paymentAddress: DealFixtures.client.nodeID,
                    pricePerByte: .max, paymentInterval: .max, paymentIntervalIncrease: .max, unsealPrice: .max, message: "")
                #expect(try Self.overTheWire(response) == response)
            }
        }
    }

    @Test func longTextIsCutOnACharacterWhenSentAndRefusedWhenReceived() throws {
        let long = String(repeating: "é", count: 300)  // 600 bytes
        #expect(DealResponse(deal: 1, status: .rejected, message: long).message == String(repeating: "é", count: 256))
        #expect(DealCancel(deal: 1, reason: long).reason == String(repeating: "é", count: 128))
        let response = Self.queryResponse
        #expect(RetrievalQueryResponse(
            status: response.status, pieceFound: response.pieceFound, payload: response.payload, size: response.size,
            blocks: response.blocks, paymentAddress: response.paymentAddress, pricePerByte: response.pricePerByte,
            paymentInterval: response.paymentInterval, paymentIntervalIncrease: response.paymentIntervalIncrease,
            unsealPrice: response.unsealPrice, message: long).message.utf8.count == 512)

        Self.refuses(DealResponse.self, Self.response.body, setting: "message", to: .text(String(repeating: "a", count: 513)))
        Self.accepts(DealResponse.self, Self.response.body, setting: "message", to: .text(String(repeating: "a", count: 512)))
        Self.refuses(RetrievalQueryResponse.self, Self.queryResponse.body, setting: "message", to: .text(String(repeating: "a", count: 513)))
        Self.refuses(DealCancel.self, Self.cancel.body, setting: "reason", to: .text(String(repeating: "a", count: 257)))
        Self.accepts(DealCancel.self, Self.cancel.body, setting: "reason", to: .text(String(repeating: "a", count: 256)))
        Self.refuses(DealProposal.self, Self.proposal.body, setting: "piece", to: .text(String(repeating: "a", count: 129)))
        Self.refuses(RetrievalQuery.self, Self.query.body, setting: "piece", to: .text(String(repeating: "a", count: 129)))
    }

    // MARK: Strictness

    static func decodes<M: WireMessage>(_: M.Type, _ body: CBOR) -> Result<M, WireError> {
        do throws(WireError) { return .success(try M(body: body)) } catch { return .failure(error) }
    }

    static func refuses<M: WireMessage>(_ type: M.Type, _ body: CBOR, setting key: String, to value: CBOR,
                                        naming: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        var map = body.mapValue ?? [:]
        map[key] = value
        switch decodes(type, .map(map)) {
        case .success: Issue.record("\(type) took \(key) = \(value)", sourceLocation: sourceLocation)
        case .failure(let error):
            if let naming { #expect("\(error)".contains(naming), "\(error)", sourceLocation: sourceLocation) }
        }
    }

    static func accepts<M: WireMessage>(_ type: M.Type, _ body: CBOR, setting key: String, to value: CBOR,
                                        sourceLocation: SourceLocation = #_sourceLocation) {
        var map = body.mapValue ?? [:]
        map[key] = value
        if case .failure(let error) = decodes(type, .map(map)) {
            Issue.record("\(type) refused \(key) = \(value): \(error)", sourceLocation: sourceLocation)
        }
    }

    /// A value of every CBOR kind; each field is tried with every kind but its own.
    static let kinds: [CBOR] = [.unsigned(1), .negative(0), .bytes([1]), .text("1"), .array([]), .map([:]), .bool(true), .null, .float(1.5),
                                .link(DealFixtures.payload)]

    static func sameKind(_ a: CBOR, _ b: CBOR) -> Bool {
        switch (a, b) {
        case (.unsigned, .unsigned), (.negative, .negative), (.bytes, .bytes), (.text, .text), (.array, .array), (.map, .map),
             (.bool, .bool), (.null, .null), (.float, .float), (.link, .link): return true
        default: return false
        }
    }

    /// Refuses a body that is not a map, has a field more or one less, or holds a value of
    /// the wrong kind in any field (the error naming `Name.field`); null only where `nullable`.
    static func checkStrictness<M: WireMessage>(_ message: M, _ name: String, nullable: Set<String> = []) {
        let body = message.body
        guard let map = body.mapValue else { Issue.record("\(name) has no map body"); return }
        #expect(throws: WireError.self, "\(name) from an array") { try M(body: .array(Array(map.values))) }
        var extra = map
        extra["extra"] = .unsigned(0)
        #expect(throws: WireError.invalidMessage("\(name) must have exactly the fields \(map.keys.sorted(by: CBOR.canonicalKeyOrder).joined(separator: ", "))")) {
            try M(body: .map(extra))
        }
        for key in map.keys {
            var missing = map
            missing.removeValue(forKey: key)
            #expect(throws: WireError.self, "\(name) without \(key)") { try M(body: .map(missing)) }
            for kind in kinds where !sameKind(kind, map[key]!) && !(kind == .null && nullable.contains(key)) {
                refuses(M.self, body, setting: key, to: kind, naming: "\(name).\(key)")
            }
        }
    }

    @Test func everyMessageRefusesMissingExtraAndMistypedFields() throws {
        Self.checkStrictness(Self.query, "RetrievalQuery", nullable: ["payload", "piece"])
        Self.checkStrictness(Self.queryResponse, "RetrievalQueryResponse", nullable: ["payload", "root_block"])
        Self.checkStrictness(Self.proposal, "DealProposal", nullable: ["piece", "broker"])
        Self.checkStrictness(Self.response, "DealResponse")
        Self.checkStrictness(Self.transfer, "DealTransfer")
        Self.checkStrictness(try Self.payment(), "DealPayment", nullable: ["client"])
        Self.checkStrictness(Self.answer, "DealPaymentAnswer")
        Self.checkStrictness(try Self.brokered(), "BrokeredPayment")
        Self.checkStrictness(Self.cancel, "DealCancel")
    }

    @Test func statusNumbersOutsideTheirEnumsAreRefused() {
        for bad: UInt64 in [35, 64, 1_000, .max] {
            Self.refuses(DealResponse.self, Self.response.body, setting: "status", to: .unsigned(bad), naming: "DealResponse.status is not a DealStatus")
            Self.refuses(DealPaymentAnswer.self, Self.answer.body, setting: "status", to: .unsigned(bad),
                         naming: "DealPaymentAnswer.status is not a DealStatus")
        }
        for bad: UInt64 in [3, .max] {
            Self.refuses(RetrievalQueryResponse.self, Self.queryResponse.body, setting: "status", to: .unsigned(bad),
                         naming: "RetrievalQueryResponse.status must be 0, 1 or 2")
            Self.refuses(RetrievalQueryResponse.self, Self.queryResponse.body, setting: "piece_found", to: .unsigned(bad),
                         naming: "RetrievalQueryResponse.piece_found must be 0, 1 or 2")
        }
    }

    @Test func aBrokerageAboveAllOfThePaymentIsRefused() throws {
        let body = try Self.payment().body
        Self.accepts(DealPayment.self, body, setting: "fee", to: .unsigned(10_000))
        for bad: UInt64 in [10_001, .max] {
            Self.refuses(DealPayment.self, body, setting: "fee", to: .unsigned(bad), naming: "DealPayment.fee must be 0…10000 basis points")
        }
    }

    @Test func aQueryAsksForSomething() {
        #expect(throws: WireError.invalidMessage("RetrievalQuery needs a payload CID, a piece CID or both")) {
            try RetrievalQuery(body: .map(["payload": .null, "piece": .null]))
        }
    }

    @Test func malformedCIDsNodeIDsAndAmountsAreRefused() throws {
        let proposal = Self.proposal.body
        Self.refuses(DealProposal.self, proposal, setting: "payload", to: .bytes([0x01, 0x55]), naming: "DealProposal.payload")
        Self.refuses(DealProposal.self, proposal, setting: "broker", to: .bytes([0x01, 0x02]), naming: "DealProposal.broker")
        // Amounts: a sign byte other than 00, a leading zero, more than TokenAmount.max.
        for amount: [UInt8] in [[0x01, 0x05], [0x00, 0x00, 0x05], [0x00] + [UInt8](repeating: 0xff, count: 16)] {
            Self.refuses(DealProposal.self, proposal, setting: "price", to: .bytes(amount), naming: "DealProposal.price")
            Self.refuses(DealResponse.self, Self.response.body, setting: "paid", to: .bytes(amount), naming: "DealResponse.paid")
            Self.refuses(DealPayment.self, try Self.payment().body, setting: "gross", to: .bytes(amount), naming: "DealPayment.gross")
        }
        Self.refuses(RetrievalQueryResponse.self, Self.queryResponse.body, setting: "payment_address", to: .bytes([0x01]),
                     naming: "RetrievalQueryResponse.payment_address")
        var voucher = try DealFixtures.voucher().cbor.mapValue ?? [:]
        voucher.removeValue(forKey: "signature")
        Self.refuses(DealPayment.self, try Self.payment().body, setting: "voucher", to: .map(voucher), naming: "DealPayment.voucher")
        Self.refuses(BrokeredPayment.self, try Self.brokered().body, setting: "voucher", to: .map(voucher), naming: "BrokeredPayment.voucher")
    }
}
