/// Why a ledger message, a voucher or a payment was refused. Each case says what was
/// wrong and, where the operator can act, what to do; each crosses the wire as a
/// `Refusal` with a stable code and comes back as the same message.
public enum PaymentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Text or bytes that are not a channel ID.
    case invalidChannel(String)
    /// Text or bytes that are not a voucher.
    case invalidVoucher(String)
    /// The ledger has no such channel (or this node does not know it).
    case unknownChannel(ChannelID)
    /// A payee this node's copy of the register does not list (so no voucher could reach it).
    case unknownPeer(NodeID)
    /// A voucher names another channel than the one it was given for.
    case wrongChannel(voucher: ChannelID, expected: ChannelID)
    /// A voucher is not signed by the channel's payer, or a message not by its account.
    case badSignature(String)
    /// The signer may not do this to the channel (only its payer adds funds, say).
    case notParty(String)
    /// A ledger message's account nonce is not the next one: a replay or a gap.
    case staleNonce(account: NodeID, expected: UInt64, got: UInt64)
    /// The voucher's nonce is not above the lane's last.
    case staleVoucher(lane: UInt64, nonce: UInt64, last: UInt64)
    /// The voucher's amount is below what the lane already holds.
    case lowerAmount(lane: UInt64, amount: TokenAmount, last: TokenAmount)
    /// The vouchers of all lanes would owe more than the channel holds.
    case overspend(channel: ChannelID, by: TokenAmount, funds: TokenAmount)
    /// An account has less than a transfer needs.
    case insufficientBalance(account: NodeID, needed: TokenAmount, available: TokenAmount)
    /// The channel is settling past its end or already collected.
    case settling(channel: ChannelID, since: UInt64)
    /// The channel was collected; nothing more can happen to it.
    case collected(ChannelID)
    /// Too early: a time lock not yet reached, or collect before the settle period ends.
    case tooEarly(String)
    /// A voucher's time lock has passed.
    case expired(String)
    /// A limit of the ledger or the node (lanes per channel, faucet size).
    case limit(String)
    /// No ledger is configured or reachable.
    case noLedger(String)

    public var description: String {
        switch self {
        case .invalidChannel(let why), .invalidVoucher(let why): return why
        case .unknownChannel(let id): return "no channel \(id) on the ledger; check the ID with 'filtop paych list'"
        case .unknownPeer(let id):
            return "no node \(id) in this node's copy of the register, so vouchers could not reach it; check the ID with 'filtop register list'"
        case .wrongChannel(let v, let e): return "the voucher is for channel \(v), not \(e)"
        case .badSignature(let what): return "bad signature: \(what)"
        case .notParty(let why): return why
        case .staleNonce(let account, let expected, let got):
            return "ledger message from \(account.short) has account nonce \(got), but the next is \(expected): a replay or an out-of-order message"
        case .staleVoucher(let lane, let nonce, let last):
            return "voucher nonce \(nonce) on lane \(lane) is not above the lane's last nonce \(last): a stale or repeated voucher"
        case .lowerAmount(let lane, let amount, let last):
            return "voucher amount \(amount) on lane \(lane) is below the lane's \(last); amounts are cumulative per lane"
        case .overspend(let channel, let by, let funds):
            return "the vouchers would overspend channel \(channel.short) by \(by) (it holds \(funds)); add funds with 'filtop paych add-funds'"
        case .insufficientBalance(let account, let needed, let available):
            return "account \(account.short) holds \(available) but \(needed) is needed; on the devnet use 'filtop ledger faucet'"
        case .settling(let channel, let since):
            return "channel \(channel.short) settled at epoch \(since): it takes no more vouchers or funds"
        case .collected(let channel): return "channel \(channel.short) was collected and is closed"
        case .tooEarly(let why), .expired(let why), .limit(let why), .noLedger(let why): return why
        }
    }
}

extension PaymentError: RefusalConvertible {
    public var refusal: Refusal {
        switch self {
        case .invalidChannel, .invalidVoucher, .wrongChannel: return Refusal(.invalidMessage, description)
        case .unknownChannel, .unknownPeer: return Refusal(.notFound, description)
        case .badSignature: return Refusal(.badSignature, description)
        case .notParty: return Refusal(.notOwner, description)
        case .staleNonce: return Refusal(.replayed, description)
        case .staleVoucher, .lowerAmount: return Refusal(.staleVoucher, description)
        case .overspend, .insufficientBalance: return Refusal(.insufficientFunds, description)
        case .settling, .collected: return Refusal(.settling, description)
        case .tooEarly: return Refusal(.tooEarly, description)
        case .expired: return Refusal(.expired, description)
        case .limit: return Refusal(.busy, description)
        case .noLedger: return Refusal(.failed, description)
        }
    }
}
