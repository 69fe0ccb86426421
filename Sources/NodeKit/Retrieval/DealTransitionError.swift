/// An event a deal's machine does not take in the deal's current status: a bug in the
/// driver or a peer's message out of order. The deal is left unchanged.
public struct DealTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: DealStatus
    public let event: String

    public var description: String { "a deal in \(status) cannot take \(event)" }
}
