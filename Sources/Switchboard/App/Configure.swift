import Fluent
import Vapor

/// Builds a Switchboard app: services, database, routes and middleware. Tests call it once per test.
public func configure(_ app: Application, config: SwitchboardConfig, clients: SwitchboardClients = .live) async throws {
    let keys = try MasterKeyRing.load(config.masterKey, random: clients.random)
    let box = SecretBox(current: keys.current, previous: keys.previous)
    app.storage[ServicesKey.self] = SwitchboardServices(
        config: config, clients: clients,
        secrets: SecretStore(box: box, clock: clients.clock),
        metrics: SwitchboardMetrics(),
        loginThrottle: LoginThrottle(clock: clients.clock),
        passwords: PasswordHasher(cost: config.passwordCost),
        decisions: DecisionCache(clock: clients.clock),
        routingCandidates: RoutingCandidateCache(clock: clients.clock),
        endpoints: ProviderEndpoints(graphURL: config.graphURL, sandboxURL: config.sandboxURL))

    app.logger.logLevel = config.logLevel
    app.http.server.configuration.hostname = config.host
    app.http.server.configuration.port = config.port
    app.http.server.configuration.serverName = "Switchboard"
    app.routes.defaultMaxBodySize = "64kb"
    app.fluent.migrationLogLevel = .debug

    let encoder = JSONEncoder.api
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(decoder: decoder, for: .json)

    try app.configureDatabase(config)
    app.useInboundBatcher()
    try registerRoutes(app)

    app.middleware = Middlewares()
    app.middleware.use(RequestLogMiddleware(metrics: app.switchboard.metrics))
    app.middleware.use(ProblemMiddleware(routes: app.routes))
}

/// Every route of the server; each capability registers its own.
func registerRoutes(_ app: Application) throws {
    OperationsRoutes().register(on: app.routes)
    WhatsAppWebhookRoutes().register(on: app.routes)
    app.get("openapi.json") { req in
        try OpenAPIDocument.build(routes: req.application.routes.all,
                                  serverURL: req.switchboard.config.publicURL?.absoluteString).response()
    }
    let api = app.grouped("api", "v1").grouped(APIGuard())
    TenancyAPI().register(on: api)
    AccountsAPI().register(on: api)
    ConversationsAPI().register(on: api)
    MessagesAPI().register(on: api)
    WebhookEndpointsAPI().register(on: api)
    DashboardRoutes().register(on: app.routes)
}

extension Application {
    /// Brings the database to the latest schema and tunes it; `serve` and tests call it before anything else.
    public func prepareDatabase() async throws {
        try await autoMigrate()
        try await tuneDatabase()
    }
}
