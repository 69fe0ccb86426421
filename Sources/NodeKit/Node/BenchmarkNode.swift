import Foundation
import Logging

/// A node of a benchmark run: listening on any free loopback port, using `support` (a
/// node with the register and ledger roles) as its register and ledger, its errors on
/// stderr so a benchmark that fails says why.
enum BenchmarkNode {
    static func start(_ dir: DataDirectory, roles: [String], support: Node?) async throws -> Node {
        try dir.create()
        var config = NodeConfig()
        config.node.listen = "127.0.0.1:0"
        config.node.roles = roles
        if let support { use(support, in: &config) }
        let node = try Node(directory: dir, identity: KeyPair(), config: config, logHandler: { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        })
        try await node.start()
        return node
    }

    /// Points `config`'s register and ledger at `support`.
    static func use(_ support: Node, in config: inout NodeConfig) {
        guard let address = support.listenAddress else { return }
        config.ledger.address = address.description
        config.ledger.nodeID = support.identity.nodeID.description
        config.register.address = address.description
        config.register.nodeID = support.identity.nodeID.description
    }
}
