import Foundation
import NodeKit

/// The operator's own node, as the console runs it embedded: all roles, persistent in
/// the data directory, joined to the embedded devnet's register when the config names no
/// register of its own.
enum OperatorNode {
    /// The node's identity: read from `node.key`, created (unencrypted, 0600) on a first
    /// run — except in read-only mode, which creates nothing. A first run also gives the
    /// node an `admin.key` and a `config.toml` naming it (as `filtop node init` would), so
    /// `filtop paych …`, `node status` and `attach` reach the console's node from another
    /// terminal; existing files are never touched.
    static func identity(in dir: DataDirectory, readOnly: Bool, passphrase: [UInt8]?) throws -> KeyPair {
        if !FileManager.default.fileExists(atPath: dir.keyPath) {
            guard !readOnly else { throw NodeError.notInitialised(dir.path) }
            try dir.create()
            try KeyFile.write(KeyPair(), to: dir.keyPath)
        }
        if !readOnly && !FileManager.default.fileExists(atPath: dir.adminKeyPath) && !FileManager.default.fileExists(atPath: dir.configPath) {
            try KeyFile.write(KeyPair(), to: dir.adminKeyPath)
            var config = NodeConfig()
            config.admin.keys = [try KeyFile.publicKey(at: dir.adminKeyPath).nodeID.description]
            try PrivateFile.replace(dir.configPath, with: Array(try config.rendered.utf8))
        }
        if try KeyFile.isEncrypted(at: dir.keyPath), passphrase == nil {
            throw OperatorError("\(dir.keyPath) is encrypted: set FILTOP_PASSPHRASE to open it")
        }
        return try KeyFile.load(from: dir.keyPath, passphrase: passphrase)
    }

    /// Builds and starts the node. The config is `config.toml` when there is one, else
    /// the defaults; the devnet's register is used when the config names none. When the
    /// configured port is taken (say, by a `filtop node run` of the same node), the node
    /// listens on a free port instead and says so. With a devnet, the node's account is
    /// then topped up from the devnet's faucet (`Devnet.fund`), so it can pay at once, and
    /// welcomed (`Devnet.welcome`): the devnet's providers publish to it before the first frame.
    static func start(in dir: DataDirectory, identity: KeyPair, devnet: Devnet?, journal: EventJournal) async throws -> Node {
        var config = FileManager.default.fileExists(atPath: dir.configPath) ? try dir.loadConfig() : NodeConfig()
        if config.register.address.isEmpty, let devnet, let address = devnet.registerAddress {
            config.register.address = address.description
            config.register.nodeID = devnet.registerID.description
        }
        let node = try await listening(in: dir, identity: identity, config: config, journal: journal)
        if let devnet {
            do {
                if let given = try await devnet.fund([node.context.nodeID])[node.context.nodeID] {
                    node.context.note(.info, .channel, "ledger: the devnet faucet gave this node's account \(given) (it starts with \(Devnet.startingBalance))")
                }
                await devnet.welcome(node)
            } catch {
                await node.stop()
                throw error
            }
        }
        return node
    }

    /// Starts the node on its configured address, else on a free port.
    private static func listening(in dir: DataDirectory, identity: KeyPair, config: NodeConfig, journal: EventJournal) async throws -> Node {
        var config = config
        let node = try Node(directory: dir, identity: identity, config: config, journal: journal)
        do {
            try await node.start()  // includes the first register sync: the first frame shows the market
            return node
        } catch {
            let configured = config.node.listen
            config.node.listen = "127.0.0.1:0"
            let fallback = try Node(directory: dir, identity: identity, config: config, journal: journal)
            try await fallback.start()
            fallback.context.note(.warning, .log, "cannot listen on \(configured) (\(error)); listening on \(fallback.listenAddress?.description ?? "?") instead")
            return fallback
        }
    }
}
