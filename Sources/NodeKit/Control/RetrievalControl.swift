import Foundation

/// What a console or the CLI can ask of and do to a node's retrieval deals: query
/// providers, start and follow retrievals, list deals on both sides with their history,
/// cancel a deal, and read or set the provider's retrieval terms. `ControlService`
/// implements it on the node; `RemoteNodeControl` sends the same requests over an admin
/// session. A call for a role the node does not have is refused with
/// `RetrievalError.roleMissing`.
public protocol RetrievalControl: Sendable {
    /// Asks `provider` (every provider found for the target when nil: through the gateways
    /// for a Piece CID, the register's providers for a payload CID) whether it holds
    /// `target` (a payload CID or a Piece CID, as text) and on what terms.
    func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer]
    /// Starts a retrieval (or resumes the unfinished one of the same target and output)
    /// and returns at once; follow it with `retrieval(_:)` or the journal's deal events.
    func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary
    /// A retrieval request: its progress and its deals.
    func retrieval(_ id: UInt64) async throws -> RetrievalSummary
    /// Retrieval requests, newest first (at most 200).
    func retrievals() async throws -> [RetrievalSummary]
    /// Deals on both sides, most recently changed first (at most 200).
    func deals() async throws -> [DealRecord]
    /// One deal and every status it went through.
    func deal(_ key: DealKey) async throws -> DealDetail
    /// Cancels an open deal (telling its peer); returns it as it ended.
    func cancelDeal(_ key: DealKey) async throws -> DealRecord
    /// The provider's retrieval terms (with its ask's price per byte).
    func retrievalTerms() async throws -> RetrievalTerms
    /// Stores new retrieval terms (persisted); returns them.
    func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms
}

/// A retrieval as the operator asks for it.
public struct RetrievalOrder: Sendable, Equatable {
    /// How many providers one retrieval may be split over.
    public static let providerCountRange: ClosedRange<Int> = 1...16

    /// The content: a payload CID or a Piece CID, as text.
    public var target: String
    /// Where to write it: an absolute path on the node's machine.
    public var output: String
    /// Write a CARv1 of the DAG instead of the original file.
    public var car: Bool
    /// Providers to retrieve from; empty: discover them.
    public var providers: [NodeID]
    /// How many providers to split the retrieval over (1 … 16).
    public var providerCount: Int
    /// The highest price per byte accepted; nil: any.
    public var maxPricePerByte: TokenAmount?
    /// For a Piece CID: find providers through this gateway only (it then brokers the
    /// payment); nil: through every usable gateway.
    public var gateway: NodeID?

    public init(
        target: String, output: String, car: Bool = false, providers: [NodeID] = [], providerCount: Int = 1, maxPricePerByte: TokenAmount? = nil,
        gateway: NodeID? = nil
    ) {
        self.target = target
        self.output = output
        self.car = car
        self.providers = providers
        self.providerCount = providerCount
        self.maxPricePerByte = maxPricePerByte
        self.gateway = gateway
    }
}

/// One provider's answer to a query, or why it could not be asked.
public struct QueryAnswer: Sendable, Equatable {
    public var provider: NodeID
    /// The gateway the provider was found through, when it was.
    public var gateway: NodeID?
    public var response: RetrievalQueryResponse?
    public var error: String?

    public init(provider: NodeID, gateway: NodeID? = nil, response: RetrievalQueryResponse?, error: String? = nil) {
        self.provider = provider
        self.gateway = gateway
        self.response = response
        self.error = error
    }
}

/// A retrieval request and how far it has got.
public struct RetrievalSummary: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case running, completed, failed, cancelled
    }

    public var id: UInt64
    public var payload: CID
    public var pieceCID: String?
    public var output: String
    public var car: Bool
    public var status: Status
    public var message: String
    /// The DAG's block bytes, and how many of them are verified.
    public var totalBytes: UInt64
    public var bytes: UInt64
    /// What the deals have paid in all.
    public var paid: TokenAmount
    public var createdAt: Date
    public var updatedAt: Date
    /// The request's deals, one per part.
    public var deals: [DealRecord]

    public init(
        id: UInt64, payload: CID, pieceCID: String?, output: String, car: Bool, status: Status, message: String, totalBytes: UInt64,
        bytes: UInt64, paid: TokenAmount, createdAt: Date, updatedAt: Date, deals: [DealRecord]
    ) {
        self.id = id
        self.payload = payload
        self.pieceCID = pieceCID
        self.output = output
        self.car = car
        self.status = status
        self.message = message
        self.totalBytes = totalBytes
        self.bytes = bytes
        self.paid = paid
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deals = deals
    }
}

/// A deal and its history.
public struct DealDetail: Sendable, Equatable {
    public var deal: DealRecord
    public var history: [DealHistoryEntry]

    public init(deal: DealRecord, history: [DealHistoryEntry]) {
        self.deal = deal
        self.history = history
    }
}
