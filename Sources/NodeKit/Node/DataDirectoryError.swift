/// Why a data directory could not be used; each case says what to run.
public enum DataDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A command that only reads was pointed at a directory holding no node.
    case missing(String)
    /// Group or others can write `path`, so anyone on the machine could swap the node's
    /// keys, configuration or pieces.
    case writableByOthers(path: String, mode: UInt16)
    /// `path` exists but is not a directory.
    case notADirectory(String)

    public var description: String {
        switch self {
        case .missing(let dir):
            return "no node data in \(dir) (check --data-dir for a typo); import content with 'filtop import FILE --data-dir \(dir)' "
                + "or set up a node with 'filtop node init --data-dir \(dir)'"
        case .writableByOthers(let path, let mode):
            return "refusing to use \(path): its mode is \(String(mode, radix: 8)), so other users can write it; run 'chmod go-w \(path)'"
        case .notADirectory(let path):
            return "\(path) is not a directory; give --data-dir the path of a node data directory"
        }
    }
}
