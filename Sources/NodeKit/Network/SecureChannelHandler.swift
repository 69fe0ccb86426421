import NIOCore

/// Runs a `SecureHandshake` over a TCP channel, then encrypts everything written and
/// decrypts everything read (Noise transport messages, each behind a 2-byte big-endian
/// length, at most 65535 bytes).
///
/// Writes made before the handshake completes are held and sent once it does. Any
/// failure — a bad handshake message, a frame that does not authenticate (altered,
/// replayed, reordered), a peer other than the one expected — closes the connection.
/// Inbound buffering is bounded by one frame.
final class SecureChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Largest plaintext per transport message.
    static let maxPlaintext = NoisePrimitives.maxMessageLength - NoisePrimitives.tagLength

    private var handshake: SecureHandshake
    private var transport: NoiseXXHandshake.Transport?
    private var inbound = ByteBuffer()
    private var pending: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    private let role: NoiseXXHandshake.Role
    private let established: EventLoopPromise<PublicKey>

    init(role: NoiseXXHandshake.Role, identity: KeyPair, expectedPeer: NodeID?, established: EventLoopPromise<PublicKey>) {
        self.role = role
        self.handshake = SecureHandshake(role: role, identity: identity, expectedPeer: expectedPeer)
        self.established = established
    }

    func channelActive(context: ChannelHandlerContext) {
        if role == .initiator {
            do {
                if let first = try handshake.step(received: nil) { writeFrame(first, context: context, promise: nil) }
                context.flush()
            } catch {
                fail(error, context: context)
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        inbound.writeBuffer(&bytes)
        do {
            while let length = inbound.getInteger(at: inbound.readerIndex, as: UInt16.self),
                  inbound.readableBytes >= 2 + Int(length) {
                inbound.moveReaderIndex(forwardBy: 2)
                let frame = inbound.readBytes(length: Int(length)) ?? []
                try handle(frame, context: context)
            }
            inbound.discardReadBytes()
        } catch {
            fail(error, context: context)
        }
    }

    private func handle(_ frame: [UInt8], context: ChannelHandlerContext) throws {
        if var t = transport {
            let plaintext = try t.receive.decrypt(frame)
            transport = t
            context.fireChannelRead(wrapInboundOut(ByteBuffer(bytes: plaintext)))
            return
        }
        if let reply = try handshake.step(received: frame) {
            writeFrame(reply, context: context, promise: nil)
            context.flush()
        }
        if handshake.isComplete {
            let session = try handshake.session()
            transport = session.transport
            established.succeed(session.peer)
            let queued = pending
            pending = []
            for (buffer, promise) in queued { encryptAndWrite(buffer, context: context, promise: promise) }
            context.flush()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        if transport == nil {
            pending.append((buffer, promise))
        } else {
            encryptAndWrite(buffer, context: context, promise: promise)
        }
    }

    private func encryptAndWrite(_ buffer: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard var t = transport else { return }
        var rest = buffer
        do {
            while rest.readableBytes > 0 {
                let chunk = rest.readBytes(length: min(rest.readableBytes, Self.maxPlaintext)) ?? []
                let sealed = try t.send.encrypt(chunk)
                writeFrame(sealed, context: context, promise: rest.readableBytes == 0 ? promise : nil)
            }
            transport = t
        } catch {
            promise?.fail(error)
            fail(error, context: context)
        }
    }

    private func writeFrame(_ bytes: [UInt8], context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        var out = context.channel.allocator.buffer(capacity: bytes.count + 2)
        out.writeInteger(UInt16(bytes.count))
        out.writeBytes(bytes)
        context.write(wrapOutboundOut(out), promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        established.fail(NetworkError.connectionClosed("before the secure session was established"))
        for (_, promise) in pending { promise?.fail(NetworkError.connectionClosed("before the secure session was established")) }
        pending = []
        context.fireChannelInactive()
    }

    private func fail(_ error: Error, context: ChannelHandlerContext) {
        established.fail(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}
