import AsyncHTTPClient
import Vapor
import WhatsAppCloud

/// The built-in Meta Graph API and Evolution API emulator: its own Vapor application and listener, so it
/// runs beside another Vapor app in the same process, or alone (`SandboxCommand`).
///
/// Control it over HTTP (`/sandbox/...`) or directly through `state`.
public final class SandboxServer: Sendable {
    public let configuration: SandboxConfiguration
    /// Numbers, templates, windows, media, sent messages, faults and counters.
    public let state: SandboxState
    let dispatcher: WebhookDispatcher
    let tasks = BackgroundTasks()
    private let running = Running()

    public init(configuration: SandboxConfiguration = SandboxConfiguration(), httpClient: HTTPClient = .shared) {
        self.configuration = configuration
        state = SandboxState(
            seed: configuration.seed ?? UInt64.random(in: 0...UInt64.max), timing: configuration.webhookTiming,
            sentLogLimit: configuration.sentLogLimit)
        dispatcher = WebhookDispatcher(httpClient: httpClient, retry: configuration.webhookRetry, state: state, logger: configuration.logger)
    }

    /// Starts listening and returns the bound port (useful with `port: 0`, which picks a free one).
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let app = try await Application.make(Environment(name: "sandbox", arguments: ["sandbox"]))
        app.logger = configuration.logger
        app.routes.defaultMaxBodySize = "1mb"
        app.middleware = Middlewares()
        app.middleware.use(ErrorMiddleware.default(environment: app.environment))
        let statuses = StatusWebhooks(dispatcher: dispatcher, tasks: tasks)
        GraphRoutes(state: state, statuses: statuses).register(on: app.routes)
        ControlRoutes(server: self).register(on: app.routes)
        EvolutionRoutes(state: state, events: EvolutionEvents(dispatcher: dispatcher), apiKey: configuration.evolutionAPIKey)
            .register(on: app.routes)
        do {
            try await app.asyncBoot()
            try await app.server.start(address: .hostname(host, port: port))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        await running.set(app)
        guard let bound = app.http.server.shared.localAddress?.port else { return port }
        configuration.logger.info("sandbox listening on http://\(host):\(bound)")
        return bound
    }

    /// Stops the listener and cancels webhook deliveries under way.
    public func shutdown() async {
        await tasks.cancelAll()
        guard let app = await running.take() else { return }
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }

    /// Delivers a user message to the number's webhook, signed, as `POST /sandbox/inbound` does.
    public func injectInbound(_ injection: InboundInjection) async throws(InboundInjection.Invalid) -> InjectionResult {
        guard let number = await state.number(injection.phoneNumberId) else {
            throw InboundInjection.Invalid(description: "no number \(injection.phoneNumberId)")
        }
        let (wamid, value) = await state.receive(injection, number: number)
        let body = MetaJSON.encode(MetaJSON.envelope(wabaId: number.wabaId, value: value))
        let copies = await state.webhookCopies(phoneNumberId: number.phoneNumberId)
        var delivery: DeliveryResult?
        for _ in 0..<copies { delivery = await dispatcher.deliver(body, to: number.webhookURL, appSecret: number.appSecret) }
        return InjectionResult(wamid: wamid, copies: copies, delivery: delivery)
    }

    /// Posts `body` byte for byte to the number's webhook, signed with its app secret.
    public func deliverRaw(_ body: [UInt8], phoneNumberId: String) async -> DeliveryResult? {
        guard let number = await state.number(phoneNumberId) else { return nil }
        return await dispatcher.deliver(body, to: number.webhookURL, appSecret: number.appSecret)
    }

    private actor Running {
        private var app: Application?
        func set(_ app: Application) { self.app = app }
        func take() -> Application? {
            defer { app = nil }
            return app
        }
    }
}
