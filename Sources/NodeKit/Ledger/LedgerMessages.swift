/// The ledger role's messages (`docs/PROTOCOL.md` "Ledger"): reads anyone may make,
/// `LedgerSubmit` carrying a signed `LedgerMessage`, and the devnet faucet.

/// Asks for the epoch and parameters. Body `{}`.
public struct LedgerStatusRequest: WireMessage, Hashable {
    public static let messageType = MessageType.ledgerStatusRequest
    public init() {}
    public var body: CBOR { .map([:]) }
    public init(body: CBOR) throws(WireError) { _ = try MessageFields(body, "LedgerStatusRequest", keys: []) }
}

/// Body `{epoch, epoch_ms, settle_delay, accounts, channels}`.
public struct LedgerStatusInfo: WireMessage, Equatable {
    public static let messageType = MessageType.ledgerStatusInfo
    public let status: LedgerStatus
    public init(_ status: LedgerStatus) { self.status = status }
    public var body: CBOR {
        .map(["epoch": .unsigned(status.epoch), "epoch_ms": .unsigned(status.epochMillis), "settle_delay": .unsigned(status.settleDelay),
              "accounts": .unsigned(UInt64(status.accountCount)), "channels": .unsigned(UInt64(status.channelCount))])
    }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "LedgerStatusInfo", keys: ["epoch", "epoch_ms", "settle_delay", "accounts", "channels"])
        status = LedgerStatus(epoch: try f.unsigned("epoch"), epochMillis: try f.unsigned("epoch_ms"), settleDelay: try f.unsigned("settle_delay"),
                              accountCount: Int(clamping: try f.unsigned("accounts")), channelCount: Int(clamping: try f.unsigned("channels")))
    }
}

/// Asks for one account. Body `{account}` (node ID bytes).
public struct LedgerAccountRequest: WireMessage, Hashable {
    public static let messageType = MessageType.ledgerAccountRequest
    public let account: NodeID
    public init(account: NodeID) { self.account = account }
    public var body: CBOR { .map(["account": .bytes(account.bytes)]) }
    public init(body: CBOR) throws(WireError) { account = try MessageFields(body, "LedgerAccountRequest", keys: ["account"]).nodeID("account") }
}

/// One account. Body `{account, balance, nonce}`.
public struct LedgerAccountInfo: WireMessage, Equatable {
    public static let messageType = MessageType.ledgerAccountInfo
    public let state: AccountState
    public init(_ state: AccountState) { self.state = state }
    public var body: CBOR { state.cbor }
    public init(body: CBOR) throws(WireError) { state = try AccountState(cbor: body, "LedgerAccountInfo") }
}

/// Asks for every account. Body `{}`.
public struct LedgerAccountsRequest: WireMessage, Hashable {
    public static let messageType = MessageType.ledgerAccountsRequest
    public init() {}
    public var body: CBOR { .map([:]) }
    public init(body: CBOR) throws(WireError) { _ = try MessageFields(body, "LedgerAccountsRequest", keys: []) }
}

/// Body `{accounts}`: at most `maxAccounts` `{account, balance, nonce}` maps, by ID.
public struct LedgerAccounts: WireMessage, Equatable {
    public static let messageType = MessageType.ledgerAccounts
    public static let maxAccounts = 200
    public let accounts: [AccountState]
    public init(_ accounts: [AccountState]) { self.accounts = Array(accounts.prefix(LedgerAccounts.maxAccounts)) }
    public var body: CBOR { .map(["accounts": .array(accounts.map(\.cbor))]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "LedgerAccounts", keys: ["accounts"])
        guard let list = f.value("accounts").arrayValue, list.count <= LedgerAccounts.maxAccounts else {
            throw .invalidMessage("LedgerAccounts.accounts must be a list of at most \(LedgerAccounts.maxAccounts)")
        }
        var out: [AccountState] = []
        for a in list { out.append(try AccountState(cbor: a, "LedgerAccounts.accounts")) }
        accounts = out
    }
}

/// Asks for one channel. Body `{channel}`.
public struct LedgerChannelRequest: WireMessage, Hashable {
    public static let messageType = MessageType.ledgerChannelRequest
    public let channel: ChannelID
    public init(channel: ChannelID) { self.channel = channel }
    public var body: CBOR { .map(["channel": .bytes(channel.bytes)]) }
    public init(body: CBOR) throws(WireError) {
        channel = try MessageFields(body, "LedgerChannelRequest", keys: ["channel"]).channelID("channel")
    }
}

/// One channel. Body `{id, payer, payee, funds, lanes, settling_at, min_settle, collected,
/// created}`: `lanes` a list of `{lane, nonce, amount}` (redeemed), `settling_at` 0 while
/// the channel is open, `collected` a boolean.
public struct LedgerChannelInfo: WireMessage, Equatable {
    public static let messageType = MessageType.ledgerChannelInfo
    public let state: ChannelState
    public init(_ state: ChannelState) { self.state = state }
    public var body: CBOR {
        .map([
            "id": .bytes(state.id.bytes), "payer": .bytes(state.payer.bytes), "payee": .bytes(state.payee.bytes),
            "funds": .bytes(state.funds.encoded), "lanes": .array(state.lanes.map(\.cbor)), "settling_at": .unsigned(state.settlingAt ?? 0),
            "min_settle": .unsigned(state.minSettleEpoch), "collected": .bool(state.collected), "created": .unsigned(state.createdEpoch),
        ])
    }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "LedgerChannelInfo", keys: ["id", "payer", "payee", "funds", "lanes", "settling_at", "min_settle", "collected", "created"])
        guard let list = f.value("lanes").arrayValue, list.count <= ChannelState.maxLanes else {
            throw .invalidMessage("LedgerChannelInfo.lanes must be a list of at most \(ChannelState.maxLanes)")
        }
        var lanes: [LaneState] = []
        for l in list { lanes.append(try LaneState(cbor: l)) }
        guard let collected = f.value("collected").boolValue else { throw .invalidMessage("LedgerChannelInfo.collected must be a boolean") }
        let settling = try f.unsigned("settling_at")
        state = ChannelState(
            id: try f.channelID("id"), payer: try f.publicKey("payer"), payee: try f.nodeID("payee"), funds: try f.amount("funds"), lanes: lanes,
            settlingAt: settling == 0 ? nil : settling, minSettleEpoch: try f.unsigned("min_settle"), collected: collected,
            createdEpoch: try f.unsigned("created"))
    }
}

/// Applies a signed ledger message. Body `{message}` (see `LedgerMessage.cbor`).
public struct LedgerSubmit: WireMessage, Hashable {
    public static let messageType = MessageType.ledgerSubmit
    public let message: LedgerMessage
    public init(_ message: LedgerMessage) { self.message = message }
    public var body: CBOR { .map(["message": message.cbor]) }
    public init(body: CBOR) throws(WireError) {
        message = try LedgerMessage(cbor: try MessageFields(body, "LedgerSubmit", keys: ["message"]).value("message"))
    }
}

/// The ledger applied a message. Body `{epoch, channel, nonce}`.
public struct LedgerApplied: WireMessage, Equatable {
    public static let messageType = MessageType.ledgerApplied
    public let receipt: LedgerReceipt
    public init(_ receipt: LedgerReceipt) { self.receipt = receipt }
    public var body: CBOR {
        .map(["epoch": .unsigned(receipt.epoch), "channel": .bytes(receipt.channel.bytes), "nonce": .unsigned(receipt.nonce)])
    }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "LedgerApplied", keys: ["epoch", "channel", "nonce"])
        receipt = LedgerReceipt(epoch: try f.unsigned("epoch"), channel: try f.channelID("channel"), nonce: try f.unsigned("nonce"))
    }
}

/// Devnet only: credits an account. Body `{account, amount}`; answered with `LedgerAccountInfo`.
public struct LedgerFaucetRequest: WireMessage, Hashable {
    public static let messageType = MessageType.ledgerFaucetRequest
    public let account: NodeID
    public let amount: TokenAmount
    public init(account: NodeID, amount: TokenAmount) { self.account = account; self.amount = amount }
    public var body: CBOR { .map(["account": .bytes(account.bytes), "amount": .bytes(amount.encoded)]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "LedgerFaucetRequest", keys: ["account", "amount"])
        account = try f.nodeID("account")
        amount = try f.amount("amount")
    }
}

extension AccountState {
    var cbor: CBOR { .map(["account": .bytes(account.bytes), "balance": .bytes(balance.encoded), "nonce": .unsigned(nonce)]) }
    init(cbor: CBOR, _ what: String) throws(WireError) {
        let f = try MessageFields(cbor, what, keys: ["account", "balance", "nonce"])
        self.init(account: try f.nodeID("account"), balance: try f.amount("balance"), nonce: try f.unsigned("nonce"))
    }
}

extension LaneState {
    var cbor: CBOR { .map(["lane": .unsigned(lane), "nonce": .unsigned(nonce), "amount": .bytes(amount.encoded)]) }
    init(cbor: CBOR) throws(WireError) {
        let f = try MessageFields(cbor, "Lane", keys: ["lane", "nonce", "amount"])
        self.init(lane: try f.unsigned("lane"), nonce: try f.unsigned("nonce"), amount: try f.amount("amount"))
    }
}
