import Foundation
import NIOCore
import NIOPosix

/// Measurements of the transport on loopback, for `filtop bench network`: bulk bytes
/// through raw TCP and through a secure ordered stream in the same run, and small
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

    /// Bytes per second moved through an ordered stream (credit flow control) over a Noise
    /// XX session (AES-256-GCM) on loopback: a server streams `bytes` to a client that
    /// opened the stream with a `window`-byte window. The sender and the consumer run on
    /// their sessions' event loops (`SessionExecutor`), so a chunk costs no thread wake-up.
    public static func secureStream(bytes: Int, chunk: Int = 1 << 20, window: Int = 4 << 20) async throws -> Double {
        let key = KeyPair()
        let server = try await RPCServer.start(
            host: "127.0.0.1", port: 0, identity: key,
            streams: { _, _, writer in
                try await withTaskExecutorPreference(writer.executor) {
                    let buffer = ByteBuffer(repeating: 0x5a, count: chunk)
                    var sent = 0
                    while sent < bytes {
                        let n = min(chunk, bytes - sent)
                        try await writer.send(buffer.getSlice(at: 0, length: n)!)
                        sent += n
                    }
                }
            },
            handler: { request, _ in Envelope(type: .registerAck, requestID: request.requestID, body: request.body) })
        let client = try await RPCClient.connect(host: "127.0.0.1", port: server.port, identity: KeyPair(), expectedPeer: key.publicKey.nodeID)
        let start = ContinuousClock.now
        let stream = try await client.openStream(.registerNode, body: .map([:]), window: window)
        let received = try await withTaskExecutorPreference(stream.executor) {
            var received = 0
            for try await part in stream { received += part.readableBytes }
            return received
        }
        let elapsed = ContinuousClock.now - start
        await client.close()
        await server.close()
        guard received == bytes else { throw NetworkError.protocolViolation("stream delivered \(received) of \(bytes) bytes") }
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
