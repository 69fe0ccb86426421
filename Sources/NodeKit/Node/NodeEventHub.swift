import Foundation

/// Fans a node's events out to any number of subscribers and keeps a bounded backlog,
/// so a console that attaches late still sees the recent past. Publishing never blocks:
/// each subscriber's stream buffers at most `subscriberBuffer` events and drops the
/// oldest beyond that, so a slow reader cannot stall the node.
public final class NodeEventHub: Sendable {
    private let state: Locked<State>
    private let subscriberBuffer: Int

    private struct State {
        var backlog: [NodeEvent] = []
        var backlogStart = 0
        var subscribers: [UUID: AsyncStream<NodeEvent>.Continuation] = [:]
    }

    public let backlogCapacity: Int

    public init(backlogCapacity: Int = 1000, subscriberBuffer: Int = 4096) {
        self.backlogCapacity = max(1, backlogCapacity)
        self.subscriberBuffer = subscriberBuffer
        state = Locked(State())
    }

    public func publish(_ event: NodeEvent) {
        let targets = state.withLock { s -> [AsyncStream<NodeEvent>.Continuation] in
            if s.backlog.count < backlogCapacity {
                s.backlog.append(event)
            } else {
                s.backlog[s.backlogStart] = event
                s.backlogStart = (s.backlogStart + 1) % backlogCapacity
            }
            return Array(s.subscribers.values)
        }
        for continuation in targets { continuation.yield(event) }
    }

    /// The backlog, oldest first, followed by every event published from now on.
    public func subscribe() -> AsyncStream<NodeEvent> {
        let (stream, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(subscriberBuffer))
        let id = UUID()
        state.withLock { s in
            for i in 0..<s.backlog.count { continuation.yield(s.backlog[(s.backlogStart + i) % s.backlog.count]) }
            s.subscribers[id] = continuation
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        return stream
    }
}
