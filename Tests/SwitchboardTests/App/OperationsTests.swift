import Foundation
@testable import Switchboard
import Testing
import Vapor

@Suite("Operations")
struct OperationsTests {
    @Test("health, readiness and metrics by route template")
    func health() async throws {
        try await withTestApp { app in
            let a = try await Seed.workspace(app, slug: "alpha")
            #expect(try await app.send(.GET, "/health/live").status == .ok)
            #expect(try await app.send(.GET, "/health/ready").json["status"] as? String == "ready")
            _ = try await app.send(.DELETE, "/api/v1/members/\(UUID())", key: a.key(.owner))

            let metrics = try await app.send(.GET, "/metrics")

            #expect(metrics.status == .ok)
            #expect(metrics.text.contains(#"switchboard_http_requests_total{method="DELETE",route="/api/v1/members/:memberID",status="404"} 1"#))
            #expect(metrics.text.contains("switchboard_http_request_duration_seconds_bucket"))
            #expect(metrics.text.contains("switchboard_db_pool_max_connections"))
        }
    }

    @Test("every response carries a request id, and an error names it")
    func requestID() async throws {
        try await withTestApp { app in
            let reply = try await app.send(.GET, "/api/v1/members")
            let id = try #require(reply.headers.first(name: "X-Request-Id"))
            #expect(reply.json["requestId"] as? String == id)
        }
    }
}
