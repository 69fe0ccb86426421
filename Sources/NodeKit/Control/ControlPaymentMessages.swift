import Foundation

/// One payment-channel or ledger request of the admin protocol (`PaymentControl`).
/// Body `{action, channel, peer, amount, lane, send, voucher}`: `action` names the
/// `PaymentControl` call (`PaymentAction`); `channel`, `peer`, `lane` and `voucher` are
/// null when the action does not use them; `amount` is big-integer bytes (empty: zero).
public struct ControlPaymentRequest: WireMessage, Hashable {
    public static let messageType = MessageType.controlPaymentRequest

    public enum Action: String, Sendable, CaseIterable {
        case channels, channel, addFunds = "add-funds", voucherCreate = "voucher-create", voucherCheck = "voucher-check",
             voucherAdd = "voucher-add", voucherList = "voucher-list", voucherBestSpendable = "voucher-best-spendable",
             voucherSubmit = "voucher-submit", settle, collect, ledgerStatus = "ledger-status", ledgerAccounts = "ledger-accounts",
             ledgerAccount = "ledger-account", faucet
    }

    public var action: Action
    public var channel: ChannelID?
    public var peer: NodeID?
    public var amount: TokenAmount
    public var lane: UInt64?
    public var send: Bool
    public var voucher: Voucher?

    public init(_ action: Action, channel: ChannelID? = nil, peer: NodeID? = nil, amount: TokenAmount = .zero, lane: UInt64? = nil,
                send: Bool = false, voucher: Voucher? = nil) {
        self.action = action
        self.channel = channel
        self.peer = peer
        self.amount = amount
        self.lane = lane
        self.send = send
        self.voucher = voucher
    }

    public var body: CBOR {
        .map([
            "action": .text(action.rawValue), "channel": channel.map { .bytes($0.bytes) } ?? .null, "peer": peer.map { .bytes($0.bytes) } ?? .null,
            "amount": .bytes(amount.encoded), "lane": lane.map { .unsigned($0) } ?? .null, "send": .bool(send), "voucher": voucher?.cbor ?? .null,
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlPaymentRequest", keys: ["action", "channel", "peer", "amount", "lane", "send", "voucher"])
        let name = try f.text("action", maxLength: 32)
        guard let action = Action(rawValue: name) else { throw .invalidMessage("ControlPaymentRequest.action '\(name)' is not a payment action") }
        self.action = action
        channel = f.value("channel") == .null ? nil : try f.channelID("channel")
        peer = f.value("peer") == .null ? nil : try f.nodeID("peer")
        amount = try f.amount("amount")
        lane = try f.optionalUnsigned("lane")
        guard let send = f.value("send").boolValue else { throw .invalidMessage("ControlPaymentRequest.send must be a boolean") }
        self.send = send
        if f.value("voucher") == .null {
            voucher = nil
        } else {
            do { voucher = try Voucher(cbor: f.value("voucher")) } catch { throw .invalidMessage("ControlPaymentRequest.voucher: \(error)") }
        }
    }

    /// The field an action needs, or a refusal naming it.
    func required<T>(_ value: T?, _ name: String) throws(WireError) -> T {
        guard let value else { throw .invalidMessage("\(action.rawValue) needs a \(name)") }
        return value
    }
}

/// The answer to a `ControlPaymentRequest`. Body `{channels, vouchers, receipt, amount,
/// count, status, accounts}`: whichever the action produces is filled, the rest empty
/// lists, null, zero. Lists hold at most `maxItems`.
public struct ControlPaymentAnswer: WireMessage, Equatable {
    public static let messageType = MessageType.controlPaymentAnswer
    public static let maxItems = 200

    public var channels: [ChannelSummary] = []
    public var vouchers: [Voucher] = []
    public var receipt: VoucherReceipt?
    public var amount: TokenAmount = .zero
    public var count: UInt64 = 0
    public var status: LedgerStatus?
    public var accounts: [AccountState] = []

    public init(channels: [ChannelSummary] = [], vouchers: [Voucher] = [], receipt: VoucherReceipt? = nil, amount: TokenAmount = .zero,
                count: UInt64 = 0, status: LedgerStatus? = nil, accounts: [AccountState] = []) {
        self.channels = Array(channels.prefix(Self.maxItems))
        self.vouchers = Array(vouchers.prefix(Self.maxItems))
        self.receipt = receipt
        self.amount = amount
        self.count = count
        self.status = status
        self.accounts = Array(accounts.prefix(Self.maxItems))
    }

    public var body: CBOR {
        .map([
            "channels": .array(channels.map(\.cbor)), "vouchers": .array(vouchers.map(\.cbor)), "receipt": receipt?.body ?? .null,
            "amount": .bytes(amount.encoded), "count": .unsigned(count), "status": status.map { LedgerStatusInfo($0).body } ?? .null,
            "accounts": .array(accounts.map(\.cbor)),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlPaymentAnswer", keys: ["channels", "vouchers", "receipt", "amount", "count", "status", "accounts"])
        for c in try f.list("channels", max: Self.maxItems) { channels.append(try ChannelSummary(cbor: c)) }
        for v in try f.list("vouchers", max: Self.maxItems) {
            do { vouchers.append(try Voucher(cbor: v)) } catch { throw .invalidMessage("ControlPaymentAnswer.vouchers: \(error)") }
        }
        receipt = f.value("receipt") == .null ? nil : try VoucherReceipt(body: f.value("receipt"))
        amount = try f.amount("amount")
        count = try f.unsigned("count")
        status = f.value("status") == .null ? nil : try LedgerStatusInfo(body: f.value("status")).status
        for a in try f.list("accounts", max: Self.maxItems) { accounts.append(try AccountState(cbor: a, "ControlPaymentAnswer.accounts")) }
    }
}

extension ChannelSummary {
    /// `{id, direction, peer, funds, spent, redeemed, lanes, latest, settling_at, collected, updated_ms}`.
    var cbor: CBOR {
        .map([
            "id": .bytes(id.bytes), "direction": .text(direction.rawValue), "peer": .bytes(peer.bytes), "funds": .bytes(funds.encoded),
            "spent": .bytes(spent.encoded), "redeemed": .bytes(redeemed.encoded), "lanes": .unsigned(UInt64(laneCount)),
            "latest": latest?.cbor ?? .null, "settling_at": settlingAt.map { .unsigned($0) } ?? .null, "collected": .bool(collected),
            "updated_ms": .unsigned(updatedAt.unixMillis),
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let f = try MessageFields(cbor, "ChannelSummary", keys: [
            "id", "direction", "peer", "funds", "spent", "redeemed", "lanes", "latest", "settling_at", "collected", "updated_ms",
        ])
        guard let direction = ChannelDirection(rawValue: try f.text("direction", maxLength: 16)) else {
            throw .invalidMessage("ChannelSummary.direction must be outbound or inbound")
        }
        guard let collected = f.value("collected").boolValue else { throw .invalidMessage("ChannelSummary.collected must be a boolean") }
        var latest: Voucher?
        if f.value("latest") != .null {
            do { latest = try Voucher(cbor: f.value("latest")) } catch { throw .invalidMessage("ChannelSummary.latest: \(error)") }
        }
        self.init(
            id: try f.channelID("id"), direction: direction, peer: try f.nodeID("peer"), funds: try f.amount("funds"), spent: try f.amount("spent"),
            redeemed: try f.amount("redeemed"), laneCount: Int(clamping: try f.unsigned("lanes")), latest: latest,
            settlingAt: try f.optionalUnsigned("settling_at"), collected: collected, updatedAt: Date(unixMillis: try f.unsigned("updated_ms")))
    }
}
