import Foundation
import NIOCore
import NIOPosix
import NodeKitTesting
import Testing
@testable import NodeKit

/// Several nodes over real loopback sockets. Serialized: the thousand-connection test
/// would otherwise starve the others' handshakes of CPU.
@Suite(.serialized) struct NetworkTests {
    /// A server that answers every request with an InvalidMessage echoing the request type.
    private func echoServer(_ identity: KeyPair, handshakeTimeout: TimeAmount = .seconds(10)) async throws -> RPCServer {
        try await RPCServer.start(host: "127.0.0.1", port: 0, identity: identity, handshakeTimeout: handshakeTimeout) { request, peer in
            Envelope(InvalidMessage(reason: "echo \(request.type) from \(peer.nodeID.short)"), requestID: 0)
        }
    }

    @Test func twoNodesEstablishAndExchange() async throws {
        let server = KeyPair(), client = KeyPair()
        let s = try await echoServer(server)
        let c = try await RPCClient.connect(host: "127.0.0.1", port: s.port, identity: client, expectedPeer: server.publicKey.nodeID)
        #expect(c.peer == server.publicKey)
        let answer = try await c.request(.establishmentChallenge, body: .map([:]))
        let reason = try answer.message(as: InvalidMessage.self).reason
        #expect(reason == "echo EstablishmentChallenge from \(client.publicKey.nodeID.short)")
        await c.close()
        await s.close()
    }

    @Test func dialingTheWrongIdentityIsRefused() async throws {
        let server = KeyPair(), client = KeyPair(), expected = KeyPair()
        let s = try await echoServer(server)
        await #expect(throws: NoiseError.unexpectedPeer(expected: expected.publicKey.nodeID.description,
                                                        actual: server.publicKey.nodeID.description)) {
            _ = try await RPCClient.connect(host: "127.0.0.1", port: s.port, identity: client, expectedPeer: expected.publicKey.nodeID)
        }
        await s.close()
    }

    @Test func dialingANodeThatIsDownSaysSoPlainly() async throws {
        // A port held bound but not listening: connecting is refused, and no other test
        // can take the port meanwhile (a released port could be reused at once).
        let held = try #require(LoopbackSocket(listening: false))
        defer { held.close() }
        let port = held.port
        let error = await #expect(throws: NetworkError.self) {
            _ = try await RPCClient.connect(host: "127.0.0.1", port: port, identity: KeyPair(), expectedPeer: nil)
        }
        #expect(error == .cannotReach(address: "127.0.0.1:\(port)", reason: "connection refused"))
        #expect(error?.description.hasPrefix("cannot reach 127.0.0.1:\(port): connection refused — is the node running?") == true)
    }

    /// A dial whose handshake never completes (the listener accepts and stays silent)
    /// fails with a typed timeout and leaves no socket behind: the listener reads EOF.
    @Test func aFailedHandshakeClosesTheDialledSocket() async throws {
        let socket = try #require(LoopbackSocket(listening: true), "could not open a listening socket: errno \(errno)")
        defer { socket.close() }
        let (listener, port) = (socket.descriptor, socket.port)
        await #expect(throws: NetworkError.timedOut("establishing a secure session with 127.0.0.1:\(port)")) {
            _ = try await RPCClient.connect(host: "127.0.0.1", port: port, identity: KeyPair(), expectedPeer: nil,
                                            timeout: .milliseconds(200))
        }
        // The dial completed in the kernel's accept queue, so accept returns at once.
        let accepted = accept(listener, nil, nil)
        try #require(accepted >= 0, "accept failed: errno \(errno)")
        defer { close(accepted) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(accepted, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        var n = read(accepted, &buffer, buffer.count)   // the client's first handshake message
        while n > 0 { n = read(accepted, &buffer, buffer.count) }
        #expect(n == 0, "the client's socket is still open after its failed connect (read returned \(n), errno \(errno))")
    }

    @Test func garbageAndSilentSocketsDoNotHurtOthers() async throws {
        let server = KeyPair()
        let s = try await echoServer(server, handshakeTimeout: .seconds(2))
        // Random bytes, a hostile length, and a socket that never speaks.
        var raw: [Int32] = []
        for payload in [Sodium.randomBytes(4096), [0xff, 0xff] + Sodium.randomBytes(100), []] {
            let fd = try Self.rawConnect(port: s.port)
            if !payload.isEmpty { _ = payload.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
            raw.append(fd)
        }
        // The node keeps serving an honest peer meanwhile.
        let c = try await RPCClient.connect(host: "127.0.0.1", port: s.port, identity: KeyPair(), expectedPeer: server.publicKey.nodeID)
        _ = try await c.request(.establishmentChallenge, body: .map([:]))
        // Every bad socket is closed by the server: whatever it sent first (a random
        // "handshake" may even get an answer), reading ends in EOF or an error.
        for fd in raw {
            var buffer = [UInt8](repeating: 0, count: 4096)
            var sawClose = false
            let deadline = Date().addingTimeInterval(20)
            var tv = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            while Date() < deadline {
                let n = read(fd, &buffer, buffer.count)
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { sawClose = true; break }
            }
            #expect(sawClose)
            close(fd)
        }
        _ = try await c.request(.establishmentChallenge, body: .map([:]))
        await c.close()
        await s.close()
    }

    @Test func holdsAThousandConcurrentConnections() async throws {
        let server = KeyPair()
        let s = try await echoServer(server)
        let clients = try await withThrowingTaskGroup(of: RPCClient.self) { group in
            for _ in 0..<1000 {
                group.addTask {
                    try await RPCClient.connect(host: "127.0.0.1", port: s.port, identity: KeyPair(), expectedPeer: server.publicKey.nodeID)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(clients.count == 1000)
        #expect(s.connectionCount == 1000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in clients { group.addTask { _ = try await c.request(.establishmentChallenge, body: .map([:])) } }
            try await group.waitForAll()
        }
        for c in clients { await c.close() }
        await s.close()
    }

    @Test func aPeerThatGoesAwayMidRequestGivesATypedError() async throws {
        let server = KeyPair()
        // The handler says when a request reached it, then never answers in time.
        let (arrivals, arrived) = AsyncStream<Void>.makeStream()
        let s = try await RPCServer.start(host: "127.0.0.1", port: 0, identity: server) { _, _ in
            arrived.yield()
            try? await Task.sleep(for: .seconds(600))
            return Envelope(InvalidMessage(reason: "late"), requestID: 0)
        }
        var arrival = arrivals.makeAsyncIterator()
        let c = try await RPCClient.connect(host: "127.0.0.1", port: s.port, identity: KeyPair(), expectedPeer: server.publicKey.nodeID)
        // A silent peer: the request times out with a typed error.
        await #expect(throws: NetworkError.self) {
            _ = try await c.request(.establishmentChallenge, body: .map([:]), timeout: .milliseconds(200))
        }
        await arrival.next()
        // A peer that goes away: the pending request fails at once, long before its timeout.
        let pending = Task { try await c.request(.establishmentChallenge, body: .map([:]), timeout: .seconds(600)) }
        await arrival.next()  // the second request is in the server's hands
        await s.close()
        await #expect(throws: NetworkError.connectionClosed("while waiting for an answer")) { _ = try await pending.value }
    }

    @Test func nothingReadableCrossesTheWire() async throws {
        // Everything after the handshake is AEAD ciphertext: a marker sent in a request
        // never appears in the bytes a passive observer would see.
        let marker = Array("baga6ea4seaq-plaintext-marker-region-EU".utf8)
        var i = NoiseXXHandshake(role: .initiator, staticPrivateKey: Sodium.randomBytes(32))
        var r = NoiseXXHandshake(role: .responder, staticPrivateKey: Sodium.randomBytes(32))
        _ = try r.readMessage(try i.writeMessage())
        _ = try i.readMessage(try r.writeMessage())
        _ = try r.readMessage(try i.writeMessage())
        var t = try i.transport()
        let sealed = try t.send.encrypt(Envelope(type: .establishmentChallenge, requestID: 1, body: .bytes(marker)).framed)
        #expect(!sealed.indices.dropLast(marker.count).contains { Array(sealed[$0..<$0 + marker.count]) == marker })
    }

    private static func rawConnect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw NetworkError.unreachable("raw connect failed: errno \(errno)") }
        return fd
    }
}

/// A secure session whose plaintext is written and read as raw bytes, to send a server
/// what an honest client never would.
struct RawSecureSession {
    let channel: Channel
    private let received: Locked<[UInt8]>

    static func connect(port: Int, expectedPeer: NodeID, identity: KeyPair = KeyPair()) async throws -> RawSecureSession {
        let received = Locked<[UInt8]>([])
        let established = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: PublicKey.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandlers([
                        SecureChannelHandler(role: .initiator, identity: identity, expectedPeer: expectedPeer, established: established),
                        Collector(received: received),
                    ])
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        _ = try await established.futureResult.get()
        return RawSecureSession(channel: channel, received: received)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Waits until the server closes the session; returns the envelopes it sent.
    func answersUntilClosed() async throws -> [Envelope] {
        try await channel.closeFuture.get()
        var decoder = FrameDecoder()
        decoder.append(received.withLock { $0 })
        var out: [Envelope] = []
        while let body = try decoder.next() { out.append(try Envelope(decoding: body)) }
        return out
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: Locked<[UInt8]>
        init(received: Locked<[UInt8]>) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var b = unwrapInboundIn(data)
            let bytes = b.readBytes(length: b.readableBytes) ?? []
            received.withLock { $0 += bytes }
        }
    }
}

@Suite struct BadInputAnswerTests {
    private func envelope(version: UInt64, type: UInt64 = 0x100, request: UInt64 = 42) -> [UInt8] {
        Frame.encode(CBOR.map(["body": .map([:]), "type": .unsigned(type), "request": .unsigned(request), "version": .unsigned(version)]).encoded)
    }

    private func exchange(_ bytes: [UInt8]) async throws -> [Envelope] {
        let key = KeyPair()
        let server = try await RPCServer.start(host: "127.0.0.1", port: 0, identity: key) { r, _ in Envelope(InvalidMessage(reason: "served"), requestID: 0) }
        let session = try await RawSecureSession.connect(port: server.port, expectedPeer: key.publicKey.nodeID)
        try await session.send(bytes)
        let answers = try await session.answersUntilClosed()
        await server.close()
        return answers
    }

    @Test func anUnknownVersionIsAnsweredProtocolMismatchWithTheRequestID() async throws {
        let answers = try await exchange(envelope(version: 99))
        #expect(answers.map(\.type) == [.protocolMismatch])
        #expect(answers.first?.requestID == 42)
        #expect(try answers.first?.message(as: ProtocolMismatch.self).supported == ProtocolVersion.supported)
    }

    @Test func anUndecodableMessageIsAnsweredInvalidMessage() async throws {
        let answers = try await exchange(Frame.encode([0xff, 0x00, 0x13]))
        #expect(answers.map(\.type) == [.invalidMessage])
        #expect(answers.first?.requestID == 0)
        let unknownType = try await exchange(envelope(version: 1, type: 999_999, request: 7))
        #expect(unknownType.map(\.requestID) == [7])
        #expect(try unknownType.first?.message(as: InvalidMessage.self).reason == "unknown message type 999999")
    }
}

@Suite struct SessionLimitTests {
    @Test func anIdleSessionIsClosed() async throws {
        let key = KeyPair()
        let server = try await RPCServer.start(host: "127.0.0.1", port: 0, identity: key, idleTimeout: .milliseconds(300)) { _, _ in
            Envelope(InvalidMessage(reason: "served"), requestID: 0)
        }
        let session = try await RawSecureSession.connect(port: server.port, expectedPeer: key.publicKey.nodeID)
        // Nothing is sent: the server closes the session by itself.
        #expect(try await session.answersUntilClosed().isEmpty)
        await server.close()
    }

    @Test func onePeerHoldsAtMostTheLimitOfSessions() async throws {
        let key = KeyPair(), peer = KeyPair()
        let server = try await RPCServer.start(host: "127.0.0.1", port: 0, identity: key, maxSessionsPerPeer: 2) { _, _ in
            Envelope(InvalidMessage(reason: "served"), requestID: 0)
        }
        var admitted: [RPCClient] = []
        for _ in 0..<2 {
            let c = try await RPCClient.connect(host: "127.0.0.1", port: server.port, identity: peer, expectedPeer: key.publicKey.nodeID)
            _ = try await c.request(.establishmentChallenge, body: .map([:]))   // admitted and served
            admitted.append(c)
        }
        let third = try await RawSecureSession.connect(port: server.port, expectedPeer: key.publicKey.nodeID, identity: peer)
        let refusal = try await third.answersUntilClosed()
        #expect(try refusal.map { try $0.message(as: Refusal.self) }
            == [Refusal(.busy, "more than 2 sessions from \(peer.publicKey.nodeID.short); close one and retry")])
        // Another node is not affected, and the admitted sessions keep working.
        let other = try await RPCClient.connect(host: "127.0.0.1", port: server.port, identity: KeyPair(), expectedPeer: key.publicKey.nodeID)
        _ = try await other.request(.establishmentChallenge, body: .map([:]))
        for c in admitted { _ = try await c.request(.establishmentChallenge, body: .map([:])) }
        await other.close()
        for c in admitted { await c.close() }
        await server.close()
    }
}

@Suite struct OutboundBacklogTests {
    /// A peer pipelines thousands of requests and reads none of the answers: the server
    /// stops reading from it once its unsent answers pass the bound, and resumes when the
    /// peer reads.
    @Test(.timeLimit(.minutes(1))) func aPeerThatNeverReadsStallsItselfNotTheServer() async throws {
        let key = KeyPair()
        let requests = 2000
        let (pauses, paused) = AsyncStream<Void>.makeStream()
        let (done, allServed) = AsyncStream<Void>.makeStream()
        let served = Locked(0)
        let backlog = OutboundBacklog(perSessionLimit: 256 << 10, totalLimit: 64 << 20, onPause: { paused.yield() })
        let big = CBOR.map(["reason": .bytes([UInt8](repeating: 0x41, count: 16 << 10))])
        let server = try await RPCServer.start(
            host: "127.0.0.1", port: 0, identity: key, backlog: backlog,
            immediate: { request, _ in
                if served.withLock({ $0 += 1; return $0 }) == requests { allServed.yield() }
                return Envelope(type: .invalidMessage, requestID: request.requestID, body: big)
            },
            handler: { _, _ in Envelope(InvalidMessage(reason: "unused"), requestID: 0) })
        let session = try await RawSecureSession.connect(port: server.port, expectedPeer: key.publicKey.nodeID)
        try await session.channel.setOption(ChannelOptions.autoRead, value: false).get()
        var pipelined: [UInt8] = []
        for id in 1...requests { pipelined += Envelope(type: .establishmentChallenge, requestID: UInt64(id), body: .map([:])).framed }
        try await session.send(pipelined)

        var pauseEvents = pauses.makeAsyncIterator()
        _ = await pauseEvents.next()
        #expect(backlog.peakBytes <= backlog.perSessionLimit + (64 << 10), "unsent answers reached \(backlog.peakBytes) bytes")
        #expect(served.withLock { $0 } < requests)

        // The peer starts reading: every request is answered in the end.
        try await session.channel.setOption(ChannelOptions.autoRead, value: true).get()
        var finished = done.makeAsyncIterator()
        _ = await finished.next()
        #expect(backlog.peakBytes <= backlog.perSessionLimit + (64 << 10))
        await server.close()
    }

    /// A peer opens a stream, grants it all the credit a stream may have and reads
    /// nothing: the server's sender holds once the session's unsent bytes pass the bound,
    /// instead of queueing everything the credit allows, and goes on when the peer reads.
    @Test(.timeLimit(.minutes(1))) func aStreamPeerThatGrantsCreditButNeverReadsHoldsTheSender() async throws {
        let key = KeyPair()
        let total = 32 << 20
        let (events, event) = AsyncStream<String>.makeStream()
        let backlog = OutboundBacklog(perSessionLimit: 256 << 10, totalLimit: 64 << 20, onPause: { event.yield("held") })
        let server = try await RPCServer.start(
            host: "127.0.0.1", port: 0, identity: key, streams: { _, _, writer in
                let chunk = [UInt8](repeating: 0x5a, count: 64 << 10)
                for _ in 0..<(total / chunk.count) { try await writer.send(chunk) }
                event.yield("sent everything")
            }, backlog: backlog, handler: { _, _ in Envelope(InvalidMessage(reason: "unused"), requestID: 0) })
        let session = try await RawSecureSession.connect(port: server.port, expectedPeer: key.publicKey.nodeID)
        try await session.channel.setOption(ChannelOptions.autoRead, value: false).get()
        var open = StreamFrame.count(Int(Int32.max), ByteBufferAllocator())
        open.writeBytes(Envelope(type: .establishmentChallenge, requestID: 0, body: .map([:])).encoded)
        var frame = StreamFrame(kind: .open, stream: 1, payload: open).encoded(ByteBufferAllocator())
        try await session.send(frame.readBytes(length: frame.readableBytes) ?? [])

        var next = events.makeAsyncIterator()
        let first = await next.next()
        #expect(first == "held", "the sender queued \(total) bytes for a peer that reads nothing")
        #expect(backlog.peakBytes <= backlog.perSessionLimit + StreamFrame.maxData + (1 << 10),
                "unsent stream bytes reached \(backlog.peakBytes)")

        try await session.channel.setOption(ChannelOptions.autoRead, value: true).get()
        if first == "held" { while let e = await next.next(), e != "sent everything" {} }
        #expect(backlog.peakBytes <= backlog.perSessionLimit + StreamFrame.maxData + (1 << 10))
        try await session.channel.close()
        await server.close()
    }
}
