import Vapor

/// One structured log line per request, with its request id, route template, status and duration,
/// and the request counters and latency histograms. Query strings are never logged: they may carry tokens.
struct RequestLogMiddleware: AsyncMiddleware {
    let metrics: SwitchboardMetrics

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let duration = ContinuousClock.now - start
        let template = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        metrics.recordRequest(method: request.method.rawValue, route: template, status: response.status.code, duration: duration)
        response.headers.replaceOrAdd(name: "X-Request-Id", value: request.id)
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        request.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(String(request.url.path.prefix(300))),
            "route": .string(template),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.2f", milliseconds)),
        ])
        return response
    }
}
