import Testing
@testable import NodeKit

/// `DealStatus` against go-fil-markets' `dealstatus.go`: every number with its name, names
/// read back, and each side's finality states.
struct DealStatusTests {
    /// go-fil-markets' `DealStatus` constants in iota order, without the `DealStatus` prefix.
    static let goFilMarkets = [
        "New", "Unsealing", "Unsealed", "WaitForAcceptance", "PaymentChannelCreating", "PaymentChannelAddingFunds", "Accepted",
        "FundsNeededUnseal", "Failing", "Rejected", "FundsNeeded", "SendFunds", "SendFundsLastPayment", "Ongoing",
        "FundsNeededLastPayment", "Completed", "DealNotFound", "Errored", "BlocksComplete", "Finalizing", "Completing",
        "CheckComplete", "CheckFunds", "InsufficientFunds", "PaymentChannelAllocatingLane", "Cancelling", "Cancelled",
        "RetryLegacy", "WaitForAcceptanceLegacy", "ClientWaitingForLastBlocks", "PaymentChannelAddingInitialFunds", "Erroring",
        "Rejecting", "DealNotFoundCleanup", "FinalizingBlockstore",
    ]

    @Test func numbersAndNamesAreGoFilMarkets() {
        #expect(DealStatus.allCases.count == Self.goFilMarkets.count)
        for (number, name) in Self.goFilMarkets.enumerated() {
            let status = DealStatus(rawValue: UInt64(number))
            #expect(status?.description == name, "status \(number)")
        }
        #expect(DealStatus(rawValue: 35) == nil)
        #expect(DealStatus(rawValue: .max) == nil)
        // Spot checks that do not go through the table.
        #expect(DealStatus.ongoing.rawValue == 13 && DealStatus.fundsNeeded.rawValue == 10)
        #expect(DealStatus.completed.rawValue == 15 && DealStatus.finalizingBlockstore.rawValue == 34)
    }

    @Test func aNameReadsBackInAnyCase() {
        for status in DealStatus.allCases {
            #expect(DealStatus(name: status.description) == status)
            #expect(DealStatus(name: status.description.uppercased()) == status)
            #expect(DealStatus(name: status.description.lowercased()) == status)
        }
        #expect(DealStatus(name: "fundsneededlastpayment") == .fundsNeededLastPayment)
        for unknown in ["", "DealStatusOngoing", "Ongoing ", "Unknown", "13"] {
            #expect(DealStatus(name: unknown) == nil, "'\(unknown)'")
        }
    }

    @Test func theClientEndsInItsFinalityStates() {
        let terminal = DealStatus.allCases.filter { $0.isTerminal(on: .client) }
        #expect(Set(terminal) == [.errored, .completed, .cancelled, .rejected, .dealNotFound])
    }

    @Test func theProviderEndsInItsFinalityStates() {
        let terminal = DealStatus.allCases.filter { $0.isTerminal(on: .provider) }
        #expect(Set(terminal) == [.errored, .completed, .cancelled])
        // Failing is not final on either side (go-fil-markets' IsTerminalError says otherwise; its machines do not).
        #expect(!DealStatus.failing.isTerminal(on: .provider) && !DealStatus.failing.isTerminal(on: .client))
    }

    @Test(arguments: DealSide.allCases)
    func aRecordIsTerminalByItsOwnSide(side: DealSide) {
        var record = DealFixtures.record(side: side)
        for status in DealStatus.allCases {
            record.status = status
            #expect(record.isTerminal == status.isTerminal(on: side), "\(status) on the \(side) side")
        }
    }

    @Test func aDealKeyNamesItsSide() {
        let peer = DealFixtures.client.nodeID
        #expect(DealKey(side: .client, peer: peer, id: 42).description == "c42")
        #expect(DealKey(side: .provider, peer: peer, id: 42).description == "p42@\(peer.short)")
        #expect(DealTransitionError(status: .ongoing, event: "cancelComplete").description == "a deal in Ongoing cannot take cancelComplete")
    }
}
