import Foundation

/// The node's one event journal: typed, sequenced events in a bounded ring.
///
/// `append` numbers each event (1, 2, 3, …) and never blocks. `subscribe(after:)`
/// delivers every retained event after a sequence number and then each new one as it is
/// appended — no polling — so a reader that reconnects resumes from the last sequence it
/// saw. Memory is bounded twice: the ring keeps at most `capacity` events, and each
/// subscriber's stream buffers at most `subscriberBuffer`, dropping its oldest beyond
/// that, so a slow reader can never stall or grow the node. A reader that fell behind the
/// ring sees the gap as a jump in sequence numbers.
public final class EventJournal: Sendable {
    private struct State {
        var ring: [NodeEvent] = []
        var start = 0
        var next: UInt64 = 1
        var subscribers: [UInt64: AsyncStream<NodeEvent>.Continuation] = [:]
        var nextSubscriber: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Locked(State())
    public let capacity: Int
    private let subscriberBuffer: Int

    public init(capacity: Int = 5_000, subscriberBuffer: Int = 4_096) {
        self.capacity = max(1, capacity)
        self.subscriberBuffer = max(1, subscriberBuffer)
    }

    /// Appends `event`, numbering it; returns its sequence.
    @discardableResult
    public func append(_ event: NodeEvent) -> UInt64 {
        let (numbered, targets, waiters) = state.withLock { s -> (NodeEvent, [AsyncStream<NodeEvent>.Continuation], [CheckedContinuation<Void, Never>]) in
            var e = event
            e.sequence = s.next
            s.next += 1
            if s.ring.count < capacity { s.ring.append(e) } else {
                s.ring[s.start] = e
                s.start = (s.start + 1) % capacity
            }
            let waiting = Array(s.waiters.values)
            s.waiters.removeAll()
            return (e, Array(s.subscribers.values), waiting)
        }
        for t in targets { t.yield(numbered) }
        for w in waiters { w.resume() }
        return numbered.sequence
    }

    /// Appends a log-level event.
    @discardableResult
    public func note(_ level: NodeEvent.Level, _ kind: NodeEvent.Kind, _ message: String, source: String = "filtop.node", at time: Date = Date()) -> UInt64 {
        append(NodeEvent(time: time, level: level, kind: kind, source: source, message: message))
    }

    /// The sequence of the newest event (0 when empty).
    public var lastSequence: UInt64 { state.withLock { $0.next - 1 } }

    /// Retained events with a sequence above `after`, oldest first, at most `limit`.
    public func events(after: UInt64, limit: Int = .max) -> [NodeEvent] {
        state.withLock { s in
            var out: [NodeEvent] = []
            for i in 0..<s.ring.count {
                let e = s.ring[(s.start + i) % s.ring.count]
                if e.sequence > after {
                    out.append(e)
                    if out.count >= limit { break }
                }
            }
            return out
        }
    }

    /// Every retained event after `after`, then each new one, until the consumer stops.
    public func subscribe(after: UInt64 = 0) -> AsyncStream<NodeEvent> {
        let (stream, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(subscriberBuffer))
        let id = state.withLock { s -> UInt64 in
            for i in 0..<s.ring.count where s.ring[(s.start + i) % s.ring.count].sequence > after {
                continuation.yield(s.ring[(s.start + i) % s.ring.count])
            }
            s.nextSubscriber += 1
            s.subscribers[s.nextSubscriber] = continuation
            return s.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    /// Events after `after` (at most `limit`); when there are none yet, waits until one is
    /// appended or `clock` reaches `timeout` — the long poll behind the remote event stream.
    public func wait(after: UInt64, timeout: Duration, clock: any NodeClock, limit: Int) async -> [NodeEvent] {
        let found = events(after: after, limit: limit)
        guard found.isEmpty, timeout > .zero else { return found }
        let id = state.withLock { s -> UInt64 in s.nextSubscriber += 1; return s.nextSubscriber }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { s -> Bool in
                        if s.next - 1 > after { return true }
                        s.waiters[id] = c
                        return false
                    }
                    if resumeNow { c.resume() }
                }
            }
            group.addTask {
                try? await clock.sleep(for: timeout)
                self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
            }
            await group.next()
            group.cancelAll()
            // Whichever finished first, make sure the other side is released too.
            self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
        return events(after: after, limit: limit)
    }
}
