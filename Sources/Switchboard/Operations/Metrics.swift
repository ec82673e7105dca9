import Foundation
import Prometheus

/// The Prometheus registry of one app, kept per app (not in the global MetricsSystem) so tests can build many apps.
public final class SwitchboardMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                             .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                             .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]

    public init() {}

    /// Counts a request and records its latency, by route template (never the raw path) and status.
    public func recordRequest(method: String, route: String, status: UInt, duration: Duration) {
        registry.makeCounter(
            descriptor: .init(namespace: "switchboard", metricName: "http_requests", unitName: "total", helpText: "HTTP requests by route template and status"),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "switchboard", metricName: "http_request_duration", unitName: "seconds", helpText: "HTTP request latency by route template"),
            labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Records how long one service operation took (accounts, messaging, ...).
    public func recordOperation(_ name: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "switchboard", metricName: "operation_duration", unitName: "seconds", helpText: "Service operation latency"),
            labels: [("operation", name)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Counts send attempts by outcome: sent, failed, retry, reauthorize.
    public func countSends(outcome: String, count: Int) {
        registry.makeCounter(
            descriptor: .init(namespace: "switchboard", metricName: "send_attempts", unitName: "total", helpText: "Outbound send attempts by outcome"),
            labels: [("outcome", outcome)]
        ).increment(by: Int64(count))
    }

    public func setGauge(_ name: String, help: String, value: Double, labels: [(String, String)] = []) {
        registry.makeGauge(descriptor: .init(namespace: "switchboard", metricName: name, unitName: "", helpText: help), labels: labels)
            .set(value)
    }

    public func render() -> String { registry.emitToString() }
}
