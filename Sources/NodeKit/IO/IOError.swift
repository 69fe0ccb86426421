import Foundation

/// A file-system failure, naming the path and the reason.
///
/// The reason is the system's (`strerror`) unless the failure was a rule of filtop's own,
/// such as refusing a FIFO as input, in which case `detail` says what to do instead.
public struct IOError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32
    /// filtop's own explanation, replacing the system's when set.
    public let detail: String?

    public init(path: String, operation: String, code: Int32 = errno, detail: String? = nil) {
        self.path = path
        self.operation = operation
        self.code = code
        self.detail = detail
    }

    public var description: String {
        "cannot \(operation) \(path): \(detail ?? String(cString: strerror(code)))"
    }
}
