import Fluent
import Foundation

/// One signed Meta webhook delivery, byte for byte as received. Installation-level: it has no workspace,
/// because one delivery may carry changes of several workspaces; platform admins see it.
final class WebhookDelivery: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "received_at") var receivedAt: Date
    /// `valid` for every stored delivery (unsigned or wrongly signed ones are refused and never stored).
    @Field(key: "signature_status") var signatureStatus: String
    @Field(key: "body") var body: String
    /// Why the body could not be read as a webhook payload; nil when it could.
    @OptionalField(key: "parse_error") var parseError: String?
    @Field(key: "change_count") var changeCount: Int

    init() {}
}

/// A change of a signed delivery that no account with a verifying app secret owns.
final class UnroutedChange: Model, @unchecked Sendable {
    static let schema = "unrouted_changes"

    @ID(key: .id) var id: UUID?
    @Field(key: "delivery_id") var deliveryID: UUID
    @OptionalField(key: "phone_number_id") var phoneNumberID: String?
    /// The entry id (WABA id), for fields that carry no phone number id.
    @OptionalField(key: "business_account_id") var businessAccountID: String?
    @Field(key: "field") var field: String
    @Field(key: "raw") var raw: String
    @Field(key: "received_at") var receivedAt: Date

    init() {}
}
