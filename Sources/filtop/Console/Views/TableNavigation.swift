import TermUI

extension Table {
    /// The key actions every table view shares: moving, paging, sorting.
    mutating func navigate(_ action: KeyAction) -> Bool {
        switch action {
        case .up: move(by: -1)
        case .down: move(by: 1)
        case .pageUp: page(by: -1)
        case .pageDown: page(by: 1)
        case .top: top()
        case .bottom: bottom()
        case .left: sortPrevious()
        case .right: sortNext()
        case .sortReverse: reverse()
        default: return false
        }
        return true
    }

    /// "3 of 10 pieces", "1 piece": `noun` is the singular, `plural` defaults to it + "s".
    func caption(_ noun: String, plural: String? = nil) -> String {
        let word = ConsoleFormat.word(for: source.count, noun, plural: plural)
        return visible.count == source.count ? "\(source.count) \(word)" : "\(visible.count) of \(source.count) \(word)"
    }
}
