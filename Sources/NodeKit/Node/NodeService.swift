/// A part of a node built from its config: one per role (register, gateway, client, …)
/// plus the node's own control service.
///
/// `Node` builds the services, lets each install its message handlers into the router,
/// then starts them in order and stops them in reverse. A service owns its messages,
/// handlers, tables and events; adding one needs no edit to `Node`'s dispatch.
public protocol NodeService: Sendable {
    /// Installs this service's request handlers (called once, before the node listens).
    func install(into router: RequestRouter)
    /// Starts background work (called after the node listens).
    func start() async
    /// Stops background work; must return promptly.
    func stop() async
}

extension NodeService {
    public func install(into router: RequestRouter) {}
    public func start() async {}
    public func stop() async {}
}
