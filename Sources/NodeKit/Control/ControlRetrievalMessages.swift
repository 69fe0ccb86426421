import Foundation

/// One retrieval request of the admin protocol (`RetrievalControl`). Body `{action, deal,
/// order, provider, request, target, terms}`: `action` names the `RetrievalControl` call
/// (`Action`); the other fields are null when the action does not use them.
///
/// `target` is a payload CID or Piece CID as text (at most `maxTargetLength` bytes); an
/// order's output path is at most `RetrievalOrder.maxOutputLength` bytes and names at most
/// `maxProviders` providers, concatenated into one byte string.
public struct ControlRetrievalRequest: WireMessage, Equatable {
    public static let messageType = MessageType.controlRetrievalRequest
    /// The longest target text: a CID's text form fits many times over.
    public static let maxTargetLength = 256
    /// Providers one order may name.
    public static let maxProviders = 200

    public enum Action: String, Sendable, CaseIterable {
        case query, retrieve, retrieval, retrievals, deals, deal, cancel, terms, setTerms = "set-terms"
    }

    public var action: Action
    public var target: String?
    public var provider: NodeID?
    public var order: RetrievalOrder?
    public var request: UInt64?
    public var deal: DealKey?
    public var terms: RetrievalTerms?

    public init(_ action: Action, target: String? = nil, provider: NodeID? = nil, order: RetrievalOrder? = nil, request: UInt64? = nil,
                deal: DealKey? = nil, terms: RetrievalTerms? = nil) {
        self.action = action
        self.target = target
        self.provider = provider
        self.order = order
        self.request = request
        self.deal = deal
        self.terms = terms
    }

    public var body: CBOR {
        .map([
            "action": .text(action.rawValue), "target": target.map { .text($0) } ?? .null,
            "provider": provider.map { .bytes($0.bytes) } ?? .null, "order": order?.cbor ?? .null,
            "request": request.map { .unsigned($0) } ?? .null, "deal": deal?.cbor ?? .null, "terms": terms?.cbor ?? .null,
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlRetrievalRequest", keys: ["action", "target", "provider", "order", "request", "deal", "terms"])
        let name = try f.text("action", maxLength: 32)
        guard let action = Action(rawValue: name) else {
            throw .invalidMessage("ControlRetrievalRequest.action '\(name)' is not a retrieval action")
        }
        self.action = action
        target = try f.optionalText("target", maxLength: Self.maxTargetLength)
        provider = f.value("provider") == .null ? nil : try f.nodeID("provider")
        order = f.value("order") == .null ? nil : try RetrievalOrder(cbor: f.value("order"))
        request = try f.optionalUnsigned("request")
        deal = f.value("deal") == .null ? nil : try DealKey(cbor: f.value("deal"), "ControlRetrievalRequest.deal")
        terms = f.value("terms") == .null ? nil : try RetrievalTerms(cbor: f.value("terms"), "ControlRetrievalRequest.terms")
    }

    /// The field an action needs, or a refusal naming it (`name` with its article: "an order").
    func required<T>(_ value: T?, _ name: String) throws(WireError) -> T {
        guard let value else { throw .invalidMessage("\(action.rawValue) needs \(name)") }
        return value
    }
}

/// The answer to a `ControlRetrievalRequest`. Body `{answers, deals, detail, summaries,
/// terms}`: whichever the action produces is filled, the rest empty lists or null.
///
/// Lists hold at most `maxItems` rows (the envelope allows 256 items per array), and the
/// summaries' deals at most `maxItems` in all: a longer list is cut to its first rows,
/// before the first summary whose deals would pass the limit. A deal's history keeps its
/// newest `maxItems` entries. Free text is cut to its limit and a deal's output checkpoint
/// (the node's own resume state) is not sent (`bounded`), so what is sent is what the
/// decoder accepts. At their widest, 200 summaries with 200 deals among them take about
/// 830 KB, 200 deals 460 KB — within the 1 MiB frame.
public struct ControlRetrievalAnswer: WireMessage, Equatable {
    public static let messageType = MessageType.controlRetrievalAnswer
    public static let maxItems = 200

    public var answers: [QueryAnswer] = []
    public var summaries: [RetrievalSummary] = []
    public var deals: [DealRecord] = []
    public var detail: DealDetail?
    public var terms: RetrievalTerms?

    public init(answers: [QueryAnswer] = [], summaries: [RetrievalSummary] = [], deals: [DealRecord] = [], detail: DealDetail? = nil,
                terms: RetrievalTerms? = nil) {
        self.answers = answers.prefix(Self.maxItems).map(\.bounded)
        var kept: [RetrievalSummary] = [], dealCount = 0
        for summary in summaries.prefix(Self.maxItems) {
            dealCount += summary.deals.count
            guard dealCount <= Self.maxItems else { break }
            kept.append(summary.bounded)
        }
        self.summaries = kept
        self.deals = deals.prefix(Self.maxItems).map(\.bounded)
        self.detail = detail?.bounded
        self.terms = terms
    }

    public var body: CBOR {
        .map([
            "answers": .array(answers.map(\.cbor)), "summaries": .array(summaries.map(\.cbor)), "deals": .array(deals.map(\.cbor)),
            "detail": detail?.cbor ?? .null, "terms": terms?.cbor ?? .null,
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlRetrievalAnswer", keys: ["answers", "summaries", "deals", "detail", "terms"])
        for a in try f.list("answers", max: Self.maxItems) { answers.append(try QueryAnswer(cbor: a)) }
        var dealCount = 0
        for s in try f.list("summaries", max: Self.maxItems) {
            let summary = try RetrievalSummary(cbor: s)
            dealCount += summary.deals.count
            guard dealCount <= Self.maxItems else {
                throw .invalidMessage("ControlRetrievalAnswer.summaries must hold at most \(Self.maxItems) deals in all")
            }
            summaries.append(summary)
        }
        for d in try f.list("deals", max: Self.maxItems) { deals.append(try DealRecord(cbor: d, "ControlRetrievalAnswer.deals[]")) }
        detail = f.value("detail") == .null ? nil : try DealDetail(cbor: f.value("detail"))
        terms = f.value("terms") == .null ? nil : try RetrievalTerms(cbor: f.value("terms"), "ControlRetrievalAnswer.terms")
    }
}
