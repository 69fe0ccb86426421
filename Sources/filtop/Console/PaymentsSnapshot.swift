import Foundation
import NodeKit

/// The node's payment channels and ledger as the console last read them: when the
/// Channels view opened and after every `.channel` event of the node's journal, never on
/// a timer.
struct PaymentsSnapshot: Sendable, Equatable {
    /// Every channel, inbound and outbound, newest first.
    var channels: [ChannelSummary] = []
    /// Why the channels could not be read; nil when they were.
    var channelsError: String?
    /// The ledger's epoch and parameters; nil when the ledger could not be reached.
    var ledger: LedgerStatus?
    /// The node's own account on the ledger.
    var account: AccountState?
    /// Why the ledger could not be read (none configured, unreachable); nil when it was.
    var ledgerError: String?
    /// When the console took this delivery, on its own clock: the ledger's epoch is
    /// counted on from here between events.
    var receivedAt: Date?

    /// The ledger's epoch at `now`: the epoch read, plus the whole epochs of
    /// `ledger.epochMillis` since the read arrived. Nil when the ledger was not read.
    func epoch(at now: Date) -> UInt64? {
        guard let ledger else { return nil }
        guard let receivedAt, ledger.epochMillis > 0 else { return ledger.epoch }
        let elapsed = max(0, now.timeIntervalSince(receivedAt) * 1000)
        return ledger.epoch + UInt64(elapsed) / ledger.epochMillis
    }
}
