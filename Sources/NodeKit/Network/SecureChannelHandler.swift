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
    /// Plaintext per transport message this side sends: the most whose length ‖ ciphertext
    /// ‖ tag fills a 64 KiB buffer. (Buffers are allocated in powers of two: one byte more
    /// and every message would take 128 KiB.)
    static let sendPlaintext = (64 << 10) - 2 - NoisePrimitives.tagLength

    private var handshake: SecureHandshake
    private var transport: NoiseXXHandshake.Transport?
    /// Handshake bytes received so far.
    private var inbound = ByteBuffer()
    /// The first byte of a transport frame's length, when a read ended between its two.
    private var lengthByte: UInt8?
    /// The plaintext so far of the transport frame a read ended inside, decrypted piece by
    /// piece into a buffer sized for the whole frame, and the frame's ciphertext bytes still
    /// to come (the tag, gathered in `partialTag`, follows them).
    private var partial: ByteBuffer?
    private var partialCiphertextLeft = 0
    private var partialTag: [UInt8] = []
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
        do {
            if transport == nil {
                inbound.writeBuffer(&bytes)
                while transport == nil, let length = inbound.getInteger(at: inbound.readerIndex, as: UInt16.self),
                      inbound.readableBytes >= 2 + Int(length) {
                    inbound.moveReaderIndex(forwardBy: 2)
                    try handshakeFrame(inbound.readBytes(length: Int(length)) ?? [], context: context)
                }
                guard transport != nil else {
                    inbound.discardReadBytes()
                    return
                }
                // Transport frames sent right behind the last handshake message.
                bytes = inbound
                inbound = ByteBuffer()
            }
            try receiveTransport(&bytes, context: context)
        } catch {
            fail(error, context: context)
        }
    }

    /// Opens the transport frames in `bytes`, each passed on as one buffer of plaintext
    /// once its tag verifies. A frame that lies whole in `bytes` is decrypted straight out
    /// of it; one that spans reads is decrypted piece by piece as its bytes arrive, each
    /// straight out of its read, so no frame is copied before it is decrypted.
    private func receiveTransport(_ bytes: inout ByteBuffer, context: ChannelHandlerContext) throws {
        while bytes.readableBytes > 0 {
            guard partial != nil else {
                let length: Int
                if let first = lengthByte {
                    length = Int(first) << 8 | Int(bytes.readInteger(as: UInt8.self)!)
                    lengthByte = nil
                } else if bytes.readableBytes == 1 {
                    lengthByte = bytes.readInteger(as: UInt8.self)
                    return
                } else {
                    length = Int(bytes.readInteger(as: UInt16.self)!)
                }
                if bytes.readableBytes >= length {
                    try openTransportFrame(bytes.readSlice(length: length)!, context: context)
                } else {
                    try beginPartialFrame(length: length, context: context)
                }
                continue
            }
            if partialCiphertextLeft > 0 {
                let n = min(partialCiphertextLeft, bytes.readableBytes)
                let receive = transport!.receive
                partial!.writeWithUnsafeMutableBytes(minimumWritableBytes: n) { out in
                    bytes.withUnsafeReadableBytes { receive.openPiece(UnsafeRawBufferPointer(rebasing: $0.prefix(n)), into: out) }
                    return n
                }
                bytes.moveReaderIndex(forwardBy: n)
                partialCiphertextLeft -= n
                continue
            }
            partialTag += bytes.readBytes(length: min(NoisePrimitives.tagLength - partialTag.count, bytes.readableBytes))!
            if partialTag.count == NoisePrimitives.tagLength {
                try transport!.receive.finishOpening(tag: partialTag)
                let plain = partial!
                partial = nil
                context.fireChannelRead(wrapInboundOut(plain))
            }
        }
    }

    /// Begins a transport frame of `length` bytes that the current read holds only part of.
    private func beginPartialFrame(length: Int, context: ChannelHandlerContext) throws {
        guard length >= NoisePrimitives.tagLength, let t = transport else { throw NoiseError.decryptionFailed }
        try t.receive.beginOpening()
        partial = context.channel.allocator.buffer(capacity: length - NoisePrimitives.tagLength)
        partialCiphertextLeft = length - NoisePrimitives.tagLength
        partialTag = []
    }

    /// Decrypts one transport frame from `ciphertext` into a new buffer and passes it on.
    private func openTransportFrame(_ ciphertext: ByteBuffer, context: ChannelHandlerContext) throws {
        guard var t = transport, ciphertext.readableBytes >= NoisePrimitives.tagLength else { throw NoiseError.decryptionFailed }
        let capacity = ciphertext.readableBytes - NoisePrimitives.tagLength
        var plain = context.channel.allocator.buffer(capacity: capacity)
        try plain.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { out in
            try ciphertext.withUnsafeReadableBytes { try t.receive.open($0, into: out) }
        }
        transport = t
        context.fireChannelRead(wrapInboundOut(plain))
    }

    private func handshakeFrame(_ frame: [UInt8], context: ChannelHandlerContext) throws {
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

    /// Seals `buffer` as transport frames of at most `sendPlaintext` bytes of plaintext,
    /// each written straight into its outgoing buffer.
    private func encryptAndWrite(_ buffer: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard var t = transport else { return }
        var rest = buffer
        do {
            while rest.readableBytes > 0 {
                let n = min(rest.readableBytes, Self.sendPlaintext)
                var out = context.channel.allocator.buffer(capacity: n + NoisePrimitives.tagLength + 2)
                out.writeInteger(UInt16(n + NoisePrimitives.tagLength))
                try out.writeWithUnsafeMutableBytes(minimumWritableBytes: n + NoisePrimitives.tagLength) { dst in
                    try rest.withUnsafeReadableBytes { src in
                        try t.send.seal(UnsafeRawBufferPointer(rebasing: src[0..<n]), into: dst)
                    }
                }
                rest.moveReaderIndex(forwardBy: n)
                context.write(wrapOutboundOut(out), promise: rest.readableBytes == 0 ? promise : nil)
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
