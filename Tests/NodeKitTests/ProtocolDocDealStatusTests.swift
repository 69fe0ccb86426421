import Foundation
import Testing
@testable import NodeKit

/// Checks docs/PROTOCOL.md's deal status table and both state machine tables (§12)
/// against `DealStatus`, `ClientDealMachine` and `ProviderDealMachine`: every number and
/// name, which statuses each side enters and which are final, every documented
/// transition (applied to a deal in each listed status) and every transition the tables
/// leave out (refused by the machine).
@Suite struct ProtocolDocDealStatusTests {
    /// A row of a state machine table.
    struct Row {
        let from: [DealStatus]
        let event: String
        let when: String
        /// nil: unchanged.
        let to: DealStatus?
        let then: [String]
    }

    /// The cells of a table row as written (backticks kept), trimmed of spaces.
    static func rawCells(_ row: Substring) -> [String] {
        Array(row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast())
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The names in backticks in `cell`.
    static func quoted(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    static func status(_ name: String) throws -> DealStatus { try #require(DealStatus(name: name), "\(name) is not a DealStatus") }

    /// Which statuses the status table marks as entered on `side` (`✓`), and which as final.
    static func statusTable(_ side: DealSide) throws -> (used: Set<DealStatus>, final: Set<DealStatus>) {
        var used = Set<DealStatus>(), final = Set<DealStatus>()
        for row in try ProtocolDocTests.section("### Deal status") {
            let cells = rawCells(row)
            guard cells.count == 5, let number = UInt64(cells[0]) else { continue }
            let status = try #require(DealStatus(rawValue: number), "PROTOCOL.md lists status \(number), which the code does not have")
            let cell = side == .client ? cells[2] : cells[3]
            if cell.contains("✓") { used.insert(status) }
            if cell.contains("final") { final.insert(status) }
        }
        return (used, final)
    }

    /// The rows of the table under `heading`; "any open" is every status `used` that is not final.
    static func machineTable(_ heading: String, side: DealSide) throws -> [Row] {
        let (used, final) = try statusTable(side)
        let open = used.subtracting(final)
        var rows: [Row] = []
        for line in try ProtocolDocTests.section(heading) where line.hasPrefix("| `") || line.hasPrefix("| any open") {
            let cells = rawCells(line)
            try #require(cells.count == 5, "a row of \(heading) has \(cells.count) cells: \(line)")
            let named = try quoted(cells[0]).map(status)
            let from = cells[0].hasPrefix("any open") ? open.subtracting(named).sorted { $0.rawValue < $1.rawValue } : named
            let to = cells[3] == "unchanged" ? nil : try status(cells[3].trimmingCharacters(in: CharacterSet(charactersIn: "`")))
            let then = cells[4] == "—" ? [] : cells[4].components(separatedBy: ", ")
            rows.append(Row(from: from, event: cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")), when: cells[2], to: to, then: then))
        }
        return rows
    }

    static func record(_ side: DealSide, _ params: DealParams) -> DealRecord {
        DealRecord(side: side, id: 1, peer: VoucherTests.payee.nodeID, payload: CID.raw([1]), params: params, totalBytes: 100, totalBlocks: 10,
                   createdAt: Date(timeIntervalSince1970: 0))
    }

    static let priced = DealParams(pricePerByte: TokenAmount(unchecked: 1000), paymentInterval: 40, paymentIntervalIncrease: 40)
    static let free = DealParams(pricePerByte: .zero, paymentInterval: 40, paymentIntervalIncrease: 40)
    static let withUnseal = DealParams(pricePerByte: TokenAmount(unchecked: 1000), unsealPrice: TokenAmount(unchecked: 500), paymentInterval: 40,
                                       paymentIntervalIncrease: 40)

    @Test func statusTableListsEveryStatusWithItsNameAndFinality() throws {
        var listed: [UInt64: String] = [:]
        for row in try ProtocolDocTests.section("### Deal status") {
            let cells = Self.rawCells(row)
            guard cells.count == 5, let number = UInt64(cells[0]) else { continue }
            #expect(listed[number] == nil, "PROTOCOL.md lists status \(number) twice")
            listed[number] = cells[1]
        }
        for status in DealStatus.allCases { #expect(listed[status.rawValue] == status.description, "| \(status.rawValue) | \(status) |") }
        #expect(listed.count == DealStatus.allCases.count)
        for side in [DealSide.client, .provider] {
            let (used, final) = try Self.statusTable(side)
            #expect(final == Set(DealStatus.allCases.filter { $0.isTerminal(on: side) }), "final statuses of the \(side.rawValue)")
            #expect(final.isSubset(of: used), "a \(side.rawValue)'s final status it never enters")
        }
        // A broker's record mirrors the provider's status, so it ends as the provider's does.
        #expect(DealStatus.allCases.filter { $0.isTerminal(on: .broker) } == DealStatus.allCases.filter { $0.isTerminal(on: .provider) })
        let stated = try ProtocolDocTests.flatText().contains("and ends in the provider's final statuses")
        #expect(stated, "PROTOCOL.md §12 does not say how a broker's record ends")
    }

    // MARK: The client

    /// The name the client's table gives each event. Exhaustive, so a new event does not
    /// compile until it has a name here (and a sample below, and rows in the document).
    static func name(_ event: ClientDealMachine.Event) -> String {
        switch event {
        case .proposed: "proposed"
        case .accepted: "accepted"
        case .rejected: "rejected"
        case .notFound: "notFound"
        case .paymentChannelSkip: "paymentChannelSkip"
        case .paymentChannelCreating: "paymentChannelCreating"
        case .paymentChannelAddingFunds: "paymentChannelAddingFunds"
        case .paymentChannelReady: "paymentChannelReady"
        case .laneAllocated: "laneAllocated"
        case .blocksReceived: "blocksReceived"
        case .paymentRequested: "paymentRequested"
        case .sendFunds: "sendFunds"
        case .paymentSent: "paymentSent"
        case .allBlocksReceived: "allBlocksReceived"
        case .lastPaymentRequested: "lastPaymentRequested"
        case .lastPaymentSkipped: "lastPaymentSkipped"
        case .providerCompleted: "providerCompleted"
        case .blockstoreFinalized: "blockstoreFinalized"
        case .failed: "failed"
        case .errored: "errored"
        case .cancel: "cancel"
        case .cancelComplete: "cancelComplete"
        case .interrupted: "interrupted"
        }
    }

    static func clientEvents() throws -> [ClientDealMachine.Event] {
        [
            .proposed, .accepted, .rejected("r"), .notFound("n"), .paymentChannelSkip, .paymentChannelCreating, .paymentChannelAddingFunds,
            .paymentChannelReady(try ChannelID(bytes: Array(repeating: 7, count: 20))), .laneAllocated, .blocksReceived(blocks: 5, bytes: 50),
            .paymentRequested, .sendFunds, .paymentSent(paid: TokenAmount(unchecked: 1 << 40), lane: 3), .allBlocksReceived,
            .lastPaymentRequested, .lastPaymentSkipped, .providerCompleted, .blockstoreFinalized, .failed("f", block: nil), .errored,
            .cancel("c"), .cancelComplete, .interrupted("i"),
        ]
    }

    static let clientEffects: [String: ClientDealMachine.Effect] = [
        "sends `DealProposal`": .propose, "sets up the payment channel": .setUpPaymentChannel, "opens the transfer": .openTransfer,
        "pays": .sendPayment, "finishes the output": .finalizeOutput, "closes the transfer": .closeTransfer, "sends `DealCancel`": .cancelAtProvider,
    ]

    /// A client deal meeting the table's `when`.
    static func clientDeal(when: String) throws -> DealRecord {
        switch when {
        case "", "paid deal": return record(.client, priced)
        case "free deal": return record(.client, free)
        case "what was received is paid":
            var deal = record(.client, priced)
            (deal.blocks, deal.bytes, deal.paid) = (10, 100, try priced.price(of: 100))
            return deal
        default: throw DocumentError(what: "the client's table has an unknown condition '\(when)'")
        }
    }

    @Test func clientMachineTableMatchesTheCode() throws {
        let rows = try Self.machineTable("### The client's state machine", side: .client)
        let events = try Self.clientEvents()
        let names = Set(events.map(Self.name))
        #expect(Set(rows.map(\.event)) == names, "the client's table names events \(Set(rows.map(\.event)).symmetricDifference(names).sorted())")
        for row in rows {
            let event = try #require(events.first { Self.name($0) == row.event })
            let effects = try row.then.map { try #require(Self.clientEffects[$0], "unknown step '\($0)' in the client's table") }
            for from in row.from {
                var deal = try Self.clientDeal(when: row.when)
                deal.status = from
                let done = try ClientDealMachine.apply(event, to: &deal)
                #expect(deal.status == (row.to ?? from) && done == effects, "client: \(from) --\(row.event)[\(row.when)]--> \(deal.status) \(done)")
            }
        }
        let (used, final) = try Self.statusTable(.client)
        #expect(Set(rows.flatMap { $0.from + ($0.to.map { [$0] } ?? []) }) == used, "statuses in the client's table against its ✓ marks")
        for status in DealStatus.allCases where used.contains(status) || final.contains(status) {
            for event in events where final.contains(status) || !rows.contains(where: { $0.event == Self.name(event) && $0.from.contains(status) }) {
                var deal = Self.record(.client, Self.priced)
                deal.status = status
                #expect(throws: DealTransitionError.self, "client: \(status) takes \(Self.name(event)), which the table leaves out") {
                    try ClientDealMachine.apply(event, to: &deal)
                }
            }
        }
    }

    // MARK: The provider

    /// The name the provider's table gives each event; exhaustive like the client's.
    static func name(_ event: ProviderDealMachine.Event) -> String {
        switch event {
        case .accepted: "accepted"
        case .unsealComplete: "unsealComplete"
        case .blocksSent: "blocksSent"
        case .paymentRequested: "paymentRequested"
        case .lastPaymentRequested: "lastPaymentRequested"
        case .paymentReceived: "paymentReceived"
        case .complete: "complete"
        case .cleanupComplete: "cleanupComplete"
        case .failed: "failed"
        case .errored: "errored"
        case .cancel: "cancel"
        case .cancelComplete: "cancelComplete"
        case .interrupted: "interrupted"
        }
    }

    static let providerEvents: [ProviderDealMachine.Event] = [
        .accepted, .unsealComplete, .blocksSent(blocks: 5, bytes: 50), .paymentRequested, .lastPaymentRequested,
        .paymentReceived(paid: TokenAmount(unchecked: 1)), .complete, .cleanupComplete, .failed("f"), .errored, .cancel("c"), .cancelComplete,
        .interrupted("i"),
    ]

    static let providerEffects: [String: ProviderDealMachine.Effect] = [
        "unseals": .unseal, "resumes sending": .resumeTransfer, "ends the stream": .endTransfer, "closes the stream": .closeTransfer,
    ]

    /// A provider deal meeting the table's `when`, and the credit a `paymentReceived` brings.
    static func providerDeal(when: String) throws -> (DealRecord, credit: TokenAmount) {
        var deal = record(.provider, priced)
        var credit = TokenAmount(unchecked: 1)
        switch when {
        case "", "no unseal price due", "not everything is paid": break
        case "unseal price due": deal.params = withUnseal
        case "everything is paid": deal.paid = try priced.price(of: deal.totalBytes)
        case "the credit covers the unseal price":
            deal.params = withUnseal
            credit = withUnseal.unsealPrice
        case "the credit covers the bytes sent":
            (deal.blocks, deal.bytes) = (5, 50)
            credit = try priced.price(of: 50)
        case "the credit covers everything": credit = try priced.price(of: deal.totalBytes)
        case "the credit falls short":
            deal.params = withUnseal
            (deal.blocks, deal.bytes) = (5, 50)
        default: throw DocumentError(what: "the provider's table has an unknown condition '\(when)'")
        }
        return (deal, credit)
    }

    @Test func providerMachineTableMatchesTheCode() throws {
        let rows = try Self.machineTable("### The provider's state machine", side: .provider)
        let events = Self.providerEvents
        let names = Set(events.map(Self.name))
        #expect(Set(rows.map(\.event)) == names, "the provider's table names events \(Set(rows.map(\.event)).symmetricDifference(names).sorted())")
        for row in rows {
            var event = try #require(events.first { Self.name($0) == row.event })
            let effects = try row.then.map { try #require(Self.providerEffects[$0], "unknown step '\($0)' in the provider's table") }
            for from in row.from {
                var (deal, credit) = try Self.providerDeal(when: row.when)
                deal.status = from
                if case .paymentReceived = event { event = .paymentReceived(paid: credit) }
                let done = try ProviderDealMachine.apply(event, to: &deal)
                #expect(deal.status == (row.to ?? from) && done == effects, "provider: \(from) --\(row.event)[\(row.when)]--> \(deal.status) \(done)")
            }
        }
        let (used, final) = try Self.statusTable(.provider)
        #expect(Set(rows.flatMap { $0.from + ($0.to.map { [$0] } ?? []) }) == used, "statuses in the provider's table against its ✓ marks")
        for status in DealStatus.allCases where used.contains(status) || final.contains(status) {
            for event in events where final.contains(status) || !rows.contains(where: { $0.event == Self.name(event) && $0.from.contains(status) }) {
                var deal = Self.record(.provider, Self.priced)
                deal.status = status
                #expect(throws: DealTransitionError.self, "provider: \(status) takes \(Self.name(event)), which the table leaves out") {
                    try ProviderDealMachine.apply(event, to: &deal)
                }
            }
        }
    }
}

/// The document has something the test cannot read.
struct DocumentError: Error, CustomStringConvertible {
    let what: String
    var description: String { what }
}
