import Dispatch
import Vapor

/// `switchboard sandbox`: runs the emulator until SIGINT or SIGTERM, with one number ready to use.
public struct SandboxCommand: AsyncCommand {
    public struct Signature: CommandSignature {
        @Option(name: "host", help: "Address to listen on (default 127.0.0.1).")
        var host: String?
        @Option(name: "port", help: "Port to listen on (default 8090; 0 picks a free one).")
        var port: Int?
        @Option(name: "number", help: "Phone number id of the number to create (default 100000000000001).")
        var number: String?
        @Option(name: "waba", help: "Its WhatsApp Business Account id (default 1 followed by the number id).")
        var waba: String?
        @Option(name: "token", help: "Access token the number accepts (default sandbox-token).")
        var token: String?
        @Option(name: "app-secret", help: "App secret its webhooks are signed with (default sandbox-app-secret).")
        var appSecret: String?
        @Option(name: "callback-url", help: "Where its webhooks are posted (default: nowhere until set).")
        var callbackURL: String?
        @Option(name: "seed", help: "Seed for fault injection and ids, for reproducible runs.")
        var seed: UInt64?
        @Flag(name: "instant", help: "Post status webhooks without delays (benchmarks).")
        var instant: Bool

        public init() {}
    }

    public let help = "Runs the built-in Meta Graph API and Evolution API emulator."
    private let configuration: SandboxConfiguration

    public init(configuration: SandboxConfiguration = SandboxConfiguration()) {
        self.configuration = configuration
    }

    public func run(using context: CommandContext, signature: Signature) async throws {
        var configuration = configuration
        configuration.seed = signature.seed ?? configuration.seed
        if signature.instant { configuration.webhookTiming.instant = true }
        let server = SandboxServer(configuration: configuration)
        let defaults = SandboxNumber(phoneNumberId: signature.number ?? "100000000000001")
        let number = SandboxNumber(
            phoneNumberId: defaults.phoneNumberId, wabaId: signature.waba,
            accessTokens: signature.token.map { [$0] } ?? defaults.accessTokens, appSecret: signature.appSecret ?? defaults.appSecret,
            callbackURL: signature.callbackURL)
        await server.state.upsert(number)
        let host = signature.host ?? "127.0.0.1"
        let port = try await server.start(host: host, port: signature.port ?? 8090)
        context.console.print(
            """
            Switchboard sandbox listening on http://\(host):\(port)
              Graph API base URL  http://\(host):\(port)/v23.0 (any vNN.N)
              phone number id     \(number.phoneNumberId)   WABA id \(number.wabaId)
              access token        \(number.accessTokens.joined(separator: ", "))
              app secret          \(number.appSecret)
              callback URL        \(number.callbackURL ?? "(none: set one with POST /sandbox/numbers)")
              Evolution apikey    \(configuration.evolutionAPIKey)
            """)
        await Self.terminationSignal()
        context.console.print("Stopping the sandbox")
        await server.shutdown()
    }

    /// Returns on the first SIGINT or SIGTERM (both stop being fatal while this waits).
    static func terminationSignal() async {
        final class Sources: @unchecked Sendable { var all: [any DispatchSourceSignal] = [] }
        let sources = Sources()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = DispatchQueue(label: "switchboard.sandbox.signals")
            var resumed = false
            for code in [SIGINT, SIGTERM] {
                signal(code, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: code, queue: once)
                source.setEventHandler {
                    guard !resumed else { return }
                    resumed = true
                    continuation.resume()
                }
                source.resume()
                sources.all.append(source)
            }
        }
        sources.all.forEach { $0.cancel() }
    }
}
