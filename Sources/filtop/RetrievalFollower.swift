import Dispatch
import Foundation
import NodeKit

/// Follows a retrieval on the node for `filtop client retrieve`: polls it every
/// `pollInterval` until it is no longer running, redrawing one progress line on a terminal.
/// Ctrl-C (or SIGTERM) stops only the following: the retrieval goes on on the node, and
/// the command says how to pick it up again or cancel it, then exits with 128 + the signal
/// number, as a shell expects of an interrupted program.
final class RetrievalFollower: Sendable {
    static let pollInterval: Duration = .milliseconds(250)

    let order: RetrievalOrder
    /// Whether to draw the progress line (stdout is a terminal and no JSON was asked for).
    let drawsProgress: Bool
    /// The retrieval as last seen, for the interrupt's message.
    private let latest = Locked<RetrievalSummary?>(nil)

    init(order: RetrievalOrder, drawsProgress: Bool) {
        self.order = order
        self.drawsProgress = drawsProgress
    }

    /// Makes SIGINT and SIGTERM print `interruptMessage` and exit, from now on.
    func installInterruptHandler() {
        var sources: [AnyObject] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                if drawsProgress { FileHandle.standardOutput.write(Data("\r\u{1b}[K".utf8)) }
                FileHandle.standardError.write(Data((Self.interruptMessage(order, latest.withLock { $0 }) + "\n").utf8))
                exit(128 + number)
            }
            source.resume()
            sources.append(source as AnyObject)
        }
        Retained.keep(sources)
    }

    /// Polls the retrieval `start` began until it is no longer running; returns it as it ended.
    func follow(_ start: RetrievalSummary, control: any RetrievalControl) async throws -> RetrievalSummary {
        let clock = ContinuousClock()
        let began = clock.now
        var progress = RetrievalProgress()
        var summary = start
        while true {
            latest.withLock { $0 = summary }
            progress.record(bytes: summary.bytes, at: (clock.now - began).seconds)
            guard summary.status == .running else { break }
            if drawsProgress { FileHandle.standardOutput.write(Data(("\r" + progress.line(summary) + "\u{1b}[K").utf8)) }
            try await Task.sleep(for: Self.pollInterval)
            summary = try await control.retrieval(start.id)
        }
        if drawsProgress { FileHandle.standardOutput.write(Data("\r\u{1b}[K".utf8)) }
        return summary
    }

    /// What an interrupted `retrieve` tells the operator: the retrieval goes on, and how to
    /// follow it again or cancel its deals. `summary` is nil when the node had not answered.
    static func interruptMessage(_ order: RetrievalOrder, _ summary: RetrievalSummary?) -> String {
        let again = "filtop client retrieve \(order.target) -o \(order.output)" + (order.car ? " --car" : "")
        guard let s = summary else {
            return "interrupted before the node answered; the retrieval may have started on the node: run '\(again)' to follow it "
                + "(it picks up the same retrieval), or see its deals with 'filtop deals list'"
        }
        let open = s.deals.filter { !$0.isTerminal }.map { "'filtop deals cancel \($0.key)'" }
        let cancel = open.isEmpty ? "" : ", or stop it with " + open.joined(separator: " and ")
        return "stopped following retrieval \(s.id) at \(RetrievalText.percent(s.bytes, of: s.totalBytes)) "
            + "(\(ByteCount.format(s.bytes)) of \(ByteCount.format(s.totalBytes))); it goes on on the node. Run '\(again)' to follow it "
            + "again (it picks up the same retrieval), see its deals with 'filtop deals list'\(cancel)"
    }
}
