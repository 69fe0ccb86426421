/// A `Ledger` on another node (one with the `ledger` role), reached over a secure
/// session that must prove the ledger node's ID. A session is opened per call and closed
/// after it, so a ledger that restarts is simply reached again on the next call.
public struct RemoteLedger: Ledger {
    public let address: NodeAddress
    public let nodeID: NodeID
    private let identity: KeyPair
    private let transport: any Transport

    public init(address: NodeAddress, nodeID: NodeID, identity: KeyPair, transport: any Transport) {
        self.address = address
        self.nodeID = nodeID
        self.identity = identity
        self.transport = transport
    }

    private func call<Request: WireMessage, Answer: WireMessage>(_ request: Request, expecting: Answer.Type) async throws -> Answer {
        let session: any PeerSession
        do {
            session = try await transport.connect(to: address, identity: identity, expectedPeer: nodeID, timeout: .seconds(5))
        } catch {
            throw PaymentError.noLedger("the ledger at \(address) cannot be reached: \(error)")
        }
        defer { Task { await session.close() } }
        return try await session.call(request, expecting: Answer.self)
    }

    public func status() async throws -> LedgerStatus { try await call(LedgerStatusRequest(), expecting: LedgerStatusInfo.self).status }
    public func account(_ id: NodeID) async throws -> AccountState { try await call(LedgerAccountRequest(account: id), expecting: LedgerAccountInfo.self).state }
    public func accounts() async throws -> [AccountState] { try await call(LedgerAccountsRequest(), expecting: LedgerAccounts.self).accounts }
    public func channel(_ id: ChannelID) async throws -> ChannelState {
        try await call(LedgerChannelRequest(channel: id), expecting: LedgerChannelInfo.self).state
    }
    public func apply(_ message: LedgerMessage) async throws -> LedgerReceipt {
        try await call(LedgerSubmit(message), expecting: LedgerApplied.self).receipt
    }
    public func faucet(_ account: NodeID, amount: TokenAmount) async throws -> AccountState {
        try await call(LedgerFaucetRequest(account: account, amount: amount), expecting: LedgerAccountInfo.self).state
    }
}
