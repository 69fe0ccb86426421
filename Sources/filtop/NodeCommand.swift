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
        @Option(help: "Comma-separated roles: client, gateway, ledger, provider, register.") var roles = "client,gateway,provider"
        @Option(help: "host:port of the register.") var register: String?
        @Option(name: .customLong("register-id"), help: "The register's node ID (fid…).") var registerID: String?
        @Option(help: "Region name published in the node record.") var region = "local"
        @Option(help: "ISO 3166-1 alpha-2 country code published in the node record.") var country = "ZZ"
        @Option(name: .customLong("payment-address"), help: "Payment address published in the node record.") var paymentAddress = ""
        @Flag(help: "Replace an existing config.toml.") var force = false

        func run() throws {
            let dir = data.directory
            var config = NodeConfig()
            config.node.listen = listen
            config.node.roles = roles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            config.node.region = region
            config.node.country = country
            config.node.paymentAddress = paymentAddress
            config.register.address = register ?? ""
            config.register.nodeID = registerID ?? ""
            try config.validate(path: "the options")
            if FileManager.default.fileExists(atPath: dir.configPath) && !force {
                throw ValidationError("\(dir.configPath) exists; pass --force to replace it")
            }
            // Undo everything this run created if a later step fails.
            var created: [String] = []
            do {
                if !FileManager.default.fileExists(atPath: dir.path) { created.append(dir.path) }
                try dir.create()
                for path in [dir.keyPath, dir.adminKeyPath] where !FileManager.default.fileExists(atPath: path) {
                    try KeyFile.write(KeyPair(), to: path)
                    created.append(path)
                }
                config.admin.keys = [try KeyFile.publicKey(at: dir.adminKeyPath).nodeID.description]
                try config.validate(path: dir.configPath)
                try PrivateFile.replace(dir.configPath, with: Array(try config.rendered.utf8))
            } catch {
                for path in created.reversed() { try? FileManager.default.removeItem(atPath: path) }
                throw error
            }
            print("node ID:   \(try KeyFile.publicKey(at: dir.keyPath).nodeID)")
            print("config:    \(dir.configPath)")
            print("admin key: \(dir.adminKeyPath)")
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run the node headless until SIGINT or SIGTERM; logs go to stderr.")
        @OptionGroup var key: KeyOptions

        func run() async throws {
            let dir = key.data.directory
            guard dir.isInitialised else { throw NodeError.notInitialised(dir.path) }
            let node = try Node(directory: dir, identity: try key.load(), config: try dir.loadConfig(),
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
            "\(e.sequence) \(formatter.string(from: e.time)) \(e.level.rawValue) \(e.kind.rawValue) \(e.message)"
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
        let address: NodeAddress
        if let connect {
            address = try NodeAddress(connect)
        } else {
            guard dir.isInitialised else { throw DataDirectoryError.missing(dir.path) }
            let listen = try dir.loadConfig().node.listen
            address = try NodeAddress(listen, allowingPortZero: true)
            guard address.port != 0 else {
                throw ValidationError(
                    "\(dir.configPath) listens on \(listen) (any free port), so the port to reach is not known; "
                        + "pass --connect \(address.host):PORT with the port the node logged when it started")
            }
        }
        let expected = try nodeID.map { try CIDArgument.node($0, name: "--node-id") } ?? KeyFile.load(from: dir.keyPath).publicKey.nodeID
        let admin = try KeyFile.load(from: adminKey.map { expandingTilde($0) } ?? dir.adminKeyPath)
        return RemoteNodeControl(address: address, adminKey: admin, expectedPeer: expected)
    }

    /// Runs `body` on an admin session to the node and closes the session afterwards,
    /// also when `body` throws.
    func withControl<T>(_ body: (RemoteNodeControl) async throws -> T) async throws -> T {
        let control = try control()
        do {
            let result = try await body(control)
            await control.close()
            return result
        } catch {
            await control.close()
            throw error
        }
    }
}
