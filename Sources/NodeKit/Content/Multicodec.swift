/// The multicodec codes filtop reads and writes (multiformats `table.csv`).
public enum Multicodec: UInt64, Sendable, CaseIterable, CustomStringConvertible {
    case identity = 0x00
    case sha2_256 = 0x12
    case raw = 0x55
    case dagPB = 0x70
    case dagCBOR = 0x71
    case dagJSON = 0x0129
    case sha2_256Trunc254Padded = 0x1012
    case filCommitmentUnsealed = 0xf101
    case filCommitmentSealed = 0xf102

    /// The table's name for the code.
    public var name: String {
        switch self {
        case .identity: return "identity"
        case .sha2_256: return "sha2-256"
        case .raw: return "raw"
        case .dagPB: return "dag-pb"
        case .dagCBOR: return "dag-cbor"
        case .dagJSON: return "dag-json"
        case .sha2_256Trunc254Padded: return "sha2-256-trunc254-padded"
        case .filCommitmentUnsealed: return "fil-commitment-unsealed"
        case .filCommitmentSealed: return "fil-commitment-sealed"
        }
    }

    public var description: String { name }

    /// The name of any code: the table's name when known, otherwise its hex value.
    public static func name(of code: UInt64) -> String {
        Multicodec(rawValue: code)?.name ?? "0x" + String(code, radix: 16)
    }
}
