import ArgumentParser
import Foundation
import NodeKit

/// `filtop devnet`: a whole market headless in one process over loopback — a register, a
/// ledger, gateways, providers (each with sample content, offered to every gateway) and
/// clients, every account funded — until SIGINT or SIGTERM.
/// Prints one JSON line per node.
struct DevnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devnet", abstract: "Run a register, a ledger, gateways, providers and clients in one process over loopback (prints one JSON line per node).")

    @Option(help: "Gateways (0…64).") var gateways = 8
    @Option(help: "Providers (0…64).") var providers = 3
    @Option(help: "Clients (0…64).") var clients = 0
    @Option(help: ArgumentHelp("Sample files each provider imports and offers (0…8).", valueName: "N")) var samples = 4
    @Option(name: .customLong("settle-delay"), help: ArgumentHelp("Ledger epochs (1 s each) from a settle to the earliest collect.", valueName: "EPOCHS"))
    var settleDelay = 60
    @Option(name: .customLong("data-dir"), help: "Where the devnet lives (default: <default data dir>/devnet).") var dataDir: String?
    @Flag(help: "Start anew: remove the devnet directory first.") var fresh = false

    func validate() throws {
        guard (0...64).contains(gateways) else { throw ValidationError("--gateways must be 0…64") }
        guard (0...64).contains(providers) else { throw ValidationError("--providers must be 0…64") }
        guard (0...64).contains(clients) else { throw ValidationError("--clients must be 0…64") }
        guard SampleContent.countRange.contains(samples) else {
            throw ValidationError("--samples must be \(SampleContent.countRange.lowerBound)…\(SampleContent.countRange.upperBound)")
        }
        let delays = NodeConfig.settleDelayRange
        guard delays.contains(settleDelay) else { throw ValidationError("--settle-delay must be \(delays.lowerBound)…\(delays.upperBound) epochs") }
    }

    func run() async throws {
        let path = dataDir ?? DataDirectory.defaultPath() + "/devnet"
        if fresh { try Devnet.clear(directory: path) }
        let devnet = try await Devnet.start(
            directory: path, gateways: gateways, providers: providers, clients: clients, settleDelay: settleDelay, samplesPerProvider: samples)
        for member in [devnet.register, devnet.ledger] + devnet.members {
            Output.json([
                ("name", .string(member.name)), ("node", .string(member.node.identity.publicKey.nodeID.description)),
                ("roles", .array(member.node.context.roles.sorted().map { .string($0.rawValue) })),
                ("address", .string(member.node.listenAddress?.description ?? "")), ("admin_key", .string(member.adminKeyPath)),
                ("data_dir", .string(member.directory.path)),
            ])
        }
        fflush(nil)  // the lines reach a pipe now, not when the buffer fills
        _ = await ShutdownSignal.wait()
        await devnet.stop()
    }
}
