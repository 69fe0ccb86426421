import Testing
@testable import NodeKit

/// A deal's arithmetic: the payment thresholds (go-fil-markets' `nextInterval`), what
/// bytes cost, what a provider's terms accept, what a client owes and what a payment
/// covers, and a gateway's brokerage.
struct DealParamsTests {
    static func params(_ interval: UInt64, _ increase: UInt64, price: UInt128 = 1, unseal: UInt128 = 0) -> DealParams {
        DealParams(pricePerByte: TokenAmount(unchecked: price), unsealPrice: TokenAmount(unchecked: unseal), paymentInterval: interval,
                   paymentIntervalIncrease: increase)
    }

    /// The series itself, one interval at a time and without overflow: the first threshold
    /// above `paid`, or nil when it is beyond `UInt64.max`.
    static func reference(interval: UInt64, increase: UInt64, after paid: UInt64) -> UInt64? {
        var threshold: UInt128 = 0
        var step = UInt128(max(interval, 1))
        while threshold <= UInt128(paid) {
            threshold += step
            step += UInt128(increase)
        }
        return threshold > UInt128(UInt64.max) ? nil : UInt64(threshold)
    }

    // MARK: Thresholds

    @Test func thresholdsArePThen2PPlusIThen3PPlus3I() {
        let p = Self.params(1_000, 500)
        #expect(p.nextThreshold(after: 0) == 1_000)
        #expect(p.nextThreshold(after: 999) == 1_000)
        #expect(p.nextThreshold(after: 1_000) == 2_500)
        #expect(p.nextThreshold(after: 2_499) == 2_500)
        #expect(p.nextThreshold(after: 2_500) == 4_500)
        #expect(p.nextThreshold(after: 4_500) == 7_000)
        // The defaults: payments fall due at 1, 3, 6, 10, 15 MiB.
        let defaults = RetrievalTerms.default.params(pricePerByte: TokenAmount(unchecked: 2))
        var due: [UInt64] = []
        var paid: UInt64 = 0
        for _ in 0..<5 {
            paid = defaults.nextThreshold(after: paid)
            due.append(paid >> 20)
        }
        #expect(due == [1, 3, 6, 10, 15])
    }

    @Test(arguments: [(UInt64(1_000), UInt64(500)), (1 << 20, 1 << 20), (7, 0), (1, 1), (1_000, 0), (3, 1_000_000)])
    func theNthThresholdIsNPPlusIOfNChoose2(interval: UInt64, increase: UInt64) {
        let p = Self.params(interval, increase)
        func nth(_ n: UInt64) -> UInt64 { n == 0 ? 0 : n * interval + increase * n * (n - 1) / 2 }
        for n: UInt64 in 1...12 {
            let threshold = nth(n), previous = nth(n - 1)
            #expect(p.nextThreshold(after: previous) == threshold, "n = \(n)")
            #expect(p.nextThreshold(after: threshold - 1) == threshold, "n = \(n)")
            #expect(p.nextThreshold(after: (previous + threshold) / 2) == threshold, "n = \(n)")
        }
    }

    @Test func anIntervalOfZeroIsOneByte() {
        let none = Self.params(0, 0)
        #expect(none.nextThreshold(after: 0) == 1)
        #expect(none.nextThreshold(after: 5) == 6)
        // Intervals 1, 3, 5, …: the thresholds are the squares.
        let odd = Self.params(0, 2)
        #expect([0, 1, 4, 9, 15].map { odd.nextThreshold(after: $0) } == [1, 4, 9, 16, 16])
    }

    @Test func thresholdsSaturateAtTheLargestPosition() {
        #expect(Self.params(.max, 0).nextThreshold(after: 0) == .max)
        #expect(Self.params(.max, .max).nextThreshold(after: .max) == .max)
        #expect(Self.params(1 << 63, 0).nextThreshold(after: 0) == 1 << 63)
        #expect(Self.params(1 << 63, 0).nextThreshold(after: 1 << 63) == .max)
        #expect(Self.params(1, .max).nextThreshold(after: 0) == 1)
        #expect(Self.params(1, .max).nextThreshold(after: 1) == .max)
        #expect(Self.params(1 << 62, 1 << 62).nextThreshold(after: 1 << 62) == 3 << 62)
        #expect(Self.params(1 << 62, 1 << 62).nextThreshold(after: 3 << 62) == .max)
    }

    /// Regression: the threshold was found by walking the series one interval at a time, so
    /// a client that proposed a 1-byte interval with no increase and paid ahead (or a deal
    /// whose bytes are free once unsealed, where every byte counts as paid for) held the
    /// provider in a loop of up to 2^64 steps. It is now found by bisection.
    @Test(.timeLimit(.minutes(1)))
    func aTinyIntervalFarAheadIsFoundAtOnce() {
        #expect(Self.params(1, 0).nextThreshold(after: 1 << 62) == (1 << 62) + 1)
        #expect(Self.params(1, 0).nextThreshold(after: .max - 1) == .max)
        #expect(Self.params(0, 0).nextThreshold(after: .max - 1) == .max)
        #expect(Self.params(1, 0).nextThreshold(after: .max) == .max)
        #expect(Self.params(1, 1).nextThreshold(after: .max) == .max)
        // The thresholds n(n+1)/2 first pass 2^63 at n = 2^32.
        #expect(Self.params(1, 1).nextThreshold(after: 1 << 63) == (UInt64(1) << 63) + (UInt64(1) << 31))
        let unsealOnly = Self.params(1, 0, price: 0, unseal: 5)
        let deal = DealRecord(side: .provider, id: 1, peer: DealFixtures.client.nodeID, payload: DealFixtures.payload, params: unsealOnly,
                              paid: TokenAmount(unchecked: 5), createdAt: DealFixtures.time)
        #expect(deal.params.nextThreshold(after: deal.bytesPaidFor) == .max)
    }

    @Test func thresholdsFollowTheSeriesStepByStep() {
        var rng = SeededGenerator(seed: 13)
        for _ in 0..<2_000 {
            let interval = UInt64.random(in: 0...60, using: &rng), increase = UInt64.random(in: 0...60, using: &rng)
            let paid = UInt64.random(in: 0...20_000, using: &rng)
            let expected = Self.reference(interval: interval, increase: increase, after: paid) ?? .max
            #expect(Self.params(interval, increase).nextThreshold(after: paid) == expected, "P \(interval), I \(increase), paid \(paid)")
        }
        for _ in 0..<200 {
            let interval = UInt64.random(in: 1 << 50...1 << 62, using: &rng), increase = UInt64.random(in: 0...1 << 60, using: &rng)
            let paid = UInt64.random(in: 0...UInt64.max, using: &rng)
            let expected = Self.reference(interval: interval, increase: increase, after: paid) ?? .max
            #expect(Self.params(interval, increase).nextThreshold(after: paid) == expected, "P \(interval), I \(increase), paid \(paid)")
        }
    }

    // MARK: Price

    @Test func priceIsBytesTimesPricePlusUnseal() throws {
        let p = Self.params(1_000, 500, price: 2, unseal: 300)
        #expect(try p.price(of: 0) == TokenAmount(unchecked: 300))
        #expect(try p.price(of: 1_000) == TokenAmount(unchecked: 2_300))
        #expect(try Self.params(1, 0, price: 1).price(of: .max) == TokenAmount(unchecked: UInt128(UInt64.max)))
        #expect(throws: TokenAmountError.self) { try DealParams(pricePerByte: .max, paymentInterval: 1, paymentIntervalIncrease: 0).price(of: 2) }
        #expect(throws: TokenAmountError.self) {
            try DealParams(pricePerByte: .max, unsealPrice: TokenAmount(unchecked: 1), paymentInterval: 1, paymentIntervalIncrease: 0).price(of: 1)
        }
    }

    @Test func aDealIsFreeOnlyWithoutPriceAndUnsealPrice() {
        #expect(Self.params(1, 0, price: 0).isFree)
        #expect(!Self.params(1, 0, price: 0, unseal: 1).isFree)
        #expect(!Self.params(1, 0, price: 1).isFree)
    }

    // MARK: Terms

    static let terms = RetrievalTerms(unsealPrice: TokenAmount(unchecked: 300), paymentInterval: 1_000, paymentIntervalIncrease: 500)
    static let ask = TokenAmount(unchecked: 2)

    @Test func termsAcceptTheirOwnParamsAndAnythingBetterForTheProvider() {
        #expect(Self.terms.params(pricePerByte: Self.ask) == Self.params(1_000, 500, price: 2, unseal: 300))
        #expect(Self.terms.shortfall(of: Self.terms.params(pricePerByte: Self.ask), pricePerByte: Self.ask) == nil)
        #expect(Self.terms.shortfall(of: Self.params(10, 0, price: 3, unseal: 400), pricePerByte: Self.ask) == nil)
        #expect(Self.terms.shortfall(of: Self.params(0, 0, price: 2, unseal: 300), pricePerByte: Self.ask) == nil)
    }

    @Test(arguments: [
        (DealParamsTests.params(1_000, 500, price: 1, unseal: 300), "price per byte too low: proposed 1 attoFIL, the ask is 2"),
        (DealParamsTests.params(1_001, 500, price: 2, unseal: 300), "payment interval too large: proposed 1001 bytes, at most 1000"),
        (DealParamsTests.params(1_000, 501, price: 2, unseal: 300), "payment interval increase too large: proposed 501 bytes, at most 500"),
        (DealParamsTests.params(1_000, 500, price: 2, unseal: 299), "unseal price too low: proposed 299 attoFIL, the ask is 300"),
        // Everything wrong at once: the price is named first, as go-fil-markets' CheckDealParams does.
        (DealParamsTests.params(2_000, 900, price: 0, unseal: 0), "price per byte too low: proposed 0 attoFIL, the ask is 2"),
    ])
    func termsNameWhatFallsShort(proposed: DealParams, reason: String) {
        #expect(Self.terms.shortfall(of: proposed, pricePerByte: Self.ask) == reason)
    }

    @Test func theDefaultTermsAreGoFilMarkets() {
        #expect(RetrievalTerms.default == RetrievalTerms(unsealPrice: .zero, paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 20))
        #expect(RetrievalTerms.intervalRange.contains(RetrievalTerms.default.paymentInterval))
    }

    // MARK: Owed and paid for

    static func deal(_ params: DealParams, bytes: UInt64, paid: UInt128) -> DealRecord {
        DealRecord(side: .client, id: 1, peer: DealFixtures.provider.nodeID, payload: DealFixtures.payload, params: params, bytes: bytes,
                   paid: TokenAmount(unchecked: paid), createdAt: DealFixtures.time)
    }

    @Test func owedIsWhatTheBytesCostLessWhatWasPaid() {
        let p = Self.params(1_000, 500, price: 2, unseal: 300)
        #expect(Self.deal(p, bytes: 0, paid: 0).owed == TokenAmount(unchecked: 300))
        #expect(Self.deal(p, bytes: 1_000, paid: 0).owed == TokenAmount(unchecked: 2_300))
        #expect(Self.deal(p, bytes: 1_000, paid: 1_500).owed == TokenAmount(unchecked: 800))
        #expect(Self.deal(p, bytes: 1_000, paid: 2_300).owed == .zero)
        #expect(Self.deal(p, bytes: 1_000, paid: 9_000).owed == .zero)
        #expect(Self.deal(Self.params(1, 0, price: 0), bytes: 5_000, paid: 0).owed == .zero)
    }

    @Test func paymentsCoverTheUnsealPriceFirstThenWholeBytes() {
        let p = Self.params(1_000, 500, price: 2, unseal: 300)
        #expect([0, 299, 300, 301, 302, 2_300, 2_301].map { Self.deal(p, bytes: 0, paid: $0).bytesPaidFor } == [0, 0, 0, 0, 1, 1_000, 1_000])
        #expect(!Self.deal(p, bytes: 0, paid: 299).unsealPaid && Self.deal(p, bytes: 0, paid: 300).unsealPaid)
        // Free bytes: nothing is paid for until the unseal price is, then everything is.
        let unsealOnly = Self.params(1_000, 500, price: 0, unseal: 300)
        #expect(Self.deal(unsealOnly, bytes: 0, paid: 299).bytesPaidFor == 0)
        #expect(Self.deal(unsealOnly, bytes: 0, paid: 300).bytesPaidFor == .max)
        #expect(Self.deal(Self.params(1, 0, price: 0), bytes: 0, paid: 0).bytesPaidFor == .max)
        // More than 2^64 bytes' worth saturates.
        #expect(Self.deal(Self.params(1, 0, price: 1), bytes: 0, paid: TokenAmount.max.attoFIL).bytesPaidFor == .max)
    }

    // MARK: Brokerage

    @Test(arguments: [
        (UInt128(1_000), UInt64(100), UInt128(990)),
        (999, 100, 990),  // the fee 9.99 rounds down to 9
        (1, 9_999, 1),
        (10_000, 1, 9_999),
        (123_456, 0, 123_456),
        (123_456, 10_000, 0),
        (123_456, 20_000, 0),  // more than all of it is all of it
        (0, 100, 0),
    ])
    func brokerageKeepsTheFlooredFee(gross: UInt128, basisPoints: UInt64, net: UInt128) throws {
        #expect(try Brokerage.net(of: TokenAmount(unchecked: gross), basisPoints: basisPoints) == TokenAmount(unchecked: net))
    }

    @Test func brokerageOfTheLargestAmountDoesNotOverflow() throws {
        #expect(try Brokerage.net(of: .max, basisPoints: 5_000) == TokenAmount(unchecked: TokenAmount.max.attoFIL / 2))
        #expect(try Brokerage.net(of: .max, basisPoints: 1) == TokenAmount(unchecked: TokenAmount.max.attoFIL - TokenAmount.max.attoFIL / 10_000))
    }
}
