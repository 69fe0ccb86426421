/// The terms of one retrieval deal (go-fil-markets' `Params` without the selector: a deal
/// always retrieves a whole DAG): what a byte costs, what unsealing costs up front, and
/// how much credit the provider extends — it sends `paymentInterval` bytes before the
/// first payment, and each interval after grows by `paymentIntervalIncrease`.
public struct DealParams: Sendable, Hashable {
    public var pricePerByte: TokenAmount
    public var unsealPrice: TokenAmount
    public var paymentInterval: UInt64
    public var paymentIntervalIncrease: UInt64

    public init(pricePerByte: TokenAmount, unsealPrice: TokenAmount = .zero, paymentInterval: UInt64, paymentIntervalIncrease: UInt64) {
        self.pricePerByte = pricePerByte
        self.unsealPrice = unsealPrice
        self.paymentInterval = paymentInterval
        self.paymentIntervalIncrease = paymentIntervalIncrease
    }

    /// Whether the deal costs nothing (then no channel is used).
    public var isFree: Bool { pricePerByte == .zero && unsealPrice == .zero }

    /// The cumulative payment for the unseal price and `bytes` verified bytes.
    public func price(of bytes: UInt64) throws -> TokenAmount {
        try pricePerByte.multiplied(by: bytes).adding(unsealPrice)
    }

    /// The byte position up to which the provider sends once `paidBytes` bytes are paid
    /// for: the first threshold above `paidBytes` of the series P, 2P+I, 3P+3I, … (each
    /// interval `paymentIntervalIncrease` longer than the one before). Saturates at
    /// `UInt64.max`; an interval of 0 is read as 1 byte, so a threshold always advances.
    /// Found by bisection in at most 65 steps: the client chooses P and I, and walking the
    /// series with P = 1 and I = 0 would take `paidBytes` steps.
    public func nextThreshold(after paidBytes: UInt64) -> UInt64 {
        let interval = UInt128(max(paymentInterval, 1)), increase = UInt128(paymentIntervalIncrease), cap = UInt128(UInt64.max)
        // The n-th threshold, n·P + I·n(n−1)/2, or `cap` when it is beyond.
        func threshold(_ n: UInt128) -> UInt128 {
            let pairs = n * (n - 1) / 2
            guard increase == 0 || pairs <= cap / increase else { return cap }
            return min(n * interval + pairs * increase, cap)
        }
        // The (paidBytes + 1)-th threshold is above paidBytes.
        var low: UInt128 = 1, high = UInt128(paidBytes) + 1
        while low < high {
            let mid = low + (high - low) / 2
            if threshold(mid) > UInt128(paidBytes) { high = mid } else { low = mid + 1 }
        }
        return UInt64(threshold(low))
    }
}

/// A provider's standing terms for retrieval deals beside its ask's price per byte: the
/// unseal price it charges first and the most credit it extends (go-fil-markets' `Ask`).
/// A proposal asking for less than this (lower price or unseal price, longer intervals)
/// is rejected with the reason.
public struct RetrievalTerms: Sendable, Hashable {
    public static let `default` = RetrievalTerms(unsealPrice: .zero, paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 20)
    /// Bounds an operator may set: at least 1 KiB and at most 1 GiB per interval.
    public static let intervalRange: ClosedRange<UInt64> = 1024...(1 << 30)

    public var unsealPrice: TokenAmount
    public var paymentInterval: UInt64
    public var paymentIntervalIncrease: UInt64

    public init(unsealPrice: TokenAmount, paymentInterval: UInt64, paymentIntervalIncrease: UInt64) {
        self.unsealPrice = unsealPrice
        self.paymentInterval = paymentInterval
        self.paymentIntervalIncrease = paymentIntervalIncrease
    }

    /// The deal parameters these terms give at `pricePerByte`.
    public func params(pricePerByte: TokenAmount) -> DealParams {
        DealParams(pricePerByte: pricePerByte, unsealPrice: unsealPrice, paymentInterval: paymentInterval,
                   paymentIntervalIncrease: paymentIntervalIncrease)
    }

    /// Why `proposed` is below these terms at `pricePerByte` (go-fil-markets'
    /// `CheckDealParams`), or nil when it is acceptable.
    public func shortfall(of proposed: DealParams, pricePerByte: TokenAmount) -> String? {
        if proposed.pricePerByte < pricePerByte {
            return "price per byte too low: proposed \(proposed.pricePerByte.attoFIL) attoFIL, the ask is \(pricePerByte.attoFIL)"
        }
        if proposed.paymentInterval > paymentInterval {
            return "payment interval too large: proposed \(proposed.paymentInterval) bytes, at most \(paymentInterval)"
        }
        if proposed.paymentIntervalIncrease > paymentIntervalIncrease {
            return "payment interval increase too large: proposed \(proposed.paymentIntervalIncrease) bytes, at most \(paymentIntervalIncrease)"
        }
        if proposed.unsealPrice < unsealPrice {
            return "unseal price too low: proposed \(proposed.unsealPrice.attoFIL) attoFIL, the ask is \(unsealPrice.attoFIL)"
        }
        return nil
    }
}
