import Foundation
import Testing
@testable import NodeKit

@Suite struct ControlCodecTests {
    private func roundTrip<M: WireMessage & Equatable>(_ message: M) throws -> M {
        try Envelope(decoding: Envelope(message, requestID: 1).encoded).message(as: M.self)
    }

    @Test func controlAnswersRoundTrip() throws {
        #expect(try roundTrip(ControlFixtures.status) == ControlFixtures.status)
        #expect(try roundTrip(ControlFixtures.pieces) == ControlFixtures.pieces)
        #expect(try roundTrip(ControlFixtures.peers) == ControlFixtures.peers)
        #expect(try roundTrip(ControlFixtures.events) == ControlFixtures.events)
        #expect(try roundTrip(ControlImportProgress(done: 5, total: 9)) == ControlImportProgress(done: 5, total: 9))
    }

    @Test func pagesAreBounded() throws {
        #expect(ControlPiecesRequest(offset: 0, limit: 1_000_000).limit == UInt64(ControlPieces.maxPage))
        let tooMany = CBOR.map(["total": .unsigned(1), "pieces": .array(Array(repeating: .null, count: ControlPieces.maxPage + 1))])
        #expect(throws: WireError.self) { _ = try ControlPieces(body: tooMany) }
    }

    @Test func theCatalogueListsEveryMessageTypeOnce() {
        let listed = MessageCatalogue.all.map { $0.messageType }
        #expect(Set(listed).count == listed.count)
        #expect(Set(listed) == Set(MessageType.allCases))
    }
}
