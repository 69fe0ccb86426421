/// Every message type the node speaks, each listed once beside the Swift type that
/// codes it. Messages live with their feature; this list is what the codec's tests and
/// the decoder fuzz test walk, and what docs/PROTOCOL.md's catalogue mirrors. A feature
/// that adds a message adds its `MessageType` case and its line here.
public enum MessageCatalogue {
    public static let all: [any WireMessage.Type] = [
        ProtocolMismatch.self, InvalidMessage.self, InsufficientFunds.self, Refusal.self,
        EstablishmentChallenge.self, EstablishmentAnswer.self,
        RegisterNode.self, DeregisterNode.self, RegisterAck.self, ListNodes.self, NodeList.self,
        PublishGroupOffer.self, PublishSingleOffers.self, OfferAcknowledgement.self, FindOffers.self, FindOffersAnswer.self,
        ControlStatusRequest.self, ControlStatus.self, ControlEventsRequest.self, ControlEvents.self,
        ControlPiecesRequest.self, ControlPieces.self, ControlPeersRequest.self, ControlPeers.self,
        ControlImportRequest.self, ControlImported.self, ControlImportProgressRequest.self, ControlImportProgress.self,
        ControlPaymentRequest.self, ControlPaymentAnswer.self,
        ControlMarketRequest.self, ControlMarketAnswer.self, ControlRetrievalRequest.self, ControlRetrievalAnswer.self,
        LedgerStatusRequest.self, LedgerStatusInfo.self, LedgerAccountRequest.self, LedgerAccountInfo.self, LedgerAccountsRequest.self,
        LedgerAccounts.self, LedgerChannelRequest.self, LedgerChannelInfo.self, LedgerSubmit.self, LedgerApplied.self, LedgerFaucetRequest.self,
        PaymentVoucher.self, VoucherReceipt.self,
        RetrievalQuery.self, RetrievalQueryResponse.self, DealProposal.self, DealResponse.self, DealTransfer.self,
        DealPayment.self, DealPaymentAnswer.self, BrokeredPayment.self, DealCancel.self,
    ]

    private static let byType: [MessageType: any WireMessage.Type] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.messageType, $0) })

    /// The Swift type of `type`'s messages.
    public static func messageType(for type: MessageType) -> (any WireMessage.Type)? { byType[type] }

    /// Decodes an envelope's body as whatever message its type names.
    public static func decode(_ envelope: Envelope) throws -> any WireMessage {
        guard let type = byType[envelope.type] else { throw WireError.unknownMessageType(envelope.type.rawValue) }
        return try type.init(body: envelope.body)
    }
}
