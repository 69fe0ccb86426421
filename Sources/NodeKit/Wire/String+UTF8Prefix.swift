extension String {
    /// The longest prefix of whole characters that fits in `maxBytes` bytes of UTF-8.
    public func prefix(utf8Bytes maxBytes: Int) -> String {
        guard utf8.count > maxBytes else { return self }
        var end = index(startIndex, offsetBy: 0)
        var used = 0
        for c in self {
            let n = c.utf8.count
            if used + n > maxBytes { break }
            used += n
            end = index(after: end)
        }
        return String(self[..<end])
    }
}
