import Foundation
import Testing
@testable import NodeKit

@Suite struct RouterTests {
    private let peer = KeyPair().publicKey

    private func refusal(_ answer: Envelope) throws -> Refusal {
        #expect(answer.type == .refusal)
        return try answer.message(as: Refusal.self)
    }

    @Test func dispatchesByTypeAndKeepsTheRequestID() async throws {
        let router = RequestRouter()
        router.on(ListNodes.self) { message, from in
            #expect(from == peer && message.region == "eu")
            return NodeList(records: [])
        }
        let answer = await router.answer(Envelope(ListNodes(region: "eu"), requestID: 42), from: peer)
        #expect(answer.type == .nodeList && answer.requestID == 42)
        #expect(router.served == [.listNodes])
    }

    @Test func unservedBadAndFailedRequestsAreTypedRefusals() async throws {
        struct Internal: Error {}
        let router = RequestRouter()
        router.on(ListNodes.self) { _, _ in throw RegisterError.unknownNode("fidx") }
        router.on(DeregisterNode.self) { _, _ in throw Internal() }
        let notServed = try refusal(await router.answer(Envelope(ControlStatusRequest(), requestID: 1), from: peer))
        #expect(notServed.code == .notServed && notServed.message.contains("ControlStatusRequest"))
        let bad = try refusal(await router.answer(Envelope(type: .listNodes, requestID: 2, body: .text("x")), from: peer))
        #expect(bad.code == .invalidMessage)
        let typed = try refusal(await router.answer(Envelope(ListNodes(), requestID: 3), from: peer))
        #expect(typed.code == .notFound && typed.message == RegisterError.unknownNode("fidx").description)
        let failed = try refusal(await router.answer(Envelope(DeregisterNode(node: peer.nodeID), requestID: 4), from: peer))
        #expect(failed.code == .failed && !failed.message.contains("Internal"))
    }

    @Test func immediateHandlersAnswerAtOnceOrLeaveItToTheTask() async throws {
        let router = RequestRouter()
        router.on(ListNodes.self) { _, _ in NodeList(records: []) }
        router.onImmediate(ListNodes.self) { message, _ in
            if message.region == "bad" { throw RegisterError.unknownNode("fidx") }
            return message.region == "eu" ? NodeList(records: []) : nil
        }
        let now = try #require(router.answerImmediately(Envelope(ListNodes(region: "eu"), requestID: 7), from: peer))
        #expect(now.type == .nodeList && now.requestID == 7)
        // Declined: the router's async handler answers.
        #expect(router.answerImmediately(Envelope(ListNodes(region: "us"), requestID: 8), from: peer)?.type == nil)
        #expect(await router.answer(Envelope(ListNodes(region: "us"), requestID: 8), from: peer).type == .nodeList)
        // A thrown error is the same typed refusal as from the async path; a bad body too.
        let refused = try refusal(try #require(router.answerImmediately(Envelope(ListNodes(region: "bad"), requestID: 9), from: peer)))
        #expect(refused.code == .notFound)
        let bad = try refusal(try #require(router.answerImmediately(Envelope(type: .listNodes, requestID: 10, body: .text("x")), from: peer)))
        #expect(bad.code == .invalidMessage)
        // A type without an immediate handler is never answered at once.
        #expect(router.answerImmediately(Envelope(ControlStatusRequest(), requestID: 11), from: peer)?.type == nil)
    }

    @Test func handlersRunConcurrently() async throws {
        // Two requests whose handlers each wait for the other: only concurrent dispatch
        // lets both finish.
        let router = RequestRouter()
        let arrived = Locked(0)
        router.on(ListNodes.self) { _, _ in
            arrived.withLock { $0 += 1 }
            while arrived.withLock({ $0 }) < 2 { await Task.yield() }
            return NodeList(records: [])
        }
        async let a = router.answer(Envelope(ListNodes(), requestID: 1), from: peer)
        async let b = router.answer(Envelope(ListNodes(), requestID: 2), from: peer)
        let answers = await [a, b]
        #expect(answers.map(\.type) == [.nodeList, .nodeList])
    }

    @Test func refusalsCrossTheWireAsTheSameTypedError() throws {
        for code in RefusalCode.allCases {
            let sent = Refusal(code, "what went wrong: \(code)")
            let received = try Envelope(decoding: Array(Envelope(sent, requestID: 9).encoded))
            let error = #expect(throws: Refusal.self) { _ = try received.answer(as: NodeList.self) }
            #expect(error == sent)
        }
        // An unknown code from a newer peer keeps its message.
        let newer = Envelope(type: .refusal, requestID: 1, body: .map(["code": .text("fromTheFuture"), "message": .text("m")]))
        #expect(try newer.message(as: Refusal.self) == Refusal(.unknown, "m"))
    }
}
