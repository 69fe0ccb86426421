import CSodium
import Foundation

/// Reads and writes a node's key file: the Ed25519 seed, in the clear or sealed with a
/// passphrase.
///
/// The format is UTF-8 text, one `name: value` per line after a `filtop-key-v1` first
/// line; `docs/PROTOCOL.md` ("Key files") documents every field. Files are created with
/// mode 0600 (never overwriting an existing file) and refused on load when group or others
/// have any access. An encrypted file derives a 256-bit key from the passphrase with
/// Argon2id (`crypto_pwhash`, parameters stored in the file) and seals the seed with
/// XChaCha20-Poly1305, authenticating the public key as associated data.
public enum KeyFile {
    static let magic = "filtop-key-v1"
    static let sealedAlgorithm = "argon2id-xchacha20poly1305"
    /// The largest key file read, so a wrong path cannot make us read a huge file.
    static let maxFileSize = 4096
    /// Upper bounds on stored Argon2id parameters, so a crafted file cannot exhaust memory.
    static let maxOpsLimit: UInt64 = 16
    static let maxMemLimit: UInt64 = 1 << 30

    /// Argon2id cost for new encrypted files.
    public struct Cost: Sendable {
        public var opsLimit: UInt64
        public var memLimit: UInt64
        public init(opsLimit: UInt64, memLimit: UInt64) {
            self.opsLimit = opsLimit
            self.memLimit = memLimit
        }
        /// libsodium's MODERATE limits (≈ 256 MiB, about a second): the default.
        public static let moderate = Cost(
            opsLimit: UInt64(crypto_pwhash_opslimit_moderate()), memLimit: UInt64(crypto_pwhash_memlimit_moderate()))
        /// libsodium's INTERACTIVE limits (≈ 64 MiB): for tests and small machines.
        public static let interactive = Cost(
            opsLimit: UInt64(crypto_pwhash_opslimit_interactive()), memLimit: UInt64(crypto_pwhash_memlimit_interactive()))
    }

    /// Writes `keyPair` to a new file at `path` (mode 0600). With a passphrase the seed is
    /// sealed; the passphrase bytes are not retained.
    public static func write(_ keyPair: KeyPair, to path: String, passphrase: [UInt8]? = nil, cost: Cost = .moderate) throws(CryptoError) {
        var text = header(keyPair.publicKey)
        defer { Sodium.wipe(&text) }
        do {
            try keyPair.withSeed { seed in
                if let passphrase {
                    try appendSealed(seed: seed, publicKey: keyPair.publicKey, passphrase: passphrase, cost: cost, to: &text)
                } else {
                    append(line: "encryption", "none", to: &text)
                    var hex = Hex.encodeBytes(seed)
                    defer { Sodium.wipe(&hex) }
                    append(line: "seed", bytes: hex, to: &text)
                }
            }
        } catch let e as CryptoError {
            throw e
        } catch {
            throw .io("cannot seal key: \(error)")
        }
        try create(path, contents: text)
    }

    /// Writes the public half only (`filtop-public-key-v1`), safe to share.
    public static func publicKeyText(_ publicKey: PublicKey) -> String {
        "filtop-public-key-v1\nalgorithm: ed25519\npublic-key: \(publicKey.hex)\nnode-id: \(publicKey.nodeID)\n"
    }

    /// Whether the file at `path` is encrypted (reads only its non-secret lines).
    public static func isEncrypted(at path: String) throws(CryptoError) -> Bool {
        var raw = try readChecked(path)
        defer { Sodium.wipe(&raw) }
        let fields = try parse(raw, path: path)
        return fields.text("encryption") == sealedAlgorithm
    }

    /// The public key stored at `path`, read from its non-secret lines, so it is known
    /// without the passphrase of an encrypted file.
    public static func publicKey(at path: String) throws(CryptoError) -> PublicKey {
        var raw = try readChecked(path)
        defer { Sodium.wipe(&raw) }
        return try storedPublicKey(try parse(raw, path: path), path: path)
    }

    /// The file's `public-key` line as a key.
    private static func storedPublicKey(_ fields: Fields, path: String) throws(CryptoError) -> PublicKey {
        guard let pkHex = fields.text("public-key"), let pkBytes = Hex.decode(pkHex),
              let publicKey = try? PublicKey(bytes: pkBytes) else {
            throw .invalidKeyFile(path: path, reason: "missing or malformed 'public-key' line")
        }
        return publicKey
    }

    /// Loads the key pair stored at `path`, checking permissions, format and that the
    /// stored public key and node ID match the seed.
    public static func load(from path: String, passphrase: [UInt8]? = nil) throws(CryptoError) -> KeyPair {
        var raw = try readChecked(path)
        defer { Sodium.wipe(&raw) }
        let fields = try parse(raw, path: path)
        let publicKey = try storedPublicKey(fields, path: path)
        var seed: [UInt8]
        switch fields.text("encryption") {
        case "none":
            guard let s = fields.bytes("seed").flatMap({ Hex.decode(bytes: $0) }), s.count == KeyPair.seedByteCount else {
                throw .invalidKeyFile(path: path, reason: "missing or malformed 'seed' line")
            }
            seed = s
        case sealedAlgorithm:
            guard let passphrase else { throw .passphraseRequired(path: path) }
            seed = try openSealed(fields, publicKey: publicKey, passphrase: passphrase, path: path)
        default:
            throw .invalidKeyFile(path: path, reason: "'encryption' must be 'none' or '\(sealedAlgorithm)'")
        }
        defer { Sodium.wipe(&seed) }
        let keyPair = try KeyPair(seed: seed)
        guard keyPair.publicKey == publicKey else {
            throw .invalidKeyFile(path: path, reason: "the stored public key does not belong to the stored secret")
        }
        if let id = fields.text("node-id"), id != keyPair.nodeID.description {
            throw .invalidKeyFile(path: path, reason: "the stored node ID does not match the key")
        }
        return keyPair
    }

    // MARK: - Format

    private static func header(_ publicKey: PublicKey) -> [UInt8] {
        var text = Array((magic + "\n").utf8)
        append(line: "algorithm", "ed25519", to: &text)
        append(line: "public-key", publicKey.hex, to: &text)
        append(line: "node-id", publicKey.nodeID.description, to: &text)
        return text
    }

    private static func append(line name: String, _ value: String, to text: inout [UInt8]) {
        append(line: name, bytes: Array(value.utf8), to: &text)
    }

    private static func append(line name: String, bytes value: [UInt8], to text: inout [UInt8]) {
        text.append(contentsOf: (name + ": ").utf8)
        text.append(contentsOf: value)
        text.append(UInt8(ascii: "\n"))
    }

    /// The fields of a key file; values stay bytes so the seed never becomes a `String`.
    private struct Fields {
        var values: [String: ArraySlice<UInt8>] = [:]
        func bytes(_ name: String) -> ArraySlice<UInt8>? { values[name] }
        func text(_ name: String) -> String? { values[name].map { String(decoding: $0, as: UTF8.self) } }
    }

    private static func parse(_ raw: [UInt8], path: String) throws(CryptoError) -> Fields {
        let lines = raw.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard let first = lines.first, Array(first) == Array(magic.utf8) else {
            throw .invalidKeyFile(path: path, reason: "the first line must be '\(magic)'")
        }
        var fields = Fields()
        for (number, line) in lines.enumerated().dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
                  line.index(after: colon) < line.endIndex, line[line.index(after: colon)] == UInt8(ascii: " ") else {
                throw .invalidKeyFile(path: path, reason: "line \(number + 1) is not 'name: value'")
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            guard fields.values[name] == nil else {
                throw .invalidKeyFile(path: path, reason: "field '\(name)' appears twice")
            }
            fields.values[name] = line[line.index(colon, offsetBy: 2)...]
        }
        guard fields.text("algorithm") == "ed25519" else {
            throw .invalidKeyFile(path: path, reason: "'algorithm' must be 'ed25519'")
        }
        return fields
    }

    // MARK: - Sealing

    private static func associatedData(_ publicKey: PublicKey) -> [UInt8] {
        Array((magic + "\0").utf8) + publicKey.bytes
    }

    private static func appendSealed(
        seed: [UInt8], publicKey: PublicKey, passphrase: [UInt8], cost: Cost, to text: inout [UInt8]
    ) throws(CryptoError) {
        let salt = Sodium.randomBytes(Int(crypto_pwhash_saltbytes()))
        let nonce = Sodium.randomBytes(Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()))
        var key = try deriveKey(passphrase: passphrase, salt: salt, cost: cost)
        defer { Sodium.wipe(&key) }
        let ad = associatedData(publicKey)
        var sealed = [UInt8](repeating: 0, count: seed.count + Int(crypto_aead_xchacha20poly1305_ietf_abytes()))
        var sealedLength: UInt64 = 0
        _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
            &sealed, &sealedLength, seed, UInt64(seed.count), ad, UInt64(ad.count), nil, nonce, key)
        append(line: "encryption", sealedAlgorithm, to: &text)
        append(line: "argon2id-opslimit", String(cost.opsLimit), to: &text)
        append(line: "argon2id-memlimit", String(cost.memLimit), to: &text)
        append(line: "salt", Hex.encode(salt), to: &text)
        append(line: "nonce", Hex.encode(nonce), to: &text)
        append(line: "sealed-seed", Hex.encode(sealed), to: &text)
    }

    private static func openSealed(
        _ fields: Fields, publicKey: PublicKey, passphrase: [UInt8], path: String
    ) throws(CryptoError) -> [UInt8] {
        guard let ops = fields.text("argon2id-opslimit").flatMap(UInt64.init), ops >= 1, ops <= maxOpsLimit,
              let mem = fields.text("argon2id-memlimit").flatMap(UInt64.init),
              mem >= UInt64(crypto_pwhash_memlimit_min()), mem <= maxMemLimit else {
            throw .invalidKeyFile(path: path, reason: "Argon2id limits missing or outside 1…\(maxOpsLimit) passes, ≤ 1 GiB")
        }
        guard let salt = fields.text("salt").flatMap({ Hex.decode($0) }), salt.count == Int(crypto_pwhash_saltbytes()),
              let nonce = fields.text("nonce").flatMap({ Hex.decode($0) }),
              nonce.count == Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()),
              let sealed = fields.text("sealed-seed").flatMap({ Hex.decode($0) }),
              sealed.count == KeyPair.seedByteCount + Int(crypto_aead_xchacha20poly1305_ietf_abytes()) else {
            throw .invalidKeyFile(path: path, reason: "'salt', 'nonce' or 'sealed-seed' missing or of the wrong length")
        }
        var key = try deriveKey(passphrase: passphrase, salt: salt, cost: Cost(opsLimit: ops, memLimit: mem))
        defer { Sodium.wipe(&key) }
        let ad = associatedData(publicKey)
        var seed = [UInt8](repeating: 0, count: KeyPair.seedByteCount)
        var seedLength: UInt64 = 0
        let status = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &seed, &seedLength, nil, sealed, UInt64(sealed.count), ad, UInt64(ad.count), nonce, key)
        guard status == 0 else {
            Sodium.wipe(&seed)
            throw .wrongPassphrase(path: path)
        }
        return seed
    }

    private static func deriveKey(passphrase: [UInt8], salt: [UInt8], cost: Cost) throws(CryptoError) -> [UInt8] {
        Sodium.ready()
        var key = [UInt8](repeating: 0, count: Int(crypto_aead_xchacha20poly1305_ietf_keybytes()))
        let keyCount = key.count
        // A NUL-terminated copy, so even an empty passphrase has an address; wiped below.
        var terminated = passphrase.map { CChar(bitPattern: $0) } + [0]
        defer { terminated.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, $0.count) } }
        let status = crypto_pwhash(
            &key, UInt64(keyCount), terminated, UInt64(passphrase.count), salt,
            cost.opsLimit, Int(cost.memLimit), crypto_pwhash_alg_argon2id13())
        guard status == 0 else {
            throw .keyDerivationFailed("Argon2id needs \(cost.memLimit >> 20) MiB of memory and could not get it")
        }
        return key
    }

    // MARK: - Files

    private static func create(_ path: String, contents: [UInt8]) throws(CryptoError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .keyFileExists(path: path) }
            throw .io(IOError(path: path, operation: "create key file").description)
        }
        defer { close(fd) }
        let written = contents.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == contents.count, fsync(fd) == 0 else {
            let e = IOError(path: path, operation: "write key file")
            unlink(path)
            throw .io(e.description)
        }
    }

    private static func readChecked(_ path: String) throws(CryptoError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(IOError(path: path, operation: "open key file").description) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(IOError(path: path, operation: "stat key file").description) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw .invalidKeyFile(path: path, reason: "not a regular file")
        }
        guard st.st_mode & 0o077 == 0 else { throw .keyFileTooOpen(path: path, mode: UInt16(st.st_mode & 0o777)) }
        guard st.st_size <= maxFileSize else {
            throw .invalidKeyFile(path: path, reason: "larger than \(maxFileSize) bytes")
        }
        var raw = [UInt8](repeating: 0, count: maxFileSize + 1)
        let n = raw.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n >= 0 else { throw .io(IOError(path: path, operation: "read key file").description) }
        guard n <= maxFileSize else { throw .invalidKeyFile(path: path, reason: "larger than \(maxFileSize) bytes") }
        let content = Array(raw[0..<n])
        Sodium.wipe(&raw)
        return content
    }
}
