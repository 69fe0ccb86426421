import Foundation
import NodeKit
import Testing
@testable import filtop

/// `:query`, `:retrieve` and `:cancel` as they parse: paths made absolute against the
/// console's working directory with `~` expanded, and every bad line refused in words.
@Suite struct ConsoleDealCommandLineTests {
    let payload = FixedDeals.payload(1).description
    let piece = FixedMarket.pieceCID(0).description

    @Test func queryTakesACIDAndAtMostOneProvider() throws {
        let commands = ConsoleFixture.commands()
        #expect(try commands.parse("query \(payload)") == .query(payload, provider: nil))
        #expect(try commands.parse("query   \(piece)  ") == .query(piece, provider: nil))
        #expect(try commands.parse("query \(payload) \(FixedDeals.alice)") == .query(payload, provider: FixedDeals.alice))
        #expect(try ConsoleFixture.commands(readOnly: true).parse("query \(payload)") == .query(payload, provider: nil), "a query pays nothing")
    }

    @Test func retrievePathsAreAbsoluteWithTheCIDAsTheDefaultName() throws {
        let commands = ConsoleFixture.commands(home: "/home/op", cwd: "/work/here")
        #expect(try commands.parse("retrieve \(payload)") == .retrieve(RetrievalOrder(target: payload, output: "/work/here/\(payload)")))
        #expect(try commands.parse("retrieve --car \(payload)") == .retrieve(RetrievalOrder(target: payload, output: "/work/here/\(payload).car", car: true)))
        #expect(try commands.parse("retrieve \(payload) --car") == .retrieve(RetrievalOrder(target: payload, output: "/work/here/\(payload).car", car: true)))
        #expect(try commands.parse("retrieve \(payload) out/file.bin") == .retrieve(RetrievalOrder(target: payload, output: "/work/here/out/file.bin")))
        #expect(try commands.parse("retrieve \(payload) ../up.bin") == .retrieve(RetrievalOrder(target: payload, output: "/work/here/../up.bin")))
        #expect(try commands.parse("retrieve \(payload) ~/films/a film.mp4") == .retrieve(RetrievalOrder(target: payload, output: "/home/op/films/a film.mp4")))
        #expect(try commands.parse("retrieve \(piece) /abs/x.car --car") == .retrieve(RetrievalOrder(target: piece, output: "/abs/x.car", car: true)))
    }

    @Test func badLinesAreRefusedWithWhatToDo() throws {
        let commands = ConsoleFixture.commands()
        let cases: [(String, String)] = [
            ("query", "usage: :query CID [PROVIDER]"),
            ("query notacid", "'notacid' is not a CID: "),
            ("query \(payload) fidnotanode", "provider: invalid node ID"),
            ("query \(payload) \(FixedDeals.alice) \(FixedDeals.bob)", ":query takes one CID and at most one provider"),
            ("retrieve", "usage: :retrieve [--car] CID [PATH]"),
            ("retrieve --car", "usage: :retrieve [--car] CID [PATH]"),
            ("retrieve ./relative/file", "'./relative/file' is not a CID: "),
            ("retrieve \(payload) --providers 3", "unknown option '--providers' (only --car)"),
            ("cancel c7", ":cancel acts on the deal selected in the Deals view and takes no argument"),
        ]
        for (line, reason) in cases {
            do {
                let command = try commands.parse(line)
                Issue.record("\(line) parsed as \(command)")
            } catch {
                #expect(error.description.contains(reason), "\(line): \(error.description)")
            }
        }
        #expect(throws: ConsoleCommandLine.Error(description: "read-only console: :retrieve is disabled: it pays providers (started with --readonly)")) {
            try ConsoleFixture.commands(readOnly: true).parse("retrieve \(payload)")
        }
        #expect(throws: ConsoleCommandLine.Error(description: "read-only console: :cancel is disabled (started with --readonly)")) {
            try ConsoleFixture.commands(readOnly: true).parse("cancel")
        }
        #expect(try commands.parse("cancel") == .cancel)
    }

    @Test func retrieveCompletesThePathAfterTheCID() throws {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/downloads", withIntermediateDirectories: true)
        let commands = ConsoleFixture.commands(home: root, cwd: root)
        #expect(commands.completions("retrieve \(payload) do") == ["retrieve \(payload) downloads/"])
        #expect(commands.completions("retrieve \(payload) ~/do") == ["retrieve \(payload) ~/downloads/"])
        #expect(commands.completions("re").contains("retrieve") && commands.completions("q").contains("query"))
        #expect(!ConsoleFixture.commands(readOnly: true).completions("r").contains("retrieve"))
    }
}
