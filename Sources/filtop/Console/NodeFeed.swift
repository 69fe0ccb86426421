import Foundation
import NodeKit

/// Keeps the mailbox supplied from a `NodeControl`, off the UI thread: polls status and
/// register peers every `interval` (and the pieces when the node's content revision
/// moved), streams the node's events, and runs operator commands (imports) and reports
/// their progress.
struct NodeFeed: Sendable {
    let control: NodeControl
    let mailbox: ConsoleMailbox
    let interval: TimeInterval
    /// The pieces last fetched and the content revision they belong to: an idle node
    /// with ten thousand pieces costs one small status read per poll, not a full list.
    private let lastPieces = Locked<(revision: Int64, pieces: [PieceSummary])?>(nil)

    init(control: NodeControl, mailbox: ConsoleMailbox, interval: TimeInterval) {
        self.control = control
        self.mailbox = mailbox
        self.interval = interval
    }

    /// Starts polling and streaming; cancel the task to stop.
    func start() -> Task<Void, Never> {
        Task {
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
                        mailbox.post(event)
                    }
                }
            }
        }
    }

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
}
