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

    /// "3 of 10 pieces".
    func caption(_ noun: String) -> String {
        visible.count == source.count ? "\(source.count) \(noun)" : "\(visible.count) of \(source.count) \(noun)"
    }
}
