/// A `Ledger` on another node (one with the `ledger` role), reached over a secure
/// session that must prove the ledger node's ID. The session is opened on first use,
/// shared by every call, and opened again after it fails, so a ledger that restarts is
/// simply reached again on the next call.
public final class RemoteLedger: Ledger {
    public let address: NodeAddress
    public let nodeID: NodeID
    private let identity: KeyPair
    private let transport: any Transport
    private let session = Locked<(any PeerSession)?>(nil)

    public init(address: NodeAddress, nodeID: NodeID, identity: KeyPair, transport: any Transport) {
        self.address = address
        self.nodeID = nodeID
        self.identity = identity
        self.transport = transport
    }

    /// Closes the shared session.
    public func close() async {
        let open = session.withLock { s -> (any PeerSession)? in defer { s = nil }; return s }
        await open?.close()
    }

    /// Sends `request` on the shared session. When a kept session the ledger has since
    /// closed (an idle timeout, a restart) fails a read, the read is sent once more on a
    /// new session. A signed message is never sent twice: if its answer is lost, the
    /// caller learns so and reads the account's nonce to see whether it applied (a
    /// submitter reads the nonce just before, so its session is fresh anyway).
    private func call<Request: WireMessage, Answer: WireMessage>(
        _ request: Request, expecting: Answer.Type, repeatable: Bool = true
    ) async throws -> Answer {
        do {
            return try await callOnce(request, expecting: expecting, reusing: true)
        } catch is StaleSession where repeatable {
            return try await callOnce(request, expecting: expecting, reusing: false)
        } catch is StaleSession {
            throw PaymentError.noLedger("the session to the ledger at \(address) closed before it answered; read the account's nonce to see whether the message applied")
        }
    }

    /// A kept session failed: the caller opens a new one and tries again.
    private struct StaleSession: Error {}

    private func callOnce<Request: WireMessage, Answer: WireMessage>(
        _ request: Request, expecting: Answer.Type, reusing: Bool
    ) async throws -> Answer {
        let current: any PeerSession
        let reused: Bool
        if reusing, let open = session.withLock({ $0 }) {
            current = open
            reused = true
        } else {
            reused = false
            let opened: any PeerSession
            do {
                opened = try await transport.connect(to: address, identity: identity, expectedPeer: nodeID, timeout: .seconds(5))
            } catch {
                throw PaymentError.noLedger("the ledger at \(address) cannot be reached: \(error)")
            }
            let (winner, extra) = session.withLock { s -> (any PeerSession, (any PeerSession)?) in
                if let other = s { return (other, opened) }  // another call connected first
                s = opened
                return (opened, nil)
            }
            await extra?.close()
            current = winner
        }
        do {
            return try await current.call(request, expecting: Answer.self)
        } catch let refusal as Refusal {
            throw refusal
        } catch let error as WireError {
            throw error
        } catch {
            // The session failed: forget it so the next call reconnects.
            session.withLock { if let s = $0, s.peer == current.peer { $0 = nil } }
            await current.close()
            if reused { throw StaleSession() }
            throw PaymentError.noLedger("the ledger at \(address) did not answer: \(error)")
        }
    }

    public func status() async throws -> LedgerStatus { try await call(LedgerStatusRequest(), expecting: LedgerStatusInfo.self).status }
    public func account(_ id: NodeID) async throws -> AccountState { try await call(LedgerAccountRequest(account: id), expecting: LedgerAccountInfo.self).state }
    public func accounts() async throws -> [AccountState] { try await call(LedgerAccountsRequest(), expecting: LedgerAccounts.self).accounts }
    public func channel(_ id: ChannelID) async throws -> ChannelState {
        try await call(LedgerChannelRequest(channel: id), expecting: LedgerChannelInfo.self).state
    }
    public func apply(_ message: LedgerMessage) async throws -> LedgerReceipt {
        try await call(LedgerSubmit(message), expecting: LedgerApplied.self, repeatable: false).receipt
    }
    public func faucet(_ account: NodeID, amount: TokenAmount) async throws -> AccountState {
        try await call(LedgerFaucetRequest(account: account, amount: amount), expecting: LedgerAccountInfo.self, repeatable: false).state
    }
}
