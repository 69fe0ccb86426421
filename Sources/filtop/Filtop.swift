import ArgumentParser
import Foundation
import NodeKit

/// The `filtop` command: the operator console and the scriptable command line.
@main
struct Filtop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filtop",
        abstract: "A Filecoin secondary retrieval market node with an operator console.",
        subcommands: [
            ConsoleCommand.self, ImportCommand.self, PieceCIDCommand.self, ExportCommand.self, CARCommand.self,
            KeysCommand.self, OfferCommand.self, NodeCommand.self, RegisterCommand.self, PaychCommand.self, LedgerCommand.self,
            ProviderCommand.self, GatewayCommand.self, ClientCommand.self, DealsCommand.self,
            DevnetCommand.self, AttachCommand.self,
            BenchCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )

    /// Runs the chosen command; an error from a library is translated for the operator
    /// (`OperatorError`) before it is printed.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: OperatorError.translating(error, dataDirectory: DataOptions.lastUsed.withLock { $0 }))
        }
    }
}

/// Options every command that touches the node's state shares.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The node's data directory (default: $XDG_DATA_HOME/filtop).")
    var dataDir: String?

    func validate() throws {
        if let dataDir, dataDir.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--data-dir is empty; give the path of the node's data directory")
        }
    }

    /// The directory (a leading `~` expanded to $HOME); remembered for error messages.
    var directory: DataDirectory {
        let dir = DataDirectory(path: dataDir ?? DataDirectory.defaultPath())
        Self.lastUsed.withLock { $0 = dir.path }
        return dir
    }

    /// The data directory this run used, named in translated database errors.
    static let lastUsed = Locked<String?>(nil)
}
