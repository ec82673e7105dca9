import Fluent
import Foundation

/// Where a workspace wants its events: a URL, a signing secret (in `secrets`), the event kinds wanted.
final class WebhookEndpoint: Model, @unchecked Sendable {
    static let schema = "webhook_endpoints"

    @ID(key: .id) var id: UUID?
    @Field(key: "workspace_id") var workspaceID: UUID
    @Field(key: "url") var url: String
    @Field(key: "secret_secret_id") var secretSecretID: UUID
    /// JSON array of `EventKind` raw values; `["*"]` means every kind.
    @Field(key: "event_kinds") var eventKinds: String
    @Field(key: "is_active") var isActive: Bool
    @OptionalField(key: "created_by") var createdBy: String?
    @OptionalField(key: "updated_by") var updatedBy: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var kinds: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(eventKinds.utf8))) ?? []
    }

    func wants(_ kind: EventKind) -> Bool {
        let kinds = self.kinds
        return kinds.contains("*") || kinds.contains(kind.rawValue)
    }
}
