import Foundation

/// A file-system failure, naming the path and the system's reason.
public struct IOError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32

    public init(path: String, operation: String, code: Int32 = errno) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(code)))"
    }
}
