import ArgumentParser
import Foundation
import NodeKit

/// `filtop keys`: create and inspect the node's Ed25519 identity.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create and inspect the node's Ed25519 identity (key file, node ID).",
        subcommands: [Init.self, Show.self, ExportPublic.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init", abstract: "Create a new key file (mode 0600); never overwrites an existing one.")
        @OptionGroup var key: KeyOptions
        @Flag(help: "Encrypt the key with a passphrase (Argon2id + XChaCha20-Poly1305).") var encrypt = false
        @Flag(name: .customLong("interactive-kdf"), help: "Use libsodium's INTERACTIVE Argon2id cost (64 MiB) instead of MODERATE (256 MiB), for small machines.") var fastKDF = false

        func run() throws {
            let path = try key.resolvedPath(creatingDirectory: true)
            var passphrase: [UInt8]?
            if encrypt {
                guard let given = try key.passphrase(confirm: true) else { throw PassphraseError.missingForEncryption }
                passphrase = given
            }
            let pair = KeyPair()
            try KeyFile.write(pair, to: path, passphrase: passphrase, cost: fastKDF ? .interactive : .moderate)
            print("created \(path)\(encrypt ? " (encrypted)" : "")")
            print("node ID:    \(pair.nodeID)")
            print("public key: \(pair.publicKey.hex)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print the node ID and public key of a key file (never the secret).")
        @OptionGroup var key: KeyOptions
        @Flag(help: "Print one JSON object: node_id, public_key, encrypted, path.") var json = false

        func run() throws {
            let path = try key.resolvedPath(creatingDirectory: false)
            let pair = try key.load()
            let encrypted = try KeyFile.isEncrypted(at: path)
            if json {
                Output.json([
                    ("node_id", .string(pair.nodeID.description)), ("public_key", .string(pair.publicKey.hex)),
                    ("encrypted", .bool(encrypted)), ("path", .string(path)),
                ])
            } else {
                print("key file:   \(path)\(encrypted ? " (encrypted)" : "")")
                print("node ID:    \(pair.nodeID)")
                print("public key: \(pair.publicKey.hex)")
            }
        }
    }

    struct ExportPublic: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-public", abstract: "Write the public half of a key file (safe to share).")
        @OptionGroup var key: KeyOptions
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output (a new file, outside the data directory).") var output: String?
        @Flag(help: "Replace an existing regular file at the output path.") var force = false

        func run() throws {
            InterruptCleanup.install()
            let target = try output.map {
                try OutputFile(
                    path: expandingTilde($0), force: force, inputs: [(try key.resolvedPath(creatingDirectory: false), "key file")],
                    dataDirectories: [key.data.directory.path])
            }
            let text = KeyFile.publicKeyText(try key.load().publicKey)
            if let target {
                try target.write(Array(text.utf8))
            } else {
                print(text, terminator: "")
            }
        }
    }
}

/// Where the key file is and how to get its passphrase.
struct KeyOptions: ParsableArguments {
    @Option(name: .customLong("key"), help: "The key file (default: <data-dir>/node.key).") var keyPath: String?
    @Option(name: .customLong("passphrase-file"), help: "Read the passphrase from the first line of this file or pipe (- or /dev/stdin: standard input; else $FILTOP_PASSPHRASE, else a prompt).")
    var passphraseFile: String?
    @OptionGroup var data: DataOptions

    func resolvedPath(creatingDirectory: Bool) throws -> String {
        if let keyPath { return expandingTilde(keyPath) }
        if creatingDirectory { try data.directory.create() }
        return data.directory.path + "/node.key"
    }

    func load() throws -> KeyPair {
        let path = try resolvedPath(creatingDirectory: false)
        guard try KeyFile.isEncrypted(at: path) else { return try KeyFile.load(from: path) }
        guard let secret = try passphrase(confirm: false) else { throw CryptoError.passphraseRequired(path: path) }
        return try KeyFile.load(from: path, passphrase: secret)
    }

    /// The passphrase as bytes: from --passphrase-file, $FILTOP_PASSPHRASE or the terminal;
    /// nil when none was given and there is no terminal to ask on.
    func passphrase(confirm: Bool) throws -> [UInt8]? {
        if let passphraseFile {
            let bytes = try PassphraseFile.read(expandingTilde(passphraseFile))
            return Array(bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).first ?? [])
        }
        if let env = ProcessInfo.processInfo.environment["FILTOP_PASSPHRASE"] { return Array(env.utf8) }
        guard isatty(STDIN_FILENO) != 0 else { return nil }
        let first = Self.prompt("Passphrase: ")
        if confirm {
            guard Self.prompt("Repeat passphrase: ") == first else { throw PassphraseError.mismatch }
        }
        return first
    }

    private static func prompt(_ text: String) -> [UInt8] {
        guard let p = getpass(text) else { return [] }
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
        memset(p, 0, strlen(p))
        return bytes
    }
}

/// Why a passphrase could not be obtained; never contains the passphrase.
enum PassphraseError: Error, CustomStringConvertible {
    case missingForEncryption
    case mismatch

    var description: String {
        switch self {
        case .missingForEncryption:
            return "--encrypt needs a passphrase: use --passphrase-file FILE, set FILTOP_PASSPHRASE, or run on a terminal"
        case .mismatch: return "the two passphrases differ; nothing was written"
        }
    }
}
