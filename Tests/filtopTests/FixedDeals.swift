import Foundation
import NodeKit
import Synchronization

/// The fixed test node's retrieval deals: seven deals on both sides in the states an
/// operator meets — transferring, paused for funds, completed, failed on a bad block,
/// rejected, cancelled — each with the history of statuses that led there, and three
/// providers' answers to a query. Times are hours after the node started, so at the
/// fixtures' clock (3725 s on) the newest deal is under a minute old.
enum FixedDeals {
    static let alice = FixedPayments.alice.nodeID, bob = FixedPayments.bob.nodeID, carol = FixedPayments.carol.nodeID

    /// Payload `i`: a real dag-pb CID of fixed bytes.
    static func payload(_ i: Int) -> CID { CID(.dagPB, Multihash.sha256(Array("fixed payload \(i)".utf8))) }

    static let mib: UInt64 = 1 << 20

    /// 1 nanoFIL a byte (a MiB costs 0.001048576 FIL), 1 MiB before the first payment and
    /// 1 MiB more each time.
    static let params = DealParams(pricePerByte: amount(1_000_000_000), paymentInterval: mib, paymentIntervalIncrease: mib)

    static func amount(_ attoFIL: UInt128) -> TokenAmount {
        do { return try TokenAmount(attoFIL: attoFIL) } catch { fatalError("fixture amount \(attoFIL): \(error)") }
    }

    /// The price of `bytes` at `params`.
    static func price(_ bytes: UInt64) -> TokenAmount { amount(UInt128(bytes) * 1_000_000_000) }

    static func at(_ hours: Double) -> Date { FixedNodeControl.started.addingTimeInterval(hours * 3600) }

    /// One deal and the statuses it went through (the last is where it stands).
    struct Fixture: Sendable {
        var deal: DealRecord
        var path: [DealStatus]
    }

    static func deal(_ side: DealSide, _ id: UInt64, peer: NodeID, payload i: Int, total: UInt64, bytes: UInt64, paid: UInt64,
                     path: [DealStatus], message: String = "", failedBlock: String? = nil, broker: NodeID? = nil, hour: Double) -> Fixture {
        let client = side == .client
        let deal = DealRecord(
            side: side, id: id, peer: peer, broker: broker, payload: payload(i), pieceCID: i.isMultiple(of: 2) ? FixedMarket.pieceCID(i).description : nil,
            params: params, status: path.last ?? .new, message: message, totalBytes: total, totalBlocks: total / 4096, blocks: bytes / 4096,
            bytes: bytes, paid: price(paid), channel: paid > 0 ? FixedPayments.channels[0].summary.id : nil, lane: paid > 0 ? 0 : nil,
            failedBlock: failedBlock, request: client ? id : nil, output: client ? DealOutput(path: "/home/op/\(payload(i)).car", car: true) : nil,
            createdAt: at(hour), updatedAt: at(hour).addingTimeInterval(Double(path.count - 1) * 7))
        return Fixture(deal: deal, path: path)
    }

    static let fixtures: [Fixture] = [
        deal(.client, 7, peer: alice, payload: 1, total: 8 * mib, bytes: 3 * mib, paid: 2 * mib,
             path: [.new, .waitForAcceptance, .accepted, .ongoing], broker: FixedMarket.gateways[0], hour: 1.02),
        deal(.client, 6, peer: bob, payload: 2, total: 8 * mib, bytes: 3 * mib, paid: 1 * mib,
             path: [.new, .waitForAcceptance, .accepted, .ongoing, .fundsNeeded],
             message: "the provider waits for a payment of 0.002097152 FIL", hour: 1.0),
        deal(.provider, 12, peer: carol, payload: 3, total: 4 * mib, bytes: mib, paid: mib, path: [.new, .unsealing, .unsealed, .ongoing], hour: 0.9),
        deal(.client, 5, peer: carol, payload: 4, total: 4 * mib, bytes: 4 * mib, paid: 4 * mib,
             path: [.new, .waitForAcceptance, .accepted, .ongoing, .blocksComplete, .finalizing, .completed], hour: 0.8),
        deal(.client, 4, peer: bob, payload: 5, total: 2 * mib, bytes: mib / 2, paid: mib / 2,
             path: [.new, .waitForAcceptance, .accepted, .ongoing, .failing, .errored],
             message: "a block did not match its CID: the provider sent bad data", failedBlock: CID.raw(Array("bad block".utf8)).description, hour: 0.7),
        deal(.client, 3, peer: alice, payload: 6, total: 0, bytes: 0, paid: 0, path: [.new, .waitForAcceptance, .rejected],
             message: "price per byte too low: proposed 10 attoFIL, the ask is 1000000000", hour: 0.6),
        deal(.client, 2, peer: carol, payload: 7, total: 16 * mib, bytes: 2 * mib, paid: 2 * mib,
             path: [.new, .waitForAcceptance, .accepted, .ongoing, .cancelling, .cancelled], message: "cancelled by the operator", hour: 0.5),
    ]

    static var deals: [DealRecord] { fixtures.map(\.deal) }

    /// The statuses `deal` went through, seven seconds apart, its bytes and payment
    /// growing from Ongoing on toward where it stands (a status a test moved it to last).
    static func history(of deal: DealRecord) -> [DealHistoryEntry] {
        var path = fixtures.first { $0.deal.key == deal.key }?.path ?? [.new]
        if path.last != deal.status { path.append(deal.status) }
        let moving = path.firstIndex(of: .ongoing) ?? path.count
        return path.enumerated().map { i, status in
            let last = i == path.count - 1
            let share = i < moving ? 0 : Double(i - moving + 1) / Double(path.count - moving)
            let bytes = last ? deal.bytes : UInt64(Double(deal.bytes) * share)
            return DealHistoryEntry(status: status, at: deal.createdAt.addingTimeInterval(Double(i) * 7), bytes: bytes,
                                    paid: last ? deal.paid : price(bytes / 2), message: last ? deal.message : "")
        }
    }

    /// Three providers asked about a payload: alice holds it, carol holds it dearer with
    /// an unseal price and a message, bob does not hold it; a fourth could not be reached.
    static func answers(_ target: String) -> [QueryAnswer] {
        func response(_ status: RetrievalQueryResponse.Status, _ provider: NodeID, price: UInt128, unseal: UInt128, message: String) -> RetrievalQueryResponse {
            RetrievalQueryResponse(status: status, pieceFound: .unknown, payload: status == .available ? try? CID(target) : nil,
                                   size: status == .available ? 4 * mib : 0, blocks: status == .available ? 1024 : 0, paymentAddress: provider,
                                   pricePerByte: amount(price), paymentInterval: mib, paymentIntervalIncrease: mib, unsealPrice: amount(unseal), message: message)
        }
        return [
            QueryAnswer(provider: bob, response: response(.unavailable, bob, price: 0, unseal: 0, message: "")),
            QueryAnswer(provider: carol, gateway: FixedMarket.gateways[1],
                        response: response(.available, carol, price: 2_500_000_000, unseal: 1_000_000_000_000_000_000, message: "unsealing takes about a minute")),
            QueryAnswer(provider: alice, gateway: FixedMarket.gateways[0], response: response(.available, alice, price: 1_000_000_000, unseal: 0, message: "")),
            QueryAnswer(provider: FixedMarket.erin.nodeID, response: nil, error: "connection refused: the provider is not listening"),
        ]
    }
}

/// The fixed node's deals as a test moves them along: progress and status changes, and
/// what the console asked of them (cancels, retrievals, reads).
final class DealBook: Sendable {
    struct State: Sendable {
        var deals: [DealRecord]
        var cancels: [DealKey] = []
        var orders: [RetrievalOrder] = []
        var reads = 0
        var queries: [(String, NodeID?)] = []
    }

    let state: Mutex<State>

    init(_ deals: [DealRecord] = FixedDeals.deals) { state = Mutex(State(deals: deals)) }

    var reads: Int { state.withLock { $0.reads } }
    var cancels: [DealKey] { state.withLock { $0.cancels } }
    var orders: [RetrievalOrder] { state.withLock { $0.orders } }

    /// Moves deal `key` to `bytes` (and `status`, when given).
    func move(_ key: DealKey, bytes: UInt64, status: DealStatus? = nil) {
        state.withLock { s in
            guard let i = s.deals.firstIndex(where: { $0.key == key }) else { return }
            s.deals[i].bytes = bytes
            s.deals[i].blocks = bytes / 4096
            if let status { s.deals[i].status = status }
        }
    }

    // MARK: the node's answers

    func deals() -> [DealRecord] { state.withLock { $0.reads += 1; return $0.deals } }

    func deal(_ key: DealKey) throws -> DealDetail {
        guard let deal = state.withLock({ $0.deals.first { $0.key == key } }) else { throw RetrievalError.unknownDeal(key) }
        return DealDetail(deal: deal, history: FixedDeals.history(of: deal))
    }

    /// Cancels an open deal as the node would: refused once it has ended.
    func cancel(_ key: DealKey) throws -> DealRecord {
        try state.withLock { s in
            guard let i = s.deals.firstIndex(where: { $0.key == key }) else { throw RetrievalError.unknownDeal(key) }
            guard !s.deals[i].isTerminal else { throw RetrievalError.dealEnded(key, s.deals[i].status) }
            s.cancels.append(key)
            s.deals[i].status = .cancelled
            s.deals[i].message = "cancelled by the operator"
            return s.deals[i]
        }
    }

    /// Starts a retrieval as the node would: one new client deal with alice.
    func retrieve(_ order: RetrievalOrder) throws -> RetrievalSummary {
        let payload: CID
        do { payload = try CID(order.target) } catch { throw RetrievalError.invalidTarget("'\(order.target)' is not a CID: \(error)") }
        return state.withLock { s in
            s.orders.append(order)
            let id = (s.deals.filter { $0.side == .client }.map(\.id).max() ?? 0) + 1
            let deal = DealRecord(side: .client, id: id, peer: FixedDeals.alice, payload: payload, params: FixedDeals.params,
                                  output: DealOutput(path: order.output, car: order.car), createdAt: FixedDeals.at(1.03))
            s.deals.insert(deal, at: 0)
            return RetrievalSummary(id: id, payload: payload, pieceCID: nil, output: order.output, car: order.car, status: .running, message: "",
                                    totalBytes: 0, bytes: 0, paid: .zero, createdAt: deal.createdAt, updatedAt: deal.createdAt, deals: [deal])
        }
    }

    func query(_ target: String, provider: NodeID?) throws -> [QueryAnswer] {
        do { _ = try CID(target) } catch { throw RetrievalError.invalidTarget("'\(target)' is not a CID: \(error)") }
        state.withLock { $0.queries.append((target, provider)) }
        let answers = FixedDeals.answers(target)
        guard let provider else { return answers }
        guard let one = answers.first(where: { $0.provider == provider }) else {
            throw RetrievalError.noProvider("\(provider.short) is not a provider this node knows")
        }
        return [one]
    }
}
