import Foundation
import Histogram

/// `filtop bench gateway`: find-offers answers per second and their latency, over real
/// secure sessions on loopback, from a gateway whose cache holds millions of Piece CIDs.
///
/// The pieces: `prepare` fills a gateway's data directory with a cache of `cids` Piece
/// CIDs (128 per group offer, signed by 64 providers), once, and reuses it afterwards;
/// `startSupport` runs the register and ledger the gateway and the client need;
/// `load` has a client pay ahead with one voucher (real channel, real ledger) and then
/// keep `sessions × inFlight` requests for random cached Piece CIDs in flight.
public enum GatewayBenchmark {
    /// The fees the benchmark's gateway charges: small, so one voucher pays for every
    /// request of a run.
    public static let fees = DiscoveryFees(search: TokenAmount(unchecked: 1), offers: TokenAmount(unchecked: 99))
    static let providers = 64
    static let lifetime: UInt64 = 30 * 86_400

    /// The `index`-th Piece CID of the benchmark's cache.
    public static func pieceCID(_ index: Int) -> PieceCID {
        var seed = Array("filtop-bench-gateway".utf8)
        withUnsafeBytes(of: UInt64(index).littleEndian) { seed += $0 }
        var commitment = Multihash.sha256(seed).digest
        commitment[31] &= 0x3f
        return try! PieceCID(commitment: commitment)  // top two bits cleared: always a commitment
    }

    /// Makes `directory` a gateway data directory whose cache holds Piece CIDs 0..<`cids`
    /// live for 30 days, unless it already does. Returns whether it built, and how long that took.
    public static func prepare(_ directory: DataDirectory, cids: Int, progress: @Sendable (Int) -> Void = { _ in }) async throws -> (built: Bool, seconds: Double) {
        try directory.create()
        if !FileManager.default.fileExists(atPath: directory.keyPath) { try KeyFile.write(KeyPair(), to: directory.keyPath) }
        let cache = OfferCache(database: try directory.openBlockstore().database)
        let now = UInt64(Date().timeIntervalSince1970)
        let held = try await cache.counts(now: now + lifetime / 2)
        if held.cids >= cids { return (false, 0) }
        let start = Date()
        let keys = (0..<providers).map { _ in KeyPair() }
        let perOffer = OfferLimits.maxCIDsPerOffer
        var stored = held.cids
        var batch: [CIDOffer] = []
        var offerIndex = held.cids / perOffer
        while stored < cids {
            let first = offerIndex * perOffer
            let count = min(perOffer, cids - first)
            let terms = OfferTerms(pricePerByte: TokenAmount(unchecked: UInt128(1 + offerIndex % 7)), expiry: now + lifetime, latencyMillis: 50, nonce: UInt64(offerIndex + 1))
            batch.append(try CIDOffer.sign(pieceCIDs: (first..<first + count).map(pieceCID), terms: terms, by: keys[offerIndex % providers]))
            offerIndex += 1
            stored += count
            if batch.count == 1024 || stored >= cids {
                _ = try await cache.store(batch, source: "bench", receivedAt: Date())
                batch.removeAll(keepingCapacity: true)
                progress(stored)
            }
        }
        return (true, Date().timeIntervalSince(start))
    }

    /// Sub-offer lookups per second in `directory`'s cache on one thread, with no network:
    /// what the cache alone costs a find-offers answer.
    public static func lookups(_ directory: DataDirectory, cids: Int, seconds: Double) throws -> Double {
        let cache = OfferCache(database: try directory.openBlockstore().database)
        let now = UInt64(Date().timeIntervalSince1970)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var done = 0
        let start = ContinuousClock.now, deadline = start + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            for _ in 0..<256 {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                guard try !cache.subOffersNow(for: pieceCID(Int(state % UInt64(cids))), now: now, limit: 128).isEmpty else {
                    throw MarketError.invalidValue("the benchmark cache has no offer for a Piece CID it should hold; rebuild it")
                }
            }
            done += 256
        }
        return Double(done) / (ContinuousClock.now - start).seconds
    }

    /// The register and ledger of a benchmark run, as one node listening on loopback.
    public static func startSupport(root: String) async throws -> Node {
        try await BenchmarkNode.start(DataDirectory(path: root + "/support"), roles: ["register", "ledger"], support: nil)
    }

    /// Writes `directory`'s config: the gateway role on `listen`, the benchmark's fees,
    /// and `support` as register and ledger.
    public static func configureGateway(_ directory: DataDirectory, listen: NodeAddress, support: Node) throws {
        var config = NodeConfig()
        config.node.listen = listen.description
        config.node.roles = ["gateway"]
        config.gateway.searchFee = "\(fees.search.attoFIL) attoFIL"
        config.gateway.offersFee = "\(fees.offers.attoFIL) attoFIL"
        BenchmarkNode.use(support, in: &config)
        try PrivateFile.replace(directory.configPath, with: Array(try config.rendered.utf8))
    }

    /// A client node of the run, in `root`, using `support`.
    public static func startClient(root: String, support: Node) async throws -> Node {
        try await BenchmarkNode.start(DataDirectory(path: root + "/client"), roles: ["client"], support: support)
    }

    /// What a load run measured.
    public struct Load: Sendable {
        public var requests: Int
        /// Requests answered without offers, or refused: a healthy run has none.
        public var misses: Int
        public var seconds: Double
        /// Round trips in microseconds.
        public var latency: Histogram<UInt64>
        public var perSecond: Double { Double(requests) / seconds }
    }

    /// Pays `gateway` ahead from `client` (one voucher for the whole run), then keeps
    /// `sessions × inFlight` find-offers requests for random Piece CIDs below `cids` in
    /// flight for `seconds`.
    public static func load(client: Node, support: Node, gateway: NodeID, at address: NodeAddress, cids: Int, seconds: Double,
                            sessions: Int, inFlight: Int) async throws -> Load {
        _ = try await support.payments.ledger.ledger().faucet(client.identity.nodeID, amount: try TokenAmount(fil: 10))
        let budget = TokenAmount(unchecked: 100 * 2_000_000_000)  // fees of two billion requests
        let channel = try await client.payments.manager.ensureFunds(to: gateway, available: budget)
        let voucher = try await client.payments.manager.createVoucher(channel: channel, amount: .cumulative(budget), lane: OfferFinder.discoveryLane)
        var open: [any PeerSession] = []
        for _ in 0..<sessions {
            open.append(try await client.context.transport.connect(to: address, identity: client.identity, expectedPeer: gateway, timeout: .seconds(5)))
        }
        defer { for s in open { Task { await s.close() } } }
        let paid = try await open[0].call(FindOffers(pieceCID: pieceCID(0), voucher: voucher), expecting: FindOffersAnswer.self)
        guard paid.required == .zero else { throw MarketError.paymentRequired(price: paid.required) }
        let start = ContinuousClock.now, deadline = start + .milliseconds(Int64(seconds * 1000))
        let results = try await withThrowingTaskGroup(of: (Int, Int, Histogram<UInt64>).self) { group in
            for (s, session) in open.enumerated() {
                for t in 0..<inFlight {
                    group.addTask {
                        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
                        var state = UInt64(s * 1_000_003 + t + 1) &* 0x9E37_79B9_7F4A_7C15
                        var done = 0, misses = 0
                        while ContinuousClock.now < deadline {
                            state ^= state << 13
                            state ^= state >> 7
                            state ^= state << 17
                            let piece = pieceCID(Int(state % UInt64(cids)))
                            let sent = ContinuousClock.now
                            // The answer's type and offer count are checked, its sub-offers not
                            // decoded: the client's verification is not what is measured here
                            // (`filtop bench offers` measures it), and it would take the cores
                            // the gateway shares with this client.
                            let answer = try await session.request(.findOffers, body: FindOffers(pieceCID: piece, voucher: nil).body, timeout: .seconds(10))
                            let micros = (ContinuousClock.now - sent).seconds * 1_000_000
                            _ = histogram.record(UInt64(max(1, micros)))
                            done += 1
                            if answer.type != .findOffersAnswer || (answer.body.mapValue?["offers"]?.arrayValue?.count ?? 0) == 0 { misses += 1 }
                        }
                        return (done, misses, histogram)
                    }
                }
            }
            var total = 0, misses = 0
            var merged = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
            for try await (done, missed, histogram) in group {
                total += done
                misses += missed
                merged.add(histogram)
            }
            return (total, misses, merged)
        }
        let elapsed = (ContinuousClock.now - start).seconds
        return Load(requests: results.0, misses: results.1, seconds: elapsed, latency: results.2)
    }
}
