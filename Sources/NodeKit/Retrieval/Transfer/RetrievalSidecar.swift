/// The file kept beside a partial retrieval output (`PATH.filtop-partial`, mode 0600)
/// from which the traversal is rebuilt after a crash.
///
/// Layout: a CARv1 header naming the root, then one record a block accepted, in transfer
/// order — the block's CAR section, `varint(len(cid) + len(data)) ‖ cid ‖ data`, except that
/// a raw leaf's data is left out (it is in the output already, and only its length is
/// needed to rebuild the traversal). So dag-pb nodes are kept whole and a leaf costs its
/// CID and a varint.
enum RetrievalSidecar {
    /// The sidecar's path for an output at `path` in `format`.
    static func path(for path: String, format: RetrievalOutput.Format) -> String {
        if case .fileRegion(let offset) = format { return path + ".filtop-partial-\(offset)" }
        return path + ".filtop-partial"
    }

    /// The header that starts a sidecar for `root`.
    static func header(root: CID) -> [UInt8] {
        CARHeader(roots: [root]).encodedSection
    }

    /// What the sidecar keeps of `section`: all of a dag-pb node, the header of a leaf.
    static func record(of section: BlockSection, isLeaf: Bool) -> ArraySlice<UInt8> {
        isLeaf ? section.header : section.bytes[...]
    }

    /// One record read back.
    struct Record {
        let cid: CID
        /// The length of the block's whole section as sent (prefix, CID and data).
        let sectionLength: Int
        /// The length of the block's data.
        let dataLength: Int
        /// The block's data, for a dag-pb node; nil for a raw leaf (not kept).
        let data: ArraySlice<UInt8>?
    }

    /// Reads the records of a sidecar's first `length` bytes, in order.
    struct Reader {
        private let source: FileSource
        /// The output the sidecar belongs to, for messages.
        private let output: String
        private let end: UInt64
        private var window: [UInt8] = []
        private var windowStart: UInt64
        private var position = 0

        /// Opens the sidecar at `path`, of the output at `output`, and checks that its
        /// header names `root`.
        init(path: String, output: String, length: UInt64, root: CID) throws {
            source = try FileSource(path: path)
            self.output = output
            guard source.size >= length else {
                throw TransferError.partialOutputDamaged(
                    path: output, reason: "its .filtop-partial file has \(source.size) bytes, fewer than the \(length) of the checkpoint")
            }
            end = length
            let header = RetrievalSidecar.header(root: root)
            windowStart = 0
            guard try available(header.count), window[0..<header.count].elementsEqual(header) else {
                throw TransferError.partialOutputDamaged(path: output, reason: "its .filtop-partial file is not for root \(root)")
            }
            position = header.count
        }

        /// The next record, or nil at the end of the checkpointed length.
        mutating func next() throws -> Record? {
            guard windowStart + UInt64(position) < end else { return nil }
            _ = try available(Varint.maxBytes + BlockSection.maxCIDLength)
            let (length, prefix): (UInt64, Int)
            do { (length, prefix) = try Varint.decode(window[position...].prefix(Varint.maxBytes)) } catch {
                throw damaged("a record's length is unreadable: \(error)")
            }
            guard length > 0, length <= UInt64(BlockSection.maxLength) else { throw damaged("a record declares \(length) bytes") }
            guard position + prefix < window.count else { throw damaged("ends inside a record") }
            let (cid, cidLength): (CID, Int)
            do { (cid, cidLength) = try CID.decode(window[(position + prefix)...]) } catch {
                throw damaged("a record's CID is unreadable: \(error)")
            }
            guard cidLength <= Int(length) else { throw damaged("a record's CID is longer than its section") }
            let sectionLength = prefix + Int(length)
            guard cid.codec == Multicodec.dagPB.rawValue else {
                position += prefix + cidLength
                return Record(cid: cid, sectionLength: sectionLength, dataLength: Int(length) - cidLength, data: nil)
            }
            // Reading more may move the window: offsets are taken from `position` after it.
            guard try available(sectionLength) else { throw damaged("ends inside the record of \(cid)") }
            let data = window[(position + prefix + cidLength)..<(position + sectionLength)]
            position += sectionLength
            return Record(cid: cid, sectionLength: sectionLength, dataLength: data.count, data: data)
        }

        /// Makes `count` bytes from `position` available in the window, reading more of the
        /// file (up to `end`) as needed; false if the checkpointed length ends first.
        private mutating func available(_ count: Int) throws -> Bool {
            if window.count - position >= count { return true }
            let keep = Array(window[position...])
            windowStart += UInt64(position)
            position = 0
            let want = max(count, 1 << 20) - keep.count
            let readable = Int(min(UInt64(want), end - windowStart - UInt64(keep.count)))
            window = keep + (try source.read(at: windowStart + UInt64(keep.count), count: readable))
            return window.count >= count
        }

        private func damaged(_ reason: String) -> TransferError {
            .partialOutputDamaged(path: output, reason: "its .filtop-partial file " + reason)
        }
    }
}
