import Foundation

/// A raw TCP socket bound to 127.0.0.1 on a free port, for tests that need a port in a
/// known state: bound but refusing (a node that is down), listening but silent, or
/// released again (a free port for a process to take).
public struct LoopbackSocket {
    public let descriptor: Int32
    public let port: Int

    /// Binds (and, when `listening`, listens on) a fresh socket; nil when the system refuses.
    public init?(listening: Bool) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && (!listening || listen(fd, 4) == 0) && getsockname(fd, $0, &length) == 0
            }
        }
        guard ready else {
            _ = Foundation.close(fd)
            return nil
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    public func close() { _ = Foundation.close(descriptor) }

    /// A port that was free a moment ago (bound and released; another process may take it
    /// first, a race tests accept where the port must be given to a child process).
    public static func freePort() -> Int? {
        guard let socket = LoopbackSocket(listening: false) else { return nil }
        socket.close()
        return socket.port
    }
}
