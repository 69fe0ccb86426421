import Foundation

// The maps `ControlRetrievalRequest` and `ControlRetrievalAnswer` carry, one per value type
// of `RetrievalControl` (docs/PROTOCOL.md, "Retrieval control actions"). Amounts are
// big-integer bytes, node IDs 32 bytes, channel IDs 20 bytes, payload CIDs their binary
// form, Piece CIDs and block CIDs text, times Unix milliseconds, deal statuses
// go-fil-markets' numbers. `bounded` cuts free text (and lists) to what the decoder
// accepts; `ControlRetrievalAnswer` applies it to every row it carries.

extension RetrievalOrder {
    /// The longest output path the admin protocol carries, in bytes.
    public static let maxOutputLength = 1024

    /// Refuses an order no node would run or no request could carry: a relative or too
    /// long output path, too many providers named, a split outside `providerCountRange`.
    func check() throws(RetrievalError) {
        try Self.checkTarget(target)
        guard output.hasPrefix("/") else {
            throw .invalidValue("the output path '\(output)' is relative; give an absolute path on the node's machine")
        }
        guard output.utf8.count <= Self.maxOutputLength else {
            throw .invalidValue("the output path is \(output.utf8.count) bytes long, more than the \(Self.maxOutputLength) a retrieval accepts; choose a shorter path")
        }
        guard providers.count <= ControlRetrievalRequest.maxProviders else {
            throw .invalidValue("one retrieval names at most \(ControlRetrievalRequest.maxProviders) providers (got \(providers.count)); name fewer")
        }
        let range = Self.providerCountRange
        guard range.contains(providerCount) else {
            throw .invalidValue("a retrieval is split over \(range.lowerBound)…\(range.upperBound) providers, not \(providerCount)")
        }
    }

    /// Refuses a target text no request could carry.
    static func checkTarget(_ target: String) throws(RetrievalError) {
        guard !target.isEmpty, target.utf8.count <= ControlRetrievalRequest.maxTargetLength else {
            throw .invalidTarget("the target must be a payload CID or a Piece CID of at most \(ControlRetrievalRequest.maxTargetLength) bytes, got \(target.utf8.count) bytes")
        }
    }

    /// `{target, output, car, providers (node IDs concatenated), count, max_price (token
    /// amount or null), gateway (node ID or null)}`; `output` is an absolute path.
    var cbor: CBOR {
        .map([
            "target": .text(target), "output": .text(output), "car": .bool(car), "providers": .bytes(providers.flatMap(\.bytes)),
            "count": .unsigned(UInt64(clamping: providerCount)), "max_price": maxPricePerByte.map { .bytes($0.encoded) } ?? .null,
            "gateway": gateway.map { .bytes($0.bytes) } ?? .null,
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let what = "ControlRetrievalRequest.order"
        let f = try MessageFields(cbor, what, keys: ["target", "output", "car", "providers", "count", "max_price", "gateway"])
        let output = try f.text("output", maxLength: Self.maxOutputLength)
        guard output.hasPrefix("/") else { throw .invalidMessage("\(what).output must be an absolute path, got '\(output)'") }
        let count = try f.unsigned("count")
        let range = Self.providerCountRange
        guard count >= UInt64(range.lowerBound), count <= UInt64(range.upperBound) else {
            throw .invalidMessage("\(what).count must be \(range.lowerBound)…\(range.upperBound) providers, got \(count)")
        }
        self.init(
            target: try f.text("target", maxLength: ControlRetrievalRequest.maxTargetLength), output: output, car: try f.bool("car"),
            providers: try f.nodeIDs("providers", max: ControlRetrievalRequest.maxProviders), providerCount: Int(count),
            maxPricePerByte: f.value("max_price") == .null ? nil : try f.amount("max_price"),
            gateway: f.value("gateway") == .null ? nil : try f.nodeID("gateway"))
    }
}

extension DealKey {
    /// `{side (text: client or provider), peer (bytes 32), id (unsigned)}`.
    var cbor: CBOR { .map(["side": .text(side.rawValue), "peer": .bytes(peer.bytes), "id": .unsigned(id)]) }

    init(cbor: CBOR, _ what: String) throws(WireError) {
        let f = try MessageFields(cbor, what, keys: ["side", "peer", "id"])
        self.init(side: try f.side("side"), peer: try f.nodeID("peer"), id: try f.unsigned("id"))
    }
}

extension RetrievalTerms {
    /// `{unseal (token amount), interval, increase (unsigned bytes)}`.
    var cbor: CBOR {
        .map(["unseal": .bytes(unsealPrice.encoded), "interval": .unsigned(paymentInterval), "increase": .unsigned(paymentIntervalIncrease)])
    }

    init(cbor: CBOR, _ what: String) throws(WireError) {
        let f = try MessageFields(cbor, what, keys: ["unseal", "interval", "increase"])
        self.init(unsealPrice: try f.amount("unseal"), paymentInterval: try f.unsigned("interval"), paymentIntervalIncrease: try f.unsigned("increase"))
    }
}

extension QueryAnswer {
    static let maxErrorLength = 512

    /// The answer with its error cut to `maxErrorLength` bytes.
    var bounded: QueryAnswer {
        var out = self
        out.error = error?.prefix(utf8Bytes: Self.maxErrorLength)
        return out
    }

    /// `{provider (bytes 32), gateway (bytes 32 or null), response (a RetrievalQueryResponse
    /// body, or null), error (text ≤ 512 bytes or null)}`.
    var cbor: CBOR {
        .map([
            "provider": .bytes(provider.bytes), "gateway": gateway.map { .bytes($0.bytes) } ?? .null, "response": response?.body ?? .null,
            "error": error.map { .text($0) } ?? .null,
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let f = try MessageFields(cbor, "ControlRetrievalAnswer.answers[]", keys: ["provider", "gateway", "response", "error"])
        var response: RetrievalQueryResponse?
        if f.value("response") != .null {
            do { response = try RetrievalQueryResponse(body: f.value("response")) } catch {
                throw .invalidMessage("ControlRetrievalAnswer.answers[].response: \(error)")
            }
        }
        self.init(provider: try f.nodeID("provider"), gateway: f.value("gateway") == .null ? nil : try f.nodeID("gateway"), response: response,
                  error: try f.optionalText("error", maxLength: Self.maxErrorLength))
    }
}

extension RetrievalSummary {
    /// The summary with its text cut to its limits and its deals `bounded`.
    var bounded: RetrievalSummary {
        var out = self
        out.pieceCID = pieceCID?.prefix(utf8Bytes: DealRecord.maxCIDTextLength)
        out.output = output.prefix(utf8Bytes: RetrievalOrder.maxOutputLength)
        out.message = message.prefix(utf8Bytes: DealRecord.maxMessageLength)
        out.deals = deals.map(\.bounded)
        return out
    }

    /// `{id, payload (CID bytes), piece (text or null), output (text), car (bool), status
    /// (text: running, completed, failed, cancelled), message, total_bytes, bytes, paid,
    /// created_ms, updated_ms, deals (array of deal maps)}`.
    var cbor: CBOR {
        .map([
            "id": .unsigned(id), "payload": .bytes(payload.bytes), "piece": pieceCID.map { .text($0) } ?? .null, "output": .text(output),
            "car": .bool(car), "status": .text(status.rawValue), "message": .text(message), "total_bytes": .unsigned(totalBytes),
            "bytes": .unsigned(bytes), "paid": .bytes(paid.encoded), "created_ms": .unsigned(createdAt.unixMillis),
            "updated_ms": .unsigned(updatedAt.unixMillis), "deals": .array(deals.map(\.cbor)),
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let what = "ControlRetrievalAnswer.summaries[]"
        let f = try MessageFields(cbor, what, keys: [
            "id", "payload", "piece", "output", "car", "status", "message", "total_bytes", "bytes", "paid", "created_ms", "updated_ms", "deals",
        ])
        let name = try f.text("status", maxLength: 16)
        guard let status = Status(rawValue: name) else {
            throw .invalidMessage("\(what).status '\(name)' is not running, completed, failed or cancelled")
        }
        var deals: [DealRecord] = []
        for d in try f.list("deals", max: ControlRetrievalAnswer.maxItems) { deals.append(try DealRecord(cbor: d, "\(what).deals[]")) }
        self.init(
            id: try f.unsigned("id"), payload: try f.cid("payload"), pieceCID: try f.optionalText("piece", maxLength: DealRecord.maxCIDTextLength),
            output: try f.text("output", maxLength: RetrievalOrder.maxOutputLength), car: try f.bool("car"), status: status,
            message: try f.text("message", maxLength: DealRecord.maxMessageLength), totalBytes: try f.unsigned("total_bytes"),
            bytes: try f.unsigned("bytes"), paid: try f.amount("paid"), createdAt: Date(unixMillis: try f.unsigned("created_ms")),
            updatedAt: Date(unixMillis: try f.unsigned("updated_ms")), deals: deals)
    }
}

extension DealRecord {
    static let maxMessageLength = 512
    /// Piece CIDs and a failed block's CID, as text.
    static let maxCIDTextLength = 128

    /// The record with its text cut to its limits and without its output checkpoint.
    var bounded: DealRecord {
        var out = self
        out.message = message.prefix(utf8Bytes: Self.maxMessageLength)
        out.pieceCID = pieceCID?.prefix(utf8Bytes: Self.maxCIDTextLength)
        out.failedBlock = failedBlock?.prefix(utf8Bytes: Self.maxCIDTextLength)
        out.output = output.map { DealOutput(path: $0.path.prefix(utf8Bytes: RetrievalOrder.maxOutputLength), car: $0.car, region: $0.region, offset: $0.offset) }
        return out
    }

    /// `{side, id, peer, broker (or null), payload (CID bytes), piece (text or null),
    /// price, unseal, interval, increase (the deal's params), status (unsigned DealStatus),
    /// message, total_bytes, total_blocks, blocks, bytes, paid, channel (bytes 20 or null),
    /// lane (or null), failed_block (text or null), request (or null), output ({path, car,
    /// offset} or null), created_ms, updated_ms}`.
    var cbor: CBOR {
        .map([
            "side": .text(side.rawValue), "id": .unsigned(id), "peer": .bytes(peer.bytes), "broker": broker.map { .bytes($0.bytes) } ?? .null,
            "payload": .bytes(payload.bytes), "piece": pieceCID.map { .text($0) } ?? .null, "price": .bytes(params.pricePerByte.encoded),
            "unseal": .bytes(params.unsealPrice.encoded), "interval": .unsigned(params.paymentInterval),
            "increase": .unsigned(params.paymentIntervalIncrease), "status": .unsigned(status.rawValue), "message": .text(message),
            "total_bytes": .unsigned(totalBytes), "total_blocks": .unsigned(totalBlocks), "blocks": .unsigned(blocks), "bytes": .unsigned(bytes),
            "paid": .bytes(paid.encoded), "channel": channel.map { .bytes($0.bytes) } ?? .null, "lane": lane.map { .unsigned($0) } ?? .null,
            "failed_block": failedBlock.map { .text($0) } ?? .null, "request": request.map { .unsigned($0) } ?? .null,
            "output": output.map { .map(["path": .text($0.path), "car": .bool($0.car), "region": .bool($0.region), "offset": .unsigned($0.offset)]) } ?? .null,
            "created_ms": .unsigned(createdAt.unixMillis), "updated_ms": .unsigned(updatedAt.unixMillis),
        ])
    }

    init(cbor: CBOR, _ what: String) throws(WireError) {
        let f = try MessageFields(cbor, what, keys: [
            "side", "id", "peer", "broker", "payload", "piece", "price", "unseal", "interval", "increase", "status", "message", "total_bytes",
            "total_blocks", "blocks", "bytes", "paid", "channel", "lane", "failed_block", "request", "output", "created_ms", "updated_ms",
        ])
        var output: DealOutput?
        if f.value("output") != .null {
            let o = try MessageFields(f.value("output"), "\(what).output", keys: ["path", "car", "region", "offset"])
            output = DealOutput(path: try o.text("path", maxLength: RetrievalOrder.maxOutputLength), car: try o.bool("car"), region: try o.bool("region"), offset: try o.unsigned("offset"))
        }
        let params = DealParams(pricePerByte: try f.amount("price"), unsealPrice: try f.amount("unseal"), paymentInterval: try f.unsigned("interval"),
                                paymentIntervalIncrease: try f.unsigned("increase"))
        self.init(
            side: try f.side("side"), id: try f.unsigned("id"), peer: try f.nodeID("peer"),
            broker: f.value("broker") == .null ? nil : try f.nodeID("broker"), payload: try f.cid("payload"),
            pieceCID: try f.optionalText("piece", maxLength: Self.maxCIDTextLength), params: params, status: try f.dealStatus("status"),
            message: try f.text("message", maxLength: Self.maxMessageLength), totalBytes: try f.unsigned("total_bytes"),
            totalBlocks: try f.unsigned("total_blocks"), blocks: try f.unsigned("blocks"), bytes: try f.unsigned("bytes"), paid: try f.amount("paid"),
            channel: f.value("channel") == .null ? nil : try f.channelID("channel"), lane: try f.optionalUnsigned("lane"),
            failedBlock: try f.optionalText("failed_block", maxLength: Self.maxCIDTextLength), request: try f.optionalUnsigned("request"),
            output: output, createdAt: Date(unixMillis: try f.unsigned("created_ms")), updatedAt: Date(unixMillis: try f.unsigned("updated_ms")))
    }
}

extension DealDetail {
    /// The detail with its deal `bounded` and only its newest `ControlRetrievalAnswer.maxItems`
    /// history entries, their messages cut to their limit.
    var bounded: DealDetail {
        DealDetail(deal: deal.bounded, history: history.suffix(ControlRetrievalAnswer.maxItems).map { entry in
            var entry = entry
            entry.message = entry.message.prefix(utf8Bytes: DealRecord.maxMessageLength)
            return entry
        })
    }

    /// `{deal (deal map), history (array of {status (unsigned DealStatus), at_ms, bytes,
    /// paid, message}, oldest first)}`.
    var cbor: CBOR {
        .map([
            "deal": deal.cbor,
            "history": .array(history.map { h in
                .map(["status": .unsigned(h.status.rawValue), "at_ms": .unsigned(h.at.unixMillis), "bytes": .unsigned(h.bytes),
                      "paid": .bytes(h.paid.encoded), "message": .text(h.message)])
            }),
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let f = try MessageFields(cbor, "ControlRetrievalAnswer.detail", keys: ["deal", "history"])
        var history: [DealHistoryEntry] = []
        for item in try f.list("history", max: ControlRetrievalAnswer.maxItems) {
            let h = try MessageFields(item, "ControlRetrievalAnswer.detail.history[]", keys: ["status", "at_ms", "bytes", "paid", "message"])
            history.append(DealHistoryEntry(
                status: try h.dealStatus("status"), at: Date(unixMillis: try h.unsigned("at_ms")), bytes: try h.unsigned("bytes"),
                paid: try h.amount("paid"), message: try h.text("message", maxLength: DealRecord.maxMessageLength)))
        }
        self.init(deal: try DealRecord(cbor: f.value("deal"), "ControlRetrievalAnswer.detail.deal"), history: history)
    }
}

extension MessageFields {
    func bool(_ key: String) throws(WireError) -> Bool {
        guard let v = value(key).boolValue else { throw .invalidMessage("\(what).\(key) must be a boolean") }
        return v
    }

    func side(_ key: String) throws(WireError) -> DealSide {
        let name = try text(key, maxLength: 16)
        guard let side = DealSide(rawValue: name) else { throw .invalidMessage("\(what).\(key) '\(name)' is not client or provider") }
        return side
    }

    /// A go-fil-markets `DealStatus` number.
    func dealStatus(_ key: String) throws(WireError) -> DealStatus {
        let number = try unsigned(key)
        guard let status = DealStatus(rawValue: number) else {
            throw .invalidMessage("\(what).\(key) \(number) is not a deal status (0…\(DealStatus.allCases.count - 1))")
        }
        return status
    }
}
