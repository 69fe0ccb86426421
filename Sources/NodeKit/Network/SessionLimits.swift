import NIOCore

/// How many sessions each proven peer holds on a server, so that one node cannot open
/// any number of them.
struct PeerSessionCounter: Sendable {
    private let counts = Locked<[NodeID: Int]>([:])
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Counts a new session of `peer`; false (and nothing counted) when the peer already
    /// holds `limit` sessions.
    func admit(_ peer: NodeID) -> Bool {
        counts.withLock { counts in
            guard counts[peer, default: 0] < limit else { return false }
            counts[peer, default: 0] += 1
            return true
        }
    }

    /// Forgets an admitted session of `peer`.
    func release(_ peer: NodeID) {
        counts.withLock { counts in
            counts[peer, default: 1] -= 1
            if counts[peer] == 0 { counts[peer] = nil }
        }
    }
}

/// Closes a session on which nothing was read or written for the `IdleStateHandler`'s
/// time.
final class IdleSessionCloser: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
