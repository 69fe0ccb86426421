import Foundation
import NodeKit
import Testing

/// The retrieval commands end to end on a running `filtop devnet`: a client queries a
/// provider, retrieves a file and a CAR of it with incremental payment, and both sides
/// list the deal and its history. Disabled until the deal engine is in the node: without
/// it every deal call is refused.
@Suite(.serialized) struct RetrievalDevnetCLITests {
    private static func run(_ args: [String], on member: DevnetProcess.Member, in directory: String? = nil) throws -> CLI.Result {
        try CLI.run(args + ["--data-dir", member.dataDir], timeout: 150, directory: directory)
    }

    private static func object(_ args: [String], on member: DevnetProcess.Member, in directory: String? = nil) throws -> [String: Any] {
        try PaychCLITests.object(try run(args, on: member, in: directory), "\(args)")
    }

    private static func rows(_ object: [String: Any], _ key: String) throws -> [[String: Any]] {
        try #require(object[key] as? [[String: Any]], "no '\(key)' list in \(object)")
    }

    @Test func aClientRetrievesAFileAndACARAndBothSidesListTheDeal() throws {
        let net = try DevnetProcess(["--gateways", "1", "--providers", "1", "--clients", "1"], count: 5)
        defer { #expect(net.stop(), "the devnet did not exit cleanly on SIGTERM") }
        let provider = try net.member("provider-01"), client = try net.member("client-01")

        var state: UInt64 = 42  // a linear congruential stream: no chunk repeats, so the DAG has no shared blocks
        let content = Data((0..<3_000_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        })
        let file = net.directory + "/content.bin"
        try content.write(to: URL(fileURLWithPath: file))
        let root = try #require(try PaychCLITests.object(try CLI.run(["import", file, "--json", "--data-dir", provider.dataDir]), "import")["root"] as? String)

        // Small intervals, so the client pays several times on the way.
        let terms = try Self.object(["provider", "ask", "--unseal-price", "0 FIL", "--payment-interval", "256KiB", "--payment-interval-increase",
                                     "256KiB", "--json"], on: provider)
        #expect(terms["payment_interval"] as? Int == 1 << 18 && terms["payment_interval_increase"] as? Int == 1 << 18, "\(terms)")

        let query = try Self.rows(try Self.object(["client", "query", root, "--provider", provider.node, "--json"], on: client), "answers")
        #expect(query.count == 1 && query[0]["status"] as? String == "available" && query[0]["payment_interval"] as? Int == 1 << 18, "\(query)")

        // A relative output path is where the command runs.
        let work = net.directory + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let done = try Self.object(["client", "retrieve", root, "-o", "out.bin", "--provider", provider.node, "--json"], on: client, in: work)
        #expect(done["status"] as? String == "completed" && done["output"] as? String == work + "/out.bin", "\(done)")
        #expect(try PaychCLITests.amount(done["paid"]) > .zero, "\(done)")
        #expect(FileManager.default.contents(atPath: work + "/out.bin") == content)
        let car = try Self.run(["client", "retrieve", root, "-o", "out.car", "--car", "--provider", provider.node], on: client, in: work)
        #expect(car.status == 0 && car.stdout.contains("completed") && car.stdout.contains("(CAR)"), "\(car.stdout)\(car.stderr)")
        #expect((FileManager.default.contents(atPath: work + "/out.car")?.count ?? 0) > content.count)

        // Both sides list the deal as completed, with the same bytes; the history shows the way.
        let clientDeals = try Self.rows(try Self.object(["deals", "list", "--json"], on: client), "deals")
        let clientDeal = try #require(clientDeals.first { $0["side"] as? String == "client" && $0["peer"] as? String == provider.node }, "\(clientDeals)")
        #expect(clientDeal["status"] as? String == "Completed")
        let providerDeals = try Self.rows(try Self.object(["deals", "list", "--json"], on: provider), "deals")
        let providerDeal = try #require(providerDeals.first { $0["side"] as? String == "provider" && $0["peer"] as? String == client.node },
                                        "\(providerDeals)")
        #expect(providerDeal["status"] as? String == "Completed" && providerDeal["bytes"] as? Int == clientDeal["bytes"] as? Int)
        let id = try #require(providerDeal["id"] as? String)
        let history = try Self.rows(try Self.object(["deals", "show", id, "--json"], on: provider), "history").compactMap { $0["status"] as? String }
        #expect(history.first == "New" && history.last == "Completed" && history.contains("FundsNeeded"), "\(history)")
        let shown = try Self.run(["deals", "show", try #require(clientDeal["id"] as? String)], on: client)
        #expect(shown.status == 0 && shown.stdout.contains("Completed") && shown.stdout.contains("TIME"), "\(shown.stdout)\(shown.stderr)")
        PaychCLITests.expectOneLineError(try Self.run(["deals", "cancel", id], on: provider), mentions: ["has ended (Completed)"], "cancel of an ended deal")
    }
}
