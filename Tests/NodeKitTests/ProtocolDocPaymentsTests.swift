import Foundation
import Testing
@testable import NodeKit

/// Recomputes the payments part of docs/PROTOCOL.md from the inputs it states: the
/// `amount.…` examples of §2 and every `paych.…` value of the payments worked example,
/// and checks its table of which `PaymentError` crosses the wire as which refusal code.
@Suite struct ProtocolDocPaymentsTests {
    /// The inputs of the payments worked example: the `paych.<name>` lines that the code
    /// does not compute.
    static let inputNames: Set<String> = [
        "payer_seed", "payee_seed", "create_nonce", "create_amount", "voucher_lane", "voucher_nonce", "voucher_amount",
        "voucher_time_lock_min", "voucher_time_lock_max", "voucher_min_settle", "update_nonce",
    ]

    /// What the code makes of the documented inputs.
    static func computedValues(_ doc: [String: String]) throws -> [String: String] {
        func input(_ name: String) throws -> String { try #require(doc[name], "PROTOCOL.md has no paych.\(name) line") }
        func number(_ name: String) throws -> UInt64 { try #require(UInt64(try input(name)), "paych.\(name) is not a number") }
        func seed(_ name: String) throws -> [UInt8] { try #require(Hex.decode(try input(name)), "paych.\(name) is not hex") }
        let payer = try KeyPair(seed: try seed("payer_seed"))
        let payee = try KeyPair(seed: try seed("payee_seed"))
        let createNonce = try number("create_nonce")
        let create = LedgerMessage(.createChannel(payee: payee.nodeID, amount: try TokenAmount(try input("create_amount"))),
                                   nonce: createNonce, signer: payer)
        let channel = ChannelID(payer: payer.publicKey, payee: payee.nodeID, nonce: createNonce)
        let voucher = try Voucher(
            channel: channel, lane: try number("voucher_lane"), nonce: try number("voucher_nonce"),
            amount: try TokenAmount(try input("voucher_amount")), timeLockMin: try number("voucher_time_lock_min"),
            timeLockMax: try number("voucher_time_lock_max"), minSettleEpoch: try number("voucher_min_settle"), signer: payer)
        let update = LedgerMessage(.update(voucher: voucher), nonce: try number("update_nonce"), signer: payee)
        return [
            "payer_public_key": payer.publicKey.hex, "payee_public_key": payee.publicKey.hex, "payee_node_id": payee.nodeID.description,
            "payee_node_id_bytes": Hex.encode(payee.nodeID.bytes),
            "channel_id": channel.description, "channel_id_bytes": Hex.encode(channel.bytes),
            "create_signed_bytes": Hex.encode(create.signedBytes), "create_signature": create.signature.hex,
            "create_message": Hex.encode(create.cbor.encoded),
            "voucher_signed_bytes": Hex.encode(voucher.signedBytes), "voucher_signature": voucher.signature.hex,
            "voucher": Hex.encode(voucher.cbor.encoded), "voucher_text": voucher.text,
            "update_signed_bytes": Hex.encode(update.signedBytes), "update_signature": update.signature.hex,
            "update_message": Hex.encode(update.cbor.encoded),
            "create_frame": Hex.encode(Envelope(LedgerSubmit(create), requestID: 1).framed),
        ]
    }

    @Test func paymentsWorkedExampleMatchesTheCode() throws {
        let documented = try ProtocolDocTests.documentedValues(prefix: "paych.")
        let computed = try Self.computedValues(documented)
        for (name, value) in computed.sorted(by: { $0.key < $1.key }) {
            #expect(documented[name] == value, "paych.\(name) = \(value)")
        }
        let unchecked = Set(documented.keys).subtracting(Self.inputNames).subtracting(computed.keys)
        #expect(unchecked.isEmpty, "PROTOCOL.md documents paych values no test recomputes: \(unchecked.sorted())")
        // The documented signatures verify under the documented keys, over the documented bytes.
        for (signed, signature, key) in [("create_signed_bytes", "create_signature", "payer_public_key"),
                                         ("voucher_signed_bytes", "voucher_signature", "payer_public_key"),
                                         ("update_signed_bytes", "update_signature", "payee_public_key")] {
            let publicKey = try PublicKey(bytes: try #require(Hex.decode(documented[key] ?? "")))
            let sig = try Signature(bytes: try #require(Hex.decode(documented[signature] ?? "")))
            #expect(publicKey.verify(sig, over: try #require(Hex.decode(documented[signed] ?? ""))), "\(signature)")
        }
        // What a third party decodes from the documented encodings is what was signed.
        let voucher = try Voucher(text: try #require(documented["voucher_text"]))
        #expect(Hex.encode(voucher.signedBytes) == documented["voucher_signed_bytes"])
        let update = try LedgerMessage(cbor: try CBORDecoder.decode(try #require(Hex.decode(documented["update_message"] ?? ""))))
        #expect(update.isValid && update.operation == .update(voucher: voucher))
    }

    @Test func amountExamplesMatchTheCode() throws {
        let documented = try ProtocolDocTests.documentedValues(prefix: "amount.")
        let names = Set(documented.keys.compactMap { $0.split(separator: ".").first.map(String.init) })
        #expect(names.count >= 3, "PROTOCOL.md §2 gives fewer amount examples than expected: \(names.sorted())")
        for name in names.sorted() {
            let amount = try TokenAmount(try #require(documented["\(name).amount"], "amount.\(name).amount"))
            #expect(documented["\(name).wire"] == Hex.encode(amount.encoded), "amount.\(name).wire = \(Hex.encode(amount.encoded))")
            var signed: [UInt8] = []
            OfferSigning.appendBigEndian(UInt64(truncatingIfNeeded: amount.attoFIL >> 64), to: &signed)
            OfferSigning.appendBigEndian(UInt64(truncatingIfNeeded: amount.attoFIL), to: &signed)
            #expect(documented["\(name).signed"] == Hex.encode(signed), "amount.\(name).signed = \(Hex.encode(signed))")
            #expect(try TokenAmount(encoded: amount.encoded) == amount)
        }
    }

    /// The name PROTOCOL.md's table gives each `PaymentError` case. Exhaustive, so a new
    /// case does not compile until it has a name here and a row in the document.
    static func caseName(_ error: PaymentError) -> String {
        switch error {
        case .invalidChannel: "invalidChannel"
        case .invalidVoucher: "invalidVoucher"
        case .unknownChannel: "unknownChannel"
        case .unknownPeer: "unknownPeer"
        case .wrongChannel: "wrongChannel"
        case .badSignature: "badSignature"
        case .notParty: "notParty"
        case .staleNonce: "staleNonce"
        case .staleVoucher: "staleVoucher"
        case .lowerAmount: "lowerAmount"
        case .overspend: "overspend"
        case .insufficientBalance: "insufficientBalance"
        case .settling: "settling"
        case .collected: "collected"
        case .tooEarly: "tooEarly"
        case .expired: "expired"
        case .limit: "limit"
        case .noLedger: "noLedger"
        }
    }

    /// One value of every `PaymentError` case.
    static func everyPaymentError() throws -> [PaymentError] {
        let channel = VoucherTests.channelID, node = VoucherTests.payee.nodeID, amount = try TokenAmount("1 FIL")
        return [
            .invalidChannel("x"), .invalidVoucher("x"), .unknownChannel(channel), .unknownPeer(node),
            .wrongChannel(voucher: channel, expected: channel), .badSignature("x"), .notParty("x"),
            .staleNonce(account: node, expected: 2, got: 1), .staleVoucher(lane: 0, nonce: 1, last: 1),
            .lowerAmount(lane: 0, amount: amount, last: amount), .overspend(channel: channel, by: amount, funds: amount),
            .insufficientBalance(account: node, needed: amount, available: .zero), .settling(channel: channel, since: 1),
            .collected(channel), .tooEarly("x"), .expired("x"), .limit("x"), .noLedger("x"),
        ]
    }

    /// The rows `| `case` | `code` |` of the section "#### PaymentError refusals".
    static func documentedMapping() throws -> [String: String] {
        var mapping: [String: String] = [:]
        for row in try ProtocolDocTests.section("#### PaymentError refusals") where row.hasPrefix("| `") {
            let cells = ProtocolDocTests.cells(row)
            if cells.count >= 2 { mapping[cells[0]] = cells[1] }
        }
        return mapping
    }

    @Test func everyPaymentErrorIsDocumentedWithItsRefusalCode() throws {
        let documented = try Self.documentedMapping()
        let errors = try Self.everyPaymentError()
        #expect(Set(documented.keys) == Set(errors.map(Self.caseName)), "PROTOCOL.md's PaymentError table: \(documented.keys.sorted())")
        for error in errors {
            let name = Self.caseName(error)
            #expect(documented[name] == error.refusal.code.rawValue, "| `\(name)` | `\(error.refusal.code.rawValue)` |")
        }
    }
}
