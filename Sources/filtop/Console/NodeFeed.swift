import Foundation
import NodeKit

/// Keeps the mailbox supplied from a `NodeControl`, off the UI thread: polls status and
/// register peers every `interval` (and the pieces when the node's content revision
/// moved), streams the node's events, reads the channels and the ledger again when the
/// journal says a channel changed (never on a timer), and runs operator commands
/// (imports, payments) and reports their outcome.
struct NodeFeed: Sendable {
    let control: NodeControl
    let mailbox: ConsoleMailbox
    let interval: TimeInterval
    /// The pieces last fetched and the content revision they belong to: an idle node
    /// with ten thousand pieces costs one small status read per poll, not a full list.
    private let lastPieces = Locked<(revision: Int64, pieces: [PieceSummary])?>(nil)
    /// Requests to read the channels again; a burst of them costs one read (the stream
    /// keeps only the newest).
    private let paymentRequests: AsyncStream<Void>
    private let paymentRequest: AsyncStream<Void>.Continuation

    init(control: NodeControl, mailbox: ConsoleMailbox, interval: TimeInterval) {
        self.control = control
        self.mailbox = mailbox
        self.interval = interval
        (paymentRequests, paymentRequest) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts polling and streaming, and reads the channels once; cancel the task to
    /// stop. Call once per feed.
    func start() -> Task<Void, Never> {
        requestPayments()
        return Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        await refresh()
                        try? await Task.sleep(for: .seconds(interval))
                    }
                }
                group.addTask {
                    for await event in await control.events(after: 0) {
                        if Task.isCancelled { break }
                        if event.kind == .channel { requestPayments() }
                        mailbox.post(event)
                    }
                }
                group.addTask {
                    for await _ in paymentRequests { await refreshPayments() }
                }
            }
        }
    }

    /// Asks the running feed to read the channels and the ledger again (the Channels
    /// view opened); returns at once.
    func requestPayments() { paymentRequest.yield() }

    /// Fetches everything once and posts it.
    func refresh() async {
        var snapshot = NodeSnapshot()
        do {
            let status = try await control.status()
            snapshot.status = status
            snapshot.pieces = try await pieces(at: status.contentRevision)
            snapshot.peers = try await control.registerPeers()
        } catch {
            snapshot.error = "\(error)"
        }
        mailbox.post(snapshot)
    }

    /// Reads the channels, the ledger's status and the node's account once and posts
    /// them; a node without a ledger still lists its channels, with the reason beside.
    func refreshPayments() async {
        var payments = PaymentsSnapshot()
        do { payments.channels = try await control.channels() } catch { payments.channelsError = "\(error)" }
        do {
            payments.ledger = try await control.ledgerStatus()
            payments.account = try await control.ledgerAccount()
        } catch {
            payments.ledgerError = "\(error)"
        }
        mailbox.post(payments)
    }

    /// The node's pieces at `revision`: the last list when the revision has not moved.
    private func pieces(at revision: Int64) async throws -> [PieceSummary] {
        if let last = lastPieces.withLock({ $0 }), last.revision == revision { return last.pieces }
        let pieces = try await control.pieces()
        lastPieces.withLock { $0 = (revision, pieces) }
        return pieces
    }

    /// Imports a file, posting progress and the result; refreshes the views when done.
    /// A failure is posted once, in the node's words (which name the file already).
    @discardableResult
    func importFile(_ path: String) -> Task<Void, Never> {
        Task {
            mailbox.progress(.init(path: path, done: 0, total: 0))
            do {
                for try await update in await control.importFile(path) {
                    switch update {
                    case .progress(let done, let total):
                        mailbox.progress(.init(path: path, done: done, total: total))
                    case .finished(let piece):
                        mailbox.notice("imported \(piece.source): piece \(piece.pieceCID)", .info)
                    }
                }
            } catch {
                let reason = "\(error)"
                mailbox.notice(reason.contains(path) ? "import failed: \(reason)" : "import of \(path) failed: \(reason)", .error)
            }
            mailbox.progress(nil)
            await refresh()
        }
    }

    /// Runs a confirmed payment command and flashes its outcome. The channels are read
    /// again when the node's journal reports the change, like any other channel change.
    @discardableResult
    func run(_ command: PaymentCommand) -> Task<Void, Never> {
        Task {
            do {
                mailbox.notice(command.done(try await command.perform(on: control)), .info)
            } catch {
                mailbox.notice(command.failed(error), .error)
            }
        }
    }
}
