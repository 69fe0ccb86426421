import ArgumentParser
import Foundation
import NodeKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a file into the blockstore as UnixFS (ipfs add --cid-version=1 layout) and pack it as a CAR piece.")

    @Argument(help: "The file to import.") var file: String
    @Option(name: .customLong("car"), help: "Also write the piece's CAR to this path.") var carOut: String?
    @Flag(help: "Print one JSON object: root, piece_cid, car_size, piece_size.") var json = false
    @OptionGroup var data: DataOptions

    func run() throws {
        let store = try data.directory.openBlockstore()
        let report = Output.progress(label: "import")
        let summary = try store.importFile(file) { p in report?(p.phase.rawValue, p.done, p.total) }
        Output.endProgress()
        if let carOut {
            try? FileManager.default.removeItem(atPath: carOut)
            try FileManager.default.copyItem(atPath: summary.carPath, toPath: carOut)
        }
        Output.piece(summary.piece, json: json)
        if let carOut, !json { print("CAR:        \(carOut)") }
    }
}

struct PieceCIDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "piece-cid",
        abstract: "Compute the Piece CID (CommP) of a file's bytes as they are, like Lotus 'client commP'.")

    @Argument(help: "The file (at least 65 bytes).") var file: String
    @Flag(help: "Print one JSON object: piece_cid, payload_size, piece_size.") var json = false

    func run() throws {
        let report = Output.progress(label: "piece-cid")
        let r = try PieceCommitmentHasher.pieceCID(ofFile: file) { done in report?("hashing", done, done) }
        Output.endProgress()
        if json {
            Output.json([
                ("piece_cid", .string(r.pieceCID.description)), ("payload_size", .int(r.payloadSize)),
                ("piece_size", .int(r.size.bytes)),
            ])
        } else {
            print("piece CID:    \(r.pieceCID)")
            print("payload size: \(r.payloadSize)")
            print("piece size:   \(r.size.bytes)")
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Reassemble a file from the blockstore by its root CID, verifying every block.")

    @Argument(help: "The root CID of the file.") var cid: String
    @Option(name: .shortAndLong, help: "Where to write the file.") var output: String
    @OptionGroup var data: DataOptions

    func run() throws {
        let root = try CID(cid)
        let store = try data.directory.openBlockstore()
        let temp = output + ".filtop-part"
        let sink = try FileSink(path: temp)
        do {
            let size = try UnixFSExporter(fetch: { try store.block($0) }).export(root, to: sink)
            try sink.close()
            guard rename(temp, output) == 0 else { throw IOError(path: output, operation: "write") }
            FileHandle.standardError.write(Data("exported \(size) bytes to \(output)\n".utf8))
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
    }
}
