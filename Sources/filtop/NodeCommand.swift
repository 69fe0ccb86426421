import ArgumentParser
import Foundation
import Logging
import NodeKit

struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Set up, run and control a headless node.",
        subcommands: [Init.self, Run.self, Status.self, Events.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init", abstract: "Create the node's key, an admin key and config.toml (keeps existing keys).")
        @OptionGroup var data: DataOptions
        @Option(help: "host:port to listen on (port 0: any free port).") var listen = "127.0.0.1:7420"
        @Option(help: "Comma-separated roles: client, gateway, provider, register.") var roles = "client,gateway,provider"
        @Option(help: "host:port of the register.") var register: String?
        @Option(name: .customLong("register-id"), help: "The register's node ID (fid…).") var registerID: String?
        @Option(help: "Region name published in the node record.") var region = "local"
        @Option(help: "ISO 3166-1 alpha-2 country code published in the node record.") var country = "ZZ"
        @Option(name: .customLong("payment-address"), help: "Payment address published in the node record.") var paymentAddress = ""
        @Flag(help: "Replace an existing config.toml.") var force = false

        func run() throws {
            let dir = data.directory
            try dir.create()
            for path in [dir.keyPath, dir.adminKeyPath] where !FileManager.default.fileExists(atPath: path) {
                try KeyFile.write(KeyPair(), to: path)
            }
            if FileManager.default.fileExists(atPath: dir.configPath) && !force {
                throw ValidationError("\(dir.configPath) exists; pass --force to replace it")
            }
            var config = NodeConfig()
            config.node.listen = listen
            config.node.roles = roles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            config.node.region = region
            config.node.country = country
            config.node.paymentAddress = paymentAddress
            config.register.address = register ?? ""
            config.register.nodeID = registerID ?? ""
            config.admin.keys = [try KeyFile.load(from: dir.adminKeyPath).publicKey.nodeID.description]
            try config.validate(path: dir.configPath)
            try config.rendered.write(toFile: dir.configPath, atomically: true, encoding: .utf8)
            let identity = try KeyFile.load(from: dir.keyPath)
            print("node ID:   \(identity.publicKey.nodeID)")
            print("config:    \(dir.configPath)")
            print("admin key: \(dir.adminKeyPath)")
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run the node headless until SIGINT or SIGTERM; logs go to stderr.")
        @OptionGroup var data: DataOptions

        func run() async throws {
            let dir = data.directory
            guard dir.isInitialised else { throw NodeError.notInitialised(dir.path) }
            LoggingSystem.bootstrap { label in StructuredLogHandler(label: label) }
            let node = try Node(directory: dir, identity: try KeyFile.load(from: dir.keyPath), config: try dir.loadConfig(),
                                logger: Logger(label: "filtop.node"))
            try await node.start()
            let signal = await ShutdownSignal.wait()
            Logger(label: "filtop.node").info("received \(signal); shutting down")
            await node.stop()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Ask a running node for its status over an admin session.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let client = try await remote.connect()
            let s = try await client.call(ControlStatusRequest(), expecting: ControlStatus.self)
            await client.close()
            if json {
                Output.json([
                    ("node", .string(s.node.description)), ("roles", .array(s.roles.map { .string($0) })),
                    ("listen", .string(s.listen)), ("data_dir", .string(s.dataDirectory)), ("started", .int(s.started)),
                    ("pieces", .int(s.pieces)), ("known_nodes", .int(s.knownNodes)),
                    ("peers", .array(s.peers.map { .string("\($0.node) \($0.rttMicros)us") })),
                ])
            } else {
                print("node:        \(s.node)")
                print("roles:       \(s.roles.joined(separator: ", "))")
                print("listen:      \(s.listen)")
                print("data dir:    \(s.dataDirectory)")
                print("uptime:      \(UInt64(Date().timeIntervalSince1970) - s.started) s")
                print("pieces:      \(s.pieces)")
                print("known nodes: \(s.knownNodes)")
                for p in s.peers { print("peer:        \(p.node)  rtt \(p.rttMicros) µs") }
            }
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "events", abstract: "Print a running node's log over an admin session; --follow streams it live.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Keep streaming new events until interrupted.") var follow = false

        func run() async throws {
            let client = try await remote.connect()
            var after: UInt64 = 0
            repeat {
                let batch = try await client.call(
                    ControlEventsRequest(after: after, waitMillis: follow ? 10_000 : 0), expecting: ControlEvents.self,
                    timeout: .seconds(20))
                for e in batch.events {
                    let line = "\(ISO8601DateFormatter().string(from: e.time)) \(e.level) \(e.message)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                    after = e.sequence
                }
            } while follow
            await client.close()
        }
    }
}

/// Where and as whom to reach a running node's control API.
struct RemoteOptions: ParsableArguments {
    @OptionGroup var data: DataOptions
    @Option(help: "host:port of the node (default: its config's listen address).") var connect: String?
    @Option(name: .customLong("node-id"), help: "The node's ID (default: read from the data directory's key).") var nodeID: String?
    @Option(name: .customLong("admin-key"), help: "Admin key file (default: <data-dir>/admin.key).") var adminKey: String?

    func connect() async throws -> RPCClient {
        let dir = data.directory
        let address = try NodeAddress(try connect ?? dir.loadConfig().node.listen)
        let expected = try nodeID.map { try NodeID($0) } ?? KeyFile.load(from: dir.keyPath).publicKey.nodeID
        let admin = try KeyFile.load(from: adminKey ?? dir.adminKeyPath)
        return try await RPCClient.connect(host: address.host, port: address.port, identity: admin, expectedPeer: expected)
    }
}
