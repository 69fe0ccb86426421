/// One state change on the ledger, signed by the account that makes it, with the
/// account's next nonce so a message is applied at most once (a replay, or a message
/// sent out of order, is refused with `staleNonce`).
///
/// Signed bytes (integers big-endian; `docs/PROTOCOL.md` "Ledger messages"):
///
///     "filtop/ledger/v1\0"  17  domain separation
///     signer               32  Ed25519 public key of the account
///     nonce                 8  the account's next nonce (1 for its first message)
///     operation             1  1 create, 2 add funds, 3 update, 4 settle, 5 collect
///     operation fields          create: payee node ID (32) ‖ amount (16)
///                               add funds: channel (20) ‖ amount (16)
///                               update: the voucher's signed bytes (94) ‖ its signature (64)
///                               settle, collect: channel (20)
public struct LedgerMessage: Hashable, Sendable {
    public static let domain: [UInt8] = Array("filtop/ledger/v1".utf8) + [0]

    /// What the message does.
    public enum Operation: Hashable, Sendable {
        /// Opens a channel from the signer to `payee`, locking `amount` of the signer's balance.
        case createChannel(payee: NodeID, amount: TokenAmount)
        /// Locks `amount` more of the payer's balance in `channel` (payer only).
        case addFunds(channel: ChannelID, amount: TokenAmount)
        /// Redeems `voucher` (payee only): the lane now owes its amount.
        case update(voucher: Voucher)
        /// Starts the settle period (payer or payee).
        case settle(channel: ChannelID)
        /// Pays out a settled channel: redeemed amounts to the payee, the rest back (payer or payee).
        case collect(channel: ChannelID)

        var code: UInt8 {
            switch self {
            case .createChannel: 1
            case .addFunds: 2
            case .update: 3
            case .settle: 4
            case .collect: 5
            }
        }

        /// The channel the operation acts on (nil for create).
        public var channel: ChannelID? {
            switch self {
            case .createChannel: nil
            case .addFunds(let c, _), .settle(let c), .collect(let c): c
            case .update(let v): v.channel
            }
        }

        public var name: String {
            switch self {
            case .createChannel: "create"
            case .addFunds: "add-funds"
            case .update: "update"
            case .settle: "settle"
            case .collect: "collect"
            }
        }
    }

    public let signer: PublicKey
    public let nonce: UInt64
    public let operation: Operation
    public let signature: Signature

    /// Signs `operation` as account `signer` with its next nonce.
    public init(_ operation: Operation, nonce: UInt64, signer: KeyPair) {
        self.signer = signer.publicKey
        self.nonce = nonce
        self.operation = operation
        signature = signer.sign(LedgerMessage.signedBytes(signer: signer.publicKey, nonce: nonce, operation: operation))
    }

    init(signer: PublicKey, nonce: UInt64, operation: Operation, signature: Signature) {
        self.signer = signer
        self.nonce = nonce
        self.operation = operation
        self.signature = signature
    }

    /// The account that signed.
    public var account: NodeID { signer.nodeID }

    public var signedBytes: [UInt8] { LedgerMessage.signedBytes(signer: signer, nonce: nonce, operation: operation) }

    /// Whether the signature is the signer's over these bytes.
    public var isValid: Bool { signer.verify(signature, over: signedBytes) }

    static func signedBytes(signer: PublicKey, nonce: UInt64, operation: Operation) -> [UInt8] {
        var out = domain + signer.bytes
        OfferSigning.appendBigEndian(nonce, to: &out)
        out.append(operation.code)
        func amount(_ a: TokenAmount) {
            OfferSigning.appendBigEndian(UInt64(truncatingIfNeeded: a.attoFIL >> 64), to: &out)
            OfferSigning.appendBigEndian(UInt64(truncatingIfNeeded: a.attoFIL), to: &out)
        }
        switch operation {
        case .createChannel(let payee, let a): out += payee.bytes; amount(a)
        case .addFunds(let c, let a): out += c.bytes; amount(a)
        case .update(let v): out += v.signedBytes + v.signature.bytes
        case .settle(let c), .collect(let c): out += c.bytes
        }
        return out
    }

    // MARK: - Encoding

    /// DAG-CBOR map `{op, nonce, signer, signature, channel, payee, amount, voucher}`:
    /// `op` is the operation's name; the fields an operation does not use are absent.
    public var cbor: CBOR {
        var map: [String: CBOR] = [
            "op": .text(operation.name), "nonce": .unsigned(nonce), "signer": .bytes(signer.bytes), "signature": .bytes(signature.bytes),
        ]
        switch operation {
        case .createChannel(let payee, let a): map["payee"] = .bytes(payee.bytes); map["amount"] = .bytes(a.encoded)
        case .addFunds(let c, let a): map["channel"] = .bytes(c.bytes); map["amount"] = .bytes(a.encoded)
        case .update(let v): map["voucher"] = v.cbor
        case .settle(let c), .collect(let c): map["channel"] = .bytes(c.bytes)
        }
        return .map(map)
    }

    public init(cbor: CBOR) throws(WireError) {
        guard let op = cbor.mapValue?["op"]?.textValue else { throw .invalidMessage("LedgerMessage.op must be text") }
        let common: Set<String> = ["op", "nonce", "signer", "signature"]
        let extra: Set<String>
        switch op {
        case "create": extra = ["payee", "amount"]
        case "add-funds": extra = ["channel", "amount"]
        case "update": extra = ["voucher"]
        case "settle", "collect": extra = ["channel"]
        default: throw .invalidMessage("LedgerMessage.op '\(op.prefix(32))' is not create, add-funds, update, settle or collect")
        }
        let f = try MessageFields(cbor, "LedgerMessage", keys: common.union(extra))
        signer = try f.publicKey("signer")
        nonce = try f.unsigned("nonce")
        signature = try f.signature("signature")
        func channel() throws(WireError) -> ChannelID {
            do { return try ChannelID(bytes: try f.bytes("channel")) } catch { throw .invalidMessage("LedgerMessage.channel: \(error)") }
        }
        switch op {
        case "create": operation = .createChannel(payee: try f.nodeID("payee"), amount: try f.amount("amount"))
        case "add-funds": operation = .addFunds(channel: try channel(), amount: try f.amount("amount"))
        case "update":
            do { operation = .update(voucher: try Voucher(cbor: f.value("voucher"))) } catch { throw .invalidMessage("LedgerMessage.voucher: \(error)") }
        case "settle": operation = .settle(channel: try channel())
        default: operation = .collect(channel: try channel())
        }
    }
}
