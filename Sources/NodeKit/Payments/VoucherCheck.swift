/// The one check of a voucher against a channel, as Lotus's `PaychVoucherCheckValid`
/// and the payment-channel actor's `update_channel_state` make it. The ledger runs it
/// against the lanes it has redeemed; a payee runs it against the best vouchers it holds.
///
/// In order: the right channel; signed by the channel's payer; the channel neither
/// collected nor settling past its end; inside the voucher's time locks; the nonce
/// strictly above the lane's last; the amount not below the lane's; and the sum of all
/// lanes, with this voucher's amount on its lane, not above the channel's funds. On
/// success it returns what the voucher adds over the lane's last amount.
///
/// The check comes in two halves: `checkSignature` (the costly part, which needs nothing
/// but the channel) and `checkState` (the rest). `check` runs both; a payee runs the
/// first for many vouchers in parallel and the second inside the transaction that
/// stores them.
public enum VoucherCheck {
    public static func check(
        _ voucher: Voucher, for channel: ChannelState, lanes: [UInt64: LaneState], epoch: UInt64, expected: ChannelID? = nil
    ) throws(PaymentError) -> TokenAmount {
        try checkSignature(voucher, for: channel, expected: expected)
        return try checkState(voucher, for: channel, lanes: lanes, epoch: epoch)
    }

    /// The right channel, signed by its payer.
    public static func checkSignature(_ voucher: Voucher, for channel: ChannelState, expected: ChannelID? = nil) throws(PaymentError) {
        let id = expected ?? channel.id
        guard voucher.channel == id, channel.id == id else { throw .wrongChannel(voucher: voucher.channel, expected: id) }
        guard voucher.isSigned(by: channel.payer) else {
            throw .badSignature("the voucher is not signed by the payer of channel \(channel.id.short)")
        }
    }

    /// Everything after the signature, for a voucher `checkSignature` passed; returns
    /// what the voucher adds over its lane's last amount.
    public static func checkState(
        _ voucher: Voucher, for channel: ChannelState, lanes: [UInt64: LaneState], epoch: UInt64
    ) throws(PaymentError) -> TokenAmount {
        guard voucher.channel == channel.id else { throw .wrongChannel(voucher: voucher.channel, expected: channel.id) }
        guard !channel.collected else { throw .collected(channel.id) }
        if let end = channel.settlingAt, epoch >= end { throw .settling(channel: channel.id, since: end) }
        guard epoch >= voucher.timeLockMin else {
            throw .tooEarly("the voucher is time-locked until epoch \(voucher.timeLockMin); it is epoch \(epoch)")
        }
        guard voucher.timeLockMax == 0 || epoch <= voucher.timeLockMax else {
            throw .expired("the voucher could be redeemed up to epoch \(voucher.timeLockMax); it is epoch \(epoch)")
        }
        let last = lanes[voucher.lane]
        if let last {
            guard voucher.nonce > last.nonce else { throw .staleVoucher(lane: voucher.lane, nonce: voucher.nonce, last: last.nonce) }
            guard voucher.amount >= last.amount else { throw .lowerAmount(lane: voucher.lane, amount: voucher.amount, last: last.amount) }
        } else if lanes.count >= ChannelState.maxLanes {
            throw .limit("channel \(channel.id.short) already has \(ChannelState.maxLanes) lanes, the most a channel holds; use an existing lane")
        }
        // Amounts are ≤ TokenAmount.max ≈ 2^100 and lanes ≤ 256, so this UInt128 sum cannot wrap.
        var owed = voucher.amount.attoFIL
        for (lane, state) in lanes where lane != voucher.lane { owed += state.amount.attoFIL }
        guard owed <= channel.funds.attoFIL else {
            throw .overspend(channel: channel.id, by: TokenAmount(unchecked: owed - channel.funds.attoFIL), funds: channel.funds)
        }
        return TokenAmount(unchecked: voucher.amount.attoFIL - (last?.amount.attoFIL ?? 0))
    }
}
