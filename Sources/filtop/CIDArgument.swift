import NodeKit

/// Parses CIDs typed on the command line, naming the argument or option in the error so
/// the operator knows which of several values was wrong.
enum CIDArgument {
    static func parse(_ text: String, name: String) throws -> CID {
        do { return try CID(text) } catch { throw OperatorError("\(name) '\(text)' is not a CID: \(error)") }
    }

    static func piece(_ text: String, name: String) throws -> PieceCID {
        do { return try PieceCID(text) } catch { throw OperatorError("\(name) '\(text)' is not a Piece CID: \(error)") }
    }

    static func node(_ text: String, name: String) throws -> NodeID {
        do { return try NodeID(text) } catch { throw OperatorError("\(name) '\(text)' is not a node ID: \(error)") }
    }
}
