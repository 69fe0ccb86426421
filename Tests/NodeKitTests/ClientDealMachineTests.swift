import Testing
@testable import NodeKit

/// `ClientDealMachine` against the paths in its doc comment: every event from every status
/// (all 35 × all events), the fields each event sets, the guards that read the deal, and
/// whole deals from New to Completed.
struct ClientDealMachineTests {
    typealias Event = ClientDealMachine.Event
    typealias Effect = ClientDealMachine.Effect

    static let block = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"

    /// One of each event, with a representative payload.
    static let events: [Event] = [
        .proposed, .accepted, .rejected("price per byte too low"), .notFound("no such DAG"), .paymentChannelSkip, .paymentChannelCreating,
        .paymentChannelAddingFunds, .paymentChannelReady(DealFixtures.channel), .laneAllocated, .blocksReceived(blocks: 2, bytes: 1_000),
        .paymentRequested, .sendFunds, .paymentSent(paid: TokenAmount(unchecked: 2_000), lane: 3), .allBlocksReceived,
        .lastPaymentRequested, .lastPaymentSkipped, .providerCompleted, .blockstoreFinalized, .failed("block failed", block: block),
        .errored, .cancel("cancelled by the operator"), .cancelComplete, .interrupted("connection reset"),
    ]

    /// The statuses a client deal has not ended in.
    static let open = Set(DealStatus.allCases.filter { !$0.isTerminal(on: .client) })

    /// Where `event` takes a deal (one with nothing owed: no bytes yet, no unseal price)
    /// from each status it is allowed in, and the effects — as the doc comment's paths
    /// say. Every status not listed refuses the event.
    static func allowed(_ event: Event, free: Bool) -> [DealStatus: (to: DealStatus, effects: [Effect])] {
        func from(_ statuses: Set<DealStatus>, to status: DealStatus?, _ effects: [Effect] = []) -> [DealStatus: (to: DealStatus, effects: [Effect])] {
            Dictionary(uniqueKeysWithValues: statuses.map { ($0, (status ?? $0, effects)) })
        }
        switch event {
        case .proposed: return from([.new], to: .waitForAcceptance, [.propose])
        case .accepted: return from([.waitForAcceptance], to: .accepted, free ? [] : [.setUpPaymentChannel])
        case .rejected: return from([.waitForAcceptance], to: .rejected)
        case .notFound: return from(open.subtracting([.cancelling]), to: .dealNotFound, [.closeTransfer])
        case .paymentChannelSkip: return free ? from([.accepted], to: .ongoing, [.openTransfer]) : [:]
        case .paymentChannelCreating: return from([.accepted], to: .paymentChannelCreating)
        case .paymentChannelAddingFunds: return from([.accepted], to: .paymentChannelAddingInitialFunds)
        case .paymentChannelReady:
            return from([.accepted, .paymentChannelCreating, .paymentChannelAddingInitialFunds], to: .paymentChannelAllocatingLane)
        case .laneAllocated: return from([.paymentChannelAllocatingLane], to: .ongoing, [.openTransfer])
        case .blocksReceived: return from([.ongoing], to: nil)
        case .paymentRequested: return free ? [:] : from([.ongoing], to: .fundsNeeded, [.sendPayment])
        case .sendFunds: return from([.fundsNeeded], to: .sendFunds)
        case .paymentSent: return from([.sendFunds], to: .ongoing).merging(from([.sendFundsLastPayment], to: .finalizing)) { a, _ in a }
        case .allBlocksReceived: return from([.ongoing], to: .blocksComplete)
        case .lastPaymentRequested: return free ? [:] : from([.blocksComplete], to: .sendFundsLastPayment, [.sendPayment])
        case .lastPaymentSkipped: return from([.blocksComplete], to: .finalizing)
        case .providerCompleted: return from([.finalizing], to: .finalizingBlockstore, [.finalizeOutput])
        case .blockstoreFinalized: return from([.finalizingBlockstore], to: .completed)
        case .failed: return from(open.subtracting([.failing, .cancelling]), to: .failing, [.closeTransfer])
        case .errored: return from([.failing], to: .errored)
        case .cancel: return from(open.subtracting([.cancelling, .failing]), to: .cancelling, [.closeTransfer, .cancelAtProvider])
        case .cancelComplete: return from([.cancelling], to: .cancelled)
        case .interrupted: return from(open, to: nil)
        }
    }

    /// The fields besides the status that `event` sets.
    static func fieldsSet(by event: Event, on record: inout DealRecord) {
        switch event {
        case .rejected(let why), .notFound(let why), .cancel(let why), .interrupted(let why): record.message = why
        case .failed(let why, let block):
            record.message = why
            if let block { record.failedBlock = block }
        case .paymentChannelReady(let channel): record.channel = channel
        case .blocksReceived(let blocks, let bytes): (record.blocks, record.bytes) = (blocks, bytes)
        case .paymentSent(let paid, let lane): (record.paid, record.lane) = (paid, lane)
        case .blockstoreFinalized: record.message = ""
        default: break
        }
    }

    @Test func theEventListHasEveryEvent() {
        let names = Set(Self.events.map { "\($0)".prefix { $0 != "(" } })
        #expect(names.count == Self.events.count && names.count == 23)
    }

    @Test(arguments: [DealFixtures.paid, DealFixtures.free])
    func everyEventFromEveryStatusIsTakenOrRefusedAsTheDocSays(params: DealParams) throws {
        var taken = 0
        for event in Self.events {
            let allowed = Self.allowed(event, free: params.isFree)
            for status in DealStatus.allCases {
                var record = DealFixtures.record(side: .client, params: params, status: status)
                record.message = "before"
                let before = record
                if let expected = allowed[status] {
                    let effects = try ClientDealMachine.apply(event, to: &record)
                    var wanted = before
                    wanted.status = expected.to
                    Self.fieldsSet(by: event, on: &wanted)
                    #expect(record == wanted, "\(event) from \(status)")
                    #expect(effects == expected.effects, "\(event) from \(status)")
                    taken += 1
                } else {
                    #expect(throws: DealTransitionError(status: status, event: "\(event)"), "\(event) from \(status)") {
                        try ClientDealMachine.apply(event, to: &record)
                    }
                    #expect(record == before, "\(event) from \(status) changed the deal")
                }
            }
        }
        // 30 open statuses take interrupted, 29 notFound, 28 failed and 28 cancel; 21 more come
        // from named statuses (20 for a free deal: it skips the channel and requests no payment).
        #expect(taken == (params.isFree ? 135 : 136))
    }

    @Test func endedDealsTakeNothing() {
        for status in DealStatus.allCases where status.isTerminal(on: .client) {
            for event in Self.events {
                var record = DealFixtures.record(side: .client, status: status)
                #expect(throws: DealTransitionError.self, "\(event) after \(status)") { try ClientDealMachine.apply(event, to: &record) }
                #expect(record.status == status)
            }
        }
    }

    // MARK: Guards that read the deal

    @Test func verifiedCountsOnlyGrow() throws {
        var record = DealFixtures.record(side: .client, status: .ongoing)
        _ = try ClientDealMachine.apply(.blocksReceived(blocks: 3, bytes: 2_000), to: &record)
        _ = try ClientDealMachine.apply(.blocksReceived(blocks: 3, bytes: 2_000), to: &record)
        let before = record
        #expect(throws: DealTransitionError.self) { try ClientDealMachine.apply(.blocksReceived(blocks: 2, bytes: 2_500), to: &record) }
        #expect(throws: DealTransitionError.self) { try ClientDealMachine.apply(.blocksReceived(blocks: 4, bytes: 1_999), to: &record) }
        #expect(record == before)
    }

    @Test func paymentsOnlyGrow() throws {
        var record = DealFixtures.record(side: .client, status: .sendFunds)
        record.paid = TokenAmount(unchecked: 2_000)
        let before = record
        #expect(throws: DealTransitionError.self) {
            try ClientDealMachine.apply(.paymentSent(paid: TokenAmount(unchecked: 1_999), lane: 3), to: &record)
        }
        #expect(record == before)
        // The same amount again (a voucher resent after a restart) is taken.
        _ = try ClientDealMachine.apply(.paymentSent(paid: TokenAmount(unchecked: 2_000), lane: 3), to: &record)
        #expect(record.status == .ongoing && record.paid == TokenAmount(unchecked: 2_000) && record.lane == 3)
    }

    @Test func theLastPaymentIsSkippedOnlyWhenNothingIsOwed() throws {
        var record = DealFixtures.record(side: .client, status: .blocksComplete)
        record.bytes = 5_000
        record.paid = TokenAmount(unchecked: 9_999)
        let before = record
        #expect(throws: DealTransitionError.self) { try ClientDealMachine.apply(.lastPaymentSkipped, to: &record) }
        #expect(record == before)
        record.paid = TokenAmount(unchecked: 10_000)
        #expect(try ClientDealMachine.apply(.lastPaymentSkipped, to: &record) == [])
        #expect(record.status == .finalizing)
        // An unseal price is owed even with no bytes.
        var unseal = DealFixtures.record(side: .client, params: DealFixtures.unsealed, status: .blocksComplete)
        #expect(throws: DealTransitionError.self) { try ClientDealMachine.apply(.lastPaymentSkipped, to: &unseal) }
    }

    @Test func aFailureKeepsTheBlockItNamesAndOnlyThat() throws {
        var record = DealFixtures.record(side: .client, status: .ongoing)
        _ = try ClientDealMachine.apply(.failed("the provider went away"), to: &record)
        #expect(record.failedBlock == nil && record.message == "the provider went away")
        var bad = DealFixtures.record(side: .client, status: .ongoing)
        _ = try ClientDealMachine.apply(.failed("hash mismatch", block: Self.block), to: &bad)
        #expect(bad.failedBlock == Self.block)
        _ = try ClientDealMachine.apply(.errored, to: &bad)
        #expect(bad.status == .errored && bad.message == "hash mismatch" && bad.failedBlock == Self.block)
    }

    // MARK: Whole deals

    /// Applies each step in turn, checking the status and effects after each.
    static func run(_ record: inout DealRecord, _ steps: [(Event, DealStatus, [Effect])]) throws {
        for (event, status, effects) in steps {
            let got = try ClientDealMachine.apply(event, to: &record)
            #expect(record.status == status, "after \(event)")
            #expect(got == effects, "after \(event)")
        }
    }

    static func paid(_ amount: UInt128, lane: UInt64 = 0) -> Event { .paymentSent(paid: TokenAmount(unchecked: amount), lane: lane) }

    /// The path `RetrievalDealTests` sees on a devnet: a new channel, one payment at the
    /// first threshold (1000 bytes), the rest at the end.
    @Test func aPaidDealOnANewChannel() throws {
        var record = DealFixtures.record(side: .client)
        try Self.run(&record, [
            (.proposed, .waitForAcceptance, [.propose]),
            (.accepted, .accepted, [.setUpPaymentChannel]),
            (.paymentChannelCreating, .paymentChannelCreating, []),
            (.paymentChannelReady(DealFixtures.channel), .paymentChannelAllocatingLane, []),
            (.laneAllocated, .ongoing, [.openTransfer]),
            (.blocksReceived(blocks: 1, bytes: 1_000), .ongoing, []),
            (.paymentRequested, .fundsNeeded, [.sendPayment]),
            (.sendFunds, .sendFunds, []),
            (Self.paid(2_000), .ongoing, []),
            (.blocksReceived(blocks: 5, bytes: 5_000), .ongoing, []),
            (.allBlocksReceived, .blocksComplete, []),
            (.lastPaymentRequested, .sendFundsLastPayment, [.sendPayment]),
            (Self.paid(10_000), .finalizing, []),
            (.providerCompleted, .finalizingBlockstore, [.finalizeOutput]),
            (.blockstoreFinalized, .completed, []),
        ])
        #expect(record.paid == TokenAmount(unchecked: 10_000) && record.owed == .zero && record.channel == DealFixtures.channel)
        #expect(record.isTerminal)
    }

    @Test func aPaidDealToppingUpAChannelItHas() throws {
        var record = DealFixtures.record(side: .client, status: .accepted)
        try Self.run(&record, [
            (.paymentChannelAddingFunds, .paymentChannelAddingInitialFunds, []),
            (.paymentChannelReady(DealFixtures.channel), .paymentChannelAllocatingLane, []),
            (.laneAllocated, .ongoing, [.openTransfer]),
        ])
        // With enough in the channel already, straight to the lane.
        var funded = DealFixtures.record(side: .client, status: .accepted)
        try Self.run(&funded, [(.paymentChannelReady(DealFixtures.channel), .paymentChannelAllocatingLane, [])])
    }

    @Test func aFreeDealUsesNoChannelAndSkipsTheLastPayment() throws {
        var record = DealFixtures.record(side: .client, params: DealFixtures.free)
        try Self.run(&record, [
            (.proposed, .waitForAcceptance, [.propose]),
            (.accepted, .accepted, []),
            (.paymentChannelSkip, .ongoing, [.openTransfer]),
            (.blocksReceived(blocks: 5, bytes: 5_000), .ongoing, []),
            (.allBlocksReceived, .blocksComplete, []),
            (.lastPaymentSkipped, .finalizing, []),
            (.providerCompleted, .finalizingBlockstore, [.finalizeOutput]),
            (.blockstoreFinalized, .completed, []),
        ])
        #expect(record.channel == nil && record.paid == .zero)
    }

    @Test func aDealWithAnUnsealPricePaysItBeforeAnyBlock() throws {
        var record = DealFixtures.record(side: .client, params: DealFixtures.unsealed, status: .paymentChannelAllocatingLane)
        record.channel = DealFixtures.channel
        try Self.run(&record, [
            (.laneAllocated, .ongoing, [.openTransfer]),
            (.paymentRequested, .fundsNeeded, [.sendPayment]),
            (.sendFunds, .sendFunds, []),
            (Self.paid(300), .ongoing, []),
            (.blocksReceived(blocks: 1, bytes: 1_000), .ongoing, []),
            (.paymentRequested, .fundsNeeded, [.sendPayment]),
            (.sendFunds, .sendFunds, []),
            (Self.paid(2_300), .ongoing, []),
            (.blocksReceived(blocks: 5, bytes: 5_000), .ongoing, []),
            (.allBlocksReceived, .blocksComplete, []),
            (.lastPaymentRequested, .sendFundsLastPayment, [.sendPayment]),
            (Self.paid(10_300), .finalizing, []),
        ])
        #expect(record.unsealPaid && record.owed == .zero)
    }

    @Test func aCancelledDealTellsTheProviderAndEnds() throws {
        var record = DealFixtures.record(side: .client, status: .fundsNeeded)
        try Self.run(&record, [
            (.interrupted("connection reset"), .fundsNeeded, []),
            (.cancel("cancelled by the operator"), .cancelling, [.closeTransfer, .cancelAtProvider]),
            (.cancelComplete, .cancelled, []),
        ])
        #expect(record.message == "cancelled by the operator")
    }
}
