/// A `Ledger` on another node (one with the `ledger` role), reached over a secure
/// session that must prove the ledger node's ID. The session is opened on first use,
/// shared by every call, and opened again after it fails, so a ledger that restarts is
/// simply reached again on the next call.
public final class RemoteLedger: Ledger {
    public let nodeID: NodeID
    private let session: KeptSession

    public init(address: NodeAddress, nodeID: NodeID, identity: KeyPair, transport: any Transport) {
        self.nodeID = nodeID
        session = KeptSession(address: address, identity: identity, expectedPeer: nodeID, transport: transport)
    }

    public var address: NodeAddress { session.address }

    /// Closes the shared session.
    public func close() async { await session.close() }

    /// Sends `request` on the shared session. When a kept session the ledger has since
    /// closed (an idle timeout, a restart) fails a read, the read is sent once more on a
    /// new session. A signed message is never sent twice: if its answer is lost, the
    /// caller learns so and reads the account's nonce to see whether it applied (a
    /// submitter reads the nonce just before, so its session is fresh anyway).
    private func call<Request: WireMessage, Answer: WireMessage>(
        _ request: Request, expecting: Answer.Type, repeatable: Bool = true
    ) async throws -> Answer {
        do {
            return try await session.call(request, expecting: expecting, timeout: .seconds(10), retryingStale: repeatable)
        } catch let error as Refusal {
            throw error
        } catch let error as WireError {
            throw error
        } catch {
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
