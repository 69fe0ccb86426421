import ArgumentParser
import NodeKit

/// The `filtop` command: the operator console and the scriptable command line.
@main
struct Filtop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filtop",
        abstract: "A Filecoin secondary retrieval market node with an operator console.",
        subcommands: [
            ConsoleCommand.self, ImportCommand.self, PieceCIDCommand.self, ExportCommand.self, CARCommand.self,
            KeysCommand.self, OfferCommand.self, NodeCommand.self, RegisterCommand.self, DevnetCommand.self, AttachCommand.self,
            BenchCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )
}

/// Options every command that touches the node's state shares.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The node's data directory (default: $XDG_DATA_HOME/filtop).")
    var dataDir: String?

    var directory: DataDirectory { DataDirectory(path: dataDir ?? DataDirectory.defaultPath()) }
}
