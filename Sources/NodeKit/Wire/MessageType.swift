/// The message catalogue: every message type number on the wire (`docs/PROTOCOL.md`
/// "Message catalogue"). Numbers are never reused; later protocol versions add cases.
public enum MessageType: UInt64, Sendable, CaseIterable, CustomStringConvertible {
    case protocolMismatch = 1
    case invalidMessage = 2
    case insufficientFunds = 3
    case refusal = 4
    case establishmentChallenge = 100
    case establishmentAnswer = 101
    case registerNode = 200
    case deregisterNode = 201
    case registerAck = 202
    case listNodes = 203
    case nodeList = 204
    case publishGroupOffer = 300
    case publishSingleOffers = 301
    case offerAcknowledgement = 302
    case findOffers = 303
    case findOffersAnswer = 304
    case controlStatusRequest = 400
    case controlStatus = 401
    case controlEventsRequest = 402
    case controlEvents = 403
    case controlPiecesRequest = 404
    case controlPieces = 405
    case controlPeersRequest = 406
    case controlPeers = 407
    case controlImportRequest = 408
    case controlImported = 409
    case controlImportProgressRequest = 410
    case controlImportProgress = 411
    case controlPaymentRequest = 412
    case controlPaymentAnswer = 413
    case controlMarketRequest = 414
    case controlMarketAnswer = 415
    case controlRetrievalRequest = 416
    case controlRetrievalAnswer = 417
    case ledgerStatusRequest = 500
    case ledgerStatusInfo = 501
    case ledgerAccountRequest = 502
    case ledgerAccountInfo = 503
    case ledgerAccountsRequest = 504
    case ledgerAccounts = 505
    case ledgerChannelRequest = 506
    case ledgerChannelInfo = 507
    case ledgerSubmit = 508
    case ledgerApplied = 509
    case ledgerFaucetRequest = 510
    case paymentVoucher = 520
    case voucherReceipt = 521
    case retrievalQuery = 600
    case retrievalQueryResponse = 601
    case dealProposal = 602
    case dealResponse = 603
    case dealTransfer = 604
    case dealPayment = 605
    case dealPaymentAnswer = 606
    case brokeredPayment = 607
    case dealCancel = 608

    public var description: String {
        switch self {
        case .protocolMismatch: return "ProtocolMismatch"
        case .invalidMessage: return "InvalidMessage"
        case .insufficientFunds: return "InsufficientFunds"
        case .refusal: return "Refusal"
        case .establishmentChallenge: return "EstablishmentChallenge"
        case .establishmentAnswer: return "EstablishmentAnswer"
        case .publishGroupOffer: return "PublishGroupOffer"
        case .publishSingleOffers: return "PublishSingleOffers"
        case .offerAcknowledgement: return "OfferAcknowledgement"
        case .findOffers: return "FindOffers"
        case .findOffersAnswer: return "FindOffersAnswer"
        case .registerNode: return "RegisterNode"
        case .deregisterNode: return "DeregisterNode"
        case .registerAck: return "RegisterAck"
        case .listNodes: return "ListNodes"
        case .nodeList: return "NodeList"
        case .controlStatusRequest: return "ControlStatusRequest"
        case .controlStatus: return "ControlStatus"
        case .controlEventsRequest: return "ControlEventsRequest"
        case .controlEvents: return "ControlEvents"
        case .controlPiecesRequest: return "ControlPiecesRequest"
        case .controlPieces: return "ControlPieces"
        case .controlPeersRequest: return "ControlPeersRequest"
        case .controlPeers: return "ControlPeers"
        case .controlImportRequest: return "ControlImportRequest"
        case .controlImported: return "ControlImported"
        case .controlImportProgressRequest: return "ControlImportProgressRequest"
        case .controlImportProgress: return "ControlImportProgress"
        case .controlPaymentRequest: return "ControlPaymentRequest"
        case .controlPaymentAnswer: return "ControlPaymentAnswer"
        case .controlMarketRequest: return "ControlMarketRequest"
        case .controlMarketAnswer: return "ControlMarketAnswer"
        case .controlRetrievalRequest: return "ControlRetrievalRequest"
        case .controlRetrievalAnswer: return "ControlRetrievalAnswer"
        case .ledgerStatusRequest: return "LedgerStatusRequest"
        case .ledgerStatusInfo: return "LedgerStatusInfo"
        case .ledgerAccountRequest: return "LedgerAccountRequest"
        case .ledgerAccountInfo: return "LedgerAccountInfo"
        case .ledgerAccountsRequest: return "LedgerAccountsRequest"
        case .ledgerAccounts: return "LedgerAccounts"
        case .ledgerChannelRequest: return "LedgerChannelRequest"
        case .ledgerChannelInfo: return "LedgerChannelInfo"
        case .ledgerSubmit: return "LedgerSubmit"
        case .ledgerApplied: return "LedgerApplied"
        case .ledgerFaucetRequest: return "LedgerFaucetRequest"
        case .paymentVoucher: return "PaymentVoucher"
        case .voucherReceipt: return "VoucherReceipt"
        case .retrievalQuery: return "RetrievalQuery"
        case .retrievalQueryResponse: return "RetrievalQueryResponse"
        case .dealProposal: return "DealProposal"
        case .dealResponse: return "DealResponse"
        case .dealTransfer: return "DealTransfer"
        case .dealPayment: return "DealPayment"
        case .dealPaymentAnswer: return "DealPaymentAnswer"
        case .brokeredPayment: return "BrokeredPayment"
        case .dealCancel: return "DealCancel"
        }
    }
}

/// The protocol versions this node speaks.
public enum ProtocolVersion {
    public static let current: UInt64 = 1
    public static let supported: ClosedRange<UInt64> = 1...1
}
