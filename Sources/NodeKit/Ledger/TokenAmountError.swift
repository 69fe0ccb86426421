/// Why a token amount could not be parsed, decoded or computed.
public enum TokenAmountError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not `<number> FIL`, `<integer> attoFIL` or a bare FIL decimal.
    case invalidFormat(String)
    /// A FIL amount has more than 18 decimal places (finer than one attoFIL).
    case tooPrecise(String)
    /// The amount is above `TokenAmount.max`.
    case exceedsMaximum(String)
    /// A subtraction would go below zero.
    case negativeResult(minuend: TokenAmount, subtrahend: TokenAmount)
    /// Encoded bytes are not a canonical non-negative Filecoin big integer.
    case invalidEncoding(String)

    public var description: String {
        switch self {
        case .invalidFormat(let text):
            return "'\(text)' is not a token amount; write e.g. '0.5 FIL', '0.5' (FIL) or '500000000000000000 attoFIL'"
        case .tooPrecise(let text):
            return "'\(text)' has more than 18 decimal places; 1 attoFIL (1e-18 FIL) is the smallest unit"
        case .exceedsMaximum(let what):
            return "\(what) exceeds the largest amount a node handles (\(TokenAmount.max.filDescription), 500× Filecoin's supply)"
        case .negativeResult(let a, let b):
            return "cannot take \(b) from \(a): the result would be negative"
        case .invalidEncoding(let why):
            return "invalid encoded token amount: \(why)"
        }
    }
}

extension TokenAmountError: RefusalConvertible {
    public var refusal: Refusal { Refusal(.invalidMessage, description) }
}
