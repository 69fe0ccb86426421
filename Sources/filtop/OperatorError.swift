import Foundation
import GRDB
import NodeKit

/// An error rewritten for the operator: what failed, on which path or address, and what
/// to do. Errors of Foundation, GRDB and SwiftNIO are translated here so that no raw
/// `NSCocoaErrorDomain`, `DecodingError` or `SQLite error` text reaches the terminal.
struct OperatorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// The operator's version of `error`, or `error` itself when it already speaks to the
    /// operator (filtop's own typed errors, ArgumentParser's usage errors).
    static func translating(_ error: Error, dataDirectory: String?) -> Error {
        switch error {
        case let cocoa as CocoaError:
            return OperatorError(fileMessage(cocoa))
        case let db as DatabaseError:
            let file = dataDirectory.map { "\($0)/node.sqlite" } ?? "node.sqlite"
            let what = db.message ?? "SQLite code \(db.resultCode.rawValue)"
            switch db.resultCode.primaryResultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return OperatorError(
                    "the node database \(file) is damaged or not a filtop database (\(what)); restore it from a backup, "
                        + "or move it aside and import the content again")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return OperatorError("the node database \(file) is busy (\(what)); another filtop is writing it, retry in a moment")
            case .SQLITE_FULL:
                return OperatorError("the node database \(file) could not grow (\(what)); free disk space and retry")
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
                return OperatorError("the node database \(file) cannot be opened for writing (\(what)); check its owner and mode (ls -l \(file))")
            default:
                return OperatorError("the node database \(file) failed (\(what)); check the disk and the file, then retry")
            }
        case is DecodingError:
            return OperatorError("a stored file has unexpected content (\(Self.decodingSummary(error))); recreate it or restore it from a backup")
        default:
            let type = String(reflecting: Swift.type(of: error))
            if type.hasPrefix("NIO") || type.contains(".NIO") || type.contains("SingleConnectionFailure") {
                return OperatorError("network error: \(Self.networkSummary(error)); check the address and that the node is running")
            }
            return error
        }
    }

    private static func fileMessage(_ error: CocoaError) -> String {
        let path = error.filePath ?? error.url?.path ?? "(unknown path)"
        switch error.code {
        case .fileNoSuchFile, .fileReadNoSuchFile:
            return "cannot read \(path): no such file; check the path"
        case .fileReadNoPermission, .fileWriteNoPermission:
            return "cannot access \(path): permission denied; check its owner and mode (ls -l \(path))"
        case .fileWriteOutOfSpace:
            return "cannot write \(path): the disk is full; free some space and retry"
        case .fileWriteFileExists:
            return "cannot write \(path): it already exists; choose another path"
        case .fileReadCorruptFile, .fileReadInapplicableStringEncoding:
            return "cannot read \(path): its content is not what was expected; check that it is the right file"
        default:
            return "cannot access \(path) (file error \(error.code.rawValue)); check the path and its permissions"
        }
    }

    private static func decodingSummary(_ error: Error) -> String {
        guard let d = error as? DecodingError else { return "unreadable" }
        switch d {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "at \(path): ") + c.debugDescription
        @unknown default: return "unreadable"
        }
    }

    private static func networkSummary(_ error: Error) -> String {
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("connectTimeout") || text.contains("timed out") { return "connection timed out" }
        return "the connection failed"
    }
}
