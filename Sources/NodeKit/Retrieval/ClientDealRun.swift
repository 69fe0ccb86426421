import Foundation
import NIOCore

/// Drives one client deal from wherever it stands to an end: proposes it, sets up its
/// payment channel, fetches and verifies its blocks (resuming from the last checkpoint
/// after any interruption), pays for what it verified at each threshold, and finishes
/// the output. Every step goes through `ClientDealMachine` and is stored before its
/// effects run, so a run started on a restarted node picks the deal up where it was.
///
/// A dropped connection or an unreachable provider is retried (1 s, 2 s, … up to 30 s
/// apart) until the deal has made no progress for `retrieval.deal_timeout_seconds`; then
/// the deal fails with the last reason. A block that fails verification fails the deal at
/// once (no payment for it or after it), recording the block.
struct ClientDealRun: Sendable {
    /// The receive window of a transfer stream.
    static let window = 8 << 20
    /// Verified bytes between checkpoints of a free deal (a paid one checkpoints at each payment).
    static let checkpointStep: UInt64 = 32 << 20

    let context: NodeContext
    let store: DealStore
    let manager: ChannelManager
    let deal: LiveDeal
    /// Called after each stored status change, before its effects run.
    let afterStatusChange: StatusChangeHook

    private var key: DealKey { deal.record.key }
    private var timeout: Duration { .seconds(context.config.retrieval.dealTimeoutSeconds) }

    /// Runs the deal until it ends or the task is cancelled (the node stopping: the deal
    /// keeps its stored state and resumes on the next start).
    func run() async {
        var lastProgress = context.clock.now
        var progressMark = deal.record.bytes
        var backoff: Duration = .seconds(1)
        while !deal.record.isTerminal, !Task.isCancelled {
            do {
                try await step()
                backoff = .seconds(1)
            } catch is CancellationError {
                return
            } catch let error as TransferError {
                await fail("\(error)", block: error.offendingBlock)
            } catch let error as DealFailure {
                await fail(error.reason, block: nil)
            } catch let refusal as Refusal where refusal.code == .notFound {
                _ = try? await apply(.notFound("the provider: \(refusal.message)"))
            } catch let refusal as Refusal where refusal.code != .busy {
                await fail("the provider refused: \(refusal.message)", block: nil)
            } catch {
                if Task.isCancelled { return }
                if deal.record.bytes > progressMark { (progressMark, lastProgress) = (deal.record.bytes, context.clock.now) }
                let silent = context.clock.now.timeIntervalSince(lastProgress)
                if silent >= Double(context.config.retrieval.dealTimeoutSeconds) {
                    await fail("no progress for \(Int(silent)) s (retrieval.deal_timeout_seconds): \(error)", block: nil)
                    continue
                }
                _ = try? await apply(.interrupted("retrying: \(error)"))
                do { try await context.clock.sleep(for: backoff) } catch { return }
                backoff = min(backoff * 2, .seconds(30))
            }
        }
    }

    /// One step from the deal's current status.
    private func step() async throws {
        let record = deal.record
        switch record.status {
        case .new:
            _ = try await apply(.proposed)
        case .waitForAcceptance:
            try await propose()
        case .accepted, .paymentChannelCreating, .paymentChannelAddingInitialFunds:
            try await setUpPayment()
        case .paymentChannelAllocatingLane:
            _ = try await apply(.laneAllocated)
        case .ongoing, .fundsNeeded, .sendFunds, .blocksComplete, .sendFundsLastPayment, .finalizing:
            try await transfer()
        case .finalizingBlockstore:
            try await finishOutput()
        case .failing:
            _ = try await apply(.errored)
        case .cancelling:
            await tellProviderCancelled()
            _ = try await apply(.cancelComplete)
        default:
            throw DealFailure(reason: "deal \(key) cannot continue from \(record.status)")
        }
    }

    // MARK: Proposal and payment set-up

    private func propose() async throws {
        let record = deal.record
        let proposal = DealProposal(deal: record.id, payload: record.payload, pieceCID: record.pieceCID, params: record.params, broker: record.broker)
        let session = try await context.connect(to: record.peer)
        defer { Task { await session.close() } }
        let response = try await session.call(proposal, expecting: DealResponse.self)
        switch response.status {
        case .rejected: _ = try await apply(.rejected(response.message.isEmpty ? "the provider rejected the deal" : response.message))
        case .dealNotFound: _ = try await apply(.notFound(response.message.isEmpty ? "the provider does not hold \(record.payload)" : response.message))
        case .errored, .cancelled, .completed:
            _ = try await apply(.notFound("the provider already ended deal \(record.id) (\(response.status)); retrieve again for a new deal"))
        default:
            if response.size != record.totalBytes || response.blocks != record.totalBlocks {
                _ = try await change { $0.totalBytes = response.size; $0.totalBlocks = response.blocks }
            }
            _ = try await apply(.accepted)
        }
    }

    /// Opens or tops up a channel to the payee (the broker, or the provider) holding the
    /// deal's whole price.
    private func setUpPayment() async throws {
        let record = deal.record
        if record.params.isFree {
            _ = try await apply(.paymentChannelSkip)
            return
        }
        let payee = record.broker ?? record.peer
        let total = try record.params.price(of: record.totalBytes)
        if record.status == .accepted {
            let open = try await manager.openChannel(to: payee)
            if open == nil {
                _ = try await apply(.paymentChannelCreating)
            } else if let open, open.available < total {
                _ = try await apply(.paymentChannelAddingFunds)
            }
        }
        let channel = try await manager.ensureFunds(to: payee, available: total, newLane: true)
        _ = try await apply(.paymentChannelReady(channel))
    }

    // MARK: Transfer

    /// Fetches, verifies and pays from the last checkpoint until the provider ends the
    /// transfer with the deal complete.
    private func transfer() async throws {
        guard let place = deal.record.output else { throw DealFailure(reason: "deal \(key) has no output to write") }
        let output = try openOutput(place)
        // The counters follow the output's checkpoint: blocks verified after it were lost.
        let verified = output.verifier
        if UInt64(verified.blocksAccepted) != deal.record.blocks || verified.bytesAccepted != deal.record.bytes {
            _ = try await change { $0.blocks = UInt64(verified.blocksAccepted); $0.bytes = verified.bytesAccepted }
        }
        try await reconcilePayment()
        if !deal.record.params.isFree, !deal.record.unsealPaid { try await pay(last: false) }
        if [.fundsNeeded, .sendFunds].contains(deal.record.status) { try await pay(last: false) }
        if [.blocksComplete, .sendFundsLastPayment].contains(deal.record.status) { try await completeBlocks(output) }

        let session = try await context.connect(to: deal.record.peer)
        defer { Task { await session.close() } }
        let stream = try await session.stream(DealTransfer(deal: deal.record.id, from: UInt64(output.verifier.blocksAccepted)), window: Self.window)
        let watchdog = Watchdog(clock: context.clock, limit: timeout) { stream.cancel() }
        defer { watchdog.stop() }
        var reader = BlockSectionReader()
        var checkpointed = deal.record.bytes
        do {
            for try await chunk in stream {
                watchdog.progress()
                for section in try reader.feed(chunk) {
                    guard deal.record.status == .ongoing else {
                        throw TransferError.extraneousBlock(section.cid)
                    }
                    _ = try output.accept(section)
                    let blocks = UInt64(output.verifier.blocksAccepted), bytes = output.verifier.bytesAccepted
                    let record = deal.record
                    let due = !record.params.isFree && bytes >= record.params.nextThreshold(after: record.bytesPaidFor)
                    if output.verifier.isComplete || due || bytes - checkpointed >= Self.checkpointStep {
                        try await saveCheckpoint(output, blocks: blocks, bytes: bytes)
                        checkpointed = bytes
                        if output.verifier.isComplete {
                            try await completeBlocks(output)
                        } else if due {
                            try await pay(last: false)
                        }
                    } else {
                        deal.progress(blocks: blocks, bytes: bytes)
                    }
                }
            }
        } catch where watchdog.fired {
            throw DealFailure(reason: "the provider sent nothing for \(context.config.retrieval.dealTimeoutSeconds) s (retrieval.deal_timeout_seconds)")
        }
        try reader.finish()
        guard output.verifier.isComplete else {
            throw ProviderStopped(reason: "the provider ended the transfer after \(output.verifier.blocksAccepted) of \(deal.record.totalBlocks) blocks")
        }
        guard deal.record.status == .finalizing else {
            throw ProviderStopped(reason: "the provider ended the transfer before the deal was paid for (\(deal.record.status))")
        }
        _ = try await apply(.providerCompleted)
    }

    private func openOutput(_ place: DealOutput) throws -> RetrievalOutput {
        let format = place.format
        if let data = place.checkpoint, let checkpoint = try? JSONDecoder().decode(TransferCheckpoint.self, from: Data(data)) {
            return try RetrievalOutput.resume(path: place.path, root: deal.record.payload, format: format, checkpoint: checkpoint)
        }
        // A partial output without a checkpoint is this deal's own, from a run stopped
        // before its first checkpoint (`retrieve` refuses another request's): start it again.
        let partial = RetrievalOutput.isPartial(path: place.path, format: format)
        return try RetrievalOutput.create(path: place.path, root: deal.record.payload, format: format, overwrite: partial)
    }

    /// Syncs the output and stores its checkpoint with the counters it covers.
    private func saveCheckpoint(_ output: RetrievalOutput, blocks: UInt64, bytes: UInt64) async throws {
        let checkpoint = try output.checkpoint()
        let encoded = [UInt8](try JSONEncoder().encode(checkpoint))
        let store = self.store
        _ = try await deal.change({ record in
            (record.blocks, record.bytes) = (blocks, bytes)
            record.output?.checkpoint = encoded
        }, persist: { record, _ in try await store.saveProgress(record) })
    }

    /// Every block is verified: pays the rest (or skips the payment when all is paid).
    private func completeBlocks(_ output: RetrievalOutput) async throws {
        if deal.record.status == .ongoing { _ = try await apply(.allBlocksReceived) }
        if deal.record.status == .blocksComplete {
            let due = try deal.record.params.price(of: deal.record.bytes)
            if deal.record.params.isFree || due <= deal.record.paid {
                _ = try await apply(.lastPaymentSkipped)
                return
            }
            _ = try await apply(.lastPaymentRequested)
        }
        if deal.record.status == .sendFundsLastPayment { try await pay(last: true) }
    }

    private func finishOutput() async throws {
        guard let place = deal.record.output else { throw DealFailure(reason: "deal \(key) has no output to write") }
        if RetrievalOutput.isPartial(path: place.path, format: place.format) {
            let output = try openOutput(place)
            try output.finish()
        }
        _ = try await apply(.blockstoreFinalized)
    }

    // MARK: Payment

    /// Pays for every verified byte (with the unseal price): signs the deal lane's next
    /// cumulative voucher and sends it to the broker or the provider. `last`: the final
    /// payment (the deal goes on to Finalizing).
    private func pay(last: Bool) async throws {
        if !last {
            if deal.record.status == .ongoing { _ = try await apply(.paymentRequested) }
            if deal.record.status == .fundsNeeded { _ = try await apply(.sendFunds) }
        }
        let record = deal.record
        let amount = try record.params.price(of: record.bytes)
        guard let channel = record.channel else { throw DealFailure(reason: "deal \(key) has no payment channel") }
        var voucher: Voucher
        if amount > record.paid {
            voucher = try await sign(amount, on: channel, lane: record.lane)
            // Stored with the voucher; kept in the deal's record from now on too, so that
            // nothing stored later (a retry's note) clears it and the next voucher reuses it.
            if record.lane != voucher.lane { try await change { [lane = voucher.lane] in $0.lane = lane } }
        } else if let lane = record.lane, let signed = try await manager.voucher(channel: channel, lane: lane) {
            voucher = signed
        } else {
            throw DealFailure(reason: "deal \(key) has nothing to pay and no voucher to send")
        }
        let answer = try await send(voucher)
        let credited = max(voucher.amount, record.paid)
        _ = try await apply(.paymentSent(paid: credited, lane: voucher.lane))
        _ = answer
    }

    /// Signs the deal's voucher for `amount` in all; the lane is recorded with it. A lane
    /// already holding as much (signed before a restart) gives its voucher back.
    private func sign(_ amount: TokenAmount, on channel: ChannelID, lane: UInt64?) async throws -> Voucher {
        let (id, provider) = (deal.record.id, deal.record.peer)
        do {
            return try await manager.createVoucher(channel: channel, amount: .cumulative(amount), lane: lane) { voucher, db in
                try DealStore.recordLane(voucher, deal: id, provider: provider, db)
            }
        } catch PaymentError.lowerAmount(let lane, _, _) {
            guard let signed = try await manager.voucher(channel: channel, lane: lane) else { throw DealFailure(reason: "lane \(lane) lost its voucher") }
            return signed
        } catch PaymentError.overspend(_, let by, _) {
            // Another deal on the channel took what this one was set up with: top it up.
            _ = try await manager.addFunds(to: deal.record.broker ?? provider, amount: by)
            return try await manager.createVoucher(channel: channel, amount: .cumulative(amount), lane: lane) { voucher, db in
                try DealStore.recordLane(voucher, deal: id, provider: provider, db)
            }
        }
    }

    /// Sends `voucher` to the broker (which pays the provider) or to the provider.
    private func send(_ voucher: Voucher) async throws -> DealPaymentAnswer {
        let record = deal.record
        if let broker = record.broker {
            let session = try await context.connect(to: broker)
            defer { Task { await session.close() } }
            return try await session.call(BrokeredPayment(provider: record.peer, deal: record.id, payload: record.payload, voucher: voucher), expecting: DealPaymentAnswer.self)
        }
        let session = try await context.connect(to: record.peer)
        defer { Task { await session.close() } }
        return try await session.call(DealPayment(deal: record.id, client: nil, voucher: voucher, gross: voucher.amount, feeBasisPoints: 0),
                                      expecting: DealPaymentAnswer.self)
    }

    /// After a restart the deal's lane may hold a voucher signed but not recorded as paid:
    /// the deal counts it (it is resent with the next payment).
    private func reconcilePayment() async throws {
        let record = deal.record
        guard let channel = record.channel, let lane = record.lane, let signed = try await manager.voucher(channel: channel, lane: lane),
              signed.amount > record.paid else { return }
        _ = try await change { $0.paid = signed.amount }
    }

    // MARK: Ending

    private func tellProviderCancelled() async {
        let record = deal.record
        guard let session = try? await context.connect(to: record.peer) else { return }
        _ = try? await session.call(DealCancel(deal: record.id, reason: record.message), expecting: DealResponse.self)
        await session.close()
    }

    private func fail(_ reason: String, block: String?) async {
        do {
            if deal.record.status != .failing { _ = try await apply(.failed(reason, block: block)) }
            _ = try await apply(.errored)
        } catch {
            context.note(.error, .deal, "deal \(key): could not record its failure (\(reason)): \(error)")
        }
    }

    // MARK: State

    private func apply(_ event: ClientDealMachine.Event) async throws -> [ClientDealMachine.Effect] {
        let now = context.clock.now
        let (store, context) = (self.store, self.context)
        let (effects, changed) = try await deal.change({ (record: inout DealRecord) -> ([ClientDealMachine.Effect], DealRecord?) in
            let before = record.status
            let effects = try ClientDealMachine.apply(event, to: &record)
            record.updatedAt = now
            return (effects, record.status != before ? record : nil)
        }, persist: { record, before in try await store.record(record, previous: before, context: context) })
        if let changed { try await afterStatusChange.changed(to: changed) }
        return effects
    }

    /// Changes fields of the record outside the machine (sizes, counters), stored.
    private func change(_ body: @escaping @Sendable (inout DealRecord) -> Void) async throws {
        let store = self.store
        try await deal.change({ record in body(&record) }, persist: { record, _ in try await store.saveProgress(record) })
    }
}

/// A reason that ends a deal as Errored at once (not retried).
struct DealFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// The provider ended a transfer early: retried like a dropped connection, since a
/// provider restarting ends its streams the same way.
struct ProviderStopped: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
