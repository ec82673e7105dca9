import SQLKit
import Vapor

/// Liveness, readiness (the database answers) and Prometheus metrics.
struct OperationsRoutes {
    func register(on routes: RoutesBuilder) {
        routes.get("health", "live") { _ in HealthDTO(status: "ok") }
        routes.get("health", "ready", use: ready)
        routes.get("metrics", use: metrics)
    }

    func ready(_ req: Request) async throws -> Response {
        let start = ContinuousClock.now
        do {
            try await req.db.sql.raw("SELECT 1").run()
        } catch {
            req.logger.warning("readiness check failed: the database did not answer")
            throw Problem(.serviceUnavailable, type: "not_ready", detail: "The database is not reachable.")
        }
        req.switchboard.metrics.recordOperation("health.ready", duration: ContinuousClock.now - start)
        return try await HealthDTO(status: "ready").encodeResponse(for: req)
    }

    func metrics(_ req: Request) async throws -> Response {
        let services = req.switchboard
        let poolSize: Int
        switch services.config.database {
        case .sqlite: poolSize = 1
        case .postgres: poolSize = services.config.databasePoolSize
        }
        services.metrics.setGauge("db_pool_max_connections", help: "Database connections allowed per event loop",
                                  value: Double(poolSize), labels: [("driver", services.config.database.driverName)])
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: services.metrics.render()))
    }
}

struct HealthDTO: Content {
    var status: String
}

extension SwitchboardConfig.Database {
    var driverName: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgresql"
        }
    }
}
