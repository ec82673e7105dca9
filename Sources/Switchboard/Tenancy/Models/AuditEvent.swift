import Fluent
import Foundation

/// One append-only entry of the audit log. `before` and `after` are JSON with secrets already redacted.
public final class AuditEvent: Model, @unchecked Sendable {
    public static let schema = "audit_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "workspace_id") public var workspaceID: UUID
    @Field(key: "actor_type") public var actorType: String
    @OptionalField(key: "actor_id") public var actorID: String?
    @Field(key: "actor_label") public var actorLabel: String
    @Field(key: "action") public var action: String
    @Field(key: "target_type") public var targetType: String
    @OptionalField(key: "target_id") public var targetID: String?
    @OptionalField(key: "before") public var before: String?
    @OptionalField(key: "after") public var after: String?
    @OptionalField(key: "request_id") public var requestID: String?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}
