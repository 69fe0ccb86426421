import Foundation
import Testing
@testable import NodeKit

@Suite struct TransferTraversalTests {
    /// Applies a block's file writes to `file` as an output would.
    private func apply(_ accepted: TraversalVerifier.Accepted, data: [UInt8], to file: inout [UInt8]) {
        for write in accepted.fileWrites {
            switch write {
            case .blockData: file += data
            case .inline(let bytes): file += bytes
            case .repeatOf(let offset, let length): file += file[Int(offset)..<Int(offset + length)]
            }
        }
    }

    private func node(_ links: [CID], unixfs: UnixFSData?) -> (CID, [UInt8]) {
        let data = PBNode(links: links.map { PBLink(cid: $0, tsize: nil) }, data: unixfs?.encoded).encoded
        return (CID(.dagPB, Multihash.sha256(data)), data)
    }

    @Test func acceptsTheTransferOrderAndLaysOutTheFile() throws {
        let dag = SmallDAG(SmallDAG.repetitiveFile(200, seed: 1), chunk: 3, fanout: 3)
        let order = dag.transferOrder
        #expect(order.count == dag.blocks.count)
        // Repeats are skipped: far fewer distinct blocks than links.
        #expect(order.count < 200 / 3)
        var verifier = try TraversalVerifier(root: dag.root, mode: .unixfsFile)
        var file: [UInt8] = []
        for cid in order {
            #expect(verifier.nextExpected == cid)
            let accepted = try verifier.accept(cid: cid, data: dag.blocks[cid]!)
            #expect(accepted.isLeaf == (cid.codec == Multicodec.raw.rawValue))
            apply(accepted, data: dag.blocks[cid]!, to: &file)
        }
        #expect(verifier.isComplete && verifier.nextExpected == nil)
        #expect(file == dag.file && verifier.fileBytes == 200)
        #expect(verifier.blocksAccepted == order.count)
        #expect(verifier.bytesAccepted == UInt64(dag.blocks.values.reduce(0) { $0 + $1.count }))
    }

    @Test func aRawRootIsTheWholeFile() throws {
        let data: [UInt8] = [1, 2, 3]
        var verifier = try TraversalVerifier(root: CID.raw(data), mode: .unixfsFile)
        let accepted = try verifier.accept(cid: CID.raw(data), data: data)
        #expect(accepted.fileWrites == [.blockData] && accepted.isLeaf && verifier.isComplete)
        #expect(throws: TransferError.extraneousBlock(CID.raw(data))) { try verifier.accept(cid: CID.raw(data), data: data) }
    }

    @Test func refusesBlocksOutOfOrderCorruptOrAfterTheEnd() throws {
        let dag = SmallDAG(TestSupport.randomBytes(40, seed: 2), chunk: 4, fanout: 4)
        let order = dag.transferOrder
        var verifier = try TraversalVerifier(root: dag.root, mode: .unixfsFile)
        _ = try verifier.accept(cid: order[0], data: dag.blocks[order[0]]!)
        #expect(throws: TransferError.unexpectedBlock(expected: order[1], got: order[2])) {
            try verifier.accept(cid: order[2], data: dag.blocks[order[2]]!)
        }
        var flipped = dag.blocks[order[1]]!
        flipped[flipped.count / 2] ^= 1
        #expect(throws: TransferError.hashMismatch(order[1])) { try verifier.accept(cid: order[1], data: flipped) }
        // Refused blocks leave the verifier where it was.
        #expect(verifier.blocksAccepted == 1 && verifier.nextExpected == order[1])
        for cid in order.dropFirst() { _ = try verifier.accept(cid: cid, data: dag.blocks[cid]!) }
        #expect(throws: TransferError.extraneousBlock(order[3])) { try verifier.accept(cid: order[3], data: dag.blocks[order[3]]!) }
    }

    @Test func followsOnlyRawAndDagPB() throws {
        let cbor = CID(.dagCBOR, Multihash.sha256([0xa0]))
        #expect(throws: TransferError.cannotTraverse(cbor, codec: Multicodec.dagCBOR.rawValue)) {
            try TraversalVerifier(root: cbor, mode: .dag)
        }
        let (parent, data) = node([CID.raw([1]), cbor], unixfs: nil)
        var verifier = try TraversalVerifier(root: parent, mode: .dag)
        #expect(throws: TransferError.cannotTraverse(cbor, codec: Multicodec.dagCBOR.rawValue)) {
            try verifier.accept(cid: parent, data: data)
        }
        let blake = CID(.raw, try Multihash(code: 0xb220, digest: [UInt8](repeating: 7, count: 32)))
        var unverifiable = try TraversalVerifier(root: blake, mode: .dag)
        #expect(throws: TransferError.unverifiableHash(blake)) { try unverifiable.accept(cid: blake, data: [1]) }
        let garbage: [UInt8] = [0xff, 0xff]
        let bad = CID(.dagPB, Multihash.sha256(garbage))
        var malformed = try TraversalVerifier(root: bad, mode: .dag)
        #expect {
            try malformed.accept(cid: bad, data: garbage)
        } throws: { error in
            if case .malformedBlock(bad, _) = error as? TransferError { return true }
            return false
        }
    }

    @Test func aFileMustBeAUnixFSFileOfTheSizeItDeclares() throws {
        let leaf: [UInt8] = [1, 2, 3]
        let (dir, dirData) = node([CID.raw(leaf)], unixfs: UnixFSData(kind: .directory))
        var asFile = try TraversalVerifier(root: dir, mode: .unixfsFile)
        #expect(throws: TransferError.notAFile(dir, kind: "directory")) { try asFile.accept(cid: dir, data: dirData) }
        var asDAG = try TraversalVerifier(root: dir, mode: .dag)
        _ = try asDAG.accept(cid: dir, data: dirData)
        _ = try asDAG.accept(cid: CID.raw(leaf), data: leaf)
        #expect(asDAG.isComplete && asDAG.fileBytes == 0)
        // A node without UnixFS data is a DAG, not a file.
        let (bare, bareData) = node([CID.raw(leaf)], unixfs: nil)
        var bareFile = try TraversalVerifier(root: bare, mode: .unixfsFile)
        #expect(throws: TransferError.self) { try bareFile.accept(cid: bare, data: bareData) }
        // A node declaring 4 bytes over a 3-byte leaf is refused once its subtree ends.
        let (liar, liarData) = node([CID.raw(leaf)], unixfs: UnixFSData(kind: .file, fileSize: 4, blockSizes: [4]))
        var sized = try TraversalVerifier(root: liar, mode: .unixfsFile)
        _ = try sized.accept(cid: liar, data: liarData)
        #expect {
            try sized.accept(cid: CID.raw(leaf), data: leaf)
        } throws: { error in
            if case .malformedBlock(liar, let reason) = error as? TransferError { return reason.contains("4 bytes") }
            return false
        }
        // Inline data comes before the children.
        let (inline, inlineData) = node([CID.raw(leaf)], unixfs: UnixFSData(kind: .file, data: [9], fileSize: 4, blockSizes: [3]))
        var withInline = try TraversalVerifier(root: inline, mode: .unixfsFile)
        #expect(try withInline.accept(cid: inline, data: inlineData).fileWrites == [.inline([9])])
        #expect(try withInline.accept(cid: CID.raw(leaf), data: leaf).fileWrites == [.blockData])
        #expect(withInline.isComplete && withInline.fileBytes == 4)
    }

    @Test func limitsBoundTheStateAndTheFile() throws {
        let leaves = (0..<5).map { [UInt8($0)] }
        let (wide, wideData) = node(leaves.map(CID.raw), unixfs: nil)
        var pending = try TraversalVerifier(root: wide, mode: .dag, limits: TransferLimits(maxPendingLinks: 5))
        #expect(throws: TransferError.dagTooLarge(what: "pending links", limit: 5)) { try pending.accept(cid: wide, data: wideData) }
        var distinct = try TraversalVerifier(root: wide, mode: .dag, limits: TransferLimits(maxBlocks: 3))
        _ = try distinct.accept(cid: wide, data: wideData)
        _ = try distinct.accept(cid: CID.raw(leaves[0]), data: leaves[0])
        #expect(throws: TransferError.dagTooLarge(what: "distinct blocks", limit: 3)) {
            try distinct.accept(cid: CID.raw(leaves[1]), data: leaves[1])
        }
        // A tiny DAG repeating one leaf describes a file larger than allowed.
        let zeros = [UInt8](repeating: 0, count: 100)
        let (repeats, repeatsData) = node(Array(repeating: CID.raw(zeros), count: 50), unixfs: UnixFSData(kind: .file, fileSize: 5000))
        var file = try TraversalVerifier(root: repeats, mode: .unixfsFile, limits: TransferLimits(maxFileBytes: 1000))
        _ = try file.accept(cid: repeats, data: repeatsData)
        #expect(throws: TransferError.dagTooLarge(what: "file bytes", limit: 1000)) { try file.accept(cid: CID.raw(zeros), data: zeros) }
    }

    @Test func errorsSayWhatToDo() {
        let cid = CID.raw([1])
        #expect(TransferError.hashMismatch(cid).description.contains("try another provider"))
        #expect(TransferError.notAFile(cid, kind: "directory").description.contains("--car"))
        #expect(TransferError.missingBlock(cid).description.contains("re-import"))
        #expect(TransferError.truncatedStream(bufferedBytes: 10).description.contains("resume"))
    }
}
