/// Why a command refused to write a file where it was told to. Nothing was written.
public struct OutputPathError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case empty
        case notRegular(FileKind)
        case isInput(String)
        case keyFile
        case insideDataDirectory(String)
        case exists
        case noDirectory(String)
    }

    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .empty:
            return "refusing to write: the output path is empty; give a file name"
        case .notRegular(.directory):
            return "refusing to write \(path): it is a directory; give a file name (for example \(path)/out)"
        case .notRegular(.symbolicLink):
            return "refusing to write \(path): it is a symbolic link, and writing would replace it or what it points to; remove it or choose another path"
        case .notRegular(let kind):
            return "refusing to write \(path): it is \(kind), not a regular file; choose a file path (use standard output where the command offers it)"
        case .isInput(let what):
            return "refusing to write \(path): it is this command's \(what); choose another output path"
        case .keyFile:
            return "refusing to write \(path): it is a filtop key file, and replacing it would lose that identity; choose another output path"
        case .insideDataDirectory(let dir):
            return "refusing to write \(path): it is inside the node data directory \(dir), whose files the node manages; write somewhere else"
        case .exists:
            return "refusing to write \(path): the file exists; pass --force to replace it"
        case .noDirectory(let dir):
            return "cannot write \(path): the directory \(dir) does not exist; create it first or choose another path"
        }
    }
}
