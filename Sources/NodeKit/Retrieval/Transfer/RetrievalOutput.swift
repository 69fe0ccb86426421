import Foundation

/// Writes a retrieval's verified blocks as they arrive — as the original file or as a
/// CARv1 — so that it can be resumed after the process is killed.
///
/// Every block goes through a `TraversalVerifier` first and is written only once accepted.
/// Beside the output a sidecar (`RetrievalSidecar`, `PATH.filtop-partial`, mode 0600)
/// records the accepted blocks' dag-pb nodes, from which the traversal is rebuilt; while it
/// exists the output is partial. `checkpoint()` syncs both files and says how far they go;
/// `resume` cuts them back to a checkpoint and continues; `finish()` checks the traversal is
/// complete, syncs, and removes the sidecar.
///
/// The output's bytes go around the page cache where the file system allows it (direct
/// I/O on a background queue, `DirectWriteBehind`); the sidecar's through it.
///
/// The output is written at the exact path given: the caller checks the path
/// (`OutputFile`'s rules). Not thread-safe: one owner. After any error, stop using the
/// output and resume from the last checkpoint.
///
///     let output = try RetrievalOutput.create(path: "film.mkv", root: root, format: .file, overwrite: false)
///     for section in try reader.feed(chunk) { try output.accept(section) }
///     store(try output.checkpoint())        // at each payment
///     try output.finish()
public final class RetrievalOutput {
    /// What the output holds.
    public enum Format: Hashable, Codable, Sendable {
        /// The original UnixFS file, as the whole file at the path.
        case file
        /// A CARv1: a header naming the root, then every block in transfer order.
        case car
        /// The original bytes of this DAG (a subtree of a larger file) from `offset` on, in
        /// an existing file that other retrievals fill elsewhere: the file is neither created
        /// nor truncated, and the sidecar's name carries the offset.
        case fileRegion(offset: UInt64)

        /// Where this output's bytes start in its file.
        var base: UInt64 {
            if case .fileRegion(let offset) = self { return offset }
            return 0
        }
    }

    public let path: String
    public let sidecarPath: String
    public let format: Format
    /// The traversal so far: blocks and bytes accepted, the next block expected.
    public private(set) var verifier: TraversalVerifier
    private let output: PositionedFileWriter
    private let sidecar: PositionedFileWriter
    /// Where this retrieval's bytes start in `path`.
    private let base: UInt64

    private init(
        path: String, format: Format, verifier: TraversalVerifier, output: PositionedFileWriter, sidecar: PositionedFileWriter
    ) {
        self.path = path
        self.sidecarPath = sidecar.path
        self.format = format
        self.verifier = verifier
        self.output = output
        self.sidecar = sidecar
        base = format.base
    }

    /// Whether a partial retrieval in `format` is at `path` (its sidecar exists).
    public static func isPartial(path: String, format: Format) -> Bool {
        access(RetrievalSidecar.path(for: path, format: format), F_OK) == 0
    }

    /// Starts a new output for the DAG at `root`. An existing file at `path` is refused
    /// (`OutputPathError`) unless `overwrite`, and anything but a regular file always is;
    /// a `.fileRegion` needs the shared file to exist already.
    public static func create(
        path: String, root: CID, format: Format, overwrite: Bool, limits: TransferLimits = TransferLimits()
    ) throws -> RetrievalOutput {
        let verifier = try TraversalVerifier(root: root, mode: format == .car ? .dag : .unixfsFile, limits: limits)
        let outputOpening: PositionedFileWriter.Opening
        if case .fileRegion = format {
            outputOpening = .existing
        } else {
            outputOpening = try checkTarget(path, overwrite: overwrite) ? .replace : .createNew
        }
        let sidecar = try PositionedFileWriter(path: RetrievalSidecar.path(for: path, format: format), opening: .replace, mode: 0o600)
        try sidecar.setMode(0o600)
        try sidecar.write(RetrievalSidecar.header(root: root)[...])
        let output: PositionedFileWriter
        do {
            output = try PositionedFileWriter(path: path, opening: outputOpening, position: format.base, direct: true)
        } catch {
            unlink(sidecar.path)
            throw error
        }
        if format == .car { try output.write(CARHeader(roots: [root]).encodedSection[...]) }
        return RetrievalOutput(path: path, format: format, verifier: verifier, output: output, sidecar: sidecar)
    }

    /// Reopens the partial output at `path` where `checkpoint` left it: rebuilds the
    /// traversal from the sidecar (leaves are skipped, not read), checks that the files
    /// agree with the checkpoint (`TransferError.partialOutputDamaged` if not), and cuts
    /// both files back to it, so bytes written after the checkpoint are discarded.
    public static func resume(
        path: String, root: CID, format: Format, checkpoint: TransferCheckpoint, limits: TransferLimits = TransferLimits()
    ) throws -> RetrievalOutput {
        var verifier = try TraversalVerifier(root: root, mode: format == .car ? .dag : .unixfsFile, limits: limits)
        let sidecarPath = RetrievalSidecar.path(for: path, format: format)
        guard access(sidecarPath, F_OK) == 0 else {
            throw TransferError.partialOutputDamaged(path: path, reason: "its .filtop-partial file is missing")
        }
        var reader = try RetrievalSidecar.Reader(path: sidecarPath, output: path, length: checkpoint.sidecarOffset, root: root)
        var carLength = UInt64(CARHeader(roots: [root]).encodedSection.count)
        while let record = try reader.next() {
            if let data = record.data {
                _ = try verifier.accept(cid: record.cid, data: data)
            } else {
                _ = try verifier.replayLeaf(cid: record.cid, length: record.dataLength)
            }
            carLength += UInt64(record.sectionLength)
        }
        let outputOffset = format == .car ? carLength : verifier.fileBytes
        let replayed = TransferCheckpoint(
            blocks: verifier.blocksAccepted, bytes: verifier.bytesAccepted, outputOffset: outputOffset,
            sidecarOffset: checkpoint.sidecarOffset)
        guard replayed == checkpoint else {
            throw TransferError.partialOutputDamaged(
                path: path,
                reason: "its .filtop-partial file holds \(replayed.blocks) blocks (\(replayed.bytes) bytes, "
                    + "\(replayed.outputOffset) bytes of output) where the checkpoint says \(checkpoint.blocks) "
                    + "(\(checkpoint.bytes), \(checkpoint.outputOffset))")
        }
        let base = format.base
        let output = try PositionedFileWriter(path: path, opening: .existing, position: base + outputOffset, direct: true)
        guard try output.size() >= base + outputOffset else {
            throw TransferError.partialOutputDamaged(
                path: path, reason: "it is shorter than the \(base + outputOffset) bytes of the checkpoint")
        }
        if case .fileRegion = format {} else { try output.truncate(to: outputOffset) }
        let sidecar = try PositionedFileWriter(path: sidecarPath, opening: .existing)
        try sidecar.truncate(to: checkpoint.sidecarOffset)
        return RetrievalOutput(path: path, format: format, verifier: verifier, output: output, sidecar: sidecar)
    }

    /// Verifies the next block and writes what it adds. Throws `TransferError` when the
    /// block is refused (nothing is written then) and `IOError` when a file cannot be written.
    @discardableResult
    public func accept(_ section: BlockSection) throws -> TraversalVerifier.Accepted {
        let accepted = try verifier.accept(section)
        if format == .car {
            try output.write(section.bytes[...])
        } else {
            for write in accepted.fileWrites {
                switch write {
                case .blockData: try output.write(section.data)
                case .inline(let bytes): try output.write(bytes[...])
                case .repeatOf(let offset, let length): try output.copy(from: base + offset, count: length)
                }
            }
        }
        try sidecar.write(RetrievalSidecar.record(of: section, isLeaf: accepted.isLeaf))
        return accepted
    }

    /// Syncs the output and the sidecar to disk and says how far they go; persist the
    /// result to resume from here.
    public func checkpoint() throws -> TransferCheckpoint {
        try output.sync()
        try sidecar.sync()
        return TransferCheckpoint(
            blocks: verifier.blocksAccepted, bytes: verifier.bytesAccepted, outputOffset: output.position - base,
            sidecarOffset: sidecar.position)
    }

    /// Completes the output: throws `TransferError.incomplete` unless every block has been
    /// accepted, then syncs it and removes the sidecar.
    public func finish() throws {
        if let next = verifier.nextExpected { throw TransferError.incomplete(next: next) }
        try output.sync()
        guard unlink(sidecar.path) == 0 else { throw IOError(path: sidecar.path, operation: "remove") }
    }

    /// Whether `path` may be created or replaced: false if nothing is there, true if a
    /// regular file is and `overwrite` allows replacing it; throws otherwise.
    private static func checkTarget(_ path: String, overwrite: Bool) throws(OutputPathError) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0 else { return false }
        let kind = FileKind(mode: st.st_mode)
        guard kind == .regular else { throw OutputPathError(path: path, reason: .notRegular(kind)) }
        guard overwrite else { throw OutputPathError(path: path, reason: .exists) }
        return true
    }
}
