import Foundation
import Testing
@testable import NodeKit

@Suite struct PaychStoreTests {
    /// Regression: the payment channel tables were never in `Schema`, so every node's
    /// channel list failed with "no such table: paych_channel".
    @Test func aNewDatabaseHasThePaymentChannelTables() async throws {
        let store = PaychStore(database: try NodeDatabase())
        #expect(try await store.channels().isEmpty)
    }
}
