import Foundation
import NIOCore
import NIOPosix

/// Measurements of the transport on loopback, for `filtop bench network`: bulk bytes
/// through raw TCP and through a secure session in the same run, and small
/// request/response round trips over a pool of secure sessions.
public enum TransportBenchmark {
    /// Bytes per second moved through plain TCP sockets (one writer, one reader thread).
    public static func rawTCP(bytes: Int, chunk: Int = 1 << 20) async throws -> Double {
        let done = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Void.self)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(ByteCounter(expected: bytes, done: done)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: server.localAddress!.port!).get()
        let start = ContinuousClock.now
        try await write(bytes, chunk: chunk, to: client)
        try await done.futureResult.get()
        let elapsed = ContinuousClock.now - start
        try await client.close()
        return Double(bytes) / elapsed.seconds
    }

    /// Bytes per second moved through a Noise XX session (AES-256-GCM) on loopback.
    public static func secureSession(bytes: Int, chunk: Int = 1 << 20) async throws -> Double {
        let serverKey = KeyPair(), clientKey = KeyPair()
        let done = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Void.self)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandlers([
                        SecureChannelHandler(role: .responder, identity: serverKey, expectedPeer: nil,
                                             established: ch.eventLoop.makePromise(of: PublicKey.self)),
                        ByteCounter(expected: bytes, done: done),
                    ])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let established = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: PublicKey.self)
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(
                        SecureChannelHandler(role: .initiator, identity: clientKey, expectedPeer: serverKey.publicKey.nodeID, established: established))
                }
            }
            .connect(host: "127.0.0.1", port: server.localAddress!.port!).get()
        _ = try await established.futureResult.get()
        let start = ContinuousClock.now
        try await write(bytes, chunk: chunk, to: client)
        try await done.futureResult.get()
        let elapsed = ContinuousClock.now - start
        try await client.close()
        return Double(bytes) / elapsed.seconds
    }

    /// Request/response round trips per second over `sessions` pooled secure sessions,
    /// each keeping `depth` requests in flight, for `seconds`.
    public static func roundTrips(seconds: Double, sessions: Int = 4, depth: Int = 32) async throws -> Double {
        let key = KeyPair()
        let server = try await RPCServer.start(
            host: "127.0.0.1", port: 0, identity: key,
            immediate: { request, _ in Envelope(type: .registerAck, requestID: request.requestID, body: request.body) },
            handler: { request, _ in Envelope(type: .registerAck, requestID: request.requestID, body: request.body) })
        var pool: [RPCClient] = []
        for _ in 0..<sessions {
            pool.append(try await RPCClient.connect(host: "127.0.0.1", port: server.port, identity: KeyPair(), expectedPeer: key.publicKey.nodeID))
        }
        let body = RegisterAck(node: key.publicKey.nodeID, sequence: 1).body
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in pool {
                for _ in 0..<depth {
                    group.addTask {
                        var n = 0
                        while ContinuousClock.now < deadline {
                            _ = try await client.request(.registerNode, body: body)
                            n += 1
                        }
                        return n
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        for c in pool { await c.close() }
        await server.close()
        return Double(total) / elapsed.seconds
    }

    private static func write(_ bytes: Int, chunk: Int, to channel: Channel) async throws {
        var buffer = channel.allocator.buffer(capacity: chunk)
        buffer.writeRepeatingByte(0x5a, count: chunk)
        var sent = 0
        while sent < bytes {
            let n = min(chunk, bytes - sent)
            // Wait for each write so the sender never queues more than a few chunks.
            try await channel.writeAndFlush(buffer.getSlice(at: 0, length: n)!).get()
            sent += n
        }
    }
}

/// Counts bytes arriving on a channel and completes `done` once `expected` have arrived.
private final class ByteCounter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let expected: Int
    private let done: EventLoopPromise<Void>
    private var received = 0

    init(expected: Int, done: EventLoopPromise<Void>) {
        self.expected = expected
        self.done = done
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytes
        if received >= expected { done.succeed(()) }
    }
}
