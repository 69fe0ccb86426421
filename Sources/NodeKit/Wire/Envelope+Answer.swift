extension Envelope {
    /// Reads this envelope as the answer to a request that expects `Answer`.
    ///
    /// A `Refusal` is thrown as itself (the same typed error the peer had); the older
    /// generic answers become `WireError`s: `InvalidMessage` → `.invalidMessage`,
    /// `ProtocolMismatch` → `.protocolMismatch`, `InsufficientFunds` →
    /// `.insufficientFunds`. Any other type is `.unexpectedMessageType`.
    public func answer<Answer: WireMessage>(as _: Answer.Type = Answer.self) throws -> Answer {
        switch type {
        case Answer.messageType: return try message(as: Answer.self)
        case .refusal: throw try message(as: Refusal.self)
        case .invalidMessage: throw WireError.invalidMessage("peer refused: \(try message(as: InvalidMessage.self).reason)")
        case .protocolMismatch:
            throw WireError.protocolMismatch(received: ProtocolVersion.current, supported: try message(as: ProtocolMismatch.self).supported)
        case .insufficientFunds: throw try message(as: InsufficientFunds.self).error
        default: throw WireError.unexpectedMessageType(expected: Answer.messageType, actual: type)
        }
    }
}
