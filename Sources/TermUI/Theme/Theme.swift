/// A named set of styles, one per `ThemeRole`, as loaded from a theme file and reduced to
/// what the terminal can show.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [ThemeRole: Style]

    public init(name: String, styles: [ThemeRole: Style]) {
        self.name = name
        self.styles = styles
    }

    public subscript(role: ThemeRole) -> Style { styles[role] ?? .plain }

    /// The roles that mark "this one" among its neighbours: in monochrome they alone are
    /// drawn in reverse video.
    public static let highlightRoles: Set<ThemeRole> = [.title, .tabActive, .tableSelected, .buttonFocused]

    /// The theme as a terminal of `depth` shows it. In monochrome every colour goes; the
    /// highlight roles (selected row, active tab, focused button, title bar) turn to
    /// reverse video and every other role loses it, so a highlight stays distinct from
    /// its neighbours whatever colours the theme gave both.
    public func reduced(to depth: ColorDepth) -> Theme {
        var out = self
        for (role, style) in styles {
            var s = style
            if depth == .monochrome {
                if Self.highlightRoles.contains(role) { s.attributes.insert(.reverse) } else { s.attributes.remove(.reverse) }
                s.foreground = .default
                s.background = .default
            } else {
                s.foreground = style.foreground.reduced(to: depth) ?? .default
                s.background = style.background.reduced(to: depth) ?? .default
            }
            out.styles[role] = s
        }
        return out
    }

    /// The theme used when no file can be read: terminal colours, attributes only where
    /// they carry meaning. Also the base every theme file starts from.
    public static let builtIn: Theme = {
        func s(_ fg: Color = .default, _ bg: Color = .default, _ a: Style.Attributes = []) -> Style {
            Style(foreground: fg, background: bg, attributes: a)
        }
        let cyan = Color.indexed(6), yellow = Color.indexed(3), red = Color.indexed(1), green = Color.indexed(2)
        let blue = Color.indexed(4), grey = Color.indexed(8)
        return Theme(name: "built-in", styles: [
            .base: s(), .title: s(.default, blue, [.bold]), .tab: s(), .tabActive: s(.indexed(0), cyan, [.bold]),
            .border: s(grey), .tableHeader: s(cyan, .default, [.bold]), .tableSorted: s(yellow, .default, [.bold, .underline]),
            .tableRow: s(), .tableSelected: s(.indexed(0), cyan), .label: s(cyan), .value: s(.default, .default, [.bold]),
            .muted: s(grey), .flashInfo: s(green), .flashWarn: s(yellow, .default, [.bold]), .flashError: s(red, .default, [.bold]),
            .prompt: s(.default, .default, [.bold]), .completion: s(grey), .helpKey: s(yellow, .default, [.bold]), .helpText: s(),
            .dialog: s(.default, .default), .button: s(), .buttonFocused: s(.indexed(0), cyan, [.bold]),
            .progressDone: s(green), .progressTodo: s(grey), .sparkline: s(green),
            .logDebug: s(grey), .logInfo: s(), .logWarn: s(yellow), .logError: s(red, .default, [.bold]),
            .tooSmallBad: s(red, .default, [.bold]), .tooSmallGood: s(green, .default, [.bold]),
        ])
    }()
}
