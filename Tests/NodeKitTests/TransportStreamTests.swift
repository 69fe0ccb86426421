import Foundation
import NIOCore
import NodeKitTesting
import Testing
@testable import NodeKit

/// Ordered streams through the `Transport` abstraction and the `RequestRouter`, as a node
/// serves them: the same outcomes, error texts included, over real loopback sessions and
/// in memory.
@Suite(.timeLimit(.minutes(1))) struct TransportStreamTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case loopback, memory
        var testDescription: String { rawValue }
    }

    /// The byte at offset `i` of a test stream: a pattern that exposes any loss, repeat or reordering.
    private static func pattern(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: i &* 31 &+ i >> 13) }

    private static func chunk(from offset: Int, count: Int) -> [UInt8] { (offset..<offset + count).map(pattern) }

    /// A listener serving a router's streams, and a session to it.
    private struct Served {
        let transport: any Transport
        let listener: any Listener
        let session: any PeerSession
        let client: KeyPair

        func close() async {
            await session.close()
            await listener.close()
        }
    }

    /// Listens on `kind`'s transport with a router that `install` fills, as `Node.start` does,
    /// and opens a session to it.
    private func serve(_ kind: Kind, _ install: (RequestRouter) -> Void) async throws -> Served {
        let router = RequestRouter()
        install(router)
        let transport: any Transport = kind == .loopback ? TCPTransport() : InMemoryTransport()
        let host = kind == .loopback ? "127.0.0.1" : InMemoryTransport.host
        let server = KeyPair()
        let listener = try await transport.listen(
            on: NodeAddress(host: host, port: 0), identity: server, immediate: nil,
            streams: { request, peer, sender in try await router.answerStream(request, from: peer, to: sender) }
        ) { request, peer in await router.answer(request, from: peer) }
        let client = KeyPair()
        let session = try await transport.connect(to: listener.address, identity: client, expectedPeer: server.publicKey.nodeID, timeout: .seconds(5))
        return Served(transport: transport, listener: listener, session: session, client: client)
    }

    /// A stream handler that sends until `send` fails, and reports how it failed.
    private static func sendingUntilStopped(report: AsyncStream<String>.Continuation) -> RequestRouter.StreamHandler<ListNodes> {
        { _, _, sender in
            do {
                while true { try await sender.send([UInt8](repeating: 1, count: 4096)) }
            } catch {
                report.yield("\(error)")
                throw error
            }
        }
    }

    @Test(arguments: Kind.allCases)
    func aRoutedStreamArrivesInOrderAndEnds(_ kind: Kind) async throws {
        let total = 3 << 20
        let caller = Locked<PublicKey?>(nil)
        let s = try await serve(kind) { router in
            router.onStream(ListNodes.self) { message, peer, sender in
                #expect(message.region == "eu")
                caller.withLock { $0 = peer }
                var sent = 0
                var size = 1
                while sent < total {
                    let n = min(size, total - sent)
                    try await sender.send(Self.chunk(from: sent, count: n))
                    sent += n
                    size = size * 3 % 300_007 + 1   // sizes from 1 byte to ~300 KB, past the window
                }
            }
        }
        var received = 0
        for try await var chunk in try await s.session.stream(ListNodes(region: "eu"), window: 256 << 10) {
            let bytes = chunk.readBytes(length: chunk.readableBytes)!
            #expect(bytes == Self.chunk(from: received, count: bytes.count), "bytes at \(received) out of order")
            received += bytes.count
        }
        #expect(received == total)
        #expect(caller.withLock { $0 } == s.client.publicKey)
        await s.close()
    }

    @Test(arguments: Kind.allCases)
    func refusalsReachTheClientTypedAfterTheBytesSent(_ kind: Kind) async throws {
        struct Internal: Error {}
        let s = try await serve(kind) { router in
            router.onStream(ListNodes.self) { message, _, sender in
                try await sender.send([1, 2, 3])
                if message.region == "internal" { throw Internal() }
                throw RegisterError.unknownNode("fidx")
            }
        }
        var got: [UInt8] = []
        let refused = await #expect(throws: Refusal.self) {
            for try await var chunk in try await s.session.stream(ListNodes()) { got += chunk.readBytes(length: chunk.readableBytes)! }
        }
        #expect(got == [1, 2, 3])
        #expect(refused == RegisterError.unknownNode("fidx").refusal)
        // An error that is no refusal is logged on the node and refused without its internals.
        let failed = await #expect(throws: Refusal.self) {
            for try await _ in try await s.session.stream(ListNodes(region: "internal")) {}
        }
        #expect(failed == Refusal(.failed, "ListNodes failed on the node; its log says why"))
        // A request that does not decode.
        let bad = await #expect(throws: Refusal.self) {
            for try await _ in try await s.session.openStream(.listNodes, body: .text("x"), window: 4096) {}
        }
        #expect(bad?.code == .invalidMessage)
        await s.close()
    }

    @Test(arguments: Kind.allCases)
    func unservedStreamsAreRefusedAsNotServed(_ kind: Kind) async throws {
        let s = try await serve(kind) { router in router.onStream(ListNodes.self) { _, _, _ in } }
        let unknown = await #expect(throws: Refusal.self) {
            for try await _ in try await s.session.stream(DeregisterNode(node: s.client.publicKey.nodeID)) {}
        }
        #expect(unknown == Refusal(.notServed, "DeregisterNode is not served as a stream by this node"))
        await s.close()
        // A listener without a stream service refuses every stream.
        let server = KeyPair()
        let host = kind == .loopback ? "127.0.0.1" : InMemoryTransport.host
        let listener = try await s.transport.listen(on: NodeAddress(host: host, port: 0), identity: server) { request, _ in
            Envelope(Refusal(.notServed, "no requests"), requestID: request.requestID)
        }
        let session = try await s.transport.connect(to: listener.address, identity: KeyPair(), expectedPeer: nil, timeout: .seconds(5))
        await #expect(throws: Refusal.streamsNotServed) {
            for try await _ in try await session.stream(ListNodes()) {}
        }
        await session.close()
        await listener.close()
    }

    @Test(arguments: Kind.allCases)
    func cancellingTheStreamFailsTheSendersNextSend(_ kind: Kind) async throws {
        let (outcome, report) = AsyncStream<String>.makeStream()
        let s = try await serve(kind) { router in router.onStream(ListNodes.self, Self.sendingUntilStopped(report: report)) }
        let stream = try await s.session.stream(ListNodes(), window: 16 << 10)
        var iterator = stream.makeAsyncIterator()
        _ = try await iterator.next()
        stream.cancel()
        await #expect(throws: NetworkError.streamCancelled("by this side")) {
            while try await iterator.next() != nil {}
        }
        var reports = outcome.makeAsyncIterator()
        #expect(await reports.next() == "stream cancelled by the peer: cancelled by the receiver")
        await s.close()
    }

    @Test(arguments: Kind.allCases)
    func cancellingTheConsumingTaskFailsTheSendersNextSend(_ kind: Kind) async throws {
        let (outcome, report) = AsyncStream<String>.makeStream()
        let s = try await serve(kind) { router in router.onStream(ListNodes.self, Self.sendingUntilStopped(report: report)) }
        let stream = try await s.session.stream(ListNodes(), window: 16 << 10)
        let (taken, took) = AsyncStream<Void>.makeStream()
        let consumer = Task {
            for try await _ in stream { took.yield() }
        }
        var chunks = taken.makeAsyncIterator()
        _ = await chunks.next()
        consumer.cancel()
        // The consumer does not mistake the cut stream for a complete one.
        await #expect(throws: CancellationError.self) { try await consumer.value }
        var reports = outcome.makeAsyncIterator()
        #expect(await reports.next() == "stream cancelled by the peer: cancelled by the receiver")
        await s.close()
    }

    @Test func inMemoryTheWindowBoundsWhatWaitsUnread() async throws {
        let (window, piece, pieces) = (8 << 10, 3 << 10, 16)
        let sent = Locked(0)
        let s = try await serve(.memory) { router in
            router.onStream(ListNodes.self) { _, _, sender in
                for _ in 0..<pieces {
                    try await sender.send([UInt8](repeating: 5, count: piece))
                    sent.withLock { $0 += piece }
                }
            }
        }
        let transport = try #require(s.transport as? InMemoryTransport)
        var held = transport.sendersHeld.makeAsyncIterator()
        let stream = try await s.session.stream(ListNodes(), window: window)
        // Nothing read yet: the sender handed over two pieces and what fits of a third, and waits.
        #expect(await held.next() == window)
        #expect(sent.withLock { $0 } == 2 * piece)
        var consumed = 0
        for try await chunk in stream {
            consumed += chunk.readableBytes
            let ahead = sent.withLock { $0 } - consumed
            #expect(ahead <= window, "the sender is \(ahead) bytes ahead of the consumer")
        }
        #expect(consumed == piece * pieces)
        await s.close()
    }

    @Test(arguments: Kind.allCases)
    func closingTheListenerEndsItsStreamsAtBothEnds(_ kind: Kind) async throws {
        let (outcome, report) = AsyncStream<String>.makeStream()
        let s = try await serve(kind) { router in router.onStream(ListNodes.self, Self.sendingUntilStopped(report: report)) }
        var iterator = try await s.session.stream(ListNodes(), window: 8 << 10).makeAsyncIterator()
        _ = try await iterator.next()
        await s.listener.close()
        await #expect(throws: NetworkError.connectionClosed("while receiving a stream")) {
            while try await iterator.next() != nil {}
        }
        var reports = outcome.makeAsyncIterator()
        #expect(await reports.next() == "connection closed while sending a stream")
        await #expect(throws: NetworkError.connectionClosed("before the stream opened")) {
            _ = try await s.session.stream(ListNodes())
        }
        await s.session.close()
    }

    @Test(arguments: Kind.allCases)
    func closingTheSessionEndsItsStreamsAtBothEnds(_ kind: Kind) async throws {
        let (outcome, report) = AsyncStream<String>.makeStream()
        let s = try await serve(kind) { router in router.onStream(ListNodes.self, Self.sendingUntilStopped(report: report)) }
        var iterator = try await s.session.stream(ListNodes(), window: 8 << 10).makeAsyncIterator()
        _ = try await iterator.next()
        await s.session.close()
        await #expect(throws: NetworkError.connectionClosed("while receiving a stream")) {
            while try await iterator.next() != nil {}
        }
        var reports = outcome.makeAsyncIterator()
        #expect(await reports.next() == "connection closed while sending a stream")
        await #expect(throws: NetworkError.connectionClosed("before the stream opened")) {
            _ = try await s.session.stream(ListNodes())
        }
        await s.listener.close()
    }

    @Test(arguments: Kind.allCases)
    func aNodeServesTheStreamsItsServicesInstall(_ kind: Kind) async throws {
        try await TestSupport.withTemporaryDirectoryAsync { root in
            let directory = DataDirectory(path: root + "/node")
            try directory.create()
            var config = NodeConfig()
            config.node.listen = kind == .loopback ? "127.0.0.1:0" : "\(InMemoryTransport.host):0"
            let transport: any Transport = kind == .loopback ? TCPTransport() : InMemoryTransport()
            let node = try Node(directory: directory, identity: KeyPair(), config: config, transport: transport)
            node.router.onStream(ListNodes.self) { _, _, sender in try await sender.send(Self.chunk(from: 0, count: 1000)) }
            try await node.start()
            let address = try #require(node.listenAddress)
            // Under a loaded suite the server may drop a session whose handshake it finished
            // after its 10 s limit (the client is done earlier): open another then.
            var session = try await transport.connect(to: address, identity: KeyPair(), expectedPeer: node.identity.nodeID, timeout: .seconds(5))
            let stream: ByteStream
            do {
                stream = try await session.stream(ListNodes())
            } catch NetworkError.connectionClosed {
                session = try await transport.connect(to: address, identity: KeyPair(), expectedPeer: node.identity.nodeID, timeout: .seconds(5))
                stream = try await session.stream(ListNodes())
            }
            var got: [UInt8] = []
            for try await var chunk in stream { got += chunk.readBytes(length: chunk.readableBytes)! }
            #expect(got == Self.chunk(from: 0, count: 1000))
            await session.close()
            await node.stop()
        }
    }
}
