import Foundation
import NIOCore
import NodeKitTesting
import Testing
@testable import NodeKit

/// A provider that answers queries, proposals and payments as a real one does — the DAGs
/// of a real provider's blockstore, at the default ask and `terms` — but streams a deal's
/// blocks as its `Fault` says. It sends without pausing at thresholds (the client pays at
/// each all the same) and keeps every voucher it is sent.
final class FakeRetrievalProvider: Sendable {
    /// How the provider misbehaves in a transfer.
    enum Fault: Sendable {
        /// Block `index` of the transfer order arrives with its data changed.
        case wrongBlock(index: Int)
        /// After the last block, the first one arrives again.
        case extraBlock
        /// After `blocks` blocks the stream ends.
        case endsAfter(blocks: Int)
        /// After `blocks` blocks the provider sends nothing more and keeps the stream open.
        case fallsSilentAfter(blocks: Int)
    }

    let key: KeyPair
    private let listener: any Listener
    private let state: Locked<State>

    private struct State {
        var payloads: [UInt64: CID] = [:]
        var sizes: [UInt64: UInt64] = [:]
        var vouchers: [Voucher] = []
        var altered: CID?
        var stopped = false
        var silent: [CheckedContinuation<Void, Never>] = []
    }

    var nodeID: NodeID { key.publicKey.nodeID }
    /// The vouchers the client sent, in order.
    var vouchers: [Voucher] { state.withLock { $0.vouchers } }
    /// The block whose data the provider changed (`wrongBlock`), once it has.
    var alteredBlock: CID? { state.withLock { $0.altered } }

    private init(key: KeyPair, listener: any Listener, state: Locked<State>) {
        self.key = key
        self.listener = listener
        self.state = state
    }

    /// Starts the provider on the market's transport and registers it (role provider) with
    /// the devnet's register; the client must sync with the register to find it.
    static func start(in market: DevnetBuilder.Market, serving blockstore: Blockstore, terms: RetrievalTerms, fault: Fault) async throws -> FakeRetrievalProvider {
        let key = KeyPair()
        let state = Locked(State())
        let router = RequestRouter()
        let price = ProviderAsk.default.pricePerByte
        router.on(RetrievalQuery.self) { query, _ in
            guard let root = query.payload else { throw RetrievalError.contentNotFound("a piece (this provider answers payload CIDs)") }
            let size = try await TransferPlan.size(of: root, in: blockstore)
            return RetrievalQueryResponse(
                status: .available, pieceFound: .unknown, payload: root, size: size.bytes, blocks: UInt64(size.blocks),
                paymentAddress: key.publicKey.nodeID, pricePerByte: price, paymentInterval: terms.paymentInterval,
                paymentIntervalIncrease: terms.paymentIntervalIncrease, unsealPrice: terms.unsealPrice, message: "")
        }
        router.on(DealProposal.self) { proposal, _ in
            let size = try await TransferPlan.size(of: proposal.payload, in: blockstore)
            state.withLock {
                $0.payloads[proposal.deal] = proposal.payload
                $0.sizes[proposal.deal] = size.bytes
            }
            return DealResponse(deal: proposal.deal, status: .unsealed, size: size.bytes, blocks: UInt64(size.blocks))
        }
        router.on(DealPayment.self) { payment, _ in
            let size = state.withLock { s -> UInt64 in
                s.vouchers.append(payment.voucher)
                return s.sizes[payment.deal] ?? 0
            }
            // It sends without pausing: all is sent, and it asks for nothing more.
            return DealPaymentAnswer(deal: payment.deal, status: .ongoing, paid: payment.voucher.amount, total: try price.multiplied(by: size),
                                     limit: .max, sent: size, size: size)
        }
        router.onStream(DealTransfer.self) { request, _, sender in
            guard let root = state.withLock({ $0.payloads[request.deal] }) else { throw RetrievalError.contentNotFound("deal \(request.deal)") }
            try await send(root, from: Int(request.from), of: blockstore, with: fault, to: sender, state: state)
        }
        let listener = try await market.transport.listen(
            on: try NodeAddress("\(InMemoryTransport.host):0", allowingPortZero: true), identity: key, immediate: nil,
            streams: { request, peer, sender in try await router.answerStream(request, from: peer, to: sender) }
        ) { request, peer in await router.answer(request, from: peer) }
        var config = NodeConfig()
        config.node.roles = ["provider"]
        let record = try config.record(for: key, addresses: [listener.address.description], now: market.clock.now)
        let register = market.devnet.register.node
        let session = try await market.transport.connect(
            to: try #require(register.listenAddress), identity: key, expectedPeer: register.context.nodeID, timeout: .seconds(5))
        _ = try await session.call(RegisterNode(record: record), expecting: RegisterAck.self)
        await session.close()
        return FakeRetrievalProvider(key: key, listener: listener, state: state)
    }

    /// The blocks of `root` in transfer order from block `start`, with `fault`.
    private static func send(
        _ root: CID, from start: Int, of blockstore: Blockstore, with fault: Fault, to sender: any StreamSending, state: Locked<State>
    ) async throws {
        var plan = try await TransferPlan(blockstore: blockstore, root: root, startingAt: start)
        var reader = BlockSectionReader()
        var index = start
        var first: BlockSection?
        while let chunk = try await plan.nextChunk(maxBytes: .max) {
            for section in try reader.feed(chunk.sections) {
                first = first ?? section
                switch fault {
                case .wrongBlock(let wrong) where index == wrong:
                    var data = Array(section.data)
                    data[data.count / 2] ^= 0xff
                    state.withLock { $0.altered = section.cid }
                    try await sender.send(BlockSection(cid: section.cid, data: data).bytes)
                case .endsAfter(let blocks) where index >= blocks:
                    return
                case .fallsSilentAfter(let blocks) where index >= blocks:
                    await waitUntilStopped(state)
                    return
                default:
                    try await sender.send(section.bytes)
                }
                index += 1
            }
        }
        if case .extraBlock = fault, let first { try await sender.send(first.bytes) }
        if case .fallsSilentAfter = fault { await waitUntilStopped(state) }
    }

    private static func waitUntilStopped(_ state: Locked<State>) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let stopped = state.withLock { s -> Bool in
                if s.stopped { return true }
                s.silent.append(c)
                return false
            }
            if stopped { c.resume() }
        }
    }

    /// Ends every silent transfer and stops listening.
    func stop() async {
        let silent = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.stopped = true
            defer { s.silent = [] }
            return s.silent
        }
        for c in silent { c.resume() }
        await listener.close()
    }
}
