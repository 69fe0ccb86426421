import Testing
@testable import NodeKit

/// `ProviderDealMachine` against the paths in its doc comment: every event from every
/// status (all 35 × all events), the fields each event sets, the guards that read the
/// deal's payments, and whole deals from New to Completed.
struct ProviderDealMachineTests {
    typealias Event = ProviderDealMachine.Event
    typealias Effect = ProviderDealMachine.Effect

    /// One of each event, with a representative payload.
    static let events: [Event] = [
        .accepted, .unsealComplete, .blocksSent(blocks: 2, bytes: 2_000), .paymentRequested, .lastPaymentRequested,
        .paymentReceived(paid: TokenAmount(unchecked: 2_000)), .complete, .cleanupComplete, .failed("the unseal failed"), .errored,
        .cancel("cancelled by the client"), .cancelComplete, .interrupted("the client went away"),
    ]

    /// The statuses a provider deal has not ended in (Rejected and DealNotFound are the client's ends).
    static let open = Set(DealStatus.allCases.filter { !$0.isTerminal(on: .provider) })

    /// A deal with 1000 of its 5000 bytes sent and nothing paid.
    static func record(_ params: DealParams = DealFixtures.paid, status: DealStatus = .new) -> DealRecord {
        var record = DealFixtures.record(side: .provider, params: params, status: status)
        (record.blocks, record.bytes) = (1, 1_000)
        return record
    }

    /// Where `event` takes `record`'s deal from each status it is allowed in, and the
    /// effects — as the doc comment's paths say. Every status not listed refuses it.
    static func allowed(_ event: Event, free: Bool) -> [DealStatus: (to: DealStatus, effects: [Effect])] {
        func from(_ statuses: Set<DealStatus>, to status: DealStatus?, _ effects: [Effect] = []) -> [DealStatus: (to: DealStatus, effects: [Effect])] {
            Dictionary(uniqueKeysWithValues: statuses.map { ($0, (status ?? $0, effects)) })
        }
        switch event {
        case .accepted: return from([.new], to: .unsealing, [.unseal])
        case .unsealComplete: return from([.unsealing], to: .unsealed, [.resumeTransfer])
        case .blocksSent: return from([.unsealed, .ongoing, .fundsNeeded], to: .ongoing)
        case .paymentRequested: return from([.unsealed, .ongoing], to: .fundsNeeded)
        case .lastPaymentRequested:
            // Not all paid for (free: all is): the last payment is asked for, or the transfer ends.
            return free ? from([.unsealed, .ongoing, .fundsNeeded], to: .finalizing, [.endTransfer])
                : from([.unsealed, .ongoing, .fundsNeeded], to: .fundsNeededLastPayment)
        case .paymentReceived:
            // 2000 attoFIL pays for the 1000 bytes sent, not for all 5000.
            return from([.unsealing, .unsealed, .ongoing], to: nil)
                .merging(from([.fundsNeededUnseal], to: .unsealing, [.unseal])) { a, _ in a }
                .merging(from([.fundsNeeded], to: .ongoing, [.resumeTransfer])) { a, _ in a }
                .merging(free ? from([.fundsNeededLastPayment], to: .finalizing, [.endTransfer]) : from([.fundsNeededLastPayment], to: nil)) { a, _ in a }
        case .complete: return from([.finalizing], to: .completing)
        case .cleanupComplete: return from([.completing], to: .completed)
        case .failed: return from(open.subtracting([.failing, .cancelling]), to: .failing, [.closeTransfer])
        case .errored: return from([.failing], to: .errored)
        case .cancel: return from(open.subtracting([.cancelling, .failing]), to: .cancelling, [.closeTransfer])
        case .cancelComplete: return from([.cancelling], to: .cancelled)
        case .interrupted: return from(open, to: nil)
        }
    }

    /// The fields besides the status that `event` sets.
    static func fieldsSet(by event: Event, on record: inout DealRecord) {
        switch event {
        case .failed(let why), .cancel(let why), .interrupted(let why): record.message = why
        case .blocksSent(let blocks, let bytes): (record.blocks, record.bytes) = (max(record.blocks, blocks), max(record.bytes, bytes))
        case .paymentReceived(let paid): record.paid = paid
        case .cleanupComplete: record.message = ""
        default: break
        }
    }

    @Test func theEventListHasEveryEvent() {
        let names = Set(Self.events.map { "\($0)".prefix { $0 != "(" } })
        #expect(names.count == Self.events.count && names.count == 13)
    }

    @Test(arguments: [DealFixtures.paid, DealFixtures.free])
    func everyEventFromEveryStatusIsTakenOrRefusedAsTheDocSays(params: DealParams) throws {
        var taken = 0
        for event in Self.events {
            let allowed = Self.allowed(event, free: params.isFree)
            for status in DealStatus.allCases {
                var record = Self.record(params, status: status)
                record.message = "before"
                let before = record
                if let expected = allowed[status] {
                    let effects = try ProviderDealMachine.apply(event, to: &record)
                    var wanted = before
                    wanted.status = expected.to
                    Self.fieldsSet(by: event, on: &wanted)
                    #expect(record == wanted, "\(event) from \(status)")
                    #expect(effects == expected.effects, "\(event) from \(status)")
                    taken += 1
                } else {
                    #expect(throws: DealTransitionError(status: status, event: "\(event)"), "\(event) from \(status)") {
                        try ProviderDealMachine.apply(event, to: &record)
                    }
                    #expect(record == before, "\(event) from \(status) changed the deal")
                }
            }
        }
        // 32 open statuses take interrupted, 30 failed and 30 cancel; 20 more come from named statuses.
        #expect(taken == 112)
    }

    @Test func endedDealsTakeNothing() {
        for status in DealStatus.allCases where status.isTerminal(on: .provider) {
            for event in Self.events {
                var record = Self.record(status: status)
                #expect(throws: DealTransitionError.self, "\(event) after \(status)") { try ProviderDealMachine.apply(event, to: &record) }
                #expect(record.status == status)
            }
        }
    }

    // MARK: Guards that read the payments

    @Test func anUnsealPriceIsPaidBeforeUnsealing() throws {
        var record = Self.record(DealFixtures.unsealed)
        #expect(try ProviderDealMachine.apply(.accepted, to: &record) == [])
        #expect(record.status == .fundsNeededUnseal)
        #expect(try ProviderDealMachine.apply(.paymentReceived(paid: TokenAmount(unchecked: 299)), to: &record) == [])
        #expect(record.status == .fundsNeededUnseal && record.paid == TokenAmount(unchecked: 299))
        #expect(try ProviderDealMachine.apply(.paymentReceived(paid: TokenAmount(unchecked: 300)), to: &record) == [.unseal])
        #expect(record.status == .unsealing)
        // Paid before the acceptance: straight to unsealing.
        var prepaid = Self.record(DealFixtures.unsealed)
        prepaid.paid = TokenAmount(unchecked: 300)
        #expect(try ProviderDealMachine.apply(.accepted, to: &prepaid) == [.unseal])
        #expect(prepaid.status == .unsealing)
    }

    @Test func aPaymentResumesTheTransferOnlyOnceItCoversWhatWasSent() throws {
        var record = Self.record(status: .fundsNeeded)
        #expect(try ProviderDealMachine.apply(.paymentReceived(paid: TokenAmount(unchecked: 1_999)), to: &record) == [])
        #expect(record.status == .fundsNeeded)
        #expect(try ProviderDealMachine.apply(.paymentReceived(paid: TokenAmount(unchecked: 2_000)), to: &record) == [.resumeTransfer])
        #expect(record.status == .ongoing)
    }

    @Test func creditOnlyGrows() throws {
        var record = Self.record(status: .fundsNeeded)
        record.paid = TokenAmount(unchecked: 1_000)
        let before = record
        #expect(throws: DealTransitionError.self) {
            try ProviderDealMachine.apply(.paymentReceived(paid: TokenAmount(unchecked: 999)), to: &record)
        }
        #expect(record == before)
        #expect(try ProviderDealMachine.apply(.paymentReceived(paid: TokenAmount(unchecked: 1_000)), to: &record) == [])
        #expect(record == before)
    }

    @Test func theLastPaymentIsAskedForOnlyWhenSomethingIsOwed() throws {
        var owing = Self.record(status: .ongoing)
        owing.bytes = 5_000
        owing.paid = TokenAmount(unchecked: 9_999)
        #expect(try ProviderDealMachine.apply(.lastPaymentRequested, to: &owing) == [])
        #expect(owing.status == .fundsNeededLastPayment)
        #expect(try ProviderDealMachine.apply(.paymentReceived(paid: TokenAmount(unchecked: 10_000)), to: &owing) == [.endTransfer])
        #expect(owing.status == .finalizing)
        var paidUp = Self.record(status: .fundsNeeded)
        paidUp.paid = TokenAmount(unchecked: 10_000)
        #expect(try ProviderDealMachine.apply(.lastPaymentRequested, to: &paidUp) == [.endTransfer])
        #expect(paidUp.status == .finalizing)
    }

    @Test func aResumedTransferNeverLowersWhatWasSent() throws {
        var record = Self.record(status: .ongoing)
        (record.blocks, record.bytes) = (3, 3_000)
        #expect(try ProviderDealMachine.apply(.blocksSent(blocks: 1, bytes: 1_000), to: &record) == [])
        #expect(record.blocks == 3 && record.bytes == 3_000 && record.status == .ongoing)
    }

    // MARK: Whole deals

    /// Applies each step in turn, checking the status and effects after each.
    static func run(_ record: inout DealRecord, _ steps: [(Event, DealStatus, [Effect])]) throws {
        for (event, status, effects) in steps {
            let got = try ProviderDealMachine.apply(event, to: &record)
            #expect(record.status == status, "after \(event)")
            #expect(got == effects, "after \(event)")
        }
    }

    static func paid(_ amount: UInt128) -> Event { .paymentReceived(paid: TokenAmount(unchecked: amount)) }

    /// The path `RetrievalDealTests` sees on a devnet.
    @Test func aPaidDeal() throws {
        var record = DealFixtures.record(side: .provider)
        try Self.run(&record, [
            (.accepted, .unsealing, [.unseal]),
            (.unsealComplete, .unsealed, [.resumeTransfer]),
            (.blocksSent(blocks: 1, bytes: 1_000), .ongoing, []),
            (.paymentRequested, .fundsNeeded, []),
            (Self.paid(2_000), .ongoing, [.resumeTransfer]),
            (.blocksSent(blocks: 5, bytes: 5_000), .ongoing, []),
            (.lastPaymentRequested, .fundsNeededLastPayment, []),
            (Self.paid(10_000), .finalizing, [.endTransfer]),
            (.complete, .completing, []),
            (.cleanupComplete, .completed, []),
        ])
        #expect(record.isTerminal && record.paid == TokenAmount(unchecked: 10_000))
    }

    @Test func aFreeDealNeverWaitsForPayment() throws {
        var record = DealFixtures.record(side: .provider, params: DealFixtures.free)
        try Self.run(&record, [
            (.accepted, .unsealing, [.unseal]),
            (.unsealComplete, .unsealed, [.resumeTransfer]),
            (.blocksSent(blocks: 5, bytes: 5_000), .ongoing, []),
            (.lastPaymentRequested, .finalizing, [.endTransfer]),
            (.complete, .completing, []),
            (.cleanupComplete, .completed, []),
        ])
    }

    @Test func aDealWithAnUnsealPrice() throws {
        var record = DealFixtures.record(side: .provider, params: DealFixtures.unsealed)
        try Self.run(&record, [
            (.accepted, .fundsNeededUnseal, []),
            (Self.paid(300), .unsealing, [.unseal]),
            (.unsealComplete, .unsealed, [.resumeTransfer]),
            (.blocksSent(blocks: 1, bytes: 1_000), .ongoing, []),
            (.paymentRequested, .fundsNeeded, []),
            (Self.paid(2_300), .ongoing, [.resumeTransfer]),
            (.blocksSent(blocks: 5, bytes: 5_000), .ongoing, []),
            (.lastPaymentRequested, .fundsNeededLastPayment, []),
            (Self.paid(10_300), .finalizing, [.endTransfer]),
            (.complete, .completing, []),
            (.cleanupComplete, .completed, []),
        ])
    }

    @Test func aDealCancelledOrFailedEnds() throws {
        var cancelled = DealFixtures.record(side: .provider, status: .fundsNeededLastPayment)
        try Self.run(&cancelled, [
            (.interrupted("the client went away"), .fundsNeededLastPayment, []),
            (.cancel("cancelled by the provider's operator"), .cancelling, [.closeTransfer]),
            (.cancelComplete, .cancelled, []),
        ])
        var failed = DealFixtures.record(side: .provider, status: .fundsNeeded)
        try Self.run(&failed, [(.failed("the client sent no payment within 600 s"), .failing, [.closeTransfer]), (.errored, .errored, [])])
        #expect(failed.message == "the client sent no payment within 600 s")
    }
}
