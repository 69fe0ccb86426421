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
            let node = try Node(directory: dir, identity: try KeyFile.load(from: dir.keyPath), config: try dir.loadConfig(),
                                logHandler: { StructuredLogHandler(label: $0) })
            try await node.start()
            let signal = await ShutdownSignal.wait()
            node.context.note(.info, .log, "received \(signal); shutting down")
            await node.stop()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Ask a running node for its status over an admin session.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let control = try remote.control()
            let s = try await control.status()
            let peers = try await control.registerPeers()
            await control.close()
            let measured = peers.records.filter { $0.rttMicros != nil }
            if json {
                Output.json([
                    ("node", .string(s.nodeID)), ("roles", .array(s.roles.map { .string($0.rawValue) })),
                    ("listen", .string(s.listenAddress)), ("data_dir", .string(s.dataDirectory)),
                    ("started", .int(UInt64(max(0, s.startedAt.timeIntervalSince1970)))), ("pieces", .int(UInt64(s.pieceCount))),
                    ("known_nodes", .int(UInt64(s.peerCount))), ("live_gateways", .int(UInt64(s.liveGateways))),
                    ("peers", .array(measured.map { .string("\($0.nodeID) \($0.rttMicros ?? 0)us") })),
                ])
            } else {
                print("node:          \(s.nodeID)")
                print("roles:         \(s.roles.map(\.rawValue).joined(separator: ", "))")
                print("listen:        \(s.listenAddress)")
                print("data dir:      \(s.dataDirectory)")
                print("uptime:        \(Int(max(0, Date().timeIntervalSince(s.startedAt)))) s")
                print("pieces:        \(s.pieceCount)")
                print("known nodes:   \(s.peerCount)")
                print("live gateways: \(s.liveGateways)")
                for p in measured { print("peer:          \(p.nodeID)  rtt \(p.rttMicros ?? 0) µs") }
            }
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "events", abstract: "Print a running node's event journal over an admin session; --follow streams it live.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Keep streaming new events until interrupted.") var follow = false
        @Option(help: "Print only events after this sequence number.") var after: UInt64 = 0

        func run() async throws {
            let control = try remote.control()
            let status = try await control.connect()
            _ = status
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if follow {
                for await e in await control.events(after: after) { print(line(e, formatter)) }
            } else {
                // Everything retained now: read until the journal has nothing newer.
                var last = after
                while true {
                    let batch = try await control.eventPage(after: last, wait: .zero)
                    if batch.isEmpty { break }
                    for e in batch { print(line(e, formatter)) }
                    last = batch.last?.sequence ?? last
                }
            }
            await control.close()
        }

        private func line(_ e: NodeEvent, _ formatter: ISO8601DateFormatter) -> String {
            "\(e.sequence) \(formatter.string(from: e.time)) \(e.level.name) \(e.kind.rawValue) \(e.message)"
        }
    }
}

/// Where and as whom to reach a running node's control API.
struct RemoteOptions: ParsableArguments {
    @OptionGroup var data: DataOptions
    @Option(help: "host:port of the node (default: its config's listen address).") var connect: String?
    @Option(name: .customLong("node-id"), help: "The node's ID (default: read from the data directory's key).") var nodeID: String?
    @Option(name: .customLong("admin-key"), help: "Admin key file (default: <data-dir>/admin.key).") var adminKey: String?

    func control() throws -> RemoteNodeControl {
        let dir = data.directory
        let address = try NodeAddress(try connect ?? dir.loadConfig().node.listen)
        let expected = try nodeID.map { try NodeID($0) } ?? KeyFile.load(from: dir.keyPath).publicKey.nodeID
        let admin = try KeyFile.load(from: adminKey ?? dir.adminKeyPath)
        return RemoteNodeControl(address: address, adminKey: admin, expectedPeer: expected)
    }
}
