/// Why a key, key file or signature operation failed, phrased for the operator.
///
/// No case ever carries secret material: messages name files, modes and reasons only.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Bytes that should be a key or signature have the wrong length.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// A node ID's text form could not be parsed.
    case invalidNodeID(String)
    /// A key file is group- or world-accessible.
    case keyFileTooOpen(path: String, mode: UInt16)
    /// A key file is malformed; the string says which line or field.
    case invalidKeyFile(path: String, reason: String)
    /// A key file already exists where a new one was to be written.
    case keyFileExists(path: String)
    /// The key file is encrypted and no passphrase was given.
    case passphraseRequired(path: String)
    /// The passphrase does not decrypt the key file (or the file was altered).
    case wrongPassphrase(path: String)
    /// Argon2id could not run with the file's parameters (usually: not enough memory).
    case keyDerivationFailed(String)
    /// The key file could not be read or written.
    case io(String)

    public var description: String {
        switch self {
        case .invalidLength(let what, let expected, let actual):
            return "\(what) must be \(expected) bytes, got \(actual)"
        case .invalidNodeID(let why):
            return "invalid node ID: \(why) (a node ID is 'fid' followed by 52 base32 characters)"
        case .keyFileTooOpen(let path, let mode):
            return "key file \(path) is accessible by group or others (mode \(String(mode, radix: 8))); "
                + "run 'chmod 600 \(path)' and check who may have copied it"
        case .invalidKeyFile(let path, let reason):
            return "key file \(path) is not a valid filtop key file: \(reason)"
        case .keyFileExists(let path):
            return "key file \(path) already exists; refusing to overwrite an identity (move it away first)"
        case .passphraseRequired(let path):
            return "key file \(path) is encrypted; give its passphrase with --passphrase-file or FILTOP_PASSPHRASE"
        case .wrongPassphrase(let path):
            return "the passphrase does not decrypt key file \(path) (wrong passphrase, or the file was altered)"
        case .keyDerivationFailed(let why):
            return "passphrase key derivation failed: \(why)"
        case .io(let why):
            return why
        }
    }
}
