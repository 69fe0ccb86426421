import Foundation
import NodeKit

/// Writes command output: plain lines, JSON objects, progress on a terminal's stderr.
enum Output {
    static func json(_ object: [(String, JSONValue)]) {
        json(.object(object))
    }

    /// Prints one JSON document on one line.
    static func json(_ value: JSONValue) {
        print(value.encoded)
    }

    /// Reports an imported piece: one JSON object (`root`, `piece_cid`, `car_size`,
    /// `piece_size`) or aligned lines.
    static func piece(_ p: PieceRecord, json asJSON: Bool) {
        if asJSON {
            json([
                ("root", .string(p.rootCID)), ("piece_cid", .string(p.pieceCID)),
                ("car_size", .int(p.carSize)), ("piece_size", .int(p.pieceSize)),
            ])
        } else {
            print("root:       \(p.rootCID)")
            print("piece CID:  \(p.pieceCID)")
            print("blocks:     \(p.blockCount)")
            print("CAR size:   \(p.carSize)")
            print("piece size: \(p.pieceSize)")
        }
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// A progress reporter that redraws one stderr line at most ten times a second, or
    /// nil when stderr is not a terminal.
    static func progress(label: String) -> (@Sendable (String, UInt64, UInt64) -> Void)? {
        guard stderrIsTerminal else { return nil }
        let state = ProgressState()
        return { phase, done, total in
            guard state.shouldDraw(final: done == total) else { return }
            let pct = total > 0 ? Double(done) * 100 / Double(total) : 100
            let line = String(format: "\r%@ %@: %5.1f%% (%@ of %@)", label, phase, pct, ByteCount.format(done), ByteCount.format(total))
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    static func endProgress() {
        if stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}

/// Rate limit for progress redraws.
private final class ProgressState: @unchecked Sendable {
    // Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var last = Date.distantPast

    func shouldDraw(final: Bool) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard final || now.timeIntervalSince(last) >= 0.1 else { return false }
        last = now
        return true
    }
}

/// A JSON value for the commands' `--json` output.
enum JSONValue {
    case string(String)
    case int(UInt64)
    case signed(Int64)
    case bool(Bool)
    case array([JSONValue])
    /// Keys in the order given.
    case object([(String, JSONValue)])
    case null

    var encoded: String {
        switch self {
        case .int(let v): return String(v)
        case .signed(let v): return String(v)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.encoded).joined(separator: ", ") + "]"
        case .object(let fields):
            return "{" + fields.map { "\(JSONValue.string($0.0).encoded): \($0.1.encoded)" }.joined(separator: ", ") + "}"
        case .string(let s):
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
                }
            }
            return out + "\""
        }
    }
}

/// Human-readable byte counts (binary units).
enum ByteCount {
    static func format(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n), i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[i])
    }
}
