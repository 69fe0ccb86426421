import Foundation
@testable import NodeKit

/// One filled-in example of each retrieval control value, request and answer, for codec
/// round trips, fuzz seeds and the fake retrieval node. The client deal sets every
/// optional field, the provider deal none.
enum RetrievalFixtures {
    static let time = ControlFixtures.time
    static let provider = MarketFixtures.provider
    static let gateway = MarketFixtures.gateway
    static let client = try! KeyPair(seed: Array(repeating: 0x43, count: 32)).nodeID
    static let payload = try! CID("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
    static let piece = TrustFixtures.pieceCID(3).description
    static let channel = try! ChannelID(bytes: Array(1...20))

    static let params = DealParams(pricePerByte: TokenAmount(unchecked: 1_000), unsealPrice: TokenAmount(unchecked: 5_000),
                                   paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 19)
    static let terms = RetrievalTerms(unsealPrice: TokenAmount(unchecked: 5_000), paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 19)

    static let order = RetrievalOrder(target: payload.description, output: "/srv/films/日本語.mkv", car: true, providers: [provider, gateway],
                                      providerCount: 2, maxPricePerByte: TokenAmount(unchecked: 2_000))

    static let response = RetrievalQueryResponse(
        status: .available, pieceFound: .available, payload: payload, size: 10_485_760, blocks: 41, paymentAddress: provider,
        pricePerByte: TokenAmount(unchecked: 1_000), paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 19,
        unsealPrice: TokenAmount(unchecked: 5_000), message: "")

    static let queryAnswers = [
        QueryAnswer(provider: provider, gateway: gateway, response: response),
        QueryAnswer(provider: client, response: RetrievalQueryResponse(
            status: .unavailable, pieceFound: .unknown, payload: nil, size: 0, blocks: 0, paymentAddress: client, pricePerByte: .zero,
            paymentInterval: 0, paymentIntervalIncrease: 0, unsealPrice: .zero, message: "no such content here")),
        QueryAnswer(provider: gateway, response: nil, error: "cannot reach 127.0.0.1:9: connection refused"),
    ]

    static let clientDeal = DealRecord(
        side: .client, id: 42, peer: provider, broker: gateway, payload: payload, pieceCID: piece, params: params, status: .ongoing,
        message: "waiting for blocks", totalBytes: 10_485_760, totalBlocks: 41, blocks: 12, bytes: 3_145_728,
        paid: TokenAmount(unchecked: 3_150_000_000), channel: channel, lane: 3, failedBlock: payload.description, request: 7,
        output: DealOutput(path: "/srv/films/日本語.mkv", car: false, offset: 1_048_576), createdAt: time, updatedAt: time.addingTimeInterval(4.5))

    static let providerDeal = DealRecord(side: .provider, id: 9, peer: client, payload: payload, params: params, status: .fundsNeeded, createdAt: time)

    static let summary = RetrievalSummary(
        id: 7, payload: payload, pieceCID: piece, output: "/srv/films/日本語.mkv", car: false, status: .running, message: "", totalBytes: 10_485_760,
        bytes: 3_145_728, paid: TokenAmount(unchecked: 3_150_000_000), createdAt: time, updatedAt: time.addingTimeInterval(4.5), deals: [clientDeal])

    static let ended = RetrievalSummary(
        id: 8, payload: payload, pieceCID: nil, output: "/tmp/a.car", car: true, status: .failed, message: "block bafy… did not verify",
        totalBytes: 10, bytes: 0, paid: .zero, createdAt: time, updatedAt: time, deals: [])

    static let detail = DealDetail(deal: clientDeal, history: [
        DealHistoryEntry(status: .new, at: time, bytes: 0, paid: .zero, message: ""),
        DealHistoryEntry(status: .ongoing, at: time.addingTimeInterval(0.2), bytes: 0, paid: .zero, message: "accepted"),
        DealHistoryEntry(status: .fundsNeeded, at: time.addingTimeInterval(2), bytes: 1 << 20, paid: .zero, message: "pay for 1 MiB"),
    ])

    static let key = clientDeal.key

    /// One request per action, each with the fields its action uses.
    static let requests: [ControlRetrievalRequest] = [
        ControlRetrievalRequest(.query, target: payload.description), ControlRetrievalRequest(.query, target: piece, provider: provider),
        ControlRetrievalRequest(.retrieve, order: order),
        ControlRetrievalRequest(.retrieve, order: RetrievalOrder(target: piece, output: "/tmp/x")),
        ControlRetrievalRequest(.retrieval, request: 7), ControlRetrievalRequest(.retrievals), ControlRetrievalRequest(.deals),
        ControlRetrievalRequest(.deal, deal: key), ControlRetrievalRequest(.cancel, deal: providerDeal.key), ControlRetrievalRequest(.terms),
        ControlRetrievalRequest(.setTerms, terms: terms),
    ]

    /// One answer per kind of content.
    static let answers: [ControlRetrievalAnswer] = [
        ControlRetrievalAnswer(), ControlRetrievalAnswer(answers: queryAnswers), ControlRetrievalAnswer(summaries: [summary, ended]),
        ControlRetrievalAnswer(deals: [clientDeal, providerDeal]), ControlRetrievalAnswer(detail: detail), ControlRetrievalAnswer(terms: terms),
    ]
}
