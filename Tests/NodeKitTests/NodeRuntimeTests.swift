import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// Whole nodes in one process: market logic over the in-memory transport and a manual
/// clock, and the same node over real loopback sockets.
@Suite(.timeLimit(.minutes(2))) struct NodeRuntimeTests {
    @Test func nodesFindEachOtherThroughARegister() async throws {
        try await DevnetBuilder(gateways: 1, providers: 1, clients: 1).run { market in
            let client = try #require(market.member("client-01")).node
            let gateway = try #require(market.member("gateway-01")).node
            let provider = try #require(market.member("provider-01")).node
            #expect(await client.syncWithRegister())
            let ledger = market.devnet.ledger.node
            let peers = try await client.control.registerPeers()
            #expect(Set(peers.records.map(\.nodeID)) == Set([gateway, provider, ledger].map { $0.identity.publicKey.nodeID.description }))
            // The client established with the gateway (and only gateways) and measured it.
            let measured = try #require(peers.records.first { $0.nodeID == gateway.identity.publicKey.nodeID.description })
            #expect(measured.rttMicros != nil && measured.lastSeen == market.clock.now && measured.lastError == nil)
            #expect(peers.records.first { $0.roles == [.provider] }?.rttMicros == nil)
            #expect(try await client.control.status().liveGateways == 1)
            // The register goes away: the client keeps working from its local copy and says so.
            await market.devnet.register.node.stop()
            #expect(await !client.syncWithRegister())
            #expect(try await client.control.registerPeers().records.count == 3)
            #expect(client.journal.events(after: 0).contains { $0.kind == .register && $0.message.contains("register unreachable") })
        }
    }

    @Test func theRegisterIsRefreshedOnTheClock() async throws {
        var builder = DevnetBuilder(gateways: 1)
        builder.refreshSeconds = 60
        try await builder.run { market in
            let clock = try #require(market.manualClock)
            let transport = try #require(market.transport as? InMemoryTransport)
            let start = clock.now
            // The refresh loops of the gateway and the ledger synced once and now wait a whole interval.
            await clock.waitForSleepers(2, until: start.addingTimeInterval(60))
            let before = transport.delivered.withLock { $0 }
            clock.advance(by: .seconds(59))
            #expect(transport.delivered.withLock { $0 } == before)
            clock.advance(by: .seconds(1))
            // Each publishes and lists (two requests), then waits for the next interval.
            await clock.waitForSleepers(2, until: start.addingTimeInterval(120))
            #expect(transport.delivered.withLock { $0 } == before + 4)
        }
    }

    @Test func recordsOfOthersCannotBeWrittenAndRefusalsAreTyped() async throws {
        try await DevnetBuilder(gateways: 1).run { market in
            let gateway = try #require(market.member("gateway-01")).node
            let register = market.devnet.register.node
            let address = try #require(register.listenAddress)
            let intruder = KeyPair()
            let session = try await market.transport.connect(to: address, identity: intruder, expectedPeer: nil, timeout: .seconds(5))
            // Publishing another node's record is refused with notOwner.
            let forged = try gateway.record()
            let error = await #expect(throws: Refusal.self) { _ = try await session.call(RegisterNode(record: forged), expecting: RegisterAck.self) }
            #expect(error?.code == .notOwner)
            // A gateway-only message sent to the register is not served there.
            let challenge = EstablishmentChallenge.random(client: intruder.publicKey.nodeID, now: market.clock.unixSeconds, ttl: 60)
            let notServed = await #expect(throws: Refusal.self) { _ = try await session.call(challenge, expecting: EstablishmentAnswer.self) }
            #expect(notServed?.code == .notServed)
            // An expired challenge is refused by the gateway with `expired`.
            let gatewaySession = try await market.transport.connect(
                to: try #require(gateway.listenAddress), identity: intruder, expectedPeer: gateway.identity.publicKey.nodeID, timeout: .seconds(5))
            let stale = EstablishmentChallenge(client: intruder.publicKey.nodeID, challenge: Array(repeating: 1, count: 32),
                                               expiry: market.clock.unixSeconds - 1)
            let expired = await #expect(throws: Refusal.self) { _ = try await gatewaySession.call(stale, expecting: EstablishmentAnswer.self) }
            #expect(expired?.code == .expired)
        }
    }

    @Test func controlNeedsTheAdminKeyAndStreamsTheJournal() async throws {
        try await DevnetBuilder(providers: 1).run { market in
            let member = try #require(market.member("provider-01"))
            let node = member.node
            let address = try #require(node.listenAddress)
            let stranger = RemoteNodeControl(address: address, adminKey: KeyPair(), expectedPeer: node.identity.publicKey.nodeID,
                                             transport: market.transport, clock: market.clock)
            let refusal = await #expect(throws: Refusal.self) { _ = try await stranger.status() }
            #expect(refusal?.code == .notAdmin && refusal?.message.contains("does not hold an admin key") == true)
            #expect(node.journal.events(after: 0).contains { $0.message.contains("refused control request") })

            let admin = RemoteNodeControl(address: address, adminKey: try KeyFile.load(from: member.adminKeyPath),
                                          expectedPeer: node.identity.publicKey.nodeID, transport: market.transport, clock: market.clock)
            let local = try await node.control.status()
            #expect(try await admin.status() == local)
            // The long poll returns as soon as the journal has something new.
            let last = node.journal.lastSequence
            let waiter = Task { try await admin.eventPage(after: last, wait: .seconds(30)) }
            node.context.note(.info, .log, "something happened")
            #expect(try await waiter.value.map(\.message) == ["something happened"])
            // With nothing new, the poll ends when the node's clock reaches the wait.
            let clock = try #require(market.manualClock)
            // The nodes' payment watchers sleep until the same moment: wait for one more sleeper.
            let deadline = clock.now.addingTimeInterval(5)
            let others = clock.sleeperCount(until: deadline)
            let idle = Task { try await admin.eventPage(after: node.journal.lastSequence, wait: .seconds(5)) }
            await clock.waitForSleepers(others + 1, until: deadline)  // the journal's wait
            clock.advance(by: .seconds(5))
            #expect(try await idle.value.isEmpty)
            await admin.close()
        }
    }

    @Test func overLoopbackTheSameRefusalArrives() async throws {
        try await DevnetBuilder(gateways: 1, clients: 1).loopback().run { market in
            let client = try #require(market.member("client-01"))
            #expect(await client.node.syncWithRegister())
            #expect(try await client.node.control.status().liveGateways == 1)
            let address = try #require(client.node.listenAddress)
            let stranger = RemoteNodeControl(address: address, adminKey: KeyPair(), expectedPeer: client.node.identity.publicKey.nodeID)
            let refusal = await #expect(throws: Refusal.self) { _ = try await stranger.pieces() }
            #expect(refusal?.code == .notAdmin)
            await stranger.close()
            let admin = RemoteNodeControl(address: address, adminKey: try KeyFile.load(from: client.adminKeyPath),
                                          expectedPeer: client.node.identity.publicKey.nodeID)
            #expect(try await admin.registerPeers() == client.node.control.registerPeers())
            await admin.close()
        }
    }
}
