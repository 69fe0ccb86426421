import NIOCore

/// Separates stream frames from envelope frames in a session's plaintext, and keeps the
/// state of the session's ordered streams: credit on the sending side, the consumer's
/// buffer and its grants on the receiving side.
///
/// Envelope frames pass through to the envelope codec as their bytes arrive, and stream
/// data reaches its consumer as the very buffers the session decrypted (nothing is copied
/// here). Data is handed over when a read burst ends, and only whole data frames; while
/// a frame has begun arriving, the whole frames before it wait with it (up to
/// `batchBytes`), since the rest of a frame begun is on its way (a sender writes whole
/// frames). So a consumer wakes about once per `batchBytes` of a busy stream rather than
/// once per transport message, and never waits on a sender. A sender never has more bytes in flight than the receiver granted, so
/// each stream's receive buffer holds at most its window; a sender with no credit left
/// keeps the caller's bytes and suspends it. Credit alone does not bound the server's
/// memory (a peer may grant much and read nothing), so a server's senders also hold while
/// the session's unsent bytes are over the `OutboundBacklog` bounds. A frame that breaks
/// these rules ends the session. When the session ends, every stream fails with `NetworkError.connectionClosed`.
final class StreamMultiplexer: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What a server needs to serve streams: the handler, the session's proven peer, how
    /// many streams may be open at once on the session, and the session's backlog gate.
    struct Service {
        let handler: RPCServer.StreamHandler
        let established: EventLoopFuture<PublicKey>
        let maxStreams: Int
        let gate: BacklogGate
    }

    private struct Receiving {
        let continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation
        /// Bytes the peer may still send without a new grant.
        var allowance: Int
    }

    private struct Sending {
        var credit: Int
        var queue: [(ByteBuffer, EventLoopPromise<Void>)] = []
        var cancelledByPeer: String?
    }

    private let service: Service?
    private var context: ChannelHandlerContext?
    private var reader = StreamFrameReader()
    /// Bytes of whole data frames held back at a burst's end while another frame is arriving.
    static let batchBytes = 1 << 19
    /// Stream data read and not yet handed to the consumers (`arrivedBytes` in all); the
    /// first `whole` entries (`wholeBytes`) end with the last whole data frame.
    private var arrived: [(stream: UInt64, bytes: ByteBuffer)] = []
    private var arrivedBytes = 0
    private var whole = 0
    private var wholeBytes = 0
    private var receiving: [UInt64: Receiving] = [:]
    private var sending: [UInt64: Sending] = [:]
    private var nextStream: UInt64 = 1
    private var isClosed = false
    /// Whether senders are held until the session's backlog drains.
    private var waitingForBacklog = false

    init(service: Service?) { self.service = service }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        do {
            while let part = try reader.next(from: &bytes) {
                switch part {
                case .envelope(let envelopeBytes):
                    context.fireChannelRead(wrapInboundOut(envelopeBytes))
                case .dataHeader(let stream, let length):
                    try dataHeader(stream, length: length)
                case .data(let stream, let data, let ends):
                    if receiving[stream] != nil {   // else cancelled here; bytes already in flight
                        arrived.append((stream, data))
                        arrivedBytes += data.readableBytes
                    }
                    if ends { (whole, wholeBytes) = (arrived.count, arrivedBytes) }
                case .frame(let frame):
                    try handle(frame, context: context)
                }
            }
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if whole == arrived.count || wholeBytes >= Self.batchBytes { deliverArrived(upTo: whole) }
        context.fireChannelReadComplete()
    }

    /// Hands the first `count` (by default all) entries of `arrived` to the streams'
    /// consumers, in order.
    private func deliverArrived(upTo count: Int? = nil) {
        let n = count ?? arrived.count
        for (stream, bytes) in arrived.prefix(n) { receiving[stream]?.continuation.yield(bytes) }
        arrived.removeFirst(n)
        arrivedBytes = arrived.reduce(0) { $0 + $1.bytes.readableBytes }
        (whole, wholeBytes) = (0, 0)
    }

    /// A data frame of `length` bytes begins on `stream`: it must fit the stream's credit.
    private func dataHeader(_ stream: UInt64, length: Int) throws {
        guard service == nil else { throw NetworkError.protocolViolation("stream frame data sent in the wrong direction") }
        guard receiving[stream] != nil else { return }
        guard length <= receiving[stream]!.allowance else {
            throw NetworkError.protocolViolation("stream \(stream) sent beyond its credit")
        }
        receiving[stream]!.allowance -= length
    }

    private func handle(_ frame: StreamFrame, context: ChannelHandlerContext) throws {
        var payload = frame.payload
        switch (frame.kind, service) {
        case (.open, let service?):
            guard let credit = payload.readInteger(as: UInt32.self) else { throw NetworkError.protocolViolation("stream open without credit") }
            openRequested(frame.stream, credit: Int(credit), request: payload.readBytes(length: payload.readableBytes) ?? [], service: service)
        case (.credit, _?):
            guard let grant = payload.readInteger(as: UInt32.self) else { throw NetworkError.protocolViolation("stream credit without a count") }
            guard sending[frame.stream] != nil else { return }   // the stream ended meanwhile
            sending[frame.stream]!.credit += Int(grant)
            drain(frame.stream)
        case (.cancel, _?):
            guard sending[frame.stream] != nil else { return }
            let reason = "by the peer: " + (payload.readString(length: payload.readableBytes) ?? "")
            sending[frame.stream]!.cancelledByPeer = reason
            let queue = sending[frame.stream]!.queue
            sending[frame.stream]!.queue = []
            for (_, promise) in queue { promise.fail(NetworkError.streamCancelled(reason)) }
        case (.end, nil):
            deliverArrived()
            receiving.removeValue(forKey: frame.stream)?.continuation.finish()
        case (.cancel, nil):
            deliverArrived()
            let reason = "by the peer: " + (payload.readString(length: payload.readableBytes) ?? "")
            receiving.removeValue(forKey: frame.stream)?.continuation.finish(throwing: NetworkError.streamCancelled(reason))
        case (.refuse, nil):
            deliverArrived()
            let refusal: Refusal
            do { refusal = try Envelope(decoding: Array(payload.readableBytesView)).message(as: Refusal.self) } catch {
                throw NetworkError.protocolViolation("stream \(frame.stream) refused with a refusal that does not decode: \(error)")
            }
            receiving.removeValue(forKey: frame.stream)?.continuation.finish(throwing: refusal)
        default:
            throw NetworkError.protocolViolation("stream frame \(frame.kind) sent in the wrong direction")
        }
    }

    private func openRequested(_ id: UInt64, credit: Int, request: [UInt8], service: Service) {
        guard sending[id] == nil else { return write(.cancel, id, reason: "stream \(id) is already open") }
        guard sending.count < service.maxStreams else {
            return write(Refusal(.busy, "more than \(service.maxStreams) streams open on this session; wait for one to end"), on: id)
        }
        let envelope: Envelope
        do throws(WireError) { envelope = try Envelope(decoding: request) } catch {
            return write(error.refusal, on: id)
        }
        guard let context else { return }
        sending[id] = Sending(credit: credit)
        let writer = StreamWriter(id: id, multiplexer: NIOLoopBound(self, eventLoop: context.eventLoop))
        let handler = service.handler
        service.established.whenSuccess { peer in
            Task {
                do {
                    try await handler(envelope, peer, writer)
                    writer.finish()
                } catch {
                    writer.abort(because: error)
                }
            }
        }
    }

    // MARK: Sending side (server)

    /// Queues `bytes` on stream `id`; `promise` succeeds once all of them are handed to the
    /// session, which happens only as credit allows.
    func send(_ id: UInt64, _ bytes: ByteBuffer, promise: EventLoopPromise<Void>) {
        guard !isClosed else { return promise.fail(NetworkError.connectionClosed("while sending a stream")) }
        guard let s = sending[id] else { return promise.fail(NetworkError.streamCancelled("stream \(id) is already over")) }
        if let reason = s.cancelledByPeer { return promise.fail(NetworkError.streamCancelled(reason)) }
        sending[id]!.queue.append((bytes, promise))
        drain(id)
    }

    private func drain(_ id: UInt64) {
        guard let context, var s = sending[id] else { return }
        var wrote = false
        while s.credit > 0, !s.queue.isEmpty {
            if let gate = service?.gate, gate.isOver {
                holdUntilBacklogDrains(gate)
                break
            }
            let n = min(s.credit, s.queue[0].0.readableBytes, StreamFrame.sendData)
            let chunk = s.queue[0].0.readSlice(length: n)!
            s.credit -= n
            // The header and the caller's bytes go out as two buffers: the payload is not copied.
            context.write(wrapOutboundOut(StreamFrame(kind: .data, stream: id, payload: chunk).header(context.channel.allocator)), promise: nil)
            context.write(wrapOutboundOut(chunk), promise: nil)
            wrote = true
            if s.queue[0].0.readableBytes == 0 { s.queue.removeFirst().1.succeed(()) }
        }
        sending[id] = s
        if wrote { context.flush() }
    }

    /// Holds every sender until `gate` says the session is within its bounds, then drains them all.
    private func holdUntilBacklogDrains(_ gate: BacklogGate) {
        guard !waitingForBacklog, let context else { return }
        waitingForBacklog = true
        gate.holdingSender()
        let multiplexer = NIOLoopBound(self, eventLoop: context.eventLoop)
        gate.whenDrained {
            multiplexer.value.waitingForBacklog = false
            for id in multiplexer.value.sending.keys.sorted() { multiplexer.value.drain(id) }
        }
    }

    /// Ends stream `id` normally (its handler returned).
    func finish(_ id: UInt64) {
        guard let s = sending.removeValue(forKey: id), s.cancelledByPeer == nil else { return }
        write(.end, id, reason: nil)
    }

    /// Abandons stream `id` (its handler threw `error`), telling the peer why: a
    /// `RefusalConvertible` error as its typed refusal (`refuse`), any other as its text
    /// (`cancel`).
    func abort(_ id: UInt64, because error: any Error) {
        guard let s = sending.removeValue(forKey: id) else { return }
        let refusal = (error as? any RefusalConvertible)?.refusal
        let reason = refusal?.message ?? "\(error)"
        for (_, promise) in s.queue { promise.fail(NetworkError.streamCancelled("by this side: \(reason)")) }
        guard s.cancelledByPeer == nil else { return }
        if let refusal { write(refusal, on: id) } else { write(.cancel, id, reason: reason) }
    }

    // MARK: Receiving side (opener)

    /// Opens a stream with `request`, granting `window` bytes up front.
    func open(_ request: Envelope, window: Int) throws(NetworkError) -> InboundStream {
        guard !isClosed, let context else { throw .connectionClosed("before the stream opened") }
        let id = nextStream
        nextStream += 1
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, Error>.makeStream()
        let control = InboundStream.Control(id: id, grantStep: max(1, window / 4), multiplexer: NIOLoopBound(self, eventLoop: context.eventLoop))
        continuation.onTermination = { termination in
            if case .cancelled = termination { control.cancel() }
        }
        receiving[id] = Receiving(continuation: continuation, allowance: window)
        var payload = StreamFrame.count(window, context.channel.allocator)
        payload.writeBytes(Envelope(type: request.type, requestID: id, body: request.body, version: request.version).encoded)
        context.writeAndFlush(wrapOutboundOut(StreamFrame(kind: .open, stream: id, payload: payload).encoded(context.channel.allocator)), promise: nil)
        return InboundStream(base: stream, control: control)
    }

    /// The consumer of stream `id` took `n` more bytes: grant them back to the server.
    func consumed(_ id: UInt64, _ n: Int) {
        guard let context, receiving[id] != nil else { return }
        receiving[id]!.allowance += n
        let grant = StreamFrame(kind: .credit, stream: id, payload: StreamFrame.count(n, context.channel.allocator))
        context.writeAndFlush(wrapOutboundOut(grant.encoded(context.channel.allocator)), promise: nil)
    }

    /// The opener abandons stream `id`.
    func cancelReceiving(_ id: UInt64) {
        guard let r = receiving.removeValue(forKey: id) else { return }
        r.continuation.finish(throwing: NetworkError.streamCancelled("by this side"))
        write(.cancel, id, reason: "cancelled by the receiver")
    }

    // MARK: Session end

    func channelInactive(context: ChannelHandlerContext) {
        deliverArrived()
        isClosed = true
        let (r, s) = (receiving, sending)
        receiving = [:]
        sending = [:]
        for (_, stream) in r { stream.continuation.finish(throwing: NetworkError.connectionClosed("while receiving a stream")) }
        for (_, stream) in s {
            for (_, promise) in stream.queue { promise.fail(NetworkError.connectionClosed("while sending a stream")) }
        }
        context.fireChannelInactive()
    }

    private func write(_ kind: StreamFrame.Kind, _ id: UInt64, reason: String?) {
        guard let context, !isClosed else { return }
        var payload = context.channel.allocator.buffer(capacity: reason?.utf8.count ?? 0)
        if let reason { payload.writeString(String(reason.prefix(512))) }
        context.writeAndFlush(wrapOutboundOut(StreamFrame(kind: kind, stream: id, payload: payload).encoded(context.channel.allocator)), promise: nil)
    }

    /// Refuses stream `id` with `refusal`, as an envelope the opener decodes like an answer's.
    private func write(_ refusal: Refusal, on id: UInt64) {
        guard let context, !isClosed else { return }
        let payload = context.channel.allocator.buffer(bytes: Envelope(refusal, requestID: id).encoded)
        context.writeAndFlush(wrapOutboundOut(StreamFrame(kind: .refuse, stream: id, payload: payload).encoded(context.channel.allocator)), promise: nil)
    }
}
