import Fluent
import Foundation

/// One encrypted secret (an access token, an app secret, a webhook secret).
/// Every secret of the installation lives in this one table, so key rotation walks one table.
public final class StoredSecret: Model, @unchecked Sendable {
    public static let schema = "secrets"

    @ID(key: .id) public var id: UUID?
    @Field(key: "workspace_id") public var workspaceID: UUID
    /// What the secret is for, e.g. `account.access_token`; bound into the ciphertext.
    @Field(key: "purpose") public var purpose: String
    @Field(key: "key_id") public var keyID: String
    /// base64 of nonce, ciphertext and tag (AES-256-GCM combined form).
    @Field(key: "ciphertext") public var ciphertext: String
    /// The last characters, the most any page or response shows.
    @Field(key: "last4") public var last4: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
