import Foundation
import NodeKit

/// The Deals view's commands: each runs off the UI thread, posts what it got or flashes
/// why not, and has the deals read again when it changed them.
extension NodeFeed {
    /// Asks `provider`, or every provider found, whether it holds `target` and on what
    /// terms (`:query`); posts their answers, or flashes why none could be asked.
    @discardableResult
    func query(_ target: String, provider: NodeID?) -> Task<Void, Never> {
        Task {
            do {
                mailbox.post(queried: .init(target: target, answers: try await control.query(target, provider: provider)))
            } catch {
                mailbox.notice("query of \(ConsoleFormat.shortID(target, 24)) failed: \(error)", .error)
            }
        }
    }

    /// Starts a retrieval (`:retrieve`), flashes what started, and reads the deals again.
    @discardableResult
    func retrieve(_ order: RetrievalOrder) -> Task<Void, Never> {
        Task {
            do {
                let started = try await control.retrieve(order)
                let deals = ConsoleFormat.count(started.deals.count, "deal")
                mailbox.notice("retrieval \(started.id) of \(ConsoleFormat.shortID(order.target, 24)) \(started.status.rawValue): \(deals), writing \(order.output)", .info)
            } catch {
                mailbox.notice("retrieve of \(ConsoleFormat.shortID(order.target, 24)) failed: \(error)", .error)
            }
            await refreshDeals()
        }
    }

    /// Runs a confirmed `:cancel`, flashes its outcome, and reads the deals again at once.
    @discardableResult
    func run(_ cancel: DealCancel) -> Task<Void, Never> {
        Task {
            do {
                mailbox.notice(cancel.done(try await cancel.perform(on: control)), .info)
            } catch {
                mailbox.notice(cancel.failed(error), .error)
            }
            await refreshDeals()
        }
    }

    /// Reads one deal and its history (Enter on the Deals view) and posts it, or flashes
    /// why it could not be read.
    @discardableResult
    func readDeal(_ key: DealKey) -> Task<Void, Never> {
        Task {
            do {
                mailbox.post(deal: try await control.deal(key))
            } catch {
                mailbox.notice("cannot read deal \(key): \(error)", .error)
            }
        }
    }
}
