/// An amount of FIL, counted in attoFIL (10^-18 FIL), that can never overflow.
///
/// Values are `UInt128`s capped at `max` = 10^30 attoFIL (10^12 FIL, 500× Filecoin's
/// 2·10^9 FIL supply), so `amount × bytes` products and sums of any realistic number of
/// payments are checked against the cap rather than silently wrapping. Every operation
/// that could leave the range throws `TokenAmountError`.
///
/// The value is stored as two 64-bit halves, so an amount is 8-byte aligned: Swift 6.3's
/// debug builds on x86-64 Linux corrupt the stack when an async closure captures a
/// 16-byte-aligned value such as a `UInt128` (the closure's forwarder writes it
/// misaligned over its neighbours), and amounts travel through async code everywhere.
///
/// Text forms: `0.5 FIL` (decimal, up to 18 places), `500000000000000000 attoFIL`, and a
/// bare decimal (`0.5`), which is FIL; the unit is case-insensitive and the space
/// optional. `description` prints the FIL form with trailing zeros trimmed.
///
/// On the wire an amount is Filecoin's big-integer byte form: empty for zero, otherwise a
/// `00` sign byte followed by the big-endian magnitude without leading zeros.
public struct TokenAmount: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let attoPerFIL: UInt128 = 1_000_000_000_000_000_000
    public static let max = TokenAmount(unchecked: 1_000_000_000_000 * 1_000_000_000_000_000_000)
    public static let zero = TokenAmount(unchecked: 0)

    private let high: UInt64
    private let low: UInt64

    /// The amount in attoFIL.
    public var attoFIL: UInt128 { UInt128(high) << 64 | UInt128(low) }

    init(unchecked attoFIL: UInt128) {
        high = UInt64(truncatingIfNeeded: attoFIL >> 64)
        low = UInt64(truncatingIfNeeded: attoFIL)
    }

    public init(attoFIL: UInt128) throws(TokenAmountError) {
        guard attoFIL <= TokenAmount.max.attoFIL else { throw .exceedsMaximum("\(attoFIL) attoFIL") }
        self.init(unchecked: attoFIL)
    }

    /// Whole FIL.
    public init(fil: UInt64) throws(TokenAmountError) {
        try self.init(attoFIL: UInt128(fil) * TokenAmount.attoPerFIL)
    }

    /// Parses `0.5 FIL`, `1FIL`, `500000000000000000 attoFIL`, and `0.5` (a bare decimal is FIL).
    public init(_ text: String) throws(TokenAmountError) {
        let trimmed = text.trimmingWhitespace()
        let lower = trimmed.lowercased()
        if lower.hasSuffix("attofil") {
            let number = String(trimmed.dropLast(7)).trimmingWhitespace()
            guard !number.isEmpty, number.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw .invalidFormat(text) }
            guard let v = UInt128(number) else { throw .exceedsMaximum(text) }
            try self.init(attoFIL: v)
        } else if lower.hasSuffix("fil") {
            try self.init(attoFIL: try TokenAmount.parseDecimalFIL(String(trimmed.dropLast(3)).trimmingWhitespace(), original: text))
        } else {
            try self.init(attoFIL: try TokenAmount.parseDecimalFIL(trimmed, original: text))
        }
    }

    private static func parseDecimalFIL(_ number: String, original: String) throws(TokenAmountError) -> UInt128 {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !(whole.isEmpty && (parts.count == 1 || parts[1].isEmpty)),
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }) else {
            throw .invalidFormat(original)
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 18 else { throw .tooPrecise(original) }
        guard whole.count <= 13 else { throw .exceedsMaximum(original) }
        let wholeValue = whole.isEmpty ? 0 : UInt128(whole) ?? 0
        let padded = fraction + String(repeating: "0", count: 18 - fraction.count)
        let fractionValue = UInt128(padded) ?? 0
        return wholeValue * attoPerFIL + fractionValue
    }

    /// `0.5 FIL`: decimal FIL with trailing zeros trimmed.
    public var filDescription: String {
        let whole = attoFIL / TokenAmount.attoPerFIL
        let fraction = attoFIL % TokenAmount.attoPerFIL
        guard fraction != 0 else { return "\(whole) FIL" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 18 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits) FIL"
    }

    /// `500000000000000000 attoFIL`.
    public var attoFILDescription: String { "\(attoFIL) attoFIL" }

    public var description: String { filDescription }

    public static func < (a: TokenAmount, b: TokenAmount) -> Bool { a.attoFIL < b.attoFIL }

    // MARK: - Checked arithmetic

    public func adding(_ other: TokenAmount) throws(TokenAmountError) -> TokenAmount {
        // Both operands are ≤ max ≈ 2^100, so the UInt128 sum cannot wrap.
        try TokenAmount(attoFIL: attoFIL + other.attoFIL)
    }

    public func subtracting(_ other: TokenAmount) throws(TokenAmountError) -> TokenAmount {
        guard other.attoFIL <= attoFIL else { throw .negativeResult(minuend: self, subtrahend: other) }
        return TokenAmount(unchecked: attoFIL - other.attoFIL)
    }

    /// This amount times `factor` (e.g. a price per byte times a byte count).
    public func multiplied(by factor: UInt64) throws(TokenAmountError) -> TokenAmount {
        let (product, overflow) = attoFIL.multipliedReportingOverflow(by: UInt128(factor))
        guard !overflow else { throw .exceedsMaximum("\(self) × \(factor)") }
        return try TokenAmount(attoFIL: product)
    }

    // MARK: - Wire form

    /// Filecoin's big-integer bytes: empty for zero, else `00` ‖ big-endian magnitude.
    public var encoded: [UInt8] {
        guard attoFIL != 0 else { return [] }
        var magnitude = [UInt8]()
        var v = attoFIL
        while v != 0 {
            magnitude.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
        return [0] + magnitude.reversed()
    }

    /// Decodes `encoded`, rejecting negative, non-minimal and out-of-range values.
    public init(encoded bytes: [UInt8]) throws(TokenAmountError) {
        guard let sign = bytes.first else {
            self = .zero
            return
        }
        guard sign == 0 else { throw .invalidEncoding("sign byte \(sign) (only 00, non-negative, is allowed)") }
        guard bytes.count >= 2, bytes[1] != 0 else { throw .invalidEncoding("magnitude is empty or has a leading zero byte") }
        guard bytes.count <= 17 else { throw .invalidEncoding("\(bytes.count - 1)-byte magnitude is too large") }
        var v: UInt128 = 0
        for b in bytes.dropFirst() { v = v << 8 | UInt128(b) }
        try self.init(attoFIL: v)
    }
}
