import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// The retrieval messages of the admin protocol: every action and answer survives the
/// codec, every malformed field is refused naming it, every list is capped, the largest
/// answers fit one frame, each `RetrievalControl` call crosses an admin session to the
/// node's control unchanged — its refusal too — and an order no node would run is refused
/// before it is sent.
@Suite struct ControlRetrievalCodecTests {
    private func roundTrip<M: WireMessage & Equatable>(_ message: M) throws -> M {
        try Envelope(decoding: Envelope(message, requestID: 1).encoded).message(as: M.self)
    }

    /// `map` with `key` set to `value`, or removed when `value` is nil.
    private func with(_ map: CBOR, _ key: String, _ value: CBOR?) -> CBOR {
        var fields = map.mapValue ?? [:]
        fields[key] = value
        return .map(fields)
    }

    /// The message the decoder refuses `body` with, or nil when it accepts it.
    private func refusal<M: WireMessage>(_ type: M.Type, _ body: CBOR) -> String? {
        do {
            _ = try M(body: body)
            return nil
        } catch {
            return "\(error)"
        }
    }

    private func expectRefusals<M: WireMessage>(_ type: M.Type, _ cases: [(CBOR, String)]) {
        for (body, expected) in cases {
            let message = refusal(M.self, body)
            #expect(message?.contains(expected) == true, "expected '\(expected)', got \(message ?? "acceptance")")
        }
    }

    @Test func everyActionRoundTrips() throws {
        #expect(Set(RetrievalFixtures.requests.map(\.action)) == Set(ControlRetrievalRequest.Action.allCases))
        for request in RetrievalFixtures.requests { #expect(try roundTrip(request) == request, "\(request.action)") }
    }

    @Test func everyAnswerRoundTrips() throws {
        for answer in RetrievalFixtures.answers { #expect(try roundTrip(answer) == answer) }
        // Every deal status and both sides survive, by number.
        for status in DealStatus.allCases {
            for side in DealSide.allCases {
                var deal = RetrievalFixtures.providerDeal
                deal.status = status
                deal.side = side
                #expect(try roundTrip(ControlRetrievalAnswer(deals: [deal])).deals == [deal])
            }
        }
        for status in RetrievalSummary.Status.allCases {
            var summary = RetrievalFixtures.summary
            summary.status = status
            #expect(try roundTrip(ControlRetrievalAnswer(summaries: [summary])).summaries == [summary])
        }
    }

    @Test func malformedRequestFieldsAreRefusedNamingThem() {
        let order = RetrievalFixtures.order.cbor
        let full = ControlRetrievalRequest(
            .retrieve, target: RetrievalFixtures.piece, provider: RetrievalFixtures.provider, order: RetrievalFixtures.order, request: 7,
            deal: RetrievalFixtures.key, terms: RetrievalFixtures.terms).body
        #expect(refusal(ControlRetrievalRequest.self, full) == nil)
        let deal = RetrievalFixtures.key.cbor, terms = RetrievalFixtures.terms.cbor
        expectRefusals(ControlRetrievalRequest.self, [
            (.array([]), "ControlRetrievalRequest body must be a CBOR map"),
            (with(full, "action", .text("buy")), "'buy' is not a retrieval action"),
            (with(full, "action", .unsigned(1)), "ControlRetrievalRequest.action must be text"),
            (with(full, "extra", .null), "must have exactly the fields"),
            (with(full, "request", nil), "must have exactly the fields"),
            (with(full, "target", .text(String(repeating: "b", count: 257))), "ControlRetrievalRequest.target must be text of at most 256 bytes"),
            (with(full, "provider", .bytes([1])), "ControlRetrievalRequest.provider"),
            (with(full, "request", .text("7")), "ControlRetrievalRequest.request must be an unsigned integer"),
            (with(full, "order", with(order, "output", .text("films/a.mkv"))), "order.output must be an absolute path, got 'films/a.mkv'"),
            (with(full, "order", with(order, "output", .text("/" + String(repeating: "p", count: 1024)))), "order.output must be text of at most 1024 bytes"),
            (with(full, "order", with(order, "count", .unsigned(0))), "order.count must be 1…16 providers, got 0"),
            (with(full, "order", with(order, "count", .unsigned(17))), "order.count must be 1…16 providers, got 17"),
            (with(full, "order", with(order, "providers", .bytes([UInt8](repeating: 1, count: 33)))), "providers must be at most 200 node IDs"),
            (with(full, "order", with(order, "car", .unsigned(1))), "ControlRetrievalRequest.order.car must be a boolean"),
            (with(full, "order", with(order, "max_price", .bytes([0, 0]))), "ControlRetrievalRequest.order.max_price"),
            (with(full, "order", with(order, "target", nil)), "ControlRetrievalRequest.order must have exactly the fields"),
            (with(full, "deal", with(deal, "side", .text("both"))), "ControlRetrievalRequest.deal.side 'both' is not client or provider"),
            (with(full, "deal", with(deal, "id", .negative(0))), "ControlRetrievalRequest.deal.id must be an unsigned integer"),
            (with(full, "deal", with(deal, "peer", .bytes([7]))), "ControlRetrievalRequest.deal.peer"),
            (with(full, "terms", with(terms, "interval", .text("1MiB"))), "ControlRetrievalRequest.terms.interval must be an unsigned integer"),
            (with(full, "terms", with(terms, "unseal", .bytes([1, 2]))), "ControlRetrievalRequest.terms.unseal"),
        ])
    }

    @Test func malformedAnswerRowsAreRefusedNamingThem() {
        let empty = ControlRetrievalAnswer().body
        let deal = RetrievalFixtures.clientDeal.cbor, summary = RetrievalFixtures.summary.cbor, answer = RetrievalFixtures.queryAnswers[0].cbor
        let detail = RetrievalFixtures.detail.cbor
        let entry = detail.mapValue?["history"]?.arrayValue?[0] ?? .null
        let output = deal.mapValue?["output"] ?? .null
        func deals(_ row: CBOR) -> CBOR { with(empty, "deals", .array([row])) }
        expectRefusals(ControlRetrievalAnswer.self, [
            (deals(with(deal, "status", .unsigned(99))), "ControlRetrievalAnswer.deals[].status 99 is not a deal status (0…34)"),
            (deals(with(deal, "side", .text("buyer"))), "side 'buyer' is not client or provider"),
            (deals(with(deal, "message", .text(String(repeating: "m", count: 513)))), "ControlRetrievalAnswer.deals[].message must be text of at most 512 bytes"),
            (deals(with(deal, "piece", .text(String(repeating: "b", count: 129)))), "ControlRetrievalAnswer.deals[].piece must be text of at most 128 bytes"),
            (deals(with(deal, "output", with(output, "offset", nil))), "ControlRetrievalAnswer.deals[].output must have exactly the fields"),
            (deals(with(deal, "output", with(output, "car", .text("yes")))), "ControlRetrievalAnswer.deals[].output.car must be a boolean"),
            (deals(with(deal, "channel", .bytes([UInt8](repeating: 1, count: 19)))), "ControlRetrievalAnswer.deals[].channel"),
            (deals(with(deal, "payload", .bytes([0xff, 0x01]))), "ControlRetrievalAnswer.deals[].payload"),
            (deals(with(deal, "lane", .text("3"))), "ControlRetrievalAnswer.deals[].lane must be an unsigned integer"),
            (deals(with(deal, "price", nil)), "ControlRetrievalAnswer.deals[] must have exactly the fields"),
            (with(empty, "summaries", .array([with(summary, "status", .text("paused"))])), "'paused' is not running, completed, failed or cancelled"),
            (with(empty, "summaries", .array([with(summary, "deals", .array([with(deal, "status", .unsigned(35))]))])),
             "ControlRetrievalAnswer.summaries[].deals[].status 35 is not a deal status"),
            (with(empty, "summaries", .array([with(summary, "output", .text(String(repeating: "o", count: 1025)))])),
             "ControlRetrievalAnswer.summaries[].output must be text of at most 1024 bytes"),
            (with(empty, "answers", .array([with(answer, "response", .map(["status": .unsigned(0)]))])), "ControlRetrievalAnswer.answers[].response: "),
            (with(empty, "answers", .array([with(answer, "error", .text(String(repeating: "e", count: 513)))])),
             "ControlRetrievalAnswer.answers[].error must be text of at most 512 bytes"),
            (with(empty, "detail", with(detail, "history", .array([with(entry, "status", .unsigned(40))]))),
             "ControlRetrievalAnswer.detail.history[].status 40 is not a deal status"),
            (with(empty, "detail", with(detail, "history", .array([with(entry, "at_ms", .negative(1))]))), "history[].at_ms must be an unsigned integer"),
            (with(empty, "detail", with(detail, "deal", .null)), "ControlRetrievalAnswer.detail.deal body must be a CBOR map"),
            (with(empty, "terms", .text("cheap")), "ControlRetrievalAnswer.terms body must be a CBOR map"),
        ])
    }

    @Test func listsAreCappedAndTextCut() throws {
        let many = ControlRetrievalAnswer.maxItems + 1
        let capped = ControlRetrievalAnswer(answers: Array(repeating: RetrievalFixtures.queryAnswers[2], count: many),
                                            deals: Array(repeating: RetrievalFixtures.providerDeal, count: many))
        #expect(capped.answers.count == ControlRetrievalAnswer.maxItems && capped.deals.count == ControlRetrievalAnswer.maxItems)
        let tooMany = with(ControlRetrievalAnswer().body, "deals", .array(Array(repeating: RetrievalFixtures.providerDeal.cbor, count: many)))
        #expect(refusal(ControlRetrievalAnswer.self, tooMany)?.contains("deals must be a list of at most 200 entries") == true)

        // Summaries are cut before the first one whose deals would pass 200 in all.
        var big = RetrievalFixtures.summary
        big.deals = Array(repeating: RetrievalFixtures.clientDeal, count: 90)
        let summaries = ControlRetrievalAnswer(summaries: [big, big, big, RetrievalFixtures.ended]).summaries
        #expect(summaries.count == 2 && summaries.allSatisfy { $0.deals.count == 90 })
        let overfull = with(ControlRetrievalAnswer().body, "summaries", .array(Array(repeating: big.cbor, count: 3)))
        #expect(refusal(ControlRetrievalAnswer.self, overfull)?.contains("summaries must hold at most 200 deals in all") == true)

        // A deal's history keeps its newest entries.
        var detail = RetrievalFixtures.detail
        detail.history = (0..<250).map { i in
            DealHistoryEntry(status: .ongoing, at: RetrievalFixtures.time, bytes: UInt64(i), paid: .zero, message: String(repeating: "h", count: 600))
        }
        let kept = try #require(ControlRetrievalAnswer(detail: detail).detail)
        #expect(kept.history.map(\.bytes) == Array(50..<250).map(UInt64.init))
        #expect(kept.history.allSatisfy { $0.message.utf8.count == 512 })

        // Free text is cut to its limit; the output checkpoint stays on the node.
        var deal = RetrievalFixtures.clientDeal
        deal.message = String(repeating: "é", count: 600)
        deal.output = DealOutput(path: "/" + String(repeating: "p", count: 2000), car: true, offset: 9, checkpoint: [1, 2, 3])
        let sent = try #require(ControlRetrievalAnswer(deals: [deal]).deals.first)
        #expect(sent.message.utf8.count <= 512 && sent.output?.path.utf8.count == 1024 && sent.output?.checkpoint == nil)
        #expect(sent.output?.offset == 9 && sent.output?.car == true)
        #expect(try roundTrip(ControlRetrievalAnswer(deals: [deal])).deals == [sent])
    }

    /// Every list at its cap, every field at its widest: each answer still fits one frame
    /// (1 MiB) and decodes.
    @Test func theLargestAnswersFitOneFrame() throws {
        let n = ControlRetrievalAnswer.maxItems
        let long = String(repeating: "é", count: 600)
        let cid = RetrievalFixtures.payload.description
        let wideParams = DealParams(pricePerByte: .max, unsealPrice: .max, paymentInterval: .max, paymentIntervalIncrease: .max)
        let wideDeal = DealRecord(
            side: .client, id: .max, peer: RetrievalFixtures.provider, broker: RetrievalFixtures.gateway, payload: RetrievalFixtures.payload,
            pieceCID: long, params: wideParams, status: .paymentChannelAllocatingLane, message: long, totalBytes: .max, totalBlocks: .max,
            blocks: .max, bytes: .max, paid: .max, channel: RetrievalFixtures.channel, lane: .max, failedBlock: long + cid, request: .max,
            output: DealOutput(path: "/" + long + long, car: true, offset: .max, checkpoint: Array(repeating: 7, count: 4096)),
            createdAt: RetrievalFixtures.time, updatedAt: RetrievalFixtures.time)
        let wideSummary = RetrievalSummary(
            id: .max, payload: RetrievalFixtures.payload, pieceCID: long, output: "/" + long + long, car: true, status: .cancelled, message: long,
            totalBytes: .max, bytes: .max, paid: .max, createdAt: RetrievalFixtures.time, updatedAt: RetrievalFixtures.time, deals: [wideDeal])
        let wideResponse = RetrievalQueryResponse(
            status: .error, pieceFound: .unavailable, payload: RetrievalFixtures.payload, size: .max, blocks: .max,
            paymentAddress: RetrievalFixtures.provider, pricePerByte: .max, paymentInterval: .max, paymentIntervalIncrease: .max, unsealPrice: .max,
            message: long)
        let wideAnswer = QueryAnswer(provider: RetrievalFixtures.provider, gateway: RetrievalFixtures.gateway, response: wideResponse, error: long)
        let history = (0..<n).map { _ in DealHistoryEntry(status: .completed, at: RetrievalFixtures.time, bytes: .max, paid: .max, message: long) }
        let answers = [
            ControlRetrievalAnswer(answers: Array(repeating: wideAnswer, count: n)),
            ControlRetrievalAnswer(summaries: Array(repeating: wideSummary, count: n)),
            ControlRetrievalAnswer(deals: Array(repeating: wideDeal, count: n)),
            ControlRetrievalAnswer(detail: DealDetail(deal: wideDeal, history: history)),
        ]
        #expect(answers[1].summaries.count == n && answers[2].deals.count == n)
        for answer in answers {
            let framed = Envelope(answer, requestID: 1).framed
            #expect(framed.count < Frame.defaultMaxBodySize, "\(framed.count) bytes")
            let body = try Frame.decodeOne(framed)
            #expect(try Envelope(decoding: body).message(as: ControlRetrievalAnswer.self) == answer)
        }
    }

    // MARK: - Over an admin session

    /// `fake` served by `ControlHandlers` over the in-memory transport, and a remote
    /// control for it signed in with an admin key (or, when `admin` is false, another key).
    private func serve(_ fake: RetrievalNodeFake, admin: Bool = true) async throws -> RemoteNodeControl {
        let adminKey = KeyPair(), server = KeyPair()
        let router = RequestRouter()
        ControlHandlers(control: fake, isAdmin: { $0 == adminKey.publicKey }).install(into: router)
        let transport = InMemoryTransport()
        let listener = try await transport.listen(on: NodeAddress(host: InMemoryTransport.host, port: 0), identity: server) {
            await router.answer($0, from: $1)
        }
        return RemoteNodeControl(address: listener.address, adminKey: admin ? adminKey : KeyPair(), expectedPeer: server.publicKey.nodeID,
                                 transport: transport)
    }

    @Test func everyCallCrossesTheAdminSessionUnchanged() async throws {
        let fake = RetrievalNodeFake()
        let remote = try await serve(fake)
        let f = RetrievalFixtures.self
        let newTerms = RetrievalTerms(unsealPrice: .zero, paymentInterval: 4096, paymentIntervalIncrease: 0)
        #expect(try await remote.query(f.piece, provider: nil) == f.queryAnswers)
        #expect(try await remote.query(f.payload.description, provider: f.provider) == f.queryAnswers)
        #expect(try await remote.retrieve(f.order) == f.summary)
        #expect(try await remote.retrieval(7) == f.summary)
        #expect(try await remote.retrievals() == [f.summary, f.ended])
        #expect(try await remote.deals() == [f.clientDeal, f.providerDeal])
        #expect(try await remote.deal(f.key) == f.detail)
        #expect(try await remote.cancelDeal(f.providerDeal.key) == f.providerDeal)
        #expect(try await remote.retrievalTerms() == f.terms)
        #expect(try await remote.setRetrievalTerms(newTerms) == newTerms)
        #expect(fake.calls.withLock { $0 } == [
            .query(f.piece, nil), .query(f.payload.description, f.provider), .retrieve(f.order), .retrieval(7), .retrievals, .deals,
            .deal(f.key), .cancel(f.providerDeal.key), .terms, .setTerms(newTerms),
        ])
        await remote.close()
    }

    @Test func aRefusalArrivesAsTheSameTypedRefusal() async throws {
        let fake = RetrievalNodeFake()
        let remote = try await serve(fake)
        let key = RetrievalFixtures.key
        let errors: [RetrievalError] = [
            .roleMissing(.client, "retrieving"), .unknownDeal(key), .dealEnded(key, .completed), .notReady(key, "waiting for the unseal payment"),
            .contentNotFound("bafy…"), .paymentRefused("voucher below the lane's amount"), .busy("64 deals open"),
            .invalidTarget("not a CID"), .noProvider("no provider at 1000 attoFIL a byte or less"), .invalidValue("interval too small"),
        ]
        for error in errors {
            fake.refusal.withLock { $0 = error }
            do {
                _ = try await remote.deal(key)
                Issue.record("\(error) was not refused")
            } catch let refused as Refusal {
                #expect(refused == error.refusal)
            }
        }
        fake.refusal.withLock { $0 = nil }
        // A field the action needs, missing: refused by the handler, naming it.
        for (request, needs) in [(ControlRetrievalRequest(.retrieve), "retrieve needs an order"), (ControlRetrievalRequest(.cancel), "cancel needs a deal"),
                                 (ControlRetrievalRequest(.retrieval), "retrieval needs a request ID")] {
            do {
                _ = try await remote.call(request, expecting: ControlRetrievalAnswer.self)
                Issue.record("\(request.action) without its field was answered")
            } catch let refused as Refusal {
                #expect(refused.code == .invalidMessage && refused.message.contains(needs), "\(refused)")
            }
        }
        await remote.close()

        let stranger = try await serve(fake, admin: false)
        let before = fake.calls.withLock { $0.count }
        do { _ = try await stranger.deals() } catch let refused as Refusal { #expect(refused.code == .notAdmin) }
        #expect(fake.calls.withLock { $0.count } == before, "a stranger's retrieval request reached the node")
        await stranger.close()
    }

    @Test func anOrderNoNodeWouldRunIsRefusedBeforeSending() async throws {
        let fake = RetrievalNodeFake()
        let remote = try await serve(fake)
        var orders: [(RetrievalOrder, String)] = []
        func order(_ change: (inout RetrievalOrder) -> Void, _ expected: String) {
            var o = RetrievalFixtures.order
            change(&o)
            orders.append((o, expected))
        }
        order({ $0.output = "films/a.mkv" }, "the output path 'films/a.mkv' is relative")
        order({ $0.output = "/" + String(repeating: "p", count: RetrievalOrder.maxOutputLength) }, "more than the 1024 a retrieval accepts")
        order({ $0.providers = Array(repeating: RetrievalFixtures.provider, count: ControlRetrievalRequest.maxProviders + 1) }, "at most 200 providers")
        order({ $0.providerCount = 0 }, "split over 1…16 providers, not 0")
        order({ $0.providerCount = 17 }, "split over 1…16 providers, not 17")
        order({ $0.target = "" }, "a payload CID or a Piece CID")
        order({ $0.target = String(repeating: "b", count: 257) }, "at most 256 bytes")
        for (o, expected) in orders {
            do {
                _ = try await remote.retrieve(o)
                Issue.record("\(o) was sent")
            } catch let error as RetrievalError {
                #expect(error.description.contains(expected), "\(error)")
            }
        }
        await #expect(throws: RetrievalError.self) { _ = try await remote.query(String(repeating: "b", count: 257), provider: nil) }
        #expect(fake.calls.withLock { $0 }.isEmpty)
        await remote.close()
    }

    // MARK: - On a node

    /// The node's `ControlService` checks an order as the remote control does, and stores
    /// the provider's retrieval terms; both ways give the same answers.
    @Test(.timeLimit(.minutes(2))) func theNodesControlChecksOrdersAndKeepsTheTerms() async throws {
        try await DevnetBuilder(providers: 1).run { market in
            let member = try #require(market.member("provider-01"))
            let local = member.node.control
            let remote = RemoteNodeControl(
                address: try #require(member.node.listenAddress), adminKey: try KeyFile.load(from: member.adminKeyPath),
                expectedPeer: member.node.identity.publicKey.nodeID, transport: market.transport, clock: market.clock)
            #expect(try await local.retrievalTerms() == .default)
            let terms = RetrievalTerms(unsealPrice: TokenAmount(unchecked: 77), paymentInterval: 1 << 16, paymentIntervalIncrease: 1 << 12)
            #expect(try await remote.setRetrievalTerms(terms) == terms)
            #expect(try await local.retrievalTerms() == terms)
            #expect(try await remote.retrievalTerms() == terms)

            var relative = RetrievalFixtures.order
            relative.output = "films/a.mkv"
            await #expect(throws: RetrievalError.invalidValue("the output path 'films/a.mkv' is relative; give an absolute path on the node's machine")) {
                _ = try await local.retrieve(relative)
            }
            await remote.close()
        }
    }
}
