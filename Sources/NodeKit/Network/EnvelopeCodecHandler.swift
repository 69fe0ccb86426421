import NIOCore

/// Turns the decrypted byte stream into `Envelope`s and back, using the wire framing
/// (4-byte length, bounded body). A frame or envelope that does not decode ends the
/// connection with the typed `WireError`.
final class EnvelopeCodecHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Envelope
    typealias OutboundIn = Envelope
    typealias OutboundOut = ByteBuffer

    private var decoder: FrameDecoder

    init(maxBodySize: Int = Frame.defaultMaxBodySize) {
        decoder = FrameDecoder(maxBodySize: maxBodySize)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        decoder.append(buffer.readBytes(length: buffer.readableBytes) ?? [])
        do {
            while let body = try decoder.next() {
                context.fireChannelRead(wrapInboundOut(try Envelope(decoding: body)))
            }
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let framed = unwrapOutboundIn(data).framed
        var out = context.channel.allocator.buffer(capacity: framed.count)
        out.writeBytes(framed)
        context.write(wrapOutboundOut(out), promise: promise)
    }
}
