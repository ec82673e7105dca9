import Vapor

/// `switchboard worker`: dispatches the outbox and delivers events without serving HTTP, so sending scales
/// apart from the API.
/// PostgreSQL only: SQLite has one writer, and `serve` dispatches itself.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "lanes", help: "Dispatch loops in this process (default 2)") var lanes: Int?
    }

    var help: String { "Sends queued messages (PostgreSQL; run alongside serve, as many as you like)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard app.switchboard.config.database.isPostgres else {
            throw ConfigError(variable: "DATABASE_URL", problem: "worker needs PostgreSQL; with SQLite, serve dispatches by itself")
        }
        let lanes = signature.lanes ?? 2
        guard (1...16).contains(lanes) else { throw ConfigError(variable: "--lanes", problem: "must be from 1 to 16") }
        let workers = try await BackgroundWork.start(app, lanes: lanes)
        context.console.info("Switchboard worker is dispatching with \(lanes) lanes.")
        await ServeCommand.waitForTermination()
        context.console.info("Shutting down: finishing in-flight sends.")
        await workers.stop()
    }
}

/// What runs beside the HTTP server: the outbox dispatcher and the deliverer of workspace events.
struct BackgroundWork {
    var dispatcher: OutboxDispatcher?
    var deliverer: EventDeliverer?

    static func start(_ app: Application, lanes: Int) async throws -> BackgroundWork {
        var work = BackgroundWork()
        try await OutboxClaims.releaseStaleLeases(in: "event_deliveries", on: app.db)
        let deliverer = EventDeliverer(app: app, owner: "deliverer-\(UUID().uuidString.prefix(8).lowercased())")
        deliverer.start()
        work.deliverer = deliverer
        if lanes > 0 {
            var settings = DispatchSettings()
            settings.lanes = lanes
            let dispatcher = OutboxDispatcher(app: app, settings: settings)
            try await dispatcher.start()
            work.dispatcher = dispatcher
        }
        return work
    }

    func stop() async {
        await dispatcher?.stop()
        await deliverer?.stop()
    }
}
