/// The directory holding `path`, as the shell's `dirname` gives it: `"."` for a bare
/// name, `"/"` for a top-level entry. (Foundation's `deletingLastPathComponent` traps on
/// some relative paths on Linux.)
public func parentDirectory(of path: String) -> String {
    var p = Substring(path)
    while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
    guard let slash = p.lastIndex(of: "/") else { return "." }
    var parent = p[..<slash]
    while parent.count > 1 && parent.hasSuffix("/") { parent = parent.dropLast() }
    return parent.isEmpty ? "/" : String(parent)
}
