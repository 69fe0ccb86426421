import Foundation
import NodeKit

/// A random stream of ledger operations from the in-process nodes of a `CrashMarket`
/// (faucet calls, opening and funding channels, redeeming vouchers, settling and
/// collecting), sent one at a time through the nodes' own payment APIs while the ledger
/// process may be killed. It keeps the `LedgerModel` of what the ledger must hold:
/// an acknowledged operation is applied to it; an operation that failed is resolved by
/// reading the ledger once it is back, which must hold the state before the operation or
/// the state after it, nothing else.
struct LedgerOperationStream: Sendable {
    struct Failure: Error, CustomStringConvertible { let description: String }

    let market: CrashMarket
    let run: CrashRun
    private(set) var model = LedgerModel()
    /// Operations the ledger acknowledged.
    private(set) var acknowledged = 0
    /// Failed operations the ledger turned out to have applied.
    private(set) var appliedUnanswered = 0
    /// Failed operations the ledger turned out not to have applied.
    private(set) var droppedUnanswered = 0
    private let byID: [NodeID: Node]

    init(market: CrashMarket, run: CrashRun) {
        self.market = market
        self.run = run
        byID = Dictionary(uniqueKeysWithValues: market.nodes.map { ($0.identity.nodeID, $0) })
    }

    /// Funds every node, then sends operations until `run` stops.
    mutating func drive() async throws {
        for node in market.nodes {
            let id = node.identity.nodeID, amount = try TokenAmount(fil: 50)
            try await perform(.faucet(id, amount)) { _ = try await node.payments.ledger.ledger().faucet(id, amount: amount) }
        }
        while !(await run.stopped) {
            guard let (operation, action) = try await next() else { continue }
            try await perform(operation, action)
        }
    }

    /// Sends one operation and brings the model up to date with what the ledger did.
    private mutating func perform(_ operation: LedgerModel.Operation, _ action: () async throws -> Void) async throws {
        let after = model.applying(operation)
        do {
            try await action()
        } catch {
            try await resolve(operation, after: after, error: error)
            return
        }
        guard let after else { throw Failure(description: "the ledger acknowledged '\(operation)', which it must refuse") }
        model = after
        acknowledged += 1
        await run.acknowledge()
    }

    /// After `operation` failed: a refusal must leave the ledger as it was; a failure
    /// without an answer (the ledger was killed) may have applied it whole or not at all.
    private mutating func resolve(_ operation: LedgerModel.Operation, after: LedgerModel?, error: any Error) async throws {
        let refused = Self.isRefusal(error)
        if refused, after != nil { throw Failure(description: "the ledger refused '\(operation)', which it must apply: \(error)") }
        let held = try await readLedger(channels: Set(model.state.channels.keys).union(after.map { Array($0.state.channels.keys) } ?? []))
        if held == model.state {
            if !refused { droppedUnanswered += 1 }
        } else if let after, held == after.state {
            model = after
            appliedUnanswered += 1
        } else {
            throw Failure(description: """
                after '\(operation)' failed (\(error)), the ledger holds neither the state before it nor the state after it; \
                against before: \(held.differences(from: model.state)); against after: \(after.map { held.differences(from: $0.state) } ?? "refused")
                """)
        }
        // The nodes read their channels again, as an operator's 'paych status' would, so
        // their next payments start from what the ledger holds.
        for (id, channel) in model.state.channels {
            for party in [channel.payer.nodeID, channel.payee] { _ = try? await byID[party]?.payments.channel(id) }
        }
    }

    /// The ledger's state once it answers (waiting for a restart when it is down).
    func readLedger(channels ids: Set<ChannelID>) async throws -> LedgerModel.State {
        var attempt = 0
        while true {
            do {
                return try await LedgerModel.read(market.remoteLedger, channels: ids)
            } catch {
                attempt += 1
                guard attempt < 5 else { throw error }
                _ = await run.waitUntilUp()
            }
        }
    }

    /// Whether `error` is the ledger's (or the node's) answer refusing the operation, as
    /// opposed to no answer at all.
    private static func isRefusal(_ error: any Error) -> Bool {
        if error is Refusal { return true }
        if let payment = error as? PaymentError, case .noLedger = payment { return false }
        return error is PaymentError
    }

    private static func amount(_ range: ClosedRange<UInt128>) throws -> TokenAmount { try TokenAmount(attoFIL: UInt128.random(in: range)) }
    private static let fil = TokenAmount.attoPerFIL

    /// A random operation and the node call that sends it; nil when the one drawn has
    /// nothing to act on (no open channel, or the payer's view refuses the voucher).
    private func next() async throws -> (LedgerModel.Operation, () async throws -> Void)? {
        let nodes = market.nodes
        let channels = model.state.channels.sorted { $0.key < $1.key }
        let open = channels.filter { $0.value.isOpen }, settling = channels.filter { $0.value.settling && !$0.value.collected }
        switch Int.random(in: 0..<10) {
        case 0:
            let node = nodes.randomElement()!, id = node.identity.nodeID, amount = try Self.amount(Self.fil...20 * Self.fil)
            return (.faucet(id, amount), { _ = try await node.payments.ledger.ledger().faucet(id, amount: amount) })
        case 4...7 where !open.isEmpty:
            let (id, channel) = open.randomElement()!
            guard let payer = byID[channel.payer.nodeID], let payee = byID[channel.payee],
                  let view = try? await payer.payments.channel(id, refresh: false), view.available > .zero else { return nil }
            let step = try TokenAmount(attoFIL: UInt128.random(in: 1...max(1, view.available.attoFIL / 4)))
            guard let voucher = try? await payer.payments.manager.createVoucher(channel: id, amount: .increment(step), lane: UInt64.random(in: 0..<3)) else {
                return nil
            }
            return (.redeem(payee: channel.payee, voucher), { try await payee.payments.submit(id, voucher: voucher) })
        case 8 where !open.isEmpty:
            let (id, channel) = open.randomElement()!
            guard let payer = byID[channel.payer.nodeID] else { return nil }
            return (.settle(by: channel.payer.nodeID, id), { _ = try await payer.payments.settle(id) })
        case 9 where !settling.isEmpty:
            let (id, channel) = settling.randomElement()!
            let by = Bool.random() ? channel.payer.nodeID : channel.payee
            guard let node = byID[by] else { return nil }
            return (.collect(by: by, id), { _ = try await node.payments.collect(id) })
        default:
            // Fund: the payer adds to its open channel to the payee, as its own view has it,
            // or opens one.
            let pairs = [(0, 2), (1, 2), (0, 1)].filter { $0.1 < nodes.count }
            let (from, to) = pairs.randomElement()!
            let payer = nodes[from], payee = nodes[to].identity.nodeID, amount = try Self.amount(Self.fil / 20...3 * Self.fil)
            let mine = try await payer.payments.channels().first {
                $0.direction == .outbound && $0.peer == payee && $0.settlingAt == nil && !$0.collected
            }
            let operation: LedgerModel.Operation = mine.map { .addFunds(payer: payer.identity.nodeID, $0.id, amount) }
                ?? .createChannel(payer: payer.identity.publicKey, payee: payee, amount)
            return (operation, { _ = try await payer.payments.manager.addFunds(to: payee, amount: amount) })
        }
    }
}

extension LedgerModel.State {
    /// What differs between `self` (the ledger) and `expected`, account by account and
    /// channel by channel.
    func differences(from expected: LedgerModel.State) -> String {
        var lines: [String] = []
        for id in Set(accounts.keys).union(expected.accounts.keys).sorted() where accounts[id] != expected.accounts[id] {
            lines.append("account \(id.short): ledger \(accounts[id].map { "\($0.balance) attoFIL, nonce \($0.nonce)" } ?? "none"), "
                + "expected \(expected.accounts[id].map { "\($0.balance) attoFIL, nonce \($0.nonce)" } ?? "none")")
        }
        for id in Set(channels.keys).union(expected.channels.keys).sorted() where channels[id] != expected.channels[id] {
            lines.append("channel \(id.short): ledger \(channels[id].map(String.init(describing:)) ?? "none"), expected \(expected.channels[id].map(String.init(describing:)) ?? "none")")
        }
        if unknownChannels != expected.unknownChannels { lines.append("\(unknownChannels) channels the test never opened") }
        return lines.isEmpty ? "no difference" : lines.joined(separator: "; ")
    }
}
