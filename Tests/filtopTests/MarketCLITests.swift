import Foundation
import NodeKit
import NodeKitTesting
import Testing

/// `filtop provider`, `filtop gateway` and `filtop client` on the real binary: every bad
/// argument is one line naming what was wrong, and on a running `filtop devnet` offers go
/// from a provider's publish through a gateway's cache to a client's paid find — until the
/// gateway blocks the provider.
@Suite(.serialized) struct MarketCLITests {
    static let someNode = KeyPair().publicKey.nodeID.description
    static let somePiece = "baga6ea4seaqnvarpgha2x4ggwqcalm4cud2ddyoezsdod5ia2sii4w7ucwgmslq"

    @Test func badArgumentsAreOneLineSayingWhatToDo() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/node"
        #expect(try CLI.run(["node", "init", "--data-dir", data, "--listen", "127.0.0.1:\(LoopbackSocket.freePort() ?? 9)"]).status == 0)
        let cases: [([String], [String])] = [
            (["provider", "ask", "--price-per-byte", "lots"], ["--price-per-byte", "'lots' is not a token amount", "'0.5 FIL'"]),
            (["provider", "ask", "--price-per-byte", "0.0000000000000000001"], ["--price-per-byte", "more than 18 decimal places"]),
            (["provider", "ask", "--ttl", "5x"], ["--ttl '5x' is not a duration", "90s, 30m, 24h, 7d"]),
            (["provider", "ask", "--ttl=-60"], ["--ttl '-60' is not a duration"]),
            (["provider", "ask", "--ttl", "30s"], ["--ttl 30s (30 s) is outside 60…31536000 seconds"]),
            (["provider", "ask", "--ttl", "59"], ["--ttl 59 s is outside 60…31536000 seconds"]),
            (["provider", "ask", "--ttl", "366d"], ["--ttl 366d (31622400 s) is outside 60…31536000 seconds", "365 days"]),
            (["provider", "ask", "--qos", "0"], ["--qos 0 ms is outside 1…3600000 ms"]),
            (["provider", "ask", "--qos", "3601s"], ["--qos 3601s (3601000 ms) is outside 1…3600000 ms", "1 hour"]),
            (["provider", "ask", "--qos", "2h"], ["--qos '2h' is not a latency", "milliseconds (250, 250ms) or seconds (2s)"]),
            (["provider", "publish", "--gateway", "fidnope"], ["--gateway 'fidnope' is not a node ID"]),
            (["provider", "publish", "--gateway", Self.someNode, "--gateway", "gw2"], ["--gateway 'gw2' is not a node ID"]),
            (["gateway", "offers", "--provider", "p1"], ["--provider 'p1' is not a node ID"]),
            (["gateway", "offers", "--cid", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"], ["--cid", "is not a Piece CID"]),
            (["gateway", "offers", "--limit", "0"], ["--limit '0' is not a row count", "1…200"]),
            (["gateway", "offers", "--limit", "201"], ["--limit '201' is not a row count", "1…200"]),
            (["gateway", "offers", "--limit", "ten"], ["--limit 'ten' is not a row count"]),
            (["gateway", "allow", "nope"], ["PROVIDER 'nope' is not a node ID"]),
            (["gateway", "block", "fid" + String(repeating: "a", count: 51)], ["PROVIDER", "is not a node ID", "expected 52 characters"]),
            (["gateway", "unlist", ""], ["PROVIDER '' is not a node ID"]),
            (["client", "find", "nope"], ["PIECE_CID 'nope' is not a Piece CID"]),
            (["client", "find", Self.somePiece, "--gateway", "g"], ["--gateway 'g' is not a node ID"]),
            // Well-formed, but the node is not running.
            (["provider", "ask", "--ttl", "7d"], ["is the node running", "filtop node run"]),
            (["gateway", "policy"], ["is the node running"]),
            (["client", "find", Self.somePiece], ["is the node running"]),
        ]
        for (args, mentions) in cases {
            PaychCLITests.expectOneLineError(try CLI.run(args + ["--data-dir", data], timeout: 60), mentions: mentions, "\(args)")
        }
        PaychCLITests.expectOneLineError(try CLI.run(["gateway", "providers", "--data-dir", dir + "/none"]), mentions: [dir + "/none"], "missing data dir")
    }

    private static func run(_ args: [String], on member: DevnetProcess.Member) throws -> CLI.Result {
        try CLI.run(args + ["--data-dir", member.dataDir], timeout: 150)
    }

    private static func object(_ args: [String], on member: DevnetProcess.Member) throws -> [String: Any] {
        try PaychCLITests.object(try run(args, on: member), "\(args)")
    }

    private static func rows(_ object: [String: Any], _ key: String) throws -> [[String: Any]] {
        try #require(object[key] as? [[String: Any]], "no '\(key)' list in \(object)")
    }

    /// The "done when": a provider's publish reaches the gateway's cache, a client's
    /// paid find returns the verified offer, and once the gateway blocks the provider
    /// neither the cache nor a find shows it.
    @Test func offersGoFromPublishToCacheToFindUntilTheProviderIsBlocked() throws {
        let net = try DevnetProcess(["--gateways", "1", "--providers", "1", "--clients", "1"], count: 5)
        defer { #expect(net.stop(), "the devnet did not exit cleanly on SIGTERM") }
        let gateway = try net.member("gateway-01"), provider = try net.member("provider-01"), client = try net.member("client-01")

        let file = net.directory + "/content.bin"
        try Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: URL(fileURLWithPath: file))
        let imported = try PaychCLITests.object(try CLI.run(["import", file, "--json", "--data-dir", provider.dataDir]), "import")
        let piece = try #require(imported["piece_cid"] as? String)

        // The ask: set all three terms, then change one and keep the others.
        let ask = try Self.object(["provider", "ask", "--price-per-byte", "1000 attoFIL", "--qos", "50", "--ttl", "1h", "--json"], on: provider)
        #expect(ask["price_per_byte"] as? String == "0.000000000000001 FIL" && ask["qos_ms"] as? Int == 50 && ask["ttl_seconds"] as? Int == 3600)
        let changed = try Self.object(["provider", "ask", "--ttl", "2h", "--json"], on: provider)
        #expect(changed["price_per_byte"] as? String == "0.000000000000001 FIL" && changed["qos_ms"] as? Int == 50 && changed["ttl_seconds"] as? Int == 7200)
        let shown = try Self.run(["provider", "ask"], on: provider)
        #expect(shown.status == 0 && shown.stdout.contains("1000 attoFIL") && shown.stdout.contains("7200 s"), "\(shown.stdout)\(shown.stderr)")

        // Publish: the gateway acknowledges; the provider's publications list it.
        let published = try Self.rows(try Self.object(["provider", "publish", "--json"], on: provider), "publications")
        #expect(published.contains { $0["gateway"] as? String == gateway.node && $0["acknowledged"] is String }, "\(published)")
        let publications = try Self.rows(try Self.object(["provider", "publications", "--json"], on: provider), "publications")
        #expect(publications.contains { $0["gateway"] as? String == gateway.node && $0["error"] is NSNull }, "\(publications)")
        let publishTable = try Self.run(["provider", "publish", "--gateway", gateway.node], on: provider)
        #expect(publishTable.status == 0 && publishTable.stdout.hasPrefix("GATEWAY") && publishTable.stdout.contains("acknowledged"),
                "\(publishTable.stdout)\(publishTable.stderr)")

        // The gateway's cache holds the offer, filtered by provider and by Piece CID.
        func cached(_ filters: [String] = []) throws -> [[String: Any]] {
            try Self.rows(try Self.object(["gateway", "offers", "--json"] + filters, on: gateway), "offers")
        }
        let all = try cached()
        #expect(all.contains { $0["provider"] as? String == provider.node && $0["piece_cid"] as? String == piece
                && $0["price_per_byte"] as? String == "0.000000000000001 FIL" && $0["qos_ms"] as? Int == 50 }, "\(all)")
        #expect(try cached(["--provider", provider.node]).allSatisfy { $0["provider"] as? String == provider.node })
        #expect(try cached(["--cid", piece]).allSatisfy { $0["piece_cid"] as? String == piece })
        #expect(try cached(["--provider", Self.someNode]).isEmpty)
        #expect(try cached(["--limit", "1"]).count == 1)
        let offerTable = try Self.run(["gateway", "offers"], on: gateway)
        #expect(offerTable.status == 0 && offerTable.stdout.hasPrefix("PROVIDER") && offerTable.stdout.contains(piece), "\(offerTable.stdout)")
        let standings = try Self.rows(try Self.object(["gateway", "providers", "--json"], on: gateway), "providers")
        #expect(standings.contains { $0["provider"] as? String == provider.node && $0["listing"] as? String == "unlisted" && $0["kept"] as? Bool == true },
                "\(standings)")
        PaychCLITests.expectOneLineError(try Self.run(["gateway", "offers"], on: provider), mentions: ["gateway role"], "offers on a provider")

        // The client pays the gateway and gets the verified offer.
        let found = try Self.object(["client", "find", piece, "--json"], on: client)
        #expect(found["piece_cid"] as? String == piece)
        let offers = try Self.rows(found, "offers")
        #expect(offers.contains { $0["provider"] as? String == provider.node && $0["gateway"] as? String == gateway.node
                && $0["price_per_byte"] as? String == "0.000000000000001 FIL" && $0["qos_ms"] as? Int == 50 }, "\(offers)")
        let answers = try Self.rows(found, "answers")
        let paid = try #require(answers.first { $0["gateway"] as? String == gateway.node }?["paid"] as? String, "\(answers)")
        #expect(try TokenAmount(paid) > .zero, "the client did not pay the gateway: \(answers)")
        let findTable = try Self.run(["client", "find", piece, "--gateway", gateway.node], on: client)
        #expect(findTable.status == 0 && findTable.stdout.hasPrefix("PROVIDER") && findTable.stdout.contains(provider.node)
                && findTable.stdout.contains("GATEWAY"), "\(findTable.stdout)\(findTable.stderr)")

        // The gateway blocks the provider: its offers leave the cache and the find comes back empty.
        let blocked = try Self.object(["gateway", "block", provider.node, "--json"], on: gateway)
        #expect(blocked["listing"] as? String == "blocked" && blocked["kept"] as? Bool == false, "\(blocked)")
        #expect(try cached().allSatisfy { $0["provider"] as? String != provider.node })
        let policy = try Self.object(["gateway", "policy", "--json"], on: gateway)
        #expect((policy["blocked"] as? [String])?.contains(provider.node) == true, "\(policy)")
        let empty = try Self.run(["client", "find", piece, "--json"], on: client)
        #expect(empty.status != 0 && empty.reason == .exit, "a find after the block succeeded: \(empty.stdout)")
        let emptyResult = try #require(try JSONSerialization.jsonObject(with: Data(empty.stdout.utf8)) as? [String: Any], "\(empty.stdout)")
        #expect(try Self.rows(emptyResult, "offers").allSatisfy { $0["provider"] as? String != provider.node })
        PaychCLITests.expectOneLineError(empty, mentions: ["no verified offer for \(piece)"], "find after the block")
    }
}
