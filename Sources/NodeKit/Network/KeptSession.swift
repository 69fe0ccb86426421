/// One session to a peer, opened on first use and shared by every call; a call that
/// fails below the protocol (the session dropped, timed out, or was closed by the peer)
/// forgets it, so the next call opens a new one. A peer's answer — a `Refusal` or a bad
/// message (`WireError`) — leaves the session kept.
///
/// With `retryingStale`, a call whose kept session turns out to be dead is sent once
/// more on a new session: only for requests that are safe to repeat.
final class KeptSession: Sendable {
    let address: NodeAddress
    private let identity: KeyPair
    private let expectedPeer: NodeID?
    private let transport: any Transport
    private let open = Locked<(any PeerSession)?>(nil)

    init(address: NodeAddress, identity: KeyPair, expectedPeer: NodeID?, transport: any Transport) {
        self.address = address
        self.identity = identity
        self.expectedPeer = expectedPeer
        self.transport = transport
    }

    func close() async {
        let session = open.withLock { s -> (any PeerSession)? in defer { s = nil }; return s }
        await session?.close()
    }

    func call<Request: WireMessage, Answer: WireMessage>(
        _ request: Request, expecting: Answer.Type, timeout: Duration, retryingStale: Bool = false
    ) async throws -> Answer {
        do {
            return try await callOnce(request, expecting: expecting, timeout: timeout, reusing: true)
        } catch let stale as Stale {
            guard retryingStale else { throw stale.error }
            return try await callOnce(request, expecting: expecting, timeout: timeout, reusing: false)
        }
    }

    /// A kept (not freshly opened) session failed with `error`.
    private struct Stale: Error { let error: any Error }

    private func callOnce<Request: WireMessage, Answer: WireMessage>(
        _ request: Request, expecting: Answer.Type, timeout: Duration, reusing: Bool
    ) async throws -> Answer {
        let current: any PeerSession
        let reused: Bool
        if reusing, let kept = open.withLock({ $0 }) {
            (current, reused) = (kept, true)
        } else {
            let opened = try await transport.connect(to: address, identity: identity, expectedPeer: expectedPeer, timeout: .seconds(5))
            let (winner, extra) = open.withLock { s -> (any PeerSession, (any PeerSession)?) in
                if let other = s { return (other, opened) }  // another call connected first
                s = opened
                return (opened, nil)
            }
            await extra?.close()
            (current, reused) = (winner, false)
        }
        do {
            return try await current.call(request, expecting: Answer.self, timeout: timeout)
        } catch let refusal as Refusal {
            throw refusal
        } catch let error as WireError {
            throw error
        } catch {
            open.withLock { if let s = $0, s.peer == current.peer { $0 = nil } }
            await current.close()
            throw reused ? Stale(error: error) : error
        }
    }
}
