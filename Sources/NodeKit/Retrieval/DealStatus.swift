/// Where a retrieval deal stands: go-fil-markets' `DealStatus`, with its numbers and names,
/// so an operator who knows Lotus reads filtop's deals the same way. Both sides use the
/// one enum; each side's machine (`ClientDealMachine`, `ProviderDealMachine`) uses only
/// the states listed for it in `docs/PROTOCOL.md` "Retrieval deals".
public enum DealStatus: UInt64, Sendable, CaseIterable, CustomStringConvertible {
    case new = 0
    case unsealing = 1
    case unsealed = 2
    case waitForAcceptance = 3
    case paymentChannelCreating = 4
    case paymentChannelAddingFunds = 5
    case accepted = 6
    case fundsNeededUnseal = 7
    case failing = 8
    case rejected = 9
    case fundsNeeded = 10
    case sendFunds = 11
    case sendFundsLastPayment = 12
    case ongoing = 13
    case fundsNeededLastPayment = 14
    case completed = 15
    case dealNotFound = 16
    case errored = 17
    case blocksComplete = 18
    case finalizing = 19
    case completing = 20
    case checkComplete = 21
    case checkFunds = 22
    case insufficientFunds = 23
    case paymentChannelAllocatingLane = 24
    case cancelling = 25
    case cancelled = 26
    case retryLegacy = 27
    case waitForAcceptanceLegacy = 28
    case clientWaitingForLastBlocks = 29
    case paymentChannelAddingInitialFunds = 30
    case erroring = 31
    case rejecting = 32
    case dealNotFoundCleanup = 33
    case finalizingBlockstore = 34

    /// The go-fil-markets name without its `DealStatus` prefix ("Ongoing", "FundsNeeded").
    public var description: String {
        switch self {
        case .new: return "New"
        case .unsealing: return "Unsealing"
        case .unsealed: return "Unsealed"
        case .waitForAcceptance: return "WaitForAcceptance"
        case .paymentChannelCreating: return "PaymentChannelCreating"
        case .paymentChannelAddingFunds: return "PaymentChannelAddingFunds"
        case .accepted: return "Accepted"
        case .fundsNeededUnseal: return "FundsNeededUnseal"
        case .failing: return "Failing"
        case .rejected: return "Rejected"
        case .fundsNeeded: return "FundsNeeded"
        case .sendFunds: return "SendFunds"
        case .sendFundsLastPayment: return "SendFundsLastPayment"
        case .ongoing: return "Ongoing"
        case .fundsNeededLastPayment: return "FundsNeededLastPayment"
        case .completed: return "Completed"
        case .dealNotFound: return "DealNotFound"
        case .errored: return "Errored"
        case .blocksComplete: return "BlocksComplete"
        case .finalizing: return "Finalizing"
        case .completing: return "Completing"
        case .checkComplete: return "CheckComplete"
        case .checkFunds: return "CheckFunds"
        case .insufficientFunds: return "InsufficientFunds"
        case .paymentChannelAllocatingLane: return "PaymentChannelAllocatingLane"
        case .cancelling: return "Cancelling"
        case .cancelled: return "Cancelled"
        case .retryLegacy: return "RetryLegacy"
        case .waitForAcceptanceLegacy: return "WaitForAcceptanceLegacy"
        case .clientWaitingForLastBlocks: return "ClientWaitingForLastBlocks"
        case .paymentChannelAddingInitialFunds: return "PaymentChannelAddingInitialFunds"
        case .erroring: return "Erroring"
        case .rejecting: return "Rejecting"
        case .dealNotFoundCleanup: return "DealNotFoundCleanup"
        case .finalizingBlockstore: return "FinalizingBlockstore"
        }
    }

    /// The status named `name` (as `description` spells it, any case), or nil.
    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.description.lowercased() == name.lowercased() }) else { return nil }
        self = found
    }

    /// Whether a deal in this status on `side` has ended (go-fil-markets'
    /// `ClientFinalityStates` and `ProviderFinalityStates`).
    public func isTerminal(on side: DealSide) -> Bool {
        switch side {
        case .client: return [.errored, .completed, .cancelled, .rejected, .dealNotFound].contains(self)
        case .provider, .broker: return [.errored, .completed, .cancelled].contains(self)
        }
    }
}

/// Which end of a deal a node is.
public enum DealSide: String, Sendable, CaseIterable {
    /// The node retrieves and pays.
    case client
    /// The node serves and is paid.
    case provider
    /// The node (a gateway) pays the provider for the client, less its brokerage; it
    /// knows the deal from the payments it forwards and the provider's receipts.
    case broker
}

extension DealSide {
    /// The letter deal names start with on this side: c42, p42@…, b42@….
    public var letter: Character {
        switch self {
        case .client: return "c"
        case .provider: return "p"
        case .broker: return "b"
        }
    }

    /// What this node does in a deal on this side, for operators.
    public var summary: String {
        switch self {
        case .client: return "client (this node retrieves and pays)"
        case .provider: return "provider (this node serves and is paid)"
        case .broker: return "broker (this node, a gateway, pays the provider for the client)"
        }
    }
}
