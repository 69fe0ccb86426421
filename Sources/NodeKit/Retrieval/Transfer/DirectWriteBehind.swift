import Foundation

/// Writes a run of a file's bytes, from some position onwards, through aligned buffers
/// that a background queue writes with direct I/O (`O_DIRECT`): the bytes skip the page
/// cache (whose copy costs this VM more CPU per byte than hashing them does), and the
/// caller fills the next buffer while the disk takes the last one.
///
/// Only whole aligned blocks go direct. The bytes before the run's first block boundary,
/// and those after its last one when it is drained, go through the file's ordinary
/// descriptor, so no write touches a byte outside the run: other writers may fill the
/// rest of the file at the same time. Memory: at most two 2 MiB buffers, so a drain
/// waits for at most 4 MiB to reach the disk (a retrieval's checkpoint at each payment
/// stalls the transfer for that long). The first write error is kept and thrown by the
/// next `append`, `drain` or `move`.
///
/// Not thread-safe: one owner calls `append`, `drain` and `move`.
final class DirectWriteBehind {
    static let bufferCapacity = 2 << 20
    static let maxBuffers = 2
    private static let alignment = DirectFileWriter.alignment

    let path: String
    private let directFD: Int32
    /// The file's ordinary descriptor, owned by the caller, for the unaligned edges.
    private let cachedFD: Int32
    private let queue = DispatchQueue(label: "filtop.output-writer", qos: .userInitiated)
    private let pool = Pool()
    /// The buffer being filled: its byte `i` is file offset `base + i`; the run's bytes
    /// in it are `lead..<end` (`lead` > 0 only where the run starts inside a block).
    private var current: UnsafeMutableRawPointer?
    private var base: UInt64 = 0
    private var lead = 0
    private var end = 0

    /// Opens `path` for direct writes from `position` on, with `cachedFD` (the file's
    /// ordinary descriptor) for the edges; nil where the file system refuses direct I/O.
    init?(path: String, cachedFD: Int32, position: UInt64) {
        let flag = DirectFileWriter.directFlag
        guard flag != 0 else { return nil }
        let fd = open(path, O_WRONLY | O_CLOEXEC | flag)
        guard fd >= 0 else { return nil }
        self.path = path
        directFD = fd
        self.cachedFD = cachedFD
        start(at: position)
    }

    deinit {
        pool.waitUntilIdle()
        pool.deallocateAll()
        close(directFD)
    }

    /// Where the next appended byte goes.
    var position: UInt64 { base + UInt64(end) }

    /// Appends `bytes` at `position`, handing each full buffer to the background queue.
    func append(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
        var rest = bytes
        while !rest.isEmpty {
            let buffer: UnsafeMutableRawPointer
            if let current { buffer = current } else {
                buffer = try pool.take()
                current = buffer
            }
            let n = min(rest.count, Self.bufferCapacity - end)
            (buffer + end).copyMemory(from: rest.baseAddress!, byteCount: n)
            end += n
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            if end == Self.bufferCapacity { try handOver(buffer) }
        }
    }

    /// Writes everything appended — its last partial block through the page cache — and
    /// waits until the background writes are done.
    func drain() throws(IOError) {
        let next = position
        if let current, end > lead { try handOver(current, final: true) }
        try pool.waitForWrites()
        start(at: next)
    }

    /// Drops what is appended and not yet written, waits for the background writes, and
    /// continues at `offset`.
    func move(to offset: UInt64) throws(IOError) {
        try pool.waitForWrites()
        start(at: offset)
    }

    /// Waits for the background writes and forgets what is not yet written: the owner is
    /// closing the file.
    func discard() {
        pool.waitUntilIdle()
        current.map(pool.give)
        current = nil
    }

    private func start(at offset: UInt64) {
        base = offset - offset % UInt64(Self.alignment)
        lead = Int(offset - base)
        end = lead
    }

    /// Writes `buffer`'s leading partial block through the page cache and queues its
    /// whole blocks for a direct write; its trailing partial block starts the next buffer,
    /// or, when `final`, goes through the page cache too.
    private func handOver(_ buffer: UnsafeMutableRawPointer, final: Bool = false) throws(IOError) {
        let align = Self.alignment
        let firstBlock = min((lead + align - 1) / align * align, end)
        if firstBlock > lead { try write(cachedFD, buffer + lead, count: firstBlock - lead, at: base + UInt64(lead)) }
        let lastBlock = max(end / align * align, firstBlock)
        let tail = end - lastBlock
        var next: UnsafeMutableRawPointer?
        if final {
            if tail > 0 { try write(cachedFD, buffer + lastBlock, count: tail, at: base + UInt64(lastBlock)) }
        } else {
            let taken = try pool.take()
            if tail > 0 { taken.copyMemory(from: buffer + lastBlock, byteCount: tail) }
            next = taken
        }
        if lastBlock > firstBlock {
            submit(buffer, from: firstBlock, count: lastBlock - firstBlock, at: base + UInt64(firstBlock))
        } else {
            pool.give(buffer)
        }
        current = next
        base += UInt64(lastBlock)
        (lead, end) = (0, tail)
    }

    /// Queues a direct write of `count` bytes of `buffer` from `from`, at file `offset`;
    /// the buffer goes back to the pool after it.
    private func submit(_ buffer: UnsafeMutableRawPointer, from: Int, count: Int, at offset: UInt64) {
        pool.begin()
        let job = Job(buffer: buffer, from: from, count: count, offset: offset)
        let (pool, directFD, cachedFD, path) = (self.pool, self.directFD, self.cachedFD, self.path)
        queue.async {
            var outcome = Result { () throws(IOError) in try Self.write(directFD, job.bytes, count: job.count, at: job.offset, path: path) }
            if case .failure(let error) = outcome, error.code == EINVAL {
                // A file system that opened the file for direct I/O but refuses the write.
                outcome = Result { () throws(IOError) in try Self.write(cachedFD, job.bytes, count: job.count, at: job.offset, path: path) }
            }
            if case .failure(let error) = outcome { pool.finish(job.buffer, error: error) } else { pool.finish(job.buffer, error: nil) }
        }
    }

    /// One direct write handed to the background queue.
    private struct Job: @unchecked Sendable {
        // Sendable: the buffer is the queue's alone from `submit` until `Pool.finish`
        // gives it back; the owner neither reads nor writes it meanwhile.
        let buffer: UnsafeMutableRawPointer
        let from: Int
        let count: Int
        let offset: UInt64
        var bytes: UnsafeRawPointer { UnsafeRawPointer(buffer + from) }
    }

    private func write(_ fd: Int32, _ bytes: UnsafeRawPointer, count: Int, at offset: UInt64) throws(IOError) {
        try Self.write(fd, bytes, count: count, at: offset, path: path)
    }

    private static func write(_ fd: Int32, _ bytes: UnsafeRawPointer, count: Int, at offset: UInt64, path: String) throws(IOError) {
        var done = 0
        while done < count {
            let n = pwrite(fd, bytes + done, count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "write")
            }
            done += n
        }
    }

    /// The aligned buffers, the writes in flight and the first write error, shared with
    /// the background queue.
    private final class Pool: @unchecked Sendable {
        // Sendable: every field is read and written under `condition`.
        private let condition = NSCondition()
        private var free: [UnsafeMutableRawPointer] = []
        private var allocated: [UnsafeMutableRawPointer] = []
        private var inFlight = 0
        private var failure: IOError?

        /// A free buffer: allocated up to `maxBuffers`, then waited for.
        func take() throws(IOError) -> UnsafeMutableRawPointer {
            condition.lock()
            defer { condition.unlock() }
            while free.isEmpty, allocated.count == DirectWriteBehind.maxBuffers, failure == nil { condition.wait() }
            if let failure { throw failure }
            if let buffer = free.popLast() { return buffer }
            let buffer = DirectFileWriter.allocateBuffer(capacity: DirectWriteBehind.bufferCapacity)
            allocated.append(buffer)
            return buffer
        }

        func give(_ buffer: UnsafeMutableRawPointer) {
            condition.lock()
            free.append(buffer)
            condition.broadcast()
            condition.unlock()
        }

        func begin() {
            condition.lock()
            inFlight += 1
            condition.unlock()
        }

        /// A background write is done: `buffer` is free again; `error` is kept if first.
        func finish(_ buffer: UnsafeMutableRawPointer, error: IOError?) {
            condition.lock()
            if let error, failure == nil { failure = error }
            inFlight -= 1
            free.append(buffer)
            condition.broadcast()
            condition.unlock()
        }

        /// Waits until no write is in flight; throws the first error any of them had.
        func waitForWrites() throws(IOError) {
            condition.lock()
            defer { condition.unlock() }
            while inFlight > 0 { condition.wait() }
            if let failure { throw failure }
        }

        /// Waits until no write is in flight, whatever they did.
        func waitUntilIdle() {
            condition.lock()
            while inFlight > 0 { condition.wait() }
            condition.unlock()
        }

        /// Frees every buffer (no write may be in flight).
        func deallocateAll() {
            condition.lock()
            for buffer in allocated { buffer.deallocate() }
            (allocated, free) = ([], [])
            condition.unlock()
        }
    }
}
