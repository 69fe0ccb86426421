import Foundation
import NodeKit
import Testing

/// The third-party voucher check, Tests/interop/verify_voucher.py, written from
/// docs/PROTOCOL.md alone (its own CBOR reader, OpenSSL's Ed25519 behind the §1 rules):
/// it accepts the document's worked voucher, rebuilding the documented signed bytes and
/// channel ID, and refuses the voucher with any signed field altered. `PaychCLITests`
/// runs it on a voucher the real binary signed on a devnet.
@Suite struct VoucherInteropTests {
    static let script = OfferInteropTests.packageRoot.appendingPathComponent("Tests/interop/verify_voucher.py").path

    /// The `paych.<name> = <value>` lines of PROTOCOL.md, values of repeated names concatenated.
    static func documented() throws -> [String: String] {
        let text = try String(contentsOf: OfferInteropTests.packageRoot.appendingPathComponent("docs/PROTOCOL.md"), encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].hasPrefix("paych.") else { continue }
            values[String(parts[0].dropFirst(6)), default: ""] += parts[1]
        }
        return values
    }

    /// Runs the verifier on voucher `text` with the payer's `filtop-public-key-v1` text and,
    /// when given, the payee and create nonce the channel ID is derived from; nil when
    /// there is no python3 to run it.
    static func verify(_ text: String, payerKeyFile: String, channelFrom: (payee: String, nonce: UInt64)? = nil) throws
        -> (status: Int32, out: String, err: String)? {
        guard let python = OfferInteropTests.python else {
            print("skipping the third-party voucher check: python3 is not installed")
            return nil
        }
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("filtop-voucher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(payerKeyFile.utf8).write(to: dir.appendingPathComponent("payer.pub"))
        let derivation = channelFrom.map { [$0.payee, String($0.nonce)] } ?? []
        return try OfferInteropTests.run(python, [script, "payer.pub"] + derivation, stdin: Data(text.utf8), in: dir)
    }

    /// The text form of `voucher`'s CBOR map with `key` replaced by `value`.
    static func altered(_ voucher: Voucher, _ key: String, _ value: CBOR) throws -> String {
        var fields = try #require(voucher.cbor.mapValue, "a voucher's CBOR is a map")
        fields[key] = value
        return Data(CBOR.map(fields).encoded).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test func theDocumentedVoucherVerifiesAndAnyAlteredFieldIsRefused() throws {
        let doc = try Self.documented()
        let text = try #require(doc["voucher_text"], "PROTOCOL.md has no paych.voucher_text")
        let payer = try PublicKey(bytes: try #require(Hex.decode(doc["payer_public_key"] ?? ""), "paych.payer_public_key"))
        let payee = try PublicKey(bytes: try #require(Hex.decode(doc["payee_public_key"] ?? ""), "paych.payee_public_key"))
        let payeeID = try #require(doc["payee_node_id"], "paych.payee_node_id")
        let nonce = try #require(UInt64(doc["create_nonce"] ?? ""), "paych.create_nonce")
        let amount = try TokenAmount(try #require(doc["voucher_amount"], "paych.voucher_amount"))
        let keyFile = KeyFile.publicKeyText(payer)

        guard let good = try Self.verify(text, payerKeyFile: keyFile, channelFrom: (payeeID, nonce)) else { return }
        #expect(good.status == 0 && good.out.hasSuffix("ok\n"), "\(good.out)\(good.err)")
        #expect(good.out.contains("signed_bytes \(doc["voucher_signed_bytes"] ?? "-")\n"), "\(good.out)")
        #expect(good.out.contains("channel \(doc["channel_id"] ?? "-")\n"), "\(good.out)")
        #expect(good.out.contains("amount_attofil \(amount.attoFIL)\n"), "\(good.out)")

        let wrongNonce = try #require(try Self.verify(text, payerKeyFile: keyFile, channelFrom: (payeeID, nonce + 1)))
        #expect(wrongNonce.status == 1 && wrongNonce.err.contains("is not the one the payer's create message"), "\(wrongNonce.err)")
        let otherKey = try #require(try Self.verify(text, payerKeyFile: KeyFile.publicKeyText(payee)))
        #expect(otherKey.status == 1 && otherKey.err.contains("signature invalid"), "\(otherKey.err)")

        let voucher = try Voucher(text: text)
        var changedChannel = try #require(Hex.decode(doc["channel_id_bytes"] ?? ""))
        changedChannel[19] ^= 1
        let changes: [(String, CBOR)] = [
            ("channel", .bytes(changedChannel)), ("lane", .unsigned(voucher.lane + 1)), ("nonce", .unsigned(voucher.nonce + 1)),
            ("amount", .bytes(try amount.adding(TokenAmount(attoFIL: 1)).encoded)), ("time_lock_min", .unsigned(voucher.timeLockMin + 1)),
            ("time_lock_max", .unsigned(voucher.timeLockMax + 1)), ("min_settle", .unsigned(voucher.minSettleEpoch + 1)),
        ]
        for (key, value) in changes {
            let r = try #require(try Self.verify(try Self.altered(voucher, key, value), payerKeyFile: keyFile))
            #expect(r.status == 1 && r.err.contains("signature invalid"), "\(key) altered: exit \(r.status) \(r.err)")
        }
        let padded = try #require(try Self.verify(text + "=", payerKeyFile: keyFile))
        #expect(padded.status == 1 && padded.err.contains("base64url without padding"), "\(padded.err)")
        let extraKey = try #require(try Self.verify(try Self.altered(voucher, "memo", .text("x")), payerKeyFile: keyFile))
        #expect(extraKey.status == 1 && extraKey.err.contains("the voucher map's keys"), "\(extraKey.err)")
    }
}
