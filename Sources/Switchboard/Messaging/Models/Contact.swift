import Fluent
import Foundation

/// A person a workspace talks to: a phone number (`wa_id`) and/or Meta's business-scoped user id.
final class Contact: Model, @unchecked Sendable {
    static let schema = "contacts"

    @ID(key: .id) var id: UUID?
    @Field(key: "workspace_id") var workspaceID: UUID
    @OptionalField(key: "wa_id") var waID: String?
    @OptionalField(key: "user_id") var userID: String?
    @OptionalField(key: "profile_name") var profileName: String?
    /// Lower-cased name, number and user id, for case-insensitive search.
    @Field(key: "search_text") var searchText: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    func refreshDerivedFields() {
        searchText = [profileName, waID, userID].compactMap { $0?.lowercased() }.joined(separator: " ")
    }
}
