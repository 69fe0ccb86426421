import Foundation
import NodeKit
import NodeKitTesting
import Testing

/// `filtop paych` and `filtop ledger` on the real binary: every bad argument is one line
/// naming what was wrong, and on a running `filtop devnet` a payment goes from opening a
/// channel to collecting it, to the attoFIL.
@Suite(.serialized) struct PaychCLITests {
    /// A channel ID that parses (and exists nowhere).
    static let someChannel = "pch" + String(repeating: "a", count: 32)
    static let rawText = OperatorMessagesCLITests.rawLibraryText + ["Fatal error", "Stack dump", "Usage:"]

    /// Expects a failure with exactly one line on stderr that mentions each of `mentions`.
    static func expectOneLineError(_ r: CLI.Result, mentions: [String], _ context: String) {
        #expect(r.status != 0 && r.reason == .exit, "\(context) succeeded or died: \(r.stdout)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(context): \(r.stderr)")
        for text in mentions { #expect(r.stderr.contains(text), "\(context): \(r.stderr)") }
        for raw in rawText { #expect(!r.stderr.contains(raw), "\(context): \(r.stderr)") }
    }

    static func object(_ r: CLI.Result, _ context: String) throws -> [String: Any] {
        #expect(r.status == 0, "\(context): \(r.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return try #require(parsed, "\(context) printed no JSON object: \(r.stdout)")
    }

    static func amount(_ value: Any?) throws -> TokenAmount { try TokenAmount(try #require(value as? String)) }

    @Test func badArgumentsAreOneLineSayingWhatToDo() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/node"
        #expect(try CLI.run(["node", "init", "--data-dir", data, "--listen", "127.0.0.1:\(LoopbackSocket.freePort() ?? 9)"]).status == 0)
        let ch = Self.someChannel
        let cases: [([String], [String])] = [
            (["paych", "status", "pch-not-a-channel"], ["'pch-not-a-channel' is not a channel ID", "filtop paych list"]),
            (["paych", "settle", "f01234"], ["'f01234' is not a channel ID", "must start with 'pch'"]),
            (["paych", "add-funds", "fidnope", "1 FIL"], ["PEER 'fidnope' is not a node ID"]),
            (["paych", "add-funds", KeyPair().publicKey.nodeID.description, "lots"], ["'lots' is not a token amount", "'0.5 FIL'"]),
            (["paych", "voucher", "create", ch, "1.5.2"], ["'1.5.2' is not a token amount"]),
            (["paych", "voucher", "create", ch, "0.0000000000000000001"], ["more than 18 decimal places"]),
            (["paych", "voucher", "create", ch, "1", "--lane=-3"], ["--lane '-3' is not a lane", "0…9223372036854775807"]),
            (["paych", "voucher", "create", ch, "1", "--lane", "9223372036854775808"], ["is not a lane"]),
            (["paych", "voucher", "check", ch, "not a voucher!"], ["is not a voucher"]),
            (["paych", "voucher", "add", ch, "AAAA"], ["is not a voucher"]),
            (["paych", "voucher", "submit", ch, "@@@"], ["is not a voucher"]),
            (["ledger", "faucet", "1", "2", "3"], ["give AMOUNT, or ACCOUNT AMOUNT", "got 3"]),
            (["ledger", "faucet", "fidx", "1"], ["ACCOUNT 'fidx' is not a node ID"]),
            (["ledger", "faucet", "ten"], ["'ten' is not a token amount"]),
            // Well-formed, but the node is not running.
            (["paych", "list"], ["is the node running", "filtop node run"]),
            (["ledger", "status"], ["is the node running"]),
        ]
        for (args, mentions) in cases {
            Self.expectOneLineError(try CLI.run(args + ["--data-dir", data], timeout: 60), mentions: mentions, "\(args)")
        }
        // No node in the data directory at all.
        Self.expectOneLineError(try CLI.run(["paych", "list", "--data-dir", dir + "/none"]), mentions: [dir + "/none"], "missing data dir")
    }

    /// A devnet of one gateway (the payer here) and one provider (the payee).
    private static func market(settleDelay: Int) throws -> DevnetProcess {
        try DevnetProcess(["--gateways", "1", "--providers", "1", "--settle-delay", "\(settleDelay)"], count: 4)
    }

    private static func run(_ args: [String], on member: DevnetProcess.Member) throws -> CLI.Result {
        try CLI.run(args + ["--data-dir", member.dataDir], timeout: 60)
    }

    /// The issue's "done when": open, pay on two lanes, be refused an overspend, settle,
    /// wait out the settle delay, collect — and the balances moved to the attoFIL.
    @Test func aChannelIsPaidSettledAndCollectedToTheAttoFIL() throws {
        let net = try Self.market(settleDelay: 2)
        defer { #expect(net.stop(), "the devnet did not exit cleanly on SIGTERM") }
        let payer = try net.member("gateway-01"), payee = try net.member("provider-01")
        #expect(try net.member("ledger").name == "ledger")
        func balances() throws -> [String: TokenAmount] {
            let accounts = try #require(try Self.object(try Self.run(["ledger", "accounts", "--json"], on: payer), "accounts")["accounts"] as? [[String: Any]])
            return try Dictionary(uniqueKeysWithValues: accounts.map { (try #require($0["account"] as? String), try Self.amount($0["balance"])) })
        }
        let before = try balances()
        let hundred = try TokenAmount(fil: 100)
        #expect(before[payer.node] == hundred && before[payee.node] == hundred)

        let opened = try Self.object(try Self.run(["paych", "add-funds", payee.node, "2 FIL", "--json"], on: payer), "add-funds")
        let ch = try #require(opened["channel"] as? String)
        #expect(opened["direction"] as? String == "outbound" && opened["funds"] as? String == "2 FIL" && opened["peer"] as? String == payee.node)

        let first = try Self.object(try Self.run(["paych", "voucher", "create", ch, "1 FIL", "--send", "--json"], on: payer), "lane 0")
        #expect((first["voucher"] as? [String: Any])?["lane"] as? Int == 0)
        #expect((first["receipt"] as? [String: Any])?["added"] as? String == "1 FIL")
        let second = try Self.object(try Self.run(["paych", "voucher", "create", ch, "0.75", "--send", "--json"], on: payer), "lane 1")
        #expect((second["voucher"] as? [String: Any])?["lane"] as? Int == 1)
        #expect((second["receipt"] as? [String: Any])?["added"] as? String == "0.75 FIL")
        let third = try Self.run(["paych", "voucher", "create", ch, "0.5 FIL"], on: payer)
        Self.expectOneLineError(third, mentions: ["overspend channel", "by 0.25 FIL", "it holds 2 FIL", "filtop paych add-funds"], "a third lane")

        // The payer's table, and the payee's view of the same channel.
        let table = try Self.run(["paych", "list"], on: payer)
        #expect(table.status == 0 && table.stdout.hasPrefix("CHANNEL") && table.stdout.contains(ch), "\(table.stdout)\(table.stderr)")
        #expect(table.stdout.contains("outbound") && table.stdout.contains("1.75 FIL") && table.stdout.contains("open"))
        let inbound = try Self.object(try Self.run(["paych", "status", ch, "--json"], on: payee), "payee status")
        #expect(inbound["direction"] as? String == "inbound" && inbound["spent"] as? String == "1.75 FIL" && inbound["lanes"] as? Int == 2)

        // The payee settles (redeeming its two vouchers first), waits out the delay, collects.
        let settling = try Self.object(try Self.run(["paych", "settle", ch, "--json"], on: payee), "settle")
        #expect(settling["redeemed"] as? String == "1.75 FIL")
        let end = try #require(settling["settling_at"] as? Int)
        let deadline = Date().addingTimeInterval(60)
        var epoch = 0
        while epoch < end, Date() < deadline {
            epoch = try #require(try Self.object(try Self.run(["ledger", "status", "--json"], on: payee), "status")["epoch"] as? Int)
            if epoch < end { Thread.sleep(forTimeInterval: 0.25) }
        }
        try #require(epoch >= end, "the ledger did not reach epoch \(end) within the deadline")
        let collected = try Self.object(try Self.run(["paych", "collect", ch, "--json"], on: payee), "collect")
        #expect(collected["to_payee"] as? String == "1.75 FIL" && collected["to_payer"] as? String == "0.25 FIL")
        let state = try Self.object(try Self.run(["paych", "status", ch, "--json"], on: payer), "collected status")
        #expect(state["state"] as? String == "collected" && state["collected"] as? Bool == true)

        // The payee gained the 1.75 FIL redeemed; the payer paid 2 FIL in and got 0.25 FIL back.
        let after = try balances()
        let payeeExpected = try hundred.adding(TokenAmount("1.75 FIL"))
        let payerExpected = try hundred.subtracting(TokenAmount(fil: 2)).adding(TokenAmount("0.25 FIL"))
        #expect(after[payee.node]?.attoFIL == payeeExpected.attoFIL && after[payer.node]?.attoFIL == payerExpected.attoFIL, "\(after)")
    }

    /// Vouchers handed over as text: checked, kept once, listed, redeemed; a settling
    /// channel takes no more and cannot be collected early; the faucet; and the refusals
    /// a running node gives (unknown peer or channel, a key that is not an admin key).
    @Test func vouchersHandedOverAsTextAreCheckedKeptAndRedeemed() throws {
        let net = try Self.market(settleDelay: 600)
        defer { #expect(net.stop(), "the devnet did not exit cleanly on SIGTERM") }
        let payer = try net.member("gateway-01"), payee = try net.member("provider-01")
        let stranger = KeyPair().publicKey.nodeID.description
        Self.expectOneLineError(try Self.run(["paych", "add-funds", stranger, "1"], on: payer), mentions: ["no node \(stranger)", "filtop register list"], "unknown peer")
        Self.expectOneLineError(try Self.run(["paych", "list", "--admin-key", payee.adminKey], on: payer), mentions: ["does not hold an admin key"], "not admin")
        Self.expectOneLineError(try Self.run(["paych", "status", Self.someChannel], on: payer), mentions: ["no channel \(Self.someChannel)"], "unknown channel")
        #expect(try Self.run(["paych", "list"], on: payer).stdout.contains("no payment channels yet"))

        let ch = try #require(try Self.object(try Self.run(["paych", "add-funds", payee.node, "1", "--json"], on: payer), "open")["channel"] as? String)
        let created = try Self.object(try Self.run(["paych", "voucher", "create", ch, "0.4", "--json"], on: payer), "create")
        #expect(created["receipt"] is NSNull)
        let text = try #require((created["voucher"] as? [String: Any])?["voucher"] as? String)

        // A third party, from PROTOCOL.md alone, verifies the binary's voucher against the
        // payer's exported key and derives its channel ID: the channel was opened by the
        // payer's first ledger message (account nonce 1; the devnet's funding is the faucet).
        let payerKey = try Self.run(["keys", "export-public"], on: payer)
        #expect(payerKey.status == 0, "\(payerKey.stderr)")
        if let check = try VoucherInteropTests.verify(text, payerKeyFile: payerKey.stdout, channelFrom: (payee.node, 1)) {
            #expect(check.status == 0 && check.out.contains("channel \(ch)\n") && check.out.contains("amount_attofil 400000000000000000\n"),
                    "\(check.out)\(check.err)")
        }

        let check = try Self.run(["paych", "voucher", "check", ch, text], on: payee)
        #expect(check.status == 0 && check.stdout.contains("would add 0.4 FIL to lane 0"), "\(check.stdout)\(check.stderr)")
        #expect(try Self.object(try Self.run(["paych", "voucher", "add", ch, text, "--json"], on: payee), "add")["added"] as? String == "0.4 FIL")
        Self.expectOneLineError(try Self.run(["paych", "voucher", "add", ch, text], on: payee), mentions: ["not above the lane's last nonce"], "added twice")
        Self.expectOneLineError(try Self.run(["paych", "voucher", "add", Self.someChannel, text], on: payee),
                                mentions: ["the voucher is for channel \(ch), not \(Self.someChannel)"], "the wrong channel")

        let held = try Self.run(["paych", "voucher", "list", ch], on: payee)
        #expect(held.status == 0 && held.stdout.hasPrefix("LANE") && held.stdout.contains(text), "\(held.stdout)\(held.stderr)")
        let spendable = try Self.object(try Self.run(["paych", "voucher", "best-spendable", ch, "--json"], on: payee), "best-spendable")
        #expect((spendable["vouchers"] as? [[String: Any]])?.map { $0["voucher"] as? String } == [text])
        let submitted = try Self.object(try Self.run(["paych", "voucher", "submit", ch, "--json"], on: payee), "submit")
        #expect(submitted["submitted"] as? Int == 1 && (submitted["channel"] as? [String: Any])?["redeemed"] as? String == "0.4 FIL")
        #expect(try Self.run(["paych", "voucher", "best-spendable", ch], on: payee).stdout.contains("nothing to redeem"))

        // Settling: epochs left are shown, no more vouchers, no collect before the end.
        let settling = try Self.object(try Self.run(["paych", "settle", ch, "--json"], on: payee), "settle")
        let end = try #require(settling["settling_at"] as? Int)
        let status = try Self.run(["paych", "status", ch], on: payer)
        #expect(status.status == 0 && status.stdout.contains("epochs left") && status.stdout.contains("settling ends at epoch \(end)"), "\(status.stdout)")
        Self.expectOneLineError(try Self.run(["paych", "voucher", "create", ch, "0.5"], on: payer), mentions: ["takes no more vouchers"], "settling")
        Self.expectOneLineError(try Self.run(["paych", "collect", ch], on: payer), mentions: ["can be collected from epoch \(end)"], "too early")

        // The faucet: the node's own account by default, another by ID, at most 1000 FIL.
        let own = try Self.object(try Self.run(["ledger", "faucet", "5", "--json"], on: payer), "faucet")
        let account = try #require(own["account"] as? [String: Any])
        #expect(account["account"] as? String == payer.node && account["balance"] as? String == "104 FIL")
        let other = try Self.run(["ledger", "faucet", payee.node, "0.5 FIL"], on: payer)
        #expect(other.status == 0 && other.stdout.contains("credited 0.5 FIL to \(payee.node)") && other.stdout.contains("100.5 FIL"), "\(other.stdout)\(other.stderr)")
        Self.expectOneLineError(try Self.run(["ledger", "faucet", "1001"], on: payer), mentions: ["at most 1000 FIL"], "too much")
        let ledger = try Self.run(["ledger", "status"], on: payer)
        #expect(ledger.status == 0 && ledger.stdout.contains("600 epochs"), "\(ledger.stdout)")
    }
}
