import Fluent
import Foundation

/// Who did something, where, and in which request.
public struct AuditContext: Sendable {
    public var actor: Principal.Actor
    public var workspaceID: UUID
    public var requestID: String?

    public init(actor: Principal.Actor, workspaceID: UUID, requestID: String?) {
        self.actor = actor
        self.workspaceID = workspaceID
        self.requestID = requestID
    }
}

/// Writes audit events. Snapshots are redacted here, whatever the caller passed, so a secret never lands in the log.
public enum AuditLog {
    static let secretFieldNames: Set<String> = [
        "password", "passwordhash", "key", "keyhash", "token", "secret", "accesstoken", "appsecret", "apikey",
        "verifytoken", "webhooksecret", "ciphertext", "tokenhash",
    ]

    public static func record<Before: Encodable, After: Encodable>(
        _ action: String, target: (type: String, id: String?), before: Before?, after: After?,
        context: AuditContext, at time: Date, on db: Database
    ) async throws {
        let event = AuditEvent()
        event.workspaceID = context.workspaceID
        event.actorType = context.actor.type
        event.actorID = context.actor.id
        event.actorLabel = context.actor.label
        event.action = action
        event.targetType = target.type
        event.targetID = target.id
        event.before = try before.map(snapshot)
        event.after = try after.map(snapshot)
        event.requestID = context.requestID
        event.createdAt = time
        try await event.create(on: db)
    }

    public static func record<After: Encodable>(
        _ action: String, target: (type: String, id: String?), after: After?, context: AuditContext, at time: Date, on db: Database
    ) async throws {
        try await record(action, target: target, before: Optional<After>.none, after: after, context: context, at: time, on: db)
    }

    /// JSON of a value with every secret-named field replaced by "[redacted]".
    static func snapshot<T: Encodable>(_ value: T) throws -> String {
        let data = try JSONEncoder.api.encode(value)
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        let clean = redact(object)
        let out = try JSONSerialization.data(withJSONObject: clean, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        return String(decoding: out, as: UTF8.self)
    }

    static func redact(_ value: Any) -> Any {
        if let dictionary = value as? [String: Any] {
            var result: [String: Any] = [:]
            for (key, inner) in dictionary {
                let lowered = key.lowercased().replacingOccurrences(of: "_", with: "")
                let isSecret = secretFieldNames.contains(lowered) || lowered.hasSuffix("secret")
                    || lowered.hasSuffix("token") || lowered.hasSuffix("password")
                result[key] = isSecret ? "[redacted]" : redact(inner)
            }
            return result
        }
        if let array = value as? [Any] { return array.map(redact) }
        return value
    }
}

extension JSONEncoder {
    /// The API's JSON: ISO 8601 dates, stable key order.
    public static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
