import ArgumentParser
import Foundation
import NodeKit

/// `filtop bench paych`: durable voucher throughput between two nodes on loopback, next
/// to Ed25519 verifications per second on one core measured in the same run.
struct PaychBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paych",
        abstract: "Vouchers created, sent, checked and durably stored per second between two nodes on loopback, next to one core's Ed25519 verifications.")
    @Option(help: "Seconds per measurement, 0.1…3600.") var seconds = 5.0
    @Option(help: "Lanes paid in parallel (vouchers in flight), 1…256.") var lanes = 128

    func validate() throws {
        try BenchLimits.check("--seconds", seconds, in: 0.1...3600)
        try BenchLimits.check("--lanes", lanes, in: 1...256)
    }

    func run() async throws {
        let pair = KeyPair()
        let message = [UInt8](repeating: 7, count: Voucher.signedByteCount)
        let signature = pair.sign(message)
        let verifications = BenchCommand.Offers.measure(threads: 1, seconds: min(seconds, 3)) { _ in
            guard pair.publicKey.verify(signature, over: message) else { throw ArgumentError("signature failed") }
        }
        let result = try await PaychBenchmark.run(seconds: seconds, lanes: lanes)
        print(String(format: "Ed25519 verifications, 1 core: %10.0f /s", verifications))
        print(String(format: "durable vouchers:               %10.0f /s  (%.2f x one core's verifications; %d vouchers, %d lanes, %.1f s)",
                     result.perSecond, result.perSecond / verifications, result.vouchers, lanes, result.seconds))
    }
}
