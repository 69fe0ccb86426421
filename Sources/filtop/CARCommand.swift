import ArgumentParser
import Foundation
import NodeKit

struct CARCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "car",
        abstract: "Inspect, verify and import CAR files (v1 and v2).",
        subcommands: [List.self, Verify.self, Import.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List a CAR's roots and blocks.")
        @Argument(help: "The CAR file.") var file: String

        func run() throws {
            let reader = try CARReader(path: expandingTilde(file))
            if let v2 = reader.v2Header {
                print("version: 2 (data offset \(v2.dataOffset), size \(v2.dataSize), index \(v2.indexOffset == 0 ? "none" : "at \(v2.indexOffset)"))")
            } else {
                print("version: 1")
            }
            for root in reader.header.roots { print("root: \(root)") }
            while let block = try reader.next() {
                print("\(block.cid)\t\(Multicodec.name(of: block.cid.codec))\t\(block.data.count)")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Check that every block of a CAR hashes to its CID; exit non-zero on any defect.")
        @Argument(help: "The CAR file.") var file: String

        func run() throws {
            let reader = try CARReader(path: expandingTilde(file))
            var count = 0
            var bytes: UInt64 = 0
            while let block = try reader.next(verify: true) {
                count += 1
                bytes += UInt64(block.data.count)
            }
            print("ok: \(count) blocks, \(bytes) bytes of block data, \(reader.header.roots.count) root(s)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Import a CAR made by any IPLD tool into the blockstore as a piece.")
        @Argument(help: "The CAR file.") var file: String
        @Flag(help: "Print one JSON object: root, piece_cid, car_size, piece_size.") var json = false
        @OptionGroup var data: DataOptions

        func run() throws {
            InterruptCleanup.install()
            let input = expandingTilde(file)
            _ = try FileSource(path: input)
            let store = try data.directory.openBlockstore()
            Output.piece(try store.importCAR(input).piece, json: json)
        }
    }
}
