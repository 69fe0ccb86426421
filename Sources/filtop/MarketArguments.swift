import NodeKit

/// Parsing of the `provider`, `gateway` and `client` commands' values, each error naming
/// the option, what was wrong and the accepted form or range. Values are parsed before the
/// node is contacted, so a typo never reaches it.
enum MarketArguments {
    /// `--price-per-byte`: a token amount (`1000 attoFIL`, `0.000001 FIL`).
    static func price(_ text: String) throws -> TokenAmount {
        do { return try TokenAmount(text) } catch { throw OperatorError("--price-per-byte: \(error)") }
    }

    /// `--qos`: milliseconds (`250`, `250ms`) or seconds (`2s`) within `ProviderAsk.latencyRange`.
    static func latencyMillis(_ text: String) throws -> UInt64 {
        let millis = try OfferArguments.latencyMillis(text)
        let range = ProviderAsk.latencyRange
        guard range.contains(millis) else {
            let value = text == "\(millis)" ? "\(millis) ms" : "\(text) (\(millis) ms)"
            throw OperatorError("--qos \(value) is outside \(range.lowerBound)…\(range.upperBound) ms (1 ms to 1 hour)")
        }
        return millis
    }

    /// `--ttl`: seconds (`3600`) or a duration (`90s`, `30m`, `24h`, `7d`) within `ProviderAsk.ttlRange`.
    static func ttlSeconds(_ text: String) throws -> UInt64 {
        guard let seconds = UInt64(text) ?? OfferArguments.duration(text) else {
            throw OperatorError("--ttl '\(text)' is not a duration; give seconds (3600) or a number with s, m, h or d (90s, 30m, 24h, 7d)")
        }
        let range = ProviderAsk.ttlRange
        guard range.contains(seconds) else {
            let value = text == "\(seconds)" ? "\(seconds) s" : "\(text) (\(seconds) s)"
            throw OperatorError("--ttl \(value) is outside \(range.lowerBound)…\(range.upperBound) seconds (1 minute to 365 days)")
        }
        return seconds
    }

    /// `--limit`: how many cached offers one answer lists, 1…`ControlMarketAnswer.maxItems`.
    static func limit(_ text: String) throws -> Int {
        let most = ControlMarketAnswer.maxItems
        guard let n = Int(text), (1...most).contains(n) else {
            throw OperatorError("--limit '\(text)' is not a row count: give a whole number 1…\(most) (one answer lists at most \(most) offers)")
        }
        return n
    }

    /// Node IDs of repeated `--gateway` options.
    static func gateways(_ texts: [String]) throws -> [NodeID] {
        try texts.map { try CIDArgument.node($0, name: "--gateway") }
    }
}
