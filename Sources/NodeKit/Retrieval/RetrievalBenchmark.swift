import Foundation

/// `filtop bench retrieval`: one paid, verified retrieval of a large file between two
/// nodes over real secure sessions on loopback, timed from the order to the completed
/// output.
///
/// The pieces: `payload` keeps a deterministic file of the asked size in the bench
/// directory (made once); `prepareProvider` imports it into a provider's data directory
/// (once) and sets the provider's payment interval; `configureProvider` points the
/// provider at a run's register and ledger; `retrieve` has a client with funds retrieve
/// the file from that provider and waits, on the client's journal, for the retrieval to end.
public enum RetrievalBenchmark {
    /// What one retrieval measured.
    public struct Run: Sendable {
        /// The client's deal ID (the provider files the deal under it and the client).
        public var deal: UInt64
        /// The file's size: what the output holds.
        public var fileBytes: UInt64
        /// The block bytes the deal paid for (the file's leaves and the DAG's nodes).
        public var bytes: UInt64
        /// From the order to the retrieval's end: query, proposal, channel, transfer,
        /// payments and the output's last sync.
        public var seconds: Double
        /// Vouchers the client sent for the deal (each after verifying up to a threshold,
        /// and the last one for the rest).
        public var payments: Int
        public var paid: TokenAmount
        public var params: DealParams
        /// The file's bytes per second.
        public var bytesPerSecond: Double { Double(fileBytes) / seconds }
    }

    /// The payload file of `size` bytes in `directory` (`payload-SIZE.bin`), written once:
    /// bytes of a fixed pseudo-random sequence, so no two 256 KiB leaves repeat and the
    /// DAG is as large as the file. Returns its path and whether it was written now.
    public static func payload(in directory: String, size: UInt64) throws -> (path: String, written: Bool) {
        let path = directory + "/payload-\(size).bin"
        if let existing = try? FileSource(path: path), existing.size == size, try startsWithSequence(existing) {
            return (path, false)
        }
        let temp = path + ".part"
        let sink = try FileSink(path: temp)
        var generator = PayloadSequence()
        var buffer = [UInt8](repeating: 0, count: PayloadSequence.chunk)
        var written: UInt64 = 0
        while written < size {
            let n = Int(min(UInt64(buffer.count), size - written))
            try buffer.withUnsafeMutableBytes { b in
                generator.fill(b)
                try sink.write(UnsafeRawBufferPointer(rebasing: b[..<n]))
            }
            written += UInt64(n)
        }
        try sink.close(sync: false)
        guard rename(temp, path) == 0 else { throw IOError(path: path, operation: "rename into place") }
        return (path, true)
    }

    /// The piece holding `payload` in the provider's data directory, importing it first
    /// if no piece of that file name and size is there; and the provider's retrieval
    /// terms set to `terms`. Returns the piece and how long an import took (nil: reused).
    public static func prepareProvider(_ directory: DataDirectory, payload: String, terms: RetrievalTerms) async throws
        -> (piece: PieceRecord, importSeconds: Double?)
    {
        try directory.create()
        if !FileManager.default.fileExists(atPath: directory.keyPath) { try KeyFile.write(KeyPair(), to: directory.keyPath) }
        let store = try directory.openBlockstore()
        try await DealStore(database: store.database).setTerms(terms)
        let name = (payload as NSString).lastPathComponent, size = try FileSource(path: payload).size
        if let held = try store.pieces().first(where: { $0.source == name && $0.payloadSize == size }) { return (held, nil) }
        let start = ContinuousClock.now
        let imported = try store.importFile(payload)
        return (imported.piece, (ContinuousClock.now - start).seconds)
    }

    /// The CAR file the provider serves `piece` from.
    public static func carPath(of piece: PieceRecord, in directory: DataDirectory) -> String {
        directory.piecesPath + "/" + piece.carFile
    }

    /// The register and ledger of a benchmark run, as one node listening on loopback.
    public static func startSupport(root: String) async throws -> Node {
        try await BenchmarkNode.start(DataDirectory(path: root + "/support"), roles: ["register", "ledger"], support: nil)
    }

    /// The client node of a run, in `root`, using `support`.
    public static func startClient(root: String, support: Node) async throws -> Node {
        try await BenchmarkNode.start(DataDirectory(path: root + "/client"), roles: ["client"], support: support)
    }

    /// Writes the provider's config: the provider role on `listen`, `support` as register
    /// and ledger.
    public static func configureProvider(_ directory: DataDirectory, listen: NodeAddress, support: Node) throws {
        var config = NodeConfig()
        config.node.listen = listen.description
        config.node.roles = ["provider"]
        BenchmarkNode.use(support, in: &config)
        try PrivateFile.replace(directory.configPath, with: Array(try config.rendered.utf8))
    }

    /// Whether `client`'s copy of the register lists `provider` (after syncing it).
    public static func knows(_ provider: NodeID, client: Node) async throws -> Bool {
        _ = await client.syncWithRegister()
        return try await RegisterStore(database: client.context.blockstore.database, table: .localCopy).record(provider) != nil
    }

    /// Funds `client` from `support`'s ledger, then retrieves `piece`'s file from `provider` into
    /// `output` (an absolute path) and waits until the retrieval ends. Throws when it did
    /// not complete, with the deal's last message.
    public static func retrieve(client: Node, support: Node, provider: NodeID, piece: PieceRecord, output: String) async throws -> Run {
        _ = try await support.payments.ledger.ledger().faucet(client.identity.nodeID, amount: try TokenAmount(fil: 10))
        var after = client.journal.lastSequence
        let start = ContinuousClock.now
        let started = try await client.retrieval.retrieve(RetrievalOrder(target: piece.rootCID, output: output, providers: [provider]))
        var summary = started
        while summary.status == .running {
            let events = await client.journal.wait(after: after, timeout: .seconds(60), clock: SystemClock(), limit: 1_000)
            after = events.last?.sequence ?? after
            summary = try await client.retrieval.retrieval(started.id)
        }
        let seconds = (ContinuousClock.now - start).seconds
        guard summary.status == .completed, let deal = summary.deals.first else {
            throw RetrievalError.invalidValue("the benchmark's retrieval \(summary.status.rawValue): \(summary.message)")
        }
        guard deal.paid == (try deal.params.price(of: deal.bytes)) else {
            throw RetrievalError.invalidValue("the benchmark's deal paid \(deal.paid) for \(deal.bytes) bytes at \(deal.params.pricePerByte) a byte")
        }
        let history = try await client.retrieval.deal(deal.key).history
        let payments = history.filter { [.sendFunds, .sendFundsLastPayment].contains($0.status) }.count
        return Run(deal: deal.id, fileBytes: piece.payloadSize, bytes: deal.bytes, seconds: seconds, payments: payments, paid: deal.paid, params: deal.params)
    }

    /// How often, and for how long in all, the provider in `directory` waited for a
    /// payment in deal `deal` of `client`: from each FundsNeeded or FundsNeededLastPayment
    /// to the next status, in its deal history (to the millisecond). Read once the
    /// provider has stopped.
    public static func providerPauses(_ directory: DataDirectory, client: NodeID, deal: UInt64) async throws -> (count: Int, seconds: Double) {
        let store = DealStore(database: try directory.openExistingBlockstore().database)
        let history = try await store.history(DealKey(side: .provider, peer: client, id: deal))
        let pauses = zip(history, history.dropFirst()).filter { [.fundsNeeded, .fundsNeededLastPayment].contains($0.0.status) }
        return (pauses.count, pauses.reduce(0) { $0 + $1.1.at.timeIntervalSince($1.0.at) })
    }

    /// Whether `file` begins with the payload sequence's first chunk.
    private static func startsWithSequence(_ file: FileSource) throws -> Bool {
        let n = Int(min(file.size, UInt64(PayloadSequence.chunk)))
        var generator = PayloadSequence()
        var expected = [UInt8](repeating: 0, count: PayloadSequence.chunk)
        expected.withUnsafeMutableBytes { generator.fill($0) }
        return try file.read(at: 0, count: n) == Array(expected[..<n])
    }
}

/// The benchmark payload's bytes: SplitMix64 from a fixed seed, eight bytes a step.
private struct PayloadSequence {
    static let chunk = 1 << 20
    private var state: UInt64 = 0x6669_6C74_6F70_2D72  // "filtop-r"

    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        let words = buffer.count / 8
        for i in 0..<words {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            buffer.storeBytes(of: (z ^ (z >> 31)).littleEndian, toByteOffset: i * 8, as: UInt64.self)
        }
    }
}
