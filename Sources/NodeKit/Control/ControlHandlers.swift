import Foundation

/// The admin protocol's server side: answers each control request by calling a
/// `NodeControl` — on a node, its `ControlService`, the same object an in-process console
/// calls — for admin keys only; any other peer is refused with `notAdmin`.
public struct ControlHandlers: Sendable {
    let control: any NodeControl
    let isAdmin: @Sendable (PublicKey) -> Bool
    let refused: @Sendable (PublicKey) -> Void

    /// Serves `control` to peers `isAdmin` accepts; `refused` hears of every other.
    public init(control: any NodeControl, isAdmin: @escaping @Sendable (PublicKey) -> Bool,
                refused: @escaping @Sendable (PublicKey) -> Void = { _ in }) {
        self.control = control
        self.isAdmin = isAdmin
        self.refused = refused
    }

    private func requireAdmin(_ peer: PublicKey) throws {
        guard isAdmin(peer) else {
            refused(peer)
            throw NodeError.notAdmin(peer.nodeID.description)
        }
    }

    public func install(into router: RequestRouter) {
        router.on(ControlStatusRequest.self) { _, peer in
            try requireAdmin(peer)
            return ControlStatus(try await control.status())
        }
        router.on(ControlPiecesRequest.self) { request, peer in
            try requireAdmin(peer)
            let all = try await control.pieces()
            let start = Int(min(request.offset, UInt64(all.count)))
            let end = min(all.count, start + Int(request.limit))
            return ControlPieces(total: UInt64(all.count), pieces: Array(all[start..<end]))
        }
        router.on(ControlPeersRequest.self) { request, peer in
            try requireAdmin(peer)
            let peers = try await control.registerPeers()
            let start = Int(min(request.offset, UInt64(peers.records.count)))
            let end = min(peers.records.count, start + Int(request.limit))
            return ControlPeers(configured: peers.configured, total: UInt64(peers.records.count), peers: Array(peers.records[start..<end]))
        }
        router.on(ControlEventsRequest.self) { request, peer in
            try requireAdmin(peer)
            return ControlEvents(events: try await control.eventPage(after: request.after, wait: .milliseconds(Int64(request.waitMillis))))
        }
        router.on(ControlImportRequest.self) { request, peer in
            try requireAdmin(peer)
            for try await update in await control.importFile(request.path) {
                if case .finished(let piece) = update { return ControlImported(piece: piece) }
            }
            throw Refusal(.failed, "the import of \(request.path) ended without a piece")
        }
        router.on(ControlImportProgressRequest.self) { request, peer in
            try requireAdmin(peer)
            let p = try await control.importProgress(of: request.path)
            return ControlImportProgress(done: p?.done ?? 0, total: p?.total ?? 0)
        }
    }
}

extension NodeError: RefusalConvertible {
    public var refusal: Refusal {
        switch self {
        case .notAdmin: return Refusal(.notAdmin, description)
        default: return Refusal(.failed, description)
        }
    }
}
