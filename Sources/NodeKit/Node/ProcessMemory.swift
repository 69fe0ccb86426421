import CMalloc

/// The process's heap, as the operating system sees it.
enum ProcessMemory {
    /// Hands the heap's wholly free pages back to the system. Worth calling after a large
    /// transient allocation (listing every piece): the allocator otherwise keeps those
    /// pages, and the console's resident memory stays at the listing's peak.
    static func returnFreePages() {
        malloc_trim(0)
    }
}
