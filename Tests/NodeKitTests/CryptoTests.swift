import Foundation
import Testing
@testable import NodeKit

@Suite struct CryptoTests {
    @Test func signAndVerifyRFC8032Vector() throws {
        // RFC 8032 §7.1 TEST 1: empty message.
        let seed = try #require(Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        let pair = try KeyPair(seed: seed)
        #expect(pair.publicKey.hex == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let sig = pair.sign([])
        #expect(sig.hex == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(pair.publicKey.verify(sig, over: []))
        #expect(!pair.publicKey.verify(sig, over: [0]))
        #expect(!KeyPair().publicKey.verify(sig, over: []))
    }

    /// The Ed25519 group order L, little-endian, as it sits in a signature's S half.
    static let groupOrder: [UInt8] = Hex.decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")!

    @Test func smallOrderKeyForgeryIsRefusedForEveryMessage() throws {
        // Identity key, R = identity, S = 0: [S]B - [k]A encodes to R for any message, so a
        // verifier without small-order checks accepts it (PROTOCOL.md §1, rule 2).
        let identity = [UInt8(1)] + [UInt8](repeating: 0, count: 31)
        let key = try PublicKey(bytes: identity)
        let forgery = try Signature(bytes: identity + [UInt8](repeating: 0, count: 32))
        for message in [[], [0], Array("filtop".utf8), TrustFixtures.offer(1).signedBytes] {
            #expect(!key.verify(forgery, over: message))
        }
    }

    @Test func signatureWithSPlusLIsRefused() throws {
        // S + L is the same scalar mod L; rule 4 (S < L) is what refuses it.
        let pair = KeyPair()
        let message = Array("malleable".utf8)
        let signature = pair.sign(message)
        var bytes = signature.bytes
        var carry = 0
        for i in 0..<32 {
            let sum = Int(bytes[32 + i]) + Int(Self.groupOrder[i]) + carry
            bytes[32 + i] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        #expect(carry == 0)
        #expect(pair.publicKey.verify(signature, over: message))
        #expect(!pair.publicKey.verify(try Signature(bytes: bytes), over: message))
    }

    @Test func nodeIDIsSHA256OfPublicKeyAndRoundTrips() throws {
        let pair = TrustFixtures.keyPair
        let id = pair.nodeID
        #expect(id.bytes == Array(Multihash.sha256(pair.publicKey.bytes).digest))
        let text = id.description
        #expect(text.hasPrefix("fid") && text.count == 55)
        #expect(try NodeID(text) == id)
        #expect(try NodeID(text.uppercased()) == id)
        #expect(throws: CryptoError.self) { try NodeID("fid") }
        #expect(throws: CryptoError.self) { try NodeID("x" + text.dropFirst()) }
        #expect(throws: CryptoError.self) { try NodeID(String(text.dropLast()) + "1") }
    }

    @Test func secretsNeverPrint() {
        let pair = TrustFixtures.keyPair
        let seedHex = Hex.encode(TrustFixtures.seed)
        var dumped = ""
        dump(pair, to: &dumped)
        for text in [pair.description, pair.debugDescription, "\(pair)", String(reflecting: pair), dumped] {
            #expect(!text.contains(seedHex))
            #expect(text.contains("redacted"))
        }
    }

    private func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "filtop-keys-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func plainKeyFileIs0600AndLoads() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/node.key"
        let pair = KeyPair()
        try KeyFile.write(pair, to: path)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(try KeyFile.load(from: path).publicKey == pair.publicKey)
        #expect(throws: CryptoError.keyFileExists(path: path)) { try KeyFile.write(pair, to: path) }
        chmod(path, 0o640)
        #expect(throws: CryptoError.keyFileTooOpen(path: path, mode: 0o640)) { try KeyFile.load(from: path) }
    }

    @Test func encryptedKeyFileNeedsTheRightPassphrase() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/node.key"
        let pair = KeyPair()
        try KeyFile.write(pair, to: path, passphrase: Array("correct horse".utf8), cost: .interactive)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("argon2id-xchacha20poly1305"))
        #expect(!text.contains("\nseed: "))
        #expect(try KeyFile.isEncrypted(at: path))
        #expect(throws: CryptoError.passphraseRequired(path: path)) { try KeyFile.load(from: path) }
        #expect(throws: CryptoError.wrongPassphrase(path: path)) { try KeyFile.load(from: path, passphrase: Array("wrong".utf8)) }
        #expect(try KeyFile.load(from: path, passphrase: Array("correct horse".utf8)).publicKey == pair.publicKey)
    }

    @Test func alteredKeyFilesAreRefusedWithReasons() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/node.key"
        try KeyFile.write(KeyPair(), to: path)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "public-key: ", with: "public-key: 00")
        let bad = dir + "/bad.key"
        FileManager.default.createFile(atPath: bad, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        #expect(throws: CryptoError.self) { try KeyFile.load(from: bad) }
        let other = dir + "/other.key"
        FileManager.default.createFile(atPath: other, contents: Data("hello\n".utf8), attributes: [.posixPermissions: 0o600])
        do {
            _ = try KeyFile.load(from: other)
            Issue.record("a non-key file loaded")
        } catch {
            #expect(error.description.contains("filtop-key-v1"))
        }
    }
}
