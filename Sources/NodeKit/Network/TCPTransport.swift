import NIOCore

/// The real transport: Noise XX sessions over TCP (`RPCServer`, `RPCClient`).
public struct TCPTransport: Transport {
    public init() {}

    public func listen(on address: NodeAddress, identity: KeyPair, immediate: RPCServer.ImmediateHandler?,
                       streams: StreamRequestHandler?, handler: @escaping RPCServer.Handler) async throws -> any Listener {
        let serveStreams = streams.map { serve -> RPCServer.StreamHandler in { try await serve($0, $1, $2) } }
        let server = try await RPCServer.start(
            host: address.host, port: address.port, identity: identity, streams: serveStreams, immediate: immediate, handler: handler)
        return TCPListener(server: server, address: NodeAddress(host: address.host, port: server.port))
    }

    public func connect(to address: NodeAddress, identity: KeyPair, expectedPeer: NodeID?, timeout: Duration) async throws -> any PeerSession {
        let client = try await RPCClient.connect(
            host: address.host, port: address.port, identity: identity, expectedPeer: expectedPeer, timeout: TimeAmount(timeout))
        return TCPSession(client: client)
    }
}

struct TCPListener: Listener {
    let server: RPCServer
    let address: NodeAddress
    func close() async { await server.close() }
}

struct TCPSession: PeerSession {
    let client: RPCClient
    var peer: PublicKey { client.peer }
    func request(_ type: MessageType, body: CBOR, timeout: Duration) async throws -> Envelope {
        try await client.request(type, body: body, timeout: TimeAmount(timeout))
    }
    func openStream(_ type: MessageType, body: CBOR, window: Int) async throws -> ByteStream {
        ByteStream(try await client.openStream(type, body: body, window: window))
    }
    func close() async { await client.close() }
}

extension TimeAmount {
    /// The same span as a NIO time amount (nanosecond resolution, saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = nanos.overflow ? .nanoseconds(.max) : .nanoseconds(nanos.partialValue + attoseconds / 1_000_000_000)
    }
}
