import ArgumentParser
import Foundation
import NodeKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a file into the blockstore as UnixFS (ipfs add --cid-version=1 layout) and pack it as a CAR piece.")

    @Argument(help: "The file to import (a regular file).") var file: String
    @Option(name: .customLong("car"), help: "Also write the piece's CAR to this path (a new file, outside the data directory).") var carOut: String?
    @Flag(help: "Replace an existing regular file at the --car path.") var force = false
    @Flag(help: "Print one JSON object: root, piece_cid, car_size, piece_size.") var json = false
    @OptionGroup var data: DataOptions

    func run() throws {
        InterruptCleanup.install()
        let input = expandingTilde(file)
        let dir = data.directory
        let carTarget = try carOut.map {
            try OutputFile(path: expandingTilde($0), force: force, inputs: [(input, "input file")], dataDirectories: [dir.path])
        }
        _ = try FileSource(path: input)
        let store = try dir.openBlockstore()
        let revision = try store.totals().revision
        let report = Output.progress(label: "import")
        let summary = try store.importFile(input) { p in report?(p.phase.rawValue, p.done, p.total) }
        Output.endProgress()
        if try store.totals().revision == revision {
            FileHandle.standardError.write(Data("already stored: \(input) is piece \(summary.piece.pieceCID) (root \(summary.piece.rootCID)); nothing changed\n".utf8))
        }
        if let carTarget {
            let source = try FileSource(path: summary.carPath)
            try carTarget.write { sink in try Self.copy(source, to: sink) }
        }
        Output.piece(summary.piece, json: json)
        if let carTarget, !json { print("CAR:        \(carTarget.path)") }
    }

    /// Copies all of `source` into `sink` in 1 MiB reads.
    static func copy(_ source: FileSource, to sink: FileSink) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try buffer.withUnsafeMutableBytes { b in try source.read(into: b) }
            if n == 0 { return }
            try buffer.withUnsafeBytes { b in try sink.write(UnsafeRawBufferPointer(rebasing: b[..<n])) }
        }
    }
}

struct PieceCIDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "piece-cid",
        abstract: "Compute the Piece CID (CommP) of a file's bytes as they are, like Lotus 'client commP'.")

    @Argument(help: "The file (a regular file of at least 65 bytes).") var file: String
    @Flag(help: "Print one JSON object: piece_cid, payload_size, piece_size.") var json = false

    func run() throws {
        let report = Output.progress(label: "piece-cid")
        let r = try PieceCommitmentHasher.pieceCID(ofFile: expandingTilde(file)) { done in report?("hashing", done, done) }
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
        abstract: "Reassemble a file from the blockstore by its root CID, verifying every block.",
        discussion: """
            Before writing, the export works out the file's size from its DAG and refuses one larger than --max-size \
            (a DAG can link the same blocks over and over, so a small piece can describe a huge file) or needing more \
            than 2^24 block reads.
            """)

    @Argument(help: "The root CID of the file.") var cid: String
    @Option(name: .shortAndLong, help: "Where to write the file (a new file, outside the data directory).") var output: String
    @Flag(help: "Replace an existing regular file at the output path.") var force = false
    @Option(name: .customLong("max-size"), help: "Largest file to write, in bytes or with a unit (512MiB, 64GiB, 2TiB).")
    var maxSize = ByteSize(bytes: UnixFSExporter.Limits.defaultMaxBytes)
    @OptionGroup var data: DataOptions

    func run() throws {
        InterruptCleanup.install()
        let root = try CIDArgument.parse(cid, name: "the root CID argument")
        let dir = data.directory
        let target = try OutputFile(path: expandingTilde(output), force: force, dataDirectories: [dir.path])
        let store = try dir.openExistingBlockstore()
        guard try store.block(root) != nil else { throw ContentError.blockNotFound(root.description) }
        let exporter = UnixFSExporter(limits: .init(maxBytes: maxSize.bytes)) { try store.block($0) }
        let report = Output.progress(label: "export")
        let size = try target.write { sink in
            try exporter.export(root, to: sink) { done, total in report?("writing", done, total) }
        }
        Output.endProgress()
        FileHandle.standardError.write(Data("exported \(size) bytes to \(target.path)\n".utf8))
    }
}
