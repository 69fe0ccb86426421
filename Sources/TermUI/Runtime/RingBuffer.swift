/// A bounded FIFO: appending past `capacity` drops the oldest element, so a chatty
/// source can never grow memory or make a view fall behind.
public struct RingBuffer<Element>: Sendable where Element: Sendable {
    public let capacity: Int
    private var storage: [Element] = []
    private var head = 0

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }

    /// The element `index` places from the oldest kept.
    public subscript(index: Int) -> Element { storage[(head + index) % storage.count] }

    /// Everything kept, oldest first.
    public var elements: [Element] { (0..<count).map { self[$0] } }
}
