import Fluent
import Foundation

/// A workspace's WhatsApp settings: the platform switch and what stays the workspace's own.
public final class WhatsAppSettings: Model, @unchecked Sendable {
    public static let schema = "whatsapp_settings"

    @ID(key: .id) public var id: UUID?
    @Field(key: "workspace_id") public var workspaceID: UUID
    @Field(key: "use_platform_account") public var usePlatformAccount: Bool
    /// JSON array of E.164 numbers.
    @Field(key: "alert_recipients") public var alertRecipients: String
    /// JSON object: event kind -> on/off.
    @Field(key: "notification_toggles") public var notificationToggles: String
    @OptionalField(key: "signature") public var signature: String?
    @Field(key: "notifications_enabled") public var notificationsEnabled: Bool
    @OptionalField(key: "updated_by") public var updatedBy: String?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
