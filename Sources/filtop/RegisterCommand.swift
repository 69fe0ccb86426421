import ArgumentParser
import Foundation
import NodeKit

struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "List, show, add and remove node records in a register.",
        subcommands: [List.self, Show.self, Add.self, Remove.self])

    /// Which register to talk to: flags, else the data directory's config.
    struct Target: ParsableArguments {
        @OptionGroup var data: DataOptions
        @Option(help: "host:port of the register (default: from config.toml).") var register: String?
        @Option(name: .customLong("register-id"), help: "The register's node ID (default: from config.toml).") var registerID: String?

        func connect() async throws -> RPCClient {
            let config: NodeConfig? = FileManager.default.fileExists(atPath: data.directory.configPath) ? try data.directory.loadConfig() : nil
            guard let address = register ?? config?.register.address, !address.isEmpty,
                  let id = registerID ?? config?.register.nodeID, !id.isEmpty else { throw NodeError.noRegister }
            let a = try NodeAddress(address)
            let expected = try CIDArgument.node(id, name: registerID == nil ? "register.node_id in config.toml" : "--register-id")
            let identity = (try? KeyFile.load(from: data.directory.keyPath)) ?? KeyPair()
            do {
                return try await RPCClient.connect(host: a.host, port: a.port, identity: identity, expectedPeer: expected, timeout: .seconds(5))
            } catch NetworkError.unreachable {
                throw RegisterUnreachable(address: address)
            }
        }

        /// The local copy of the register, after warning that the register itself failed.
        func fallingBackToLocalCopy(after error: Error) throws -> RegisterStore {
            let why = OperatorError.translating(error, dataDirectory: data.directory.path)
            FileHandle.standardError.write(Data("warning: \(why); showing the local copy\n".utf8))
            return try localCopy()
        }

        func localCopy() throws -> RegisterStore {
            RegisterStore(database: try data.directory.openExistingBlockstore().database, table: .localCopy)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List live node records; falls back to the local copy when the register is unreachable.")
        @OptionGroup var target: Target
        @Option(help: "Only nodes with this role.") var role: String?
        @Option(help: "Only nodes in this region.") var region: String?
        @Flag(help: "Print one JSON object per line.") var json = false

        func run() async throws {
            let r = try role.map { name throws -> NodeRecord.Role in
                guard let r = NodeRecord.Role(rawValue: name) else { throw ValidationError("unknown role '\(name)'") }
                return r
            }
            var records: [NodeRecord]
            do {
                let client = try await target.connect()
                records = try await client.call(ListNodes(role: r, region: region), expecting: NodeList.self).records
                await client.close()
            } catch let error as NodeError {
                throw error
            } catch {
                records = try await target.fallingBackToLocalCopy(after: error).list(role: r, region: region, now: UInt64(Date().timeIntervalSince1970))
            }
            for rec in records {
                if json {
                    Output.json([
                        ("node_id", .string(rec.nodeID.description)), ("roles", .array(rec.roles.sorted().map { .string($0.rawValue) })),
                        ("addresses", .array(rec.addresses.map { .string($0) })), ("region", .string(rec.region)),
                        ("country", .string(rec.country)), ("expiry", .int(rec.expiry)),
                    ])
                } else {
                    print("\(rec.nodeID)  \(rec.roles.sorted().map(\.rawValue).joined(separator: ","))  \(rec.addresses.joined(separator: " "))  \(rec.region)/\(rec.country)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one node's record.")
        @OptionGroup var target: Target
        @Argument(help: "The node ID (fid…).") var node: String

        func run() async throws {
            let id = try CIDArgument.node(node, name: "the node ID argument")
            var records: [NodeRecord]
            do {
                let client = try await target.connect()
                records = try await client.call(ListNodes(), expecting: NodeList.self).records
                await client.close()
            } catch let error as NodeError {
                throw error
            } catch {
                records = try await target.fallingBackToLocalCopy(after: error).list(role: nil, region: nil, now: UInt64(Date().timeIntervalSince1970))
            }
            guard let rec = records.first(where: { $0.nodeID == id }) else { throw RegisterError.unknownNode(id.description) }
            print("node ID:         \(rec.nodeID)")
            print("public key:      \(rec.publicKey.hex)")
            print("roles:           \(rec.roles.sorted().map(\.rawValue).joined(separator: ", "))")
            print("addresses:       \(rec.addresses.joined(separator: ", "))")
            print("region/country:  \(rec.region) / \(rec.country)")
            print("payment address: \(rec.paymentAddress)")
            print("expires:         \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(rec.expiry))))")
            print("sequence:        \(rec.sequence)")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Publish this node's record (from its key and config.toml) to the register.")
        @OptionGroup var target: Target
        @Option(help: "Address to publish (default: the config's listen address).") var address: String?

        func run() async throws {
            let dir = target.data.directory
            let config = try dir.loadConfig()
            let key = try KeyFile.load(from: dir.keyPath)
            let record = try config.record(for: key, addresses: [address ?? config.node.listen])
            let client = try await target.connect()
            let ack = try await client.call(RegisterNode(record: record), expecting: RegisterAck.self)
            await client.close()
            print("published \(ack.node) (sequence \(ack.sequence))")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove this node's record from the register (only its own key may).")
        @OptionGroup var target: Target

        func run() async throws {
            let key = try KeyFile.load(from: target.data.directory.keyPath)
            let client = try await target.connect()
            _ = try await client.call(DeregisterNode(node: key.publicKey.nodeID), expecting: RegisterAck.self)
            await client.close()
            print("removed \(key.publicKey.nodeID)")
        }
    }
}

/// The register did not answer; says where it was looked for.
struct RegisterUnreachable: Error, CustomStringConvertible {
    let address: String
    var description: String {
        "cannot reach the register at \(address); check --register (or [register] address in config.toml) and that the register is running"
    }
}
