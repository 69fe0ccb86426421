import Dispatch
import Foundation
import NodeKit

/// Makes SIGINT and SIGTERM end a file-writing command cleanly: the temporary files it
/// is writing (`TemporaryFiles`) are removed and it exits with 128 + the signal number,
/// as a shell expects of an interrupted program.
enum InterruptCleanup {
    static func install() {
        var sources: [AnyObject] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                TemporaryFiles.removeAll()
                Output.endProgress()
                exit(128 + number)
            }
            source.resume()
            sources.append(source as AnyObject)
        }
        Retained.keep(sources)
    }
}
