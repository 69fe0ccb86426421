import NIOCore
import Testing
@testable import NodeKit

/// Ordered streams over real loopback sessions, beside ordinary requests.
@Suite(.serialized) struct StreamTests {
    /// The byte at offset `i` of a test stream: a pattern that exposes any loss, repeat or reordering.
    private static func pattern(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: i &* 31 &+ i >> 13) }

    private static func chunk(from offset: Int, count: Int) -> [UInt8] { (offset..<offset + count).map(pattern) }

    private struct Pair {
        let server: RPCServer
        let client: RPCClient
        func close() async {
            await client.close()
            await server.close()
        }
    }

    private func pair(_ streams: @escaping RPCServer.StreamHandler) async throws -> Pair {
        let key = KeyPair()
        let server = try await RPCServer.start(host: "127.0.0.1", port: 0, identity: key, streams: streams) { request, _ in
            Envelope(InvalidMessage(reason: "echo \(request.type)"), requestID: 0)
        }
        let client = try await RPCClient.connect(host: "127.0.0.1", port: server.port, identity: KeyPair(), expectedPeer: key.publicKey.nodeID)
        return Pair(server: server, client: client)
    }

    @Test func manyMegabytesArriveInOrderBesideRequests() async throws {
        let total = 8 << 20
        let p = try await pair { _, _, writer in
            var sent = 0
            var size = 1
            while sent < total {
                let n = min(size, total - sent)
                try await writer.send(Self.chunk(from: sent, count: n))
                sent += n
                size = size * 3 % 300_007 + 1   // sizes from 1 byte to ~300 KB, crossing frame limits
            }
        }
        let stream = try await p.client.openStream(.establishmentChallenge, body: .map([:]), window: 256 << 10)
        var received = 0
        var requestsAnswered = 0
        for try await var chunk in stream {
            let bytes = chunk.readBytes(length: chunk.readableBytes)!
            #expect(bytes == Self.chunk(from: received, count: bytes.count), "bytes at \(received) out of order")
            received += bytes.count
            // Requests keep flowing on the same session while the stream is running.
            if received / (1 << 20) > requestsAnswered {
                let answer = try await p.client.request(.establishmentChallenge, body: .map([:]))
                #expect(try answer.message(as: InvalidMessage.self).reason == "echo EstablishmentChallenge")
                requestsAnswered += 1
            }
        }
        #expect(received == total)
        #expect(requestsAnswered == 8)
        await p.close()
    }

    @Test func aSlowConsumerHoldsTheSenderWithinItsWindow() async throws {
        let window = 64 << 10
        let sent = Locked(0)
        let p = try await pair { _, _, writer in
            for _ in 0..<256 {
                try await writer.send([UInt8](repeating: 7, count: 16 << 10))
                sent.withLock { $0 += 16 << 10 }
            }
        }
        let stream = try await p.client.openStream(.establishmentChallenge, body: .map([:]), window: window)
        var consumed = 0
        var peak = 0
        for try await chunk in stream {
            consumed += chunk.readableBytes
            // Whatever the sender has handed over is either consumed or within the window.
            let ahead = sent.withLock { $0 } - consumed
            peak = max(peak, ahead)
            #expect(ahead <= window, "the sender is \(ahead) bytes ahead of the consumer")
            await Task.yield()
        }
        #expect(consumed == 256 << 14)
        #expect(peak > 0)
        await p.close()
    }

    @Test func theReceiverCancelsAndTheSenderIsTold() async throws {
        let (outcome, reported) = AsyncStream<String>.makeStream()
        let p = try await pair { _, _, writer in
            do {
                while true { try await writer.send([UInt8](repeating: 1, count: 4096)) }
            } catch {
                reported.yield("\(error)")
                throw error
            }
        }
        let stream = try await p.client.openStream(.establishmentChallenge, body: .map([:]), window: 16 << 10)
        var iterator = stream.makeAsyncIterator()
        _ = try await iterator.next()
        stream.cancel()
        await #expect(throws: NetworkError.streamCancelled("by this side")) {
            while try await iterator.next() != nil {}
        }
        var reports = outcome.makeAsyncIterator()
        #expect(await reports.next() == "stream cancelled by the peer: cancelled by the receiver")
        // The session itself goes on.
        _ = try await p.client.request(.establishmentChallenge, body: .map([:]))
        await p.close()
    }

    @Test func theSenderAbandonsWithAReason() async throws {
        struct OutOfBlocks: Error, CustomStringConvertible { var description: String { "block 3 is missing" } }
        let p = try await pair { _, _, writer in
            try await writer.send([1, 2, 3])
            throw OutOfBlocks()
        }
        let stream = try await p.client.openStream(.establishmentChallenge, body: .map([:]))
        var got: [UInt8] = []
        await #expect(throws: NetworkError.streamCancelled("by the peer: block 3 is missing")) {
            for try await var chunk in stream { got += chunk.readBytes(length: chunk.readableBytes)! }
        }
        #expect(got == [1, 2, 3])
        await p.close()
    }

    @Test func aServerWithoutStreamsRefusesThem() async throws {
        let key = KeyPair()
        let server = try await RPCServer.start(host: "127.0.0.1", port: 0, identity: key) { request, _ in
            Envelope(InvalidMessage(reason: "no"), requestID: 0)
        }
        let client = try await RPCClient.connect(host: "127.0.0.1", port: server.port, identity: KeyPair(), expectedPeer: key.publicKey.nodeID)
        let stream = try await client.openStream(.establishmentChallenge, body: .map([:]))
        await #expect(throws: Refusal.streamsNotServed) {
            for try await _ in stream {}
        }
        await client.close()
        await server.close()
    }

    @Test func peerDeathEndsBothEndsWithATypedError() async throws {
        // The server dies mid-stream: the receiver's iteration fails at once.
        let (started, begin) = AsyncStream<Void>.makeStream()
        let (senderOutcome, report) = AsyncStream<String>.makeStream()
        let p = try await pair { _, _, writer in
            try await writer.send([9])
            begin.yield()
            do {
                while true { try await writer.send([UInt8](repeating: 9, count: 4096)) }
            } catch {
                report.yield("\(error)")
                throw error
            }
        }
        let stream = try await p.client.openStream(.establishmentChallenge, body: .map([:]), window: 8 << 10)
        var iterator = stream.makeAsyncIterator()
        var starts = started.makeAsyncIterator()
        _ = await starts.next()
        // The receiver's session goes away: the sender learns it from `send`.
        await p.client.close()
        var outcomes = senderOutcome.makeAsyncIterator()
        #expect(await outcomes.next() == "connection closed while sending a stream")
        await #expect(throws: NetworkError.connectionClosed("while receiving a stream")) {
            while try await iterator.next() != nil {}
        }
        await p.server.close()
    }

    @Test func theServerGoingAwayFailsTheReceiver() async throws {
        let (started, begin) = AsyncStream<Void>.makeStream()
        let p = try await pair { _, _, writer in
            try await writer.send([9])
            begin.yield()
            for await _ in AsyncStream<Void>.makeStream().stream {}   // holds the stream open
        }
        let stream = try await p.client.openStream(.establishmentChallenge, body: .map([:]))
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next()?.readableBytes == 1)
        var starts = started.makeAsyncIterator()
        _ = await starts.next()
        await p.server.close()
        await #expect(throws: NetworkError.connectionClosed("while receiving a stream")) {
            while try await iterator.next() != nil {}
        }
        await p.client.close()
    }
}
