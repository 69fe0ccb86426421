import Testing
@testable import NodeKit

@Suite struct WireTests {
    @Test func framesSplitAcrossArbitraryChunks() throws {
        let bodies: [[UInt8]] = [[1], [2, 3, 4], [UInt8](repeating: 9, count: 1000)]
        let stream = bodies.flatMap(Frame.encode)
        for chunk in [1, 3, 7, 1000] {
            var decoder = FrameDecoder()
            var out: [[UInt8]] = []
            var i = 0
            while i < stream.count {
                decoder.append(stream[i..<min(i + chunk, stream.count)])
                while let body = try decoder.next() { out.append(body) }
                i += chunk
            }
            #expect(out == bodies)
        }
    }

    @Test func framesAreBounded() {
        var decoder = FrameDecoder(maxBodySize: 16)
        decoder.append([0, 0, 0, 17])
        #expect(throws: WireError.frameTooLarge(length: 17, limit: 16)) { try decoder.next() }
        var empty = FrameDecoder()
        empty.append([0, 0, 0, 0])
        #expect(throws: WireError.emptyFrame) { try empty.next() }
        #expect(throws: WireError.self) { try Frame.decodeOne([0, 0, 0, 5, 1]) }
        #expect(throws: WireError.self) { try Frame.decodeOne([0, 0, 0, 1, 1, 2]) }
    }

    @Test func envelopeRoundTripAndVersionCheck() throws {
        let message = InvalidMessage(reason: "bad")
        let envelope = Envelope(message, requestID: 7)
        let decoded = try Envelope(decoding: Frame.decodeOne(envelope.framed))
        #expect(decoded == envelope)
        #expect(try decoded.message(as: InvalidMessage.self) == message)
        #expect(throws: WireError.unexpectedMessageType(expected: .protocolMismatch, actual: .invalidMessage)) {
            try decoded.message(as: ProtocolMismatch.self)
        }
        let future = Envelope(type: .invalidMessage, requestID: 1, body: message.body, version: 9)
        #expect(throws: WireError.protocolMismatch(received: 9, supported: 1...1)) { try Envelope(decoding: future.encoded) }
        var unknown = future.encoded
        unknown = Envelope(type: .invalidMessage, requestID: 1, body: message.body).encoded
        let typeIndex = try #require(unknown.firstIndex(of: 0x02))
        unknown[typeIndex] = 0x17
        #expect(throws: WireError.unknownMessageType(0x17)) { try Envelope(decoding: unknown) }
    }

    @Test func establishmentChallengeAndAnswer() throws {
        let client = KeyPair(), gateway = KeyPair()
        let challenge = EstablishmentChallenge.random(client: client.nodeID, now: 1000, ttl: 100)
        let sent = try Envelope(decoding: Envelope(challenge, requestID: 1).encoded).message(as: EstablishmentChallenge.self)
        #expect(sent == challenge)
        let answer = try Envelope(decoding: Envelope(sent.answer(by: gateway), requestID: 1).encoded).message(as: EstablishmentAnswer.self)
        try answer.verify(answering: challenge, expectedGateway: gateway.nodeID, now: 1050)
        #expect(throws: WireError.self) { try answer.verify(answering: challenge, expectedGateway: client.nodeID, now: 1050) }
        #expect(throws: WireError.expired(expiry: 1100, now: 1100)) { try answer.verify(answering: challenge, expectedGateway: nil, now: 1100) }
        let other = EstablishmentChallenge.random(client: client.nodeID, now: 1000, ttl: 100)
        #expect(throws: WireError.self) { try answer.verify(answering: other, expectedGateway: nil, now: 1050) }
        let forged = EstablishmentAnswer(gateway: gateway.publicKey, client: answer.client, challenge: answer.challenge,
                                         expiry: answer.expiry, signature: client.sign(answer.signedBytes))
        #expect(throws: WireError.self) { try forged.verify(answering: challenge, expectedGateway: nil, now: 1050) }
    }

    @Test func publishingAndSignedAcknowledgement() throws {
        let gateway = KeyPair()
        let group = TrustFixtures.offer(7)
        let published = try Envelope(decoding: Envelope(PublishGroupOffer(offer: group), requestID: 3).encoded)
            .message(as: PublishGroupOffer.self)
        #expect(published.offer == group)
        try published.offer.verifyIntegrity()
        let singles = (0..<3).map { i in try! CIDOffer.sign(pieceCIDs: [TrustFixtures.pieceCID(i)], terms: TrustFixtures.terms, by: TrustFixtures.keyPair) }
        let batch = try Envelope(decoding: Envelope(PublishSingleOffers(offers: singles), requestID: 4).encoded)
            .message(as: PublishSingleOffers.self)
        #expect(batch.offers == singles)
        #expect(throws: WireError.self) { try PublishSingleOffers(body: PublishSingleOffers(offers: [group]).body) }
        let ack = OfferAcknowledgement.sign(offers: singles, received: 1234, by: gateway)
        let received = try Envelope(decoding: Envelope(ack, requestID: 4).encoded).message(as: OfferAcknowledgement.self)
        #expect(received == ack)
        for offer in singles { try received.verify(covers: offer, expectedGateway: gateway.nodeID) }
        #expect(throws: WireError.self) { try received.verify(covers: group, expectedGateway: nil) }
        #expect(throws: WireError.self) { try received.verify(covers: singles[0], expectedGateway: KeyPair().nodeID) }
    }

    @Test func statusMessagesRoundTrip() throws {
        let funds = InsufficientFunds(required: try TokenAmount("0.25 FIL"))
        #expect(try InsufficientFunds(body: funds.body) == funds)
        #expect(funds.error == .insufficientFunds(required: try TokenAmount("0.25 FIL")))
        #expect(try ProtocolMismatch(body: ProtocolMismatch().body).supported == ProtocolVersion.supported)
        #expect(InvalidMessage(reason: String(repeating: "é", count: 300)).reason.utf8.count <= InvalidMessage.maxReasonLength)
    }
}
