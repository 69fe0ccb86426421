import Foundation

/// The devnet's background retrievals, so a console on the devnet shows deals moving:
/// each client member, every few seconds, retrieves a random sample piece of the devnet's
/// providers, found through one gateway (the operator's), which brokers the payment.
///
/// Each client writes to its own `retrieved/` directory, one file per piece: the file of
/// an earlier retrieval of the same piece (and its partial-retrieval sidecar) is replaced
/// — these are the devnet's own scratch files, nothing else is touched. Errors are noted in
/// the client's journal and the client tries again later.
public final class DevnetTraffic: Sendable {
    private let tasks: [Task<Void, Never>]

    /// Starts a retrieval loop for each client member of `devnet`, through `gateway`,
    /// waiting `pause` seconds (a random value in the range) before each retrieval.
    public init(devnet: Devnet, gateway: NodeID, clock: any NodeClock = SystemClock(), pause: ClosedRange<Double> = 2...6) {
        let providers = devnet.members.filter { $0.node.context.roles.contains(.provider) }
        tasks = devnet.members.filter { $0.node.context.roles.contains(.client) }.map { client in
            Task { await Self.loop(client, providers: providers, gateway: gateway, clock: clock, pause: pause) }
        }
    }

    /// Stops every loop (a retrieval under way stays where it is and resumes with its node).
    public func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    private static func loop(_ client: Devnet.Member, providers: [Devnet.Member], gateway: NodeID, clock: any NodeClock, pause: ClosedRange<Double>) async {
        let node = client.node
        let directory = client.directory.path + "/retrieved"
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: .milliseconds(Int64(Double.random(in: pause) * 1000)))
                var pieces: [String] = []
                for provider in providers { pieces += try await provider.node.context.blockstore.pieceCIDs() }
                guard let piece = pieces.randomElement() else { continue }
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let output = directory + "/" + piece + ".bin"
                for path in [output, output + ".filtop-partial"] where FileManager.default.fileExists(atPath: path) {
                    try FileManager.default.removeItem(atPath: path)
                }
                let started = try await node.retrieval.retrieve(RetrievalOrder(target: piece, output: output, gateway: gateway))
                var after = node.journal.lastSequence
                while !Task.isCancelled, try await node.retrieval.retrieval(started.id).status == .running {
                    after = await node.journal.wait(after: after, timeout: .seconds(5), clock: clock, limit: 1_000).last?.sequence ?? after
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                node.context.note(.warning, .deal, "devnet traffic: \(error)")
                try? await clock.sleep(for: .seconds(10))
            }
        }
    }
}
