/// A minimal, bounded protobuf wire-format reader for the two schemas IPFS uses in
/// dag-pb blocks (PBNode/PBLink and UnixFS Data).
struct ProtobufReader {
    enum Field {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
    }

    private let input: ArraySlice<UInt8>
    private var position: Int
    private let context: String

    init(_ input: ArraySlice<UInt8>, context: String) {
        self.input = input
        self.position = input.startIndex
        self.context = context
    }

    var isAtEnd: Bool { position == input.endIndex }

    /// Reads the next field number and value. Only wire types 0 (varint) and 2 (length
    /// delimited) occur in these schemas; anything else is malformed input.
    mutating func next() throws(ContentError) -> (number: UInt64, field: Field) {
        let key = try varint()
        let number = key >> 3
        switch key & 7 {
        case 0: return (number, .varint(try varint()))
        case 2:
            let len = try varint()
            guard len <= UInt64(input.endIndex - position) else {
                throw .invalidDagPB("\(context): field \(number) declares \(len) bytes, only \(input.endIndex - position) remain")
            }
            let start = position
            position += Int(len)
            return (number, .bytes(input[start..<position]))
        default:
            throw .invalidDagPB("\(context): unexpected wire type \(key & 7) for field \(number)")
        }
    }

    private mutating func varint() throws(ContentError) -> UInt64 {
        // Protobuf allows non-minimal varints and up to 10 bytes; decode leniently but bounded.
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < input.endIndex {
            let b = input[position]
            position += 1
            guard shift < 64 else { throw .invalidDagPB("\(context): varint longer than 10 bytes") }
            value |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
        throw .invalidDagPB("\(context): input ended inside a varint")
    }
}
