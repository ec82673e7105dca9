import Dispatch
import NIOConcurrencyHelpers
import Vapor

/// `switchboard serve`: migrate, create the demo workspace on first start, serve until SIGTERM or SIGINT,
/// then stop accepting, finish in-flight requests and exit.
struct ServeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "hostname", short: "H", help: "Address to listen on (overrides HOST)") var hostname: String?
        @Option(name: "port", short: "p", help: "Port to listen on (overrides PORT)") var port: Int?
        @Option(name: "admin-email", help: "The first owner's email (overrides SWITCHBOARD_ADMIN_EMAIL)") var adminEmail: String?
        @Option(name: "admin-password", help: "The first owner's password (overrides SWITCHBOARD_ADMIN_PASSWORD)") var adminPassword: String?
    }

    var help: String { "Runs the API and the dashboard (migrating first)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var config = app.switchboard.config
        try config.setAdmin(email: signature.adminEmail, password: signature.adminPassword,
                            emailName: "--admin-email", passwordName: "--admin-password")
        if let port = signature.port, !(1...65535).contains(port) {
            throw ConfigError(variable: "--port", problem: "must be from 1 to 65535")
        }
        app.storage[ServicesKey.self] = app.switchboard.with(config: config)

        try await app.prepareDatabase()
        let outcome = try await Bootstrap.run(app)
        if outcome.created {
            context.console.info("Created the demo workspace and its owner \(outcome.email).")
            if let password = outcome.generatedPassword {
                context.console.info("Owner password (shown once, change it or pass --admin-password): \(password)")
            }
        }

        let host = signature.hostname ?? config.host
        let port = signature.port ?? config.port
        let publicURL = config.publicURL?.absoluteString.trimmingSuffix("/") ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        if config.embeddedSandbox {
            _ = try await EmbeddedSandbox.start(app, callbackURL: publicURL + "/webhooks/whatsapp")
            context.console.info("The built-in Graph API emulator is listening on \(app.switchboard.endpoints.sandboxURL) (sandbox accounts send through it).")
        }
        let workers = try await BackgroundWork.start(app, lanes: config.dispatchLanes)
        try await app.server.start(address: .hostname(host, port: port))
        context.console.info("Switchboard is listening on http://\(host):\(port) (dashboard: http://\(host):\(port)/dashboard)")
        await Self.waitForTermination()
        context.console.info("Shutting down: finishing in-flight requests and sends.")
        await app.server.shutdown()
        await workers.stop()
    }

    /// Suspends until SIGTERM or SIGINT arrives.
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumed = NIOLockedValueBox(false)
            var sources: [DispatchSourceSignal] = []
            for sig in [SIGTERM, SIGINT] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    let first = resumed.withLockedValue { done in
                        defer { done = true }
                        return !done
                    }
                    if first { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

/// Signal sources must outlive the wait; they live for the rest of the process.
enum SignalSources {
    nonisolated(unsafe) private static var retained: [DispatchSourceSignal] = []
    static func keep(_ sources: [DispatchSourceSignal]) { retained.append(contentsOf: sources) }
}

extension SwitchboardServices {
    func with(config: SwitchboardConfig) -> SwitchboardServices {
        SwitchboardServices(config: config, clients: clients, secrets: secrets, metrics: metrics,
                            loginThrottle: loginThrottle, passwords: passwords, decisions: decisions,
                            routingCandidates: routingCandidates, endpoints: endpoints)
    }
}
