import Foundation

/// Every node's payments: the ledger it uses (`LedgerAccess`), the payer's channels
/// (`ChannelManager`) and the payee's vouchers (`VoucherInbox`). Installs the handler
/// that takes `PaymentVoucher`s from payers and, with the `ledger` role, the ledger's
/// own service.
///
/// While the node runs it also watches, every `watchInterval`, the channels the ledger
/// can change under it (`watchLedger`): when a payer starts settling a channel
/// this node holds unredeemed vouchers of, the node redeems its best vouchers before the
/// settle period ends (as Lotus's settler does), so a payer cannot settle a payee out of
/// what it was paid.
public final class Payments: NodeService {
    /// How often settling channels, and inbound ones with unredeemed vouchers, are read from the ledger.
    public static let watchInterval: Duration = .seconds(5)

    public let ledger: LedgerAccess
    public let manager: ChannelManager
    public let inbox: VoucherInbox
    private let context: NodeContext
    private let store: PaychStore
    private let ledgerService: LedgerService?
    private let watcher = Locked<Task<Void, Never>?>(nil)

    init(context: NodeContext, localLedger: DevnetLedger?) {
        self.context = context
        store = PaychStore(database: context.blockstore.database)
        ledger = LedgerAccess(context: context, local: localLedger)
        manager = ChannelManager(context: context, store: store, ledger: ledger)
        inbox = VoucherInbox(context: context, store: store, ledger: ledger)
        ledgerService = localLedger.map { LedgerService(context: context, ledger: $0) }
    }

    public func install(into router: RequestRouter) {
        ledgerService?.install(into: router)
        let inbox = self.inbox
        router.on(PaymentVoucher.self) { message, _ in
            let v = message.voucher
            let delta = try await inbox.add(v)
            return VoucherReceipt(channel: v.channel, lane: v.lane, nonce: v.nonce, delta: delta)
        }
    }

    public func start() async {
        let task = Task { [self] in
            while !Task.isCancelled {
                do { try await context.clock.sleep(for: Self.watchInterval) } catch { return }
                await watchLedger()
            }
        }
        watcher.withLock { $0 = task }
    }

    public func stop() async {
        let task = watcher.withLock { t -> Task<Void, Never>? in defer { t = nil }; return t }
        task?.cancel()
        await task?.value
        await ledger.close()
    }

    /// One look at the ledger for the channels that can change without this node doing
    /// anything: every settling channel, and every inbound one holding unredeemed
    /// vouchers. A changed channel is stored and noted (so consoles show a payer's
    /// redemption or a settle live); an inbound channel that is settling gets its
    /// spendable vouchers redeemed before the settle period ends. Returns how many
    /// vouchers were redeemed.
    @discardableResult
    public func watchLedger() async -> Int {
        guard let rows = try? await store.channels() else { return 0 }
        var redeemed = 0
        for row in rows where !row.collected {
            let spendable = row.direction == .inbound ? (try? await inbox.bestSpendable(row.id)) ?? [] : []
            guard row.settlingAt != nil || !spendable.isEmpty, let state = try? await ledger.ledger().channel(row.id) else { continue }
            if (try? await store.mirror(state, direction: row.direction, now: context.clock.now)) == true {
                context.note(.info, .channel, "paych: \(row.id.short) on the ledger: funds \(state.funds), redeemed \(state.redeemed), "
                    + (state.collected ? "collected" : state.settlingAt.map { "settling until epoch \($0)" } ?? "open"))
            }
            guard !spendable.isEmpty, !state.collected, let end = state.settlingAt,
                  let epoch = try? await ledger.epoch(refresh: .zero), epoch < end else { continue }
            do {
                redeemed += try await submit(row.id)
                context.note(.info, .channel, "paych: \(row.id.short) is settling (ends at epoch \(end)); redeemed \(spendable.count) vouchers before it closes")
            } catch {
                context.note(.error, .channel, "paych: \(row.id.short) is settling (ends at epoch \(end)) and its vouchers could not be redeemed: \(error)")
            }
        }
        return redeemed
    }

    /// Every channel of the node, newest first.
    public func channels() async throws -> [ChannelSummary] {
        var out: [ChannelSummary] = []
        for row in try await store.channels() { out.append(ChannelSummary(row, lanes: try await store.lanes(of: row.id))) }
        return out
    }

    /// One channel, read again from the ledger first when `refresh`.
    public func channel(_ id: ChannelID, refresh: Bool = true) async throws -> ChannelSummary {
        if refresh { try await manager.refresh(id) }
        guard let row = try await store.channel(id) else { throw PaymentError.unknownChannel(id) }
        return ChannelSummary(row, lanes: try await store.lanes(of: id))
    }

    /// The best voucher of each lane this node holds for `id` (signed or received).
    public func vouchers(_ id: ChannelID) async throws -> [Voucher] {
        guard try await store.channel(id) != nil else { throw PaymentError.unknownChannel(id) }
        return try await store.lanes(of: id).map(\.voucher)
    }

    /// Redeems on the ledger `voucher`, or else every spendable best voucher of inbound
    /// channel `id`; returns how many were submitted.
    @discardableResult
    public func submit(_ id: ChannelID, voucher: Voucher? = nil) async throws -> Int {
        if let voucher, voucher.channel != id { throw PaymentError.wrongChannel(voucher: voucher.channel, expected: id) }
        let vouchers: [Voucher]
        if let voucher { vouchers = [voucher] } else { vouchers = try await inbox.bestSpendable(id) }
        var redeemed: [String] = []
        defer {
            if !redeemed.isEmpty { context.note(.info, .channel, "paych: redeemed \(redeemed.joined(separator: ", ")) on \(id.short)") }
        }
        for v in vouchers {
            _ = try await ledger.submit(.update(voucher: v))
            redeemed.append("\(v.amount) (lane \(v.lane))")
        }
        inbox.forget(id)
        try await manager.refresh(id)
        return vouchers.count
    }

    /// Starts settling `id`. As payee, the node first redeems its spendable vouchers, so
    /// settling never strands what it was paid.
    public func settle(_ id: ChannelID) async throws -> ChannelSummary {
        let summary = try await channel(id)
        if summary.direction == .inbound, summary.settlingAt == nil { try await submit(id) }
        _ = try await ledger.submit(.settle(channel: id))
        inbox.forget(id)
        let settling = try await channel(id)
        context.note(.info, .channel, "paych: settling \(id.short) until epoch \(settling.settlingAt.map(String.init) ?? "?")")
        return settling
    }

    /// Collects a settled channel: the redeemed amount goes to the payee, the rest back to the payer.
    public func collect(_ id: ChannelID) async throws -> ChannelSummary {
        _ = try await ledger.submit(.collect(channel: id))
        inbox.forget(id)
        let summary = try await channel(id)
        context.note(.info, .channel, "paych: collected \(id.short): \(summary.redeemed) to the payee, \(try summary.funds.subtracting(summary.redeemed)) back to the payer")
        return summary
    }
}
