extension NodeContext {
    /// Opens a session to `peer` at the first address its record in the node's copy of the
    /// register lists; the peer must prove it is `peer`. `PaymentError.unknownPeer` when
    /// the copy does not list it (or lists no usable address).
    func connect(to peer: NodeID, timeout: Duration = .seconds(5)) async throws -> any PeerSession {
        let copy = RegisterStore(database: blockstore.database, table: .localCopy)
        guard let record = try await copy.record(peer), let address = record.addresses.first.flatMap({ try? NodeAddress($0) }) else {
            throw PaymentError.unknownPeer(peer)
        }
        return try await transport.connect(to: address, identity: identity, expectedPeer: peer, timeout: timeout)
    }
}
