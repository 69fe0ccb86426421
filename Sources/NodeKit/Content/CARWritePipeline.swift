import Foundation

/// Moves a CAR's bytes to disk and into the Piece CID hasher on two background threads,
/// so an import hashes the next chunks while earlier ones are written and committed.
///
/// The producer fills 4 MiB aligned buffers. Each full buffer goes to both the writer
/// thread (direct I/O) and the commitment thread, and returns to a fixed pool once both
/// are done with it. Memory stays at the pool's six buffers; the producer blocks when
/// either consumer falls behind. The first write error is kept and returned by `drain()`.
final class CARWritePipeline: @unchecked Sendable {
    // Sendable: `file` is used only by the writer thread and `hasher` only by the
    // commitment thread until `drain()` has joined both; queues, pool, counts and error
    // are guarded by `condition`; `current` and `filled` belong to the producer.
    private static let bufferCapacity = 4 << 20
    private static let poolSize = 6

    private struct Job {
        let buffer: UnsafeMutableRawPointer
        let count: Int
    }

    private let file: DirectFileWriter
    private let hasher: PieceCommitmentHasher?
    private let condition = NSCondition()
    private var writeQueue: [Job] = []
    private var hashQueue: [Job] = []
    private var users: [UnsafeMutableRawPointer: Int] = [:]
    private var pool: [UnsafeMutableRawPointer] = []
    private var allocated: [UnsafeMutableRawPointer] = []
    private var closed = false
    private var running = 0
    private var failure: IOError?
    private var current: UnsafeMutableRawPointer
    private var filled = 0

    init(file: DirectFileWriter, hasher: PieceCommitmentHasher?) {
        self.file = file
        self.hasher = hasher
        for _ in 0..<Self.poolSize {
            allocated.append(DirectFileWriter.allocateBuffer(capacity: Self.bufferCapacity))
        }
        pool = Array(allocated.dropFirst())
        current = allocated[0]
        running = hasher == nil ? 1 : 2
        start("filtop.car-writer") { [self] in
            consume(\.writeQueue) { (job) throws(IOError) in
                try self.file.write(job.buffer, count: job.count, capacity: Self.bufferCapacity)
            }
        }
        if hasher != nil {
            start("filtop.car-commp") { [self] in
                consume(\.hashQueue) { self.hasher?.update(UnsafeRawBufferPointer(start: $0.buffer, count: $0.count)) }
            }
        }
    }

    deinit {
        for buffer in allocated { buffer.deallocate() }
    }

    private func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }

    /// Appends bytes, handing each buffer over as it fills. Throws a write error seen so far.
    func append(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
        var rest = bytes
        while !rest.isEmpty {
            let n = min(rest.count, Self.bufferCapacity - filled)
            (current + filled).copyMemory(from: rest.baseAddress!, byteCount: n)
            filled += n
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            if filled == Self.bufferCapacity { try handOver() }
        }
    }

    func append(_ bytes: [UInt8]) throws(IOError) {
        try bytes.withUnsafeBytes { b in Result { () throws(IOError) in try append(b) } }.get()
    }

    /// Hands over what is buffered, waits until everything is written and hashed, and
    /// stops both threads.
    func drain() throws(IOError) {
        if filled > 0 { try handOver() }
        condition.lock()
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        let error = failure
        condition.unlock()
        if let error { throw error }
    }

    private func handOver() throws(IOError) {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        let job = Job(buffer: current, count: filled)
        writeQueue.append(job)
        if hasher != nil { hashQueue.append(job) }
        users[current] = hasher == nil ? 1 : 2
        condition.broadcast()
        while pool.isEmpty && failure == nil { condition.wait() }
        if let failure { throw failure }
        current = pool.removeLast()
        filled = 0
    }

    /// The loop of one consumer thread: take jobs from its queue until closed and empty.
    private func consume(_ queue: ReferenceWritableKeyPath<CARWritePipeline, [Job]>, _ work: (Job) throws(IOError) -> Void) {
        while true {
            condition.lock()
            while self[keyPath: queue].isEmpty && !closed { condition.wait() }
            if self[keyPath: queue].isEmpty {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = self[keyPath: queue].removeFirst()
            let failed = failure != nil
            condition.unlock()
            var error: IOError?
            if !failed {
                do { try work(job) } catch let e { error = e }
            }
            condition.lock()
            if let error, failure == nil { failure = error }
            users[job.buffer, default: 1] -= 1
            if users[job.buffer] == 0 {
                users[job.buffer] = nil
                pool.append(job.buffer)
            }
            condition.broadcast()
            condition.unlock()
        }
    }
}
