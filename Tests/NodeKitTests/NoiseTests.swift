import Testing
@testable import NodeKit

@Suite struct NoiseTests {
    /// The published cacophony vector for Noise_XX_25519_AESGCM_SHA256, copied verbatim from
    /// haskell-cryptography/cacophony, vectors/cacophony.txt (commit 36c1e5c): three
    /// handshake messages, then transport messages alternating between the parties.
    enum Vector {
        static let prologue = TestSupport.hex("4a6f686e2047616c74")
        static let initStatic = TestSupport.hex("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1")
        static let initEphemeral = TestSupport.hex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a")
        static let respStatic = TestSupport.hex("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893")
        static let respEphemeral = TestSupport.hex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b")
        static let handshakeHash = "1b7aefb1125762aa21a252890d00af54519638b76437444538f9a52f21e2e0dc"
        static let messages: [(payload: String, ciphertext: String)] = [
            ("4c756477696720766f6e204d69736573",
             "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"),
            ("4d757272617920526f746862617264",
             "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843757117acceb05bd7a45733bc22015c97a9d0cbaf41b80446d5988ff5127235d76b79eade70f473d6a4ef521fdcbeda5340d01e028ba793fc059f2724a83af05f12dda0448a7621a926b379a92477fd"),
            ("462e20412e20486179656b",
             "c90f1cf77eba4e50edb038991565e36c9758943a989229b6051244dc4fbecb6946744b401af2ee1a5881b65fbb87fd07cb6a328ececc9ce6ce84c399dc332d4fd521fa4bb7f467ce909395"),
            ("4361726c204d656e676572",
             "bc3fa77f6aca3e8466d7dc6bea10013e88a6a29add5132b461806c"),
            ("4a65616e2d426170746973746520536179",
             "250b01074cdfe0df2ecf8ccbf1737b15a2ddb5b52fd9a396604e9c793cee3b3bb9"),
            ("457567656e2042f6686d20766f6e2042617765726b",
             "449d4d433b3cdc3d02bf6fc881774b9df54366ebcffb9689bb13f14709822cd7ef42bcdb4d"),
        ]
    }

    @Test func publishedCacophonyVector() throws {
        var initiator = NoiseXXHandshake(role: .initiator, staticPrivateKey: Vector.initStatic,
                                         prologue: Vector.prologue, ephemeralPrivateKey: Vector.initEphemeral)
        var responder = NoiseXXHandshake(role: .responder, staticPrivateKey: Vector.respStatic,
                                         prologue: Vector.prologue, ephemeralPrivateKey: Vector.respEphemeral)
        for i in 0..<3 {
            let (payload, ciphertext) = (TestSupport.hex(Vector.messages[i].payload), Vector.messages[i].ciphertext)
            if i % 2 == 0 {
                let m = try initiator.writeMessage(payload)
                #expect(m.hexString == ciphertext)
                #expect(try responder.readMessage(m) == payload)
            } else {
                let m = try responder.writeMessage(payload)
                #expect(m.hexString == ciphertext)
                #expect(try initiator.readMessage(m) == payload)
            }
        }
        var i = try initiator.transport(), r = try responder.transport()
        #expect(i.handshakeHash.hexString == Vector.handshakeHash && r.handshakeHash == i.handshakeHash)
        #expect(i.remoteStatic == NoisePrimitives.KeyPair(privateKey: Vector.respStatic).publicKey)
        for k in 3..<6 {
            let payload = TestSupport.hex(Vector.messages[k].payload)
            if k % 2 == 1 {
                let c = try r.send.encrypt(payload)
                #expect(c.hexString == Vector.messages[k].ciphertext)
                #expect(try i.receive.decrypt(c) == payload)
            } else {
                let c = try i.send.encrypt(payload)
                #expect(c.hexString == Vector.messages[k].ciphertext)
                #expect(try r.receive.decrypt(c) == payload)
            }
        }
    }

    private func pair() throws -> (NoiseXXHandshake.Transport, NoiseXXHandshake.Transport) {
        var i = NoiseXXHandshake(role: .initiator, staticPrivateKey: Sodium.randomBytes(32))
        var r = NoiseXXHandshake(role: .responder, staticPrivateKey: Sodium.randomBytes(32))
        _ = try r.readMessage(try i.writeMessage())
        _ = try i.readMessage(try r.writeMessage())
        _ = try r.readMessage(try i.writeMessage())
        return (try i.transport(), try r.transport())
    }

    /// The in-place seal/open used by the session agree with the array API (and so with the
    /// vector above), and the nonce is the big-endian counter: frame n opens only at nonce n.
    @Test func inPlaceSealMatchesTheArrayAPI() throws {
        var (a, b) = try pair()
        var reference = a
        for size in [0, 1, 1000, SecureChannelHandler.maxPlaintext] {
            let plaintext = Sodium.randomBytes(size)
            var sealed = [UInt8](repeating: 0, count: size + NoisePrimitives.tagLength)
            let n = try plaintext.withUnsafeBytes { p in try sealed.withUnsafeMutableBytes { try a.send.seal(p, into: $0) } }
            #expect(n == sealed.count)
            #expect(try reference.send.encrypt(plaintext) == sealed)
            var opened = [UInt8](repeating: 0, count: size)
            let m = try sealed.withUnsafeBytes { c in try opened.withUnsafeMutableBytes { try b.receive.open(c, into: $0) } }
            #expect(m == size && opened == plaintext)
        }
    }

    /// A message opened piece by piece (as the session opens one that spans reads) gives
    /// the same plaintext as the array API; an altered tag fails and leaves the nonce.
    @Test func openingInPiecesMatchesTheArrayAPI() throws {
        var (a, b) = try pair()
        for (size, cut) in [(1, 1), (1000, 7), (65_518, 40_000)] {
            let plaintext = Sodium.randomBytes(size)
            let sealed = try a.send.encrypt(plaintext)
            let ciphertext = sealed.dropLast(NoisePrimitives.tagLength)
            var opened = [UInt8](repeating: 0, count: size)
            try b.receive.beginOpening()
            for range in [0..<cut, cut..<size] {
                ciphertext.withUnsafeBytes { c in
                    opened.withUnsafeMutableBytes { b.receive.openPiece(UnsafeRawBufferPointer(rebasing: c[range]), into: UnsafeMutableRawBufferPointer(rebasing: $0[range])) }
                }
            }
            var altered = Array(sealed.suffix(NoisePrimitives.tagLength))
            altered[0] ^= 1
            #expect(throws: NoiseError.decryptionFailed) { try b.receive.finishOpening(tag: altered) }
            #expect(b.receive.nonce == a.send.nonce - 1)
            try b.receive.beginOpening()
            ciphertext.withUnsafeBytes { c in opened.withUnsafeMutableBytes { b.receive.openPiece(c, into: $0) } }
            try b.receive.finishOpening(tag: Array(sealed.suffix(NoisePrimitives.tagLength)))
            #expect(opened == plaintext && b.receive.nonce == a.send.nonce)
        }
    }

    @Test func theNonceIsTheBigEndianCounter() {
        #expect(Array(NoisePrimitives.nonce(0x0102030405060708)) == [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func alteredReplayedAndReorderedFramesAreRefused() throws {
        var (a, b) = try pair()
        let f1 = try a.send.encrypt(Array("one".utf8))
        let f2 = try a.send.encrypt(Array("two".utf8))
        var altered = f1
        altered[0] ^= 1
        #expect(throws: NoiseError.decryptionFailed) { try b.receive.decrypt(altered) }
        #expect(throws: NoiseError.decryptionFailed) { try b.receive.decrypt(f2) }   // reordered
        #expect(try b.receive.decrypt(f1) == Array("one".utf8))
        #expect(throws: NoiseError.decryptionFailed) { try b.receive.decrypt(f1) }   // replayed
        #expect(try b.receive.decrypt(f2) == Array("two".utf8))
        #expect(throws: NoiseError.decryptionFailed) { try b.receive.decrypt(Array(f2.prefix(5))) } // truncated
    }

    @Test func tamperedHandshakeMessagesFail() throws {
        var i = NoiseXXHandshake(role: .initiator, staticPrivateKey: Sodium.randomBytes(32))
        var r = NoiseXXHandshake(role: .responder, staticPrivateKey: Sodium.randomBytes(32))
        _ = try r.readMessage(try i.writeMessage())
        var m2 = try r.writeMessage(Array("hello".utf8))
        m2[40] ^= 0x80
        #expect(throws: NoiseError.decryptionFailed) { try i.readMessage(m2) }
        var fresh = NoiseXXHandshake(role: .initiator, staticPrivateKey: Sodium.randomBytes(32))
        _ = try fresh.writeMessage()
        #expect(throws: NoiseError.self) { try fresh.readMessage([1, 2, 3]) }
        #expect(throws: NoiseError.self) { try fresh.writeMessage() }  // out of turn
    }

    @Test func identityProofBindsTheStaticKey() throws {
        let node = KeyPair()
        let staticKey = NoisePrimitives.KeyPair.generate().publicKey
        let proof = NoiseIdentityProof(signing: staticKey, with: node)
        #expect(try NoiseIdentityProof.verify(proof.encoded, staticPublicKey: staticKey) == node.publicKey)
        // The same proof presented with another static key (a relayed handshake) fails.
        let other = NoisePrimitives.KeyPair.generate().publicKey
        #expect(throws: NoiseError.self) { try NoiseIdentityProof.verify(proof.encoded, staticPublicKey: other) }
        #expect(throws: NoiseError.self) { try NoiseIdentityProof.verify([0xa0], staticPublicKey: staticKey) }
        var bad = proof.encoded
        bad[bad.count - 1] ^= 1
        #expect(throws: NoiseError.self) { try NoiseIdentityProof.verify(bad, staticPublicKey: staticKey) }
    }

    @Test func secureHandshakeAuthenticatesBothNodes() throws {
        let alice = KeyPair(), bob = KeyPair()
        var i = SecureHandshake(role: .initiator, identity: alice, expectedPeer: bob.publicKey.nodeID)
        var r = SecureHandshake(role: .responder, identity: bob, expectedPeer: nil)
        let m1 = try #require(try i.step(received: nil))
        let m2 = try #require(try r.step(received: m1))
        let m3 = try #require(try i.step(received: m2))
        #expect(try r.step(received: m3) == nil)
        let si = try i.session(), sr = try r.session()
        #expect(si.peer == bob.publicKey && sr.peer == alice.publicKey)
        var (a, b) = (si.transport, sr.transport)
        #expect(try b.receive.decrypt(try a.send.encrypt([42])) == [42])
    }

    @Test func aManInTheMiddleIsRefused() throws {
        let alice = KeyPair(), bob = KeyPair(), mallory = KeyPair()
        // Alice dials Bob but Mallory answers with her own (valid) identity.
        var i = SecureHandshake(role: .initiator, identity: alice, expectedPeer: bob.publicKey.nodeID)
        var m = SecureHandshake(role: .responder, identity: mallory, expectedPeer: nil)
        let m1 = try #require(try i.step(received: nil))
        let m2 = try #require(try m.step(received: m1))
        #expect(throws: NoiseError.unexpectedPeer(expected: bob.publicKey.nodeID.description,
                                                  actual: mallory.publicKey.nodeID.description)) {
            try i.step(received: m2)
        }
    }
}
