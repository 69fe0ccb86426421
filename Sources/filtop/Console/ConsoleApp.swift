import Foundation
import NodeKit
import TermUI

/// The operator console: title bar, view tabs, the current view, an import progress bar
/// and the flash / command / filter line. Runs on the run loop's thread; takes node data
/// only from the mailbox and sends commands only through the feed.
final class ConsoleApp: TerminalApplication {
    /// What the keyboard is talking to right now.
    enum Mode: Equatable {
        case normal, command, filter, help
        case confirmQuit(ConfirmDialog)
        /// A payment command waiting for the operator's yes (focus starts on Cancel).
        case confirmPayment(ConfirmDialog, PaymentCommand)
        /// An allow, block or unlist waiting for the operator's yes (focus starts on Cancel).
        case confirmListing(ConfirmDialog, ListingChange)
        /// A `:cancel` of a deal waiting for the operator's yes (focus starts on Cancel).
        case confirmCancel(ConfirmDialog, DealCancel)
        case detail(DetailPanel)
        /// What the last `:find` found.
        case found(FindResultsPanel)
        /// What the last `:query` heard.
        case answered(QueryAnswersPanel)
    }

    let views: [ConsoleView]
    let logView: LogPaneView
    let channelsView: ChannelsView
    let offersView: OffersView
    let providersView: ProvidersView
    let dealsView: DealsView
    private(set) var tabs: Tabs
    private(set) var mode: Mode = .normal
    private(set) var flash = FlashLine()
    private(set) var progress: ConsoleMailbox.ImportProgressState?
    /// The deal whose history was asked for (Enter on Deals): its panel takes the history
    /// when it arrives, if it still shows.
    private var awaitedDeal: DealKey?
    private var snapshot = NodeSnapshot()
    private var commandLine: LineEditor
    private let commands: ConsoleCommandLine
    private let clipboard: (String) -> Void
    private var filterLine = LineEditor(prompt: "/")
    private var filterBefore = ""
    private let mailbox: ConsoleMailbox
    private let feed: NodeFeed?
    private let settings: ConsoleSettings
    private let keyMap: KeyMap
    private let time: TimeSource
    private var theme: Theme
    private(set) var finished = false

    let minimumSize = Size(width: 60, height: 15)

    /// `clipboard` receives what `c` copies in a detail panel (OSC 52 on a real terminal).
    init(settings: ConsoleSettings, keyMap: KeyMap, theme: Theme, mailbox: ConsoleMailbox, feed: NodeFeed?, time: TimeSource,
         clipboard: @escaping (String) -> Void = Clipboard.copy) {
        logView = LogPaneView()
        channelsView = ChannelsView(readOnly: settings.readOnly, time: time)
        offersView = OffersView(readOnly: settings.readOnly, time: time)
        providersView = ProvidersView(readOnly: settings.readOnly)
        dealsView = DealsView(readOnly: settings.readOnly)
        views = [OverviewView(readOnly: settings.readOnly), ContentView(readOnly: settings.readOnly),
                 PeersView(staleAfter: settings.peerStaleAfter), channelsView, offersView, providersView, dealsView, logView]
        tabs = Tabs(titles: views.map(\.title))
        self.settings = settings
        self.keyMap = keyMap
        self.theme = theme.reduced(to: settings.colorDepth)
        self.mailbox = mailbox
        self.feed = feed
        self.time = time
        self.clipboard = clipboard
        let catalog = settings.catalog
        let commands = ConsoleCommandLine(
            views: views.map { $0.title.lowercased() }, themes: { catalog.names },
            paths: PathCompletion(home: settings.home, workingDirectory: settings.workingDirectory), readOnly: settings.readOnly)
        self.commands = commands
        commandLine = LineEditor(prompt: ":") { commands.completions($0) }
    }

    var current: ConsoleView { views[tabs.selected] }
    var themeName: String { theme.name }

    var renderContext: RenderContext { RenderContext(theme: theme, glyphs: settings.glyphs, now: time.now) }

    /// Shows a message on the flash line.
    func say(_ text: String, _ level: FlashLine.Level = .info) { flash.show(text, level: level, at: time.now) }

    /// A problem with the console's own configuration (console.toml, a theme): flashed,
    /// and kept in full in the Log view, where a long message is not cut.
    func report(problem: String) {
        say(problem, .warning)
        logView.append("warning " + problem, level: .warning, at: time.now)
    }

    // MARK: data

    func update() {
        let delivery = mailbox.take()
        if var s = delivery.snapshot {
            s.payments = snapshot.payments
            s.market = snapshot.market
            s.deals = snapshot.deals
            snapshot = s
        }
        if var p = delivery.payments {
            p.receivedAt = time.now
            snapshot.payments = p
        }
        if let m = delivery.market { snapshot.market = m }
        if var d = delivery.deals {
            d.receivedAt = time.now
            snapshot.deals = d
        }
        if delivery.snapshot != nil || delivery.payments != nil || delivery.market != nil || delivery.deals != nil {
            for view in views { view.update(snapshot) }
        }
        if let found = delivery.found { show(found) }
        if let queried = delivery.queried { show(queried) }
        if let deal = delivery.deal { show(deal) }
        for event in delivery.events { logView.append(event) }
        for (text, level) in delivery.notices { say(text, level) }
        if let p = delivery.progress { progress = p }
    }

    // MARK: keys

    func handle(_ key: Key) -> Bool {
        switch mode {
        case .normal: handleNormal(key)
        case .command: handleCommand(key)
        case .filter: handleFilter(key)
        case .help:
            let action = keyMap.action(for: key)
            if action == .quit { quit(force: false) } else if [.back, .help, .select].contains(action) || key == .character("q") { mode = .normal }
        case .detail(var panel):
            let action = keyMap.action(for: key)
            if key == .character("c") {
                clipboard(panel.copyValue)
                say("copied the \(panel.copyName) \(panel.copyValue) to the clipboard (OSC 52)")
            } else if action == .quit {
                quit(force: false)
            } else if [.back, .select].contains(action) || key == .character("q") {
                mode = .normal
            } else if let action, panel.scroll(action) {
                mode = .detail(panel)
            }
        case .confirmQuit(var dialog):
            switch dialog.handle(key) {
            case .pending: mode = .confirmQuit(dialog)
            case .confirmed: finished = true
            case .cancelled: mode = .normal
            }
        case .confirmPayment(var dialog, let command):
            switch dialog.handle(key) {
            case .pending: mode = .confirmPayment(dialog, command)
            case .confirmed:
                mode = .normal
                perform(command)
            case .cancelled:
                mode = .normal
                say("\(dialog.confirmLabel.lowercased()) cancelled")
            }
        case .confirmListing(var dialog, let change):
            switch dialog.handle(key) {
            case .pending: mode = .confirmListing(dialog, change)
            case .confirmed:
                mode = .normal
                perform(change)
            case .cancelled:
                mode = .normal
                say("\(change.verb) cancelled")
            }
        case .confirmCancel(var dialog, let cancel):
            switch dialog.handle(key) {
            case .pending: mode = .confirmCancel(dialog, cancel)
            case .confirmed:
                mode = .normal
                perform(cancel)
            case .cancelled:
                mode = .normal
                say(cancel.kept)
            }
        case .found(var panel):
            let action = keyMap.action(for: key)
            if action == .quit {
                quit(force: false)
            } else if [.back, .select].contains(action) || key == .character("q") {
                mode = .normal
            } else if let action, panel.handle(action) {
                mode = .found(panel)
            }
        case .answered(var panel):
            let action = keyMap.action(for: key)
            if action == .quit {
                quit(force: false)
            } else if [.back, .select].contains(action) || key == .character("q") {
                mode = .normal
            } else if let action, panel.handle(action) {
                mode = .answered(panel)
            }
        }
        return !finished
    }

    private func handleNormal(_ key: Key) {
        if case .character(let c) = key, let n = c.wholeNumberValue, (1...views.count).contains(n) {
            open(view: n - 1)
            return
        }
        guard let action = keyMap.action(for: key) else {
            if current is ProviderRowsView, case .character(let c) = key, let listing = ListingChange.keys[c] {
                confirmListing(listing, provider: nil)
            }
            return
        }
        switch action {
        case .command:
            commandLine.begin()
            mode = .command
        case .filter where !current.actions.contains(.filter):
            say("filtering isn't available on the \(current.title) view; \(keyMap.label(for: .filter)) filters \(viewNames(answering: .filter))", .warning)
        case .filter:
            filterBefore = current.filterQuery
            filterLine.begin(filterBefore)
            mode = .filter
        case .help: mode = .help
        case .nextView: open(view: (tabs.selected + 1) % views.count)
        case .previousView: open(view: (tabs.selected + views.count - 1) % views.count)
        case .quit: quit(force: false)
        case .back:
            if !current.filterQuery.isEmpty { current.setFilter("") } else { flash.clear() }
        case .select where !current.actions.contains(.select):
            say("\(keyMap.label(for: .select)) opens details on \(viewNames(answering: .select)); the \(current.title) view has none", .warning)
        case .select:
            guard let panel = current.detail() else { return say("nothing selected", .warning) }
            mode = .detail(panel)
            if current === dealsView, let deal = dealsView.selectedDeal { readHistory(of: deal) }
        default: _ = current.handle(action)
        }
    }

    /// "Content, Peers and Log": the views that answer `action`.
    private func viewNames(answering action: KeyAction) -> String {
        let names = views.filter { $0.actions.contains(action) }.map(\.title)
        return names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "") : names.joined()
    }

    private func handleCommand(_ key: Key) {
        switch commandLine.handle(key) {
        case .editing: break
        case .cancelled: mode = .normal
        case .submitted(let line):
            mode = .normal
            guard !line.isEmpty else { return }
            run(line)
        }
    }

    private func handleFilter(_ key: Key) {
        switch filterLine.handle(key) {
        case .editing: current.setFilter(filterLine.text)
        case .cancelled:
            current.setFilter(key == .backspace ? "" : filterBefore)
            mode = .normal
        case .submitted(let text):
            current.setFilter(text)
            mode = .normal
        }
    }

    /// Runs one `:` command line.
    func run(_ line: String) {
        let command: ConsoleCommandLine.Command
        do { command = try commands.parse(line) } catch {
            say(error.description, .error)
            return
        }
        switch command {
        case .quit(let force): quit(force: force)
        case .help: mode = .help
        case .view(let name):
            if let i = views.firstIndex(where: { $0.title.lowercased() == name }) { open(view: i) }
        case .theme(let name): switchTheme(name)
        case .importFile(let path): startImport(path)
        case .addFunds(let peer, let amount): addFunds(peer: peer, amount: amount)
        case .settle: confirmOnSelected(":settle") { .settle($0) }
        case .collect: confirmOnSelected(":collect") { .collect($0) }
        case .listing(let listing, let provider): confirmListing(listing, provider: provider)
        case .find(let pieceCID, let gateway): find(pieceCID, at: gateway)
        case .publish(let gateways): publish(to: gateways)
        case .query(let target, let provider): query(target, provider: provider)
        case .retrieve(let order): retrieve(order)
        case .cancel: confirmCancel()
        }
    }

    /// Shows view `index`; opening Channels has the feed read the channels again, opening
    /// Deals the deals, opening Offers or Providers the market (which the poll then reads
    /// while either shows).
    private func open(view index: Int) {
        tabs.selected = index
        if current === channelsView { feed?.requestPayments() }
        if current === dealsView { feed?.requestDeals() }
        let market = current is ProviderRowsView
        feed?.watchMarket(market)
        if market { feed?.requestMarket() }
    }

    /// `:add-funds`: to `peer`, or else to the peer of the outbound channel selected in
    /// Channels; asks first.
    private func addFunds(peer: NodeID?, amount: TokenAmount) {
        let target: NodeID
        if let peer {
            target = peer
        } else {
            guard let channel = selectedChannel(for: "add-funds without a peer") else { return }
            guard channel.direction == .outbound else {
                return say("channel \(channel.id.short) is inbound (\(channel.peer.short) pays this node); to pay it, name it: :add-funds PEER AMOUNT", .warning)
            }
            target = channel.peer
        }
        let command = PaymentCommand.addFunds(peer: target, amount: amount, channel: channelsView.openChannel(to: target)?.id)
        mode = .confirmPayment(command.confirmation, command)
    }

    /// `:settle`, `:collect`: on the channel selected in Channels; asks first.
    private func confirmOnSelected(_ what: String, _ command: (ChannelSummary) -> PaymentCommand) {
        guard let channel = selectedChannel(for: what) else { return }
        let c = command(channel)
        mode = .confirmPayment(c.confirmation, c)
    }

    /// The channel selected in Channels, when that view is showing; else says what to do.
    private func selectedChannel(for what: String) -> ChannelSummary? {
        let key = (views.firstIndex { $0 === channelsView } ?? 0) + 1
        guard current === channelsView else {
            say("\(what) acts on the selected channel: open Channels (\(key)) and select one", .warning)
            return nil
        }
        guard let channel = channelsView.selectedChannel else {
            say("no channel selected: \(what) needs one; select it in the table (Esc clears a filter)", .warning)
            return nil
        }
        return channel
    }

    private func perform(_ command: PaymentCommand) {
        guard let feed else { return say("no node attached", .error) }
        feed.run(command)
    }

    /// `a`, `b`, `u` and `:allow`, `:block`, `:unlist`: on `provider`, or else on the
    /// provider of the row selected in Offers or Providers; asks first.
    private func confirmListing(_ listing: ProviderListing, provider: NodeID?) {
        let verb = ListingChange.verb(listing)
        guard !settings.readOnly else { return say("read-only console: \(verb) is disabled (started with --readonly)", .warning) }
        let target: NodeID
        if let provider {
            target = provider
        } else {
            guard let view = current as? ProviderRowsView else {
                let key = (views.firstIndex { $0 === providersView } ?? 0) + 1
                return say(":\(verb) without a provider acts on the selected row: open Providers (\(key)) and select one, or name it: :\(verb) PROVIDER", .warning)
            }
            guard let selected = view.selectedProvider else {
                return say("no provider selected: \(verb) needs one; select it in the table (Esc clears a filter)", .warning)
            }
            target = selected
        }
        let change = ListingChange(listing: listing, provider: target)
        mode = .confirmListing(change.confirmation, change)
    }

    private func perform(_ change: ListingChange) {
        guard let feed else { return say("no node attached", .error) }
        feed.run(change)
    }

    /// `:query`: the feed asks the providers; their answers open over the view when they
    /// arrive.
    private func query(_ target: String, provider: NodeID?) {
        guard let feed else { return say("no node attached", .error) }
        say("asking " + (provider.map { "provider \($0.short)" } ?? "the providers") + " about \(ConsoleFormat.shortID(target, 24))…")
        feed.query(target, provider: provider)
    }

    /// What a `:query` heard: over the view when the operator is not typing or answering
    /// a dialog, else summed up on the flash line.
    private func show(_ queried: QueryAnswersPanel.Result) {
        let holding = queried.answers.filter { $0.response?.status == .available }.count
        let summary = "\(ConsoleFormat.count(queried.answers.count, "provider")) asked about \(ConsoleFormat.shortID(queried.target, 24)): \(holding) \(holding == 1 ? "holds" : "hold") it"
        switch mode {
        case .normal, .detail, .found, .answered: mode = .answered(QueryAnswersPanel(queried))
        default: break
        }
        say(summary, holding == 0 ? .warning : .info)
    }

    /// `:retrieve`: a PATH naming a directory (or ending in `/`) takes the default file
    /// name inside it; a PATH whose directory is missing or not writable is refused here,
    /// in words, before the node is asked.
    private func retrieve(_ typed: RetrievalOrder) {
        var order = typed
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if order.output.hasSuffix("/") || (files.fileExists(atPath: order.output, isDirectory: &isDirectory) && isDirectory.boolValue) {
            order.output = (order.output as NSString).appendingPathComponent(order.target + (order.car ? ".car" : ""))
        }
        let directory = (order.output as NSString).deletingLastPathComponent
        guard files.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return say("cannot retrieve into \(order.output): there is no directory \(directory); create it or name another PATH", .error)
        }
        guard files.isWritableFile(atPath: directory) else {
            return say("cannot retrieve into \(order.output): \(directory) is not writable by this user; name another PATH", .error)
        }
        if files.fileExists(atPath: order.output, isDirectory: &isDirectory), isDirectory.boolValue {
            return say("cannot retrieve into \(order.output): it is a directory; name a file", .error)
        }
        guard let feed else { return say("no node attached", .error) }
        say("retrieving \(ConsoleFormat.shortID(order.target, 24)) into \(order.output)…")
        feed.retrieve(order)
    }

    /// `:cancel`: on the open deal selected in Deals; asks first.
    private func confirmCancel() {
        let key = (views.firstIndex { $0 === dealsView } ?? 0) + 1
        guard current === dealsView else { return say(":cancel acts on the selected deal: open Deals (\(key)) and select one", .warning) }
        guard let deal = dealsView.selectedDeal else {
            return say("no deal selected: :cancel needs one; select it in the table (Esc clears a filter)", .warning)
        }
        guard !deal.isTerminal else {
            return say("deal \(DealCancel.shortID(deal)) has ended (\(deal.status)); there is nothing to cancel", .warning)
        }
        let cancel = DealCancel(deal: deal)
        mode = .confirmCancel(cancel.confirmation, cancel)
    }

    private func perform(_ cancel: DealCancel) {
        guard let feed else { return say("no node attached", .error) }
        feed.run(cancel)
    }

    /// Enter on a deal: its panel shows at once; the feed reads the history, which fills
    /// the panel when it arrives.
    private func readHistory(of deal: DealRecord) {
        guard let feed else { return }
        awaitedDeal = deal.key
        feed.readDeal(deal.key)
    }

    /// A deal's history, into its panel if that still shows.
    private func show(_ detail: DealDetail) {
        guard detail.deal.key == awaitedDeal else { return }
        awaitedDeal = nil
        guard case .detail = mode else { return }
        mode = .detail(DealHistory.panel(detail.deal, history: detail.history, rate: dealsView.rates[detail.deal.key]))
    }

    /// `:find`: the feed pays and asks; the results open over the view when they arrive.
    private func find(_ pieceCID: PieceCID, at gateway: NodeID?) {
        guard let feed else { return say("no node attached", .error) }
        say("finding offers for \(ConsoleFormat.shortID(pieceCID.description, 24)) at " + (gateway.map { $0.short } ?? "every gateway") + "…")
        feed.find(pieceCID, gateway: gateway)
    }

    /// What a `:find` found: over the view when the operator is not typing or answering a
    /// dialog, else summed up on the flash line.
    private func show(_ found: FindResult) {
        let cid = ConsoleFormat.shortID(found.pieceCID.description, 24)
        let summary = "found \(ConsoleFormat.count(found.offers.count, "verified offer")) for \(cid) at \(ConsoleFormat.count(found.answers.count, "gateway"))"
        switch mode {
        case .normal, .detail, .found: mode = .found(FindResultsPanel(found, at: time.now))
        default: break
        }
        say(summary, found.offers.isEmpty ? .warning : .info)
    }

    /// `:publish`: the feed signs and sends; the flash line says how many gateways took them.
    private func publish(to gateways: [NodeID]) {
        guard let feed else { return say("no node attached", .error) }
        say("publishing this node's offers to " + (gateways.isEmpty ? "every gateway" : ConsoleFormat.count(gateways.count, "gateway")) + "…")
        feed.publish(to: gateways)
    }

    private func quit(force: Bool) {
        if let p = progress, !force {
            mode = .confirmQuit(ConfirmDialog(title: "Quit?", message: "An import of \((p.path as NSString).lastPathComponent) is running; quitting stops it.", confirmLabel: "Quit"))
        } else {
            finished = true
        }
    }

    private func switchTheme(_ name: String?) {
        let catalog = settings.catalog
        guard let name else {
            say("theme \(theme.name); available: \(catalog.names.joined(separator: ", "))")
            return
        }
        do {
            theme = try catalog.theme(named: name).reduced(to: settings.colorDepth)
            say("theme \(theme.name)" + (settings.colorDepth == .monochrome ? " (no colour: NO_COLOR or --no-color)" : ""))
        } catch {
            say(error.description, .error)
            logView.append("error " + error.description, level: .error, at: time.now)
        }
    }

    private func startImport(_ path: String) {
        guard !settings.readOnly else { return say("read-only mode: :import is disabled", .warning) }
        guard progress == nil else { return say("an import is already running", .warning) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return say("cannot import \(path): no such file", .error) }
        guard !isDirectory.boolValue else { return say("cannot import \(path): it is a directory; name a file in it", .error) }
        guard FileManager.default.isReadableFile(atPath: path) else { return say("cannot import \(path): not readable by this user", .error) }
        guard let feed else { return say("no node attached", .error) }
        progress = .init(path: path, done: 0, total: 0)
        say("importing \(path)…")
        feed.importFile(path)
    }

    // MARK: drawing

    func render(into buffer: inout CellBuffer, context: RenderContext) {
        let parts = buffer.bounds.rows([.fixed(1), .fixed(1), .fill(), .fixed(progress == nil ? 0 : 1), .fixed(1)])
        renderTitle(into: &buffer, rect: parts[0], context: context)
        tabs.render(into: &buffer, rect: parts[1], context: context)
        let filter = current.filterQuery.isEmpty ? "" : " /\(current.filterQuery)"
        let body = Box.draw(parts[2], title: "\(current.title) · \(current.caption)\(filter)", into: &buffer, context: context)
        current.render(into: &buffer, rect: body, context: context)
        if let p = progress {
            let fraction = p.total == 0 ? 0 : Double(p.done) / Double(p.total)
            ProgressBar(fraction: fraction, label: "import \((p.path as NSString).lastPathComponent)").render(into: &buffer, rect: parts[3], context: context)
        }
        switch mode {
        case .command: commandLine.render(into: &buffer, rect: parts[4], context: context)
        case .filter: filterLine.render(into: &buffer, rect: parts[4], context: context)
        default:
            let hint = "\(keyMap.label(for: .help)) help  \(keyMap.label(for: .command)) command  \(keyMap.label(for: .filter)) filter  \(keyMap.label(for: .nextView)) next view  :q quit"
            flash.render(into: &buffer, rect: parts[4], context: context, hint: hint)
        }
        switch mode {
        case .help:
            let hidden = Set(KeyAction.allCases).subtracting(current.actions).subtracting([.nextView, .previousView, .command, .help, .back, .quit])
            HelpScreen(title: current.title, viewEntries: helpEntries, keyMap: keyMap, hidden: hidden).render(into: &buffer, rect: parts[2], context: context)
        case .confirmQuit(let dialog), .confirmPayment(let dialog, _), .confirmListing(let dialog, _), .confirmCancel(let dialog, _):
            dialog.render(into: &buffer, screen: buffer.bounds, context: context)
        case .detail(var panel):
            panel.render(into: &buffer, rect: parts[2], context: context)
            mode = .detail(panel)
        case .found(let panel):
            panel.render(into: &buffer, rect: parts[2], context: context)
        case .answered(let panel):
            panel.render(into: &buffer, rect: parts[2], context: context)
        default: break
        }
    }

    private var helpEntries: [HelpScreen.Entry] {
        current.helpEntries + [
            HelpScreen.Entry("1-\(views.count)", "jump to a view (" + views.map(\.title).joined(separator: ", ") + ")"),
            HelpScreen.Entry(":theme NAME", "switch theme (\(settings.catalog.names.joined(separator: ", ")))"),
            HelpScreen.Entry(":q", "quit (:q! without asking)"),
        ]
    }

    private func renderTitle(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let style = context.theme[.title]
        buffer.fill(rect, style: style)
        let readOnly = settings.readOnly ? " · READ-ONLY" : ""
        guard let s = snapshot.status else {
            buffer.write(CellWidth.fit(" filtop" + readOnly, rect.width, ellipsis: context.glyphs.ellipsis), x: rect.x, y: rect.y, style: style, clip: rect)
            return
        }
        // The node ID gives way first (cut in the middle), so the uptime always shows.
        let roles = " · " + s.roles.map(\.rawValue).joined(separator: ",")
        let uptime = " · up \(ConsoleFormat.duration(context.now.timeIntervalSince(s.startedAt)))"
        let fixed = CellWidth.of(" filtop · " + roles + uptime + readOnly)
        let idRoom = rect.width - fixed
        let id = idRoom >= CellWidth.of(s.nodeID) ? s.nodeID : ConsoleFormat.shortID(s.nodeID, max(5, idRoom))
        let line = " filtop · " + id + roles + uptime + readOnly
        buffer.write(CellWidth.fit(line, rect.width, ellipsis: context.glyphs.ellipsis), x: rect.x, y: rect.y, style: style, clip: rect)
    }
}
