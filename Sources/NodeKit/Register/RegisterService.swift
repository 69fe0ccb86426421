import Foundation

/// The register role: answers RegisterNode, DeregisterNode and ListNodes from the
/// authoritative store. Writes are accepted only from the node the record belongs to,
/// as proven by the secure session.
public struct RegisterService: Sendable {
    private let store: RegisterStore
    private let clock: @Sendable () -> UInt64

    public init(store: RegisterStore, clock: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970) }) {
        self.store = store
        self.clock = clock
    }

    /// Whether this service answers `type`.
    public static func handles(_ type: MessageType) -> Bool {
        [.registerNode, .deregisterNode, .listNodes].contains(type)
    }

    /// Answers one request from `peer`.
    public func answer(_ request: Envelope, from peer: PublicKey) -> Envelope {
        do {
            switch request.type {
            case .registerNode:
                let record = try request.message(as: RegisterNode.self).record
                guard record.publicKey == peer else {
                    throw RegisterError.notOwner("a record may only be published by its own node (session is \(peer.nodeID))")
                }
                guard record.isLive(at: clock()) else { throw RegisterError.stale("the record expired at \(record.expiry)") }
                let seq = try store.upsert(record)
                return Envelope(RegisterAck(node: record.nodeID, sequence: seq), requestID: request.requestID)
            case .deregisterNode:
                let node = try request.message(as: DeregisterNode.self).node
                guard node == peer.nodeID else { throw RegisterError.notOwner("only \(node) may remove its record") }
                guard try store.remove(node) else { throw RegisterError.unknownNode(node.description) }
                return Envelope(RegisterAck(node: node, sequence: 0), requestID: request.requestID)
            case .listNodes:
                let q = try request.message(as: ListNodes.self)
                let records = try store.list(role: q.role, region: q.region, now: clock())
                return Envelope(NodeList(records: Array(records.prefix(NodeList.maxRecords))), requestID: request.requestID)
            default:
                throw WireError.unexpectedMessageType(expected: .listNodes, actual: request.type)
            }
        } catch {
            return Envelope(InvalidMessage(reason: "\(error)"), requestID: request.requestID)
        }
    }
}
