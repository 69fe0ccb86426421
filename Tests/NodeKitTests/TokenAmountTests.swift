import Testing
@testable import NodeKit

@Suite struct TokenAmountTests {
    @Test func parsesAndPrintsBothForms() throws {
        let half = try TokenAmount("0.5 FIL")
        #expect(half.attoFIL == 500_000_000_000_000_000)
        #expect(try TokenAmount("500000000000000000 attoFIL") == half)
        #expect(try TokenAmount("500000000000000000attofil") == half)
        #expect(try TokenAmount(".5 fil") == half)
        #expect(half.description == "0.5 FIL")
        #expect(half.attoFILDescription == "500000000000000000 attoFIL")
        #expect(try TokenAmount("1 attoFIL").description == "0.000000000000000001 FIL")
        #expect(try TokenAmount("2000000000 FIL").description == "2000000000 FIL")
        #expect(TokenAmount.zero.description == "0 FIL")
    }

    @Test func aBareDecimalIsFIL() throws {
        #expect(try TokenAmount("0.5") == TokenAmount("0.5 FIL"))
        #expect(try TokenAmount(" 2 ").attoFIL == 2 * TokenAmount.attoPerFIL)
        #expect(try TokenAmount(".25").description == "0.25 FIL")
        #expect(try TokenAmount("0.000000000000000001").attoFIL == 1)
        #expect(throws: TokenAmountError.tooPrecise("0.0000000000000000001")) { try TokenAmount("0.0000000000000000001") }
        #expect(throws: TokenAmountError.self) { try TokenAmount("1000000000001") }
    }

    @Test func rejectsBadText() {
        for text in ["", " ", ".", "FIL", "1.2.3 FIL", "1.2.3", "-1", "+1", "1e3", "0x10", "1,5", "-1 FIL", "1e3 FIL", "0.0000000000000000001 FIL", "abc attoFIL", "1 BTC", ". FIL"] {
            #expect(throws: TokenAmountError.self) { try TokenAmount(text) }
        }
        #expect(throws: TokenAmountError.tooPrecise("0.0000000000000000001 FIL")) { try TokenAmount("0.0000000000000000001 FIL") }
    }

    @Test func capsAboveSupplyAndTrapsOverflow() throws {
        #expect(TokenAmount.max.attoFIL > 2_000_000_000 * TokenAmount.attoPerFIL)
        #expect(throws: TokenAmountError.self) { try TokenAmount("1000000000001 FIL") }
        #expect(throws: TokenAmountError.self) { try TokenAmount("340282366920938463463374607431768211456 attoFIL") }
        #expect(throws: TokenAmountError.self) { try TokenAmount.max.adding(TokenAmount(attoFIL: 1)) }
        #expect(throws: TokenAmountError.self) { try TokenAmount.max.multiplied(by: UInt64.max) }
        #expect(throws: TokenAmountError.self) { try TokenAmount.zero.subtracting(TokenAmount(attoFIL: 1)) }
        let price = try TokenAmount("1000 attoFIL")
        #expect(try price.multiplied(by: 1 << 30).attoFIL == 1000 << 30)
        #expect(try price.adding(price).subtracting(price) == price)
    }

    @Test func wireFormIsFilecoinBigInt() throws {
        #expect(TokenAmount.zero.encoded == [])
        #expect(try TokenAmount(attoFIL: 256).encoded == [0, 1, 0])
        for v: UInt128 in [0, 1, 255, 256, 1_000_000_000_000_000_000, TokenAmount.max.attoFIL] {
            let a = try TokenAmount(attoFIL: v)
            #expect(try TokenAmount(encoded: a.encoded) == a)
        }
        #expect(throws: TokenAmountError.self) { try TokenAmount(encoded: [1, 5]) }
        #expect(throws: TokenAmountError.self) { try TokenAmount(encoded: [0, 0, 5]) }
        #expect(throws: TokenAmountError.self) { try TokenAmount(encoded: [0]) }
        #expect(throws: TokenAmountError.self) { try TokenAmount(encoded: [0] + [UInt8](repeating: 0xff, count: 16)) }
    }
}
