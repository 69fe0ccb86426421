import NIOCore

/// Turns the decrypted byte stream into `Envelope`s and back, using the wire framing
/// (4-byte length, bounded body).
///
/// Input that does not decode ends the connection. On the answering side
/// (`answersBadInput`, the server) the peer is first told why, as PROTOCOL.md §6 says: an
/// envelope of a version this node does not speak gets `ProtocolMismatch`, anything else
/// that does not decode gets `InvalidMessage`, each with the request ID when it could be
/// read (0 otherwise). The client side just closes with the typed `WireError`.
final class EnvelopeCodecHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Envelope
    typealias OutboundIn = Envelope
    typealias OutboundOut = ByteBuffer

    private var decoder: FrameDecoder
    private let answersBadInput: Bool
    private var failed = false

    init(maxBodySize: Int = Frame.defaultMaxBodySize, answersBadInput: Bool = false) {
        decoder = FrameDecoder(maxBodySize: maxBodySize)
        self.answersBadInput = answersBadInput
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var buffer = unwrapInboundIn(data)
        decoder.append(buffer.readBytes(length: buffer.readableBytes) ?? [])
        var body: [UInt8] = []
        do {
            while let next = try decoder.next() {
                body = next
                context.fireChannelRead(wrapInboundOut(try Envelope(decoding: body)))
            }
        } catch {
            failed = true
            guard answersBadInput else {
                context.fireErrorCaught(error)
                context.close(promise: nil)
                return
            }
            let answer = Self.answer(to: error, body: body)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(Self.frame(answer, channel.allocator))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    /// What to tell a peer whose input failed with `error`; `body` is the frame body that
    /// failed to decode (empty when the framing itself failed).
    static func answer(to error: Error, body: [UInt8]) -> Envelope {
        let error = error as? WireError ?? .invalidMessage("\(error)")
        let requestID = (try? CBORDecoder.decode(body, limits: Envelope.decodeLimits))?.mapValue?["request"]?.unsignedValue ?? 0
        if case .protocolMismatch = error { return Envelope(ProtocolMismatch(), requestID: requestID) }
        return Envelope(InvalidMessage(error), requestID: requestID)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(wrapOutboundOut(Self.frame(unwrapOutboundIn(data), context.channel.allocator)), promise: promise)
    }

    private static func frame(_ envelope: Envelope, _ allocator: ByteBufferAllocator) -> ByteBuffer {
        let framed = envelope.framed
        var out = allocator.buffer(capacity: framed.count)
        out.writeBytes(framed)
        return out
    }
}
