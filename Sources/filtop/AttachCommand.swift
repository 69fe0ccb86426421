import ArgumentParser
import Foundation
import NodeKit

/// `filtop attach ADDRESS`: the operator console on a node started with `filtop node
/// run`, over an admin session. Every view and command works as on an embedded node.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Open the console on a running node (filtop node run) over an admin session.")

    @Argument(help: "host:port of the node.") var address: String
    @Option(name: .customLong("admin-key"), help: "Admin key file (default: <data-dir>/admin.key).") var adminKey: String?
    @Option(name: .customLong("node-id"), help: "The node's ID (fid…); when given, any other node is refused.") var nodeID: String?
    @OptionGroup var data: DataOptions
    @OptionGroup var look: ConsoleOptions

    func validate() throws { try look.validate() }

    func run() async throws {
        try look.requireTerminal()
        let target = try NodeAddress(address)
        let expected = try nodeID.map { try NodeID($0) }
        let keyPath = adminKey ?? data.directory.adminKeyPath
        // Without an admin key file the session still opens, with a throwaway key, so the
        // node's own refusal (notAdmin) is what the console shows.
        let key = adminKey == nil && !FileManager.default.fileExists(atPath: keyPath) ? KeyPair() : try KeyFile.load(from: keyPath)
        let control = RemoteNodeControl(address: target, adminKey: key, expectedPeer: expected)
        try await ConsoleSession.run(control: control, options: look)
        await control.close()
    }
}
