import Foundation

/// The register role: answers RegisterNode, DeregisterNode and ListNodes from the
/// authoritative store. Writes are accepted only from the node the record belongs to,
/// as proven by the secure session.
public struct RegisterService: NodeService {
    private let store: RegisterStore
    private let context: NodeContext

    public init(context: NodeContext) {
        self.context = context
        store = RegisterStore(database: context.blockstore.database, table: .authoritative)
    }

    public func install(into router: RequestRouter) {
        router.on(RegisterNode.self) { message, peer in
            let record = message.record
            guard record.publicKey == peer else {
                throw RegisterError.notOwner("a record may only be published by its own node (session is \(peer.nodeID))")
            }
            guard record.isLive(at: context.clock.unixSeconds) else { throw RegisterError.stale("the record expired at \(record.expiry)") }
            let sequence = try store.upsert(record)
            context.note(.info, .register, "register: record of \(peer.nodeID.short) published (\(record.roles.sorted().map(\.rawValue).joined(separator: ", ")))")
            return RegisterAck(node: record.nodeID, sequence: sequence)
        }
        router.on(DeregisterNode.self) { message, peer in
            guard message.node == peer.nodeID else { throw RegisterError.notOwner("only \(message.node) may remove its record") }
            guard try store.remove(message.node) else { throw RegisterError.unknownNode(message.node.description) }
            context.note(.info, .register, "register: record of \(peer.nodeID.short) removed")
            return RegisterAck(node: message.node, sequence: 0)
        }
        router.on(ListNodes.self) { message, _ in
            let records = try await store.list(role: message.role, region: message.region, now: context.clock.unixSeconds)
            return NodeList(records: Array(records.prefix(NodeList.maxRecords)))
        }
    }
}

extension RegisterError: RefusalConvertible {
    public var refusal: Refusal {
        switch self {
        case .notOwner: return Refusal(.notOwner, description)
        case .stale: return Refusal(.expired, description)
        case .unknownNode: return Refusal(.notFound, description)
        case .invalidRecord, .invalidAddress: return Refusal(.invalidMessage, description)
        }
    }
}
