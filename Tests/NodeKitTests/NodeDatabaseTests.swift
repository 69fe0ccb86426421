import Dispatch
import Foundation
import GRDB
import Testing
@testable import NodeKit

@Suite struct NodeDatabaseTests {
    @Test func aDatabaseFileIsInWALMode() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            let mode = try store.database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
        }
    }

    /// A reader answers from the last committed state while a write transaction is open.
    @Test func readersDoNotWaitForAnOpenWrite() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            let writeOpen = DispatchSemaphore(value: 0), endWrite = DispatchSemaphore(value: 0)
            let writeDone = DispatchSemaphore(value: 0), readDone = DispatchSemaphore(value: 0)
            let seen = Locked<Int64?>(nil)
            // Own threads, not the shared dispatch pool, so this test starves no other.
            Thread {
                _ = try? store.database.write { db in
                    try db.execute(sql: "UPDATE content_totals SET revision = 99")
                    writeOpen.signal()
                    endWrite.wait()
                }
                writeDone.signal()
            }.start()
            writeOpen.wait()
            Thread {
                let revision = try? store.totals().revision
                seen.withLock { $0 = revision }
                readDone.signal()
            }.start()
            // A single-connection database would hold the read until the write ends.
            let answeredDuringWrite = readDone.wait(timeout: .now() + 30) == .success
            endWrite.signal()
            writeDone.wait()
            if !answeredDuringWrite { readDone.wait() }
            #expect(answeredDuringWrite)
            #expect(seen.withLock { $0 } == 0)
            #expect(try store.totals().revision == 99)
        }
    }
}
