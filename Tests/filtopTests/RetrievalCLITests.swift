import Foundation
import NodeKit
import NodeKitTesting
import Testing

/// `filtop client query`, `filtop client retrieve`, `filtop deals` and the retrieval terms
/// of `filtop provider ask` on the real binary: every bad argument is one line naming what
/// was wrong, and against a scripted node (`ScriptedRetrievalNode`) each command sends
/// what the operator asked — a relative output path made absolute — follows a retrieval
/// to its end, exits non-zero with the reason when it fails, and leaves it running on the
/// node when interrupted.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RetrievalCLITests {
    static let cid = ScriptedRetrievalNode.payload.description
    static let someNode = KeyPair().publicKey.nodeID.description

    @Test func badArgumentsAreOneLineSayingWhatToDo() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/node"
        #expect(try CLI.run(["node", "init", "--data-dir", data, "--listen", "127.0.0.1:\(LoopbackSocket.freePort() ?? 9)"]).status == 0)
        let cases: [([String], [String])] = [
            (["client", "query", "nope"], ["CID 'nope' is not a CID", "payload CID (bafy…) or a Piece CID (baga6ea4sea…)"]),
            (["client", "query", Self.cid, "--provider", "p1"], ["--provider 'p1' is not a node ID"]),
            (["client", "retrieve", "nope", "-o", "x"], ["CID 'nope' is not a CID"]),
            (["client", "retrieve", Self.cid, "-o", ""], ["-o is empty"]),
            (["client", "retrieve", Self.cid, "-o", "films/"], ["-o 'films/' names a directory", "-o films/film.mkv"]),
            (["client", "retrieve", Self.cid, "-o", String(repeating: "p", count: 1100)], ["bytes long as an absolute path", "at most 1024"]),
            (["client", "retrieve", Self.cid, "-o", "x", "--providers", "0"], ["--providers '0' is not a provider count", "1…16"]),
            (["client", "retrieve", Self.cid, "-o", "x", "--providers", "17"], ["--providers '17' is not a provider count", "1…16"]),
            (["client", "retrieve", Self.cid, "-o", "x", "--providers", "two"], ["--providers 'two' is not a provider count"]),
            (["client", "retrieve", Self.cid, "-o", "x", "--provider", Self.someNode, "--provider", "fidnope"], ["--provider 'fidnope' is not a node ID"]),
            (["client", "retrieve", Self.cid, "-o", "x", "--max-price", "cheap"], ["--max-price", "'cheap' is not a token amount"]),
            (["client", "retrieve", Self.cid, "-o", "x", "--max-price", "0.0000000000000000001 FIL"], ["--max-price", "more than 18 decimal places"]),
            (["deals", "show", "42"], ["DEAL: '42' is not a deal ID", "it must start with c"]),
            (["deals", "show", "p42"], ["DEAL: 'p42' is not a deal ID", "p42@fid…"]),
            (["deals", "cancel", "c4x"], ["DEAL: 'c4x' is not a deal ID", "whole number"]),
            (["deals", "cancel", "p4@fid0"], ["DEAL: 'p4@fid0' is not a deal ID", "the client's node ID or its start"]),
            (["provider", "ask", "--unseal-price", "lots"], ["--unseal-price", "'lots' is not a token amount"]),
            (["provider", "ask", "--payment-interval", "1000"], ["--payment-interval 1000 B is outside 1.0 KiB…1.0 GiB"]),
            (["provider", "ask", "--payment-interval", "2GiB"], ["--payment-interval 2GiB (2147483648 B) is outside"]),
            (["provider", "ask", "--payment-interval", "1 MiB"], ["--payment-interval '1 MiB' is not a size", "1MiB"]),
            (["provider", "ask", "--payment-interval-increase=-1"], ["--payment-interval-increase '-1' is not a size"]),
            (["provider", "ask", "--payment-interval-increase", "4GiB"], ["--payment-interval-increase 4GiB (4294967296 B) is more than 1.0 GiB"]),
            // Well-formed, but the node is not running.
            (["client", "query", Self.cid], ["is the node running"]),
            (["client", "retrieve", Self.cid, "-o", "x"], ["is the node running"]),
            (["deals", "list"], ["is the node running"]),
            (["deals", "show", "c42"], ["is the node running"]),
            (["provider", "ask", "--payment-interval-increase", "0"], ["is the node running"]),
        ]
        for (args, mentions) in cases {
            PaychCLITests.expectOneLineError(try CLI.run(args + ["--data-dir", data], timeout: 60), mentions: mentions, "\(args)")
        }
    }

    @Test func aRetrievalIsFollowedToItsEndWithTheOutputPathMadeAbsolute() async throws {
        let node = ScriptedRetrievalNode()
        let served = try await ServedControl.start(node)
        let work = served.directory + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let done = try await served.run(["client", "retrieve", Self.cid, "-o", "films/../out.bin", "--providers", "2", "--provider",
                                         ScriptedRetrievalNode.provider.description, "--max-price", "2000 attoFIL"], in: work)
        #expect(done.status == 0, "\(done.stdout)\(done.stderr)")
        // Off a terminal nothing is drawn while it runs; the summary comes at the end.
        #expect(!done.stdout.contains("\r") && done.stdout.hasPrefix("retrieval:"), "\(done.stdout)")
        for text in ["7: completed", "3.0 MiB of 3.0 MiB (3145728 B)", "duration:", "2.0 s", "speed:", "1.6 MB/s", "paid:", "DEAL", "c42",
                     ScriptedRetrievalNode.provider.description, "Completed"] {
            #expect(done.stdout.contains(text), "'\(text)' missing from \(done.stdout)")
        }
        let order = RetrievalOrder(target: Self.cid, output: work + "/out.bin", providers: [ScriptedRetrievalNode.provider], providerCount: 2,
                                   maxPricePerByte: try TokenAmount(attoFIL: 2000))
        #expect(node.calls.withLock { $0 } == [.retrieve(order)])

        // `~` is the caller's home; --car and --json.
        let json = try await served.run(["client", "retrieve", Self.cid, "-o", "~/film.car", "--car", "--json"], environment: ["HOME": work])
        let object = try PaychCLITests.object(json, "retrieve --json")
        #expect(object["status"] as? String == "completed" && object["bytes"] as? Int == Int(ScriptedRetrievalNode.total), "\(object)")
        let deals = try #require(object["deals"] as? [[String: Any]])
        #expect(deals.first?["id"] as? String == "c42" && deals.first?["status"] as? String == "Completed", "\(deals)")
        #expect(node.calls.withLock { $0 }.last == .retrieve(RetrievalOrder(target: Self.cid, output: work + "/film.car", car: true)))
        await served.close()
    }

    @Test func aFailedRetrievalExitsNonZeroWithTheReason() async throws {
        let served = try await ServedControl.start(ScriptedRetrievalNode(outcome: .fails("block bafkq… did not verify")))
        let failed = try await served.run(["client", "retrieve", Self.cid, "-o", "/tmp/never.bin"])
        PaychCLITests.expectOneLineError(failed, mentions: ["retrieval 7 failed: block bafkq… did not verify", "filtop deals show c42"], "failed retrieve")
        #expect(failed.stdout.contains("7: failed") && failed.stdout.contains("Errored"), "\(failed.stdout)")
        await served.close()
    }

    @Test func ctrlCLeavesTheRetrievalRunningAndSaysHowToResumeOrCancel() async throws {
        let node = ScriptedRetrievalNode(outcome: .runsOn)
        let served = try await ServedControl.start(node)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["client", "retrieve", Self.cid, "-o", "/tmp/film.mkv"] + served.arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Once the command polls the retrieval it is following it.
        var polled = node.following.makeAsyncIterator()
        _ = await polled.next()
        kill(p.processIdentifier, SIGINT)
        let (stdout, stderr) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                continuation.resume(returning: (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)))
            }
        }
        #expect(p.terminationReason == .exit && p.terminationStatus == 128 + SIGINT, "\(p.terminationReason) \(p.terminationStatus)")
        #expect(stdout.isEmpty, "\(stdout)")
        for text in ["stopped following retrieval 7 at", "it goes on on the node", "filtop client retrieve \(Self.cid) -o /tmp/film.mkv",
                     "'filtop deals cancel c42'"] {
            #expect(stderr.contains(text), "'\(text)' missing from \(stderr)")
        }
        #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
        #expect(!node.calls.withLock { $0 }.contains { if case .cancel = $0 { true } else { false } }, "the interrupt cancelled a deal")
        await served.close()
    }

    @Test func dealsAreListedShownAndCancelledByTheirShortNames() async throws {
        let node = ScriptedRetrievalNode()
        let served = try await ServedControl.start(node)
        let alice = ScriptedRetrievalNode.alice, bob = ScriptedRetrievalNode.bob

        let list = try await served.run(["deals", "list"])
        #expect(list.status == 0 && list.stdout.hasPrefix("ID"), "\(list.stdout)\(list.stderr)")
        for text in ["c42", "p42@\(alice.short)", "p42@\(bob.short)", "p7@\(bob.short)", "Ongoing", "FundsNeeded", "33.3%", "PROGRESS", "OWED"] {
            #expect(list.stdout.contains(text), "'\(text)' missing from \(list.stdout)")
        }
        let rows = try #require(try PaychCLITests.object(try await served.run(["deals", "list", "--json"]), "deals list")["deals"] as? [[String: Any]])
        #expect(rows.map { $0["id"] as? String } == ["c42", "p42@\(alice.short)", "p42@\(bob.short)", "p7@\(bob.short)"], "\(rows)")

        // What the list shows names the deal; so does the client's whole ID or any unique start of it.
        let shown = try await served.run(["deals", "show", "p42@\(alice.short)"])
        #expect(shown.status == 0 && shown.stdout.contains("client:") && shown.stdout.contains(alice.description), "\(shown.stdout)\(shown.stderr)")
        #expect(shown.stdout.contains("TIME") && shown.stdout.contains("New") && shown.stdout.contains("accepted"), "\(shown.stdout)")
        let detail = try PaychCLITests.object(try await served.run(["deals", "show", "p7@" + bob.description.prefix(4), "--json"]), "show --json")
        #expect((detail["history"] as? [[String: Any]])?.map { $0["status"] as? String } == ["New", "Ongoing"], "\(detail)")
        let c42 = try await served.run(["deals", "show", "c42", "--json"])
        #expect(c42.status == 0 && c42.stdout.contains(ScriptedRetrievalNode.provider.description), "\(c42.stdout)\(c42.stderr)")
        #expect(node.calls.withLock { $0 } == [
            .deal(DealKey(side: .provider, peer: alice, id: 42)), .deal(DealKey(side: .provider, peer: bob, id: 7)),
            .deal(DealKey(side: .client, peer: ScriptedRetrievalNode.provider, id: 42)),
        ])

        // A start two clients share, or a deal not listed, says what to give instead.
        PaychCLITests.expectOneLineError(try await served.run(["deals", "show", "p42@" + alice.description.prefix(4)]),
                                         mentions: ["names 2 deals", "give more of the client's node ID"], "ambiguous")
        PaychCLITests.expectOneLineError(try await served.run(["deals", "cancel", "c99"]),
                                         mentions: ["no client deal 99 among the node's 4 most recently changed deals", "c99@fid…"], "unknown")
        // A whole node ID is sent as it is: the node says it has no such deal.
        PaychCLITests.expectOneLineError(try await served.run(["deals", "show", "c5@" + Self.someNode]), mentions: ["no deal c5 on this node"], "unknown key")

        let cancelled = try await served.run(["deals", "cancel", "p42@\(bob.short)"])
        #expect(cancelled.status == 0 && cancelled.stdout.contains("Cancelled (cancelled by the operator)"), "\(cancelled.stdout)\(cancelled.stderr)")
        #expect(node.calls.withLock { $0 }.last == .cancel(DealKey(side: .provider, peer: bob, id: 42)))
        await served.close()
    }

    @Test func aQueryListsEachProvidersTerms() async throws {
        let node = ScriptedRetrievalNode()
        let served = try await ServedControl.start(node)
        let table = try await served.run(["client", "query", Self.cid])
        #expect(table.status == 0 && table.stdout.hasPrefix("PROVIDER"), "\(table.stdout)\(table.stderr)")
        for text in ["available", "unreachable", "3.0 MiB", "1.0 MiB", "TOTAL PRICE", "connection refused", ScriptedRetrievalNode.provider.short] {
            #expect(table.stdout.contains(text), "'\(text)' missing from \(table.stdout)")
        }
        let object = try PaychCLITests.object(try await served.run(["client", "query", Self.cid, "--provider", ScriptedRetrievalNode.provider.description,
                                                                    "--json"]), "query --json")
        let answers = try #require(object["answers"] as? [[String: Any]])
        #expect(answers.count == 1 && answers[0]["status"] as? String == "available" && answers[0]["size"] as? Int == Int(ScriptedRetrievalNode.total))
        #expect(try PaychCLITests.amount(answers[0]["total_price"]) == (try ScriptedRetrievalNode.params.price(of: ScriptedRetrievalNode.total)))
        let none = try await served.run(["client", "query", Self.cid, "--provider", ScriptedRetrievalNode.unreachable.description])
        PaychCLITests.expectOneLineError(none, mentions: ["no provider has \(Self.cid) available (1 asked)"], "query of an unreachable provider")
        #expect(none.stdout.contains("unreachable"), "\(none.stdout)")
        #expect(node.calls.withLock { $0 } == [
            .query(Self.cid, nil), .query(Self.cid, ScriptedRetrievalNode.provider), .query(Self.cid, ScriptedRetrievalNode.unreachable),
        ])
        await served.close()
    }

    @Test func theAskShowsAndChangesTheRetrievalTerms() async throws {
        let node = ScriptedRetrievalNode()
        let served = try await ServedControl.start(node)
        let shown = try await served.run(["provider", "ask"])
        for text in ["price per byte:", "unseal price:", "payment interval:", "1.0 MiB (1048576 B", "interval increase:"] {
            #expect(shown.stdout.contains(text), "'\(text)' missing from \(shown.stdout)\(shown.stderr)")
        }
        let set = try PaychCLITests.object(try await served.run(["provider", "ask", "--unseal-price", "0.001 FIL", "--payment-interval", "4MiB",
                                                                 "--payment-interval-increase", "0", "--json"]), "ask --json")
        #expect(set["unseal_price"] as? String == "0.001 FIL" && set["payment_interval"] as? Int == 4 << 20 && set["payment_interval_increase"] as? Int == 0,
                "\(set)")
        #expect(set["price_per_byte"] as? String == "\(ProviderAsk.default.pricePerByte)")
        // Changing one term keeps the others; changing the ask leaves the terms alone.
        let one = try PaychCLITests.object(try await served.run(["provider", "ask", "--payment-interval-increase", "64KiB", "--json"]), "increase")
        #expect(one["unseal_price"] as? String == "0.001 FIL" && one["payment_interval"] as? Int == 4 << 20 && one["payment_interval_increase"] as? Int == 1 << 16)
        _ = try await served.run(["provider", "ask", "--qos", "250"])
        let unseal = try TokenAmount("0.001 FIL")
        #expect(node.calls.withLock { $0 } == [
            .setTerms(RetrievalTerms(unsealPrice: unseal, paymentInterval: 4 << 20, paymentIntervalIncrease: 0)),
            .setTerms(RetrievalTerms(unsealPrice: unseal, paymentInterval: 4 << 20, paymentIntervalIncrease: 1 << 16)),
            .setAsk(ProviderAsk(pricePerByte: ProviderAsk.default.pricePerByte, latencyMillis: 250, ttlSeconds: ProviderAsk.default.ttlSeconds)),
        ])
        await served.close()
    }
}
