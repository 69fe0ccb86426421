/// A gateway's cut of the payments it brokers, in basis points (1/100 of a percent).
/// For a payment of `gross`, the gateway keeps ⌊gross × bps / 10000⌋ and pays the
/// provider the rest; the client pays only `gross`, the provider's price.
public enum Brokerage {
    /// What the provider receives of `gross` at `basisPoints` (0…10000).
    public static func net(of gross: TokenAmount, basisPoints: UInt64) throws -> TokenAmount {
        let fee = gross.attoFIL * UInt128(min(basisPoints, 10_000)) / 10_000
        return try gross.subtracting(TokenAmount(unchecked: fee))
    }
}
