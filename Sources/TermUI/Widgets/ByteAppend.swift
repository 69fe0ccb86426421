extension Array where Element == UInt8 {
    /// Appends `text`'s UTF-8 in one copy where its storage is contiguous (native strings),
    /// instead of byte by byte through `String.UTF8View`.
    mutating func appendUTF8(of text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append(contentsOf: $0) }) == nil {
            append(contentsOf: text.utf8)
        }
    }
}
