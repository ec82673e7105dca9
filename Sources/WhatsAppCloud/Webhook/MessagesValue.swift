/// `value` of a `messages` change: for one business phone number, inbound messages, statuses of sent
/// messages, or errors.
public struct MessagesValue: Hashable, Sendable, Decodable {
    public var messagingProduct: String?
    public var metadata: Metadata
    public var contacts: [WebhookContact]
    public var messages: [InboundMessage]
    public var statuses: [Status]
    /// Errors about the whole change, for example an unsupported payload (131000).
    public var errors: [WebhookError]

    /// The business-scoped user id of a message's sender: on the message itself, or on the contact with
    /// the same phone number.
    public func userID(of message: InboundMessage) -> String? {
        message.fromUserID ?? contacts.first { $0.waID != nil && $0.waID == message.from }?.userID
    }

    private enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product", metadata, contacts, messages, statuses, errors
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messagingProduct = try container.decodeIfPresent(String.self, forKey: .messagingProduct)
        metadata = try container.decode(Metadata.self, forKey: .metadata)
        contacts = try container.decodeIfPresent([WebhookContact].self, forKey: .contacts) ?? []
        messages = try container.decodeIfPresent([InboundMessage].self, forKey: .messages) ?? []
        statuses = try container.decodeIfPresent([Status].self, forKey: .statuses) ?? []
        errors = try container.decodeIfPresent([WebhookError].self, forKey: .errors) ?? []
    }
}

/// `value.metadata`: which business number the change is about. Route tenants on `phoneNumberID`.
public struct Metadata: Hashable, Sendable, Codable {
    public var displayPhoneNumber: String?
    public var phoneNumberID: String

    public init(displayPhoneNumber: String? = nil, phoneNumberID: String) {
        self.displayPhoneNumber = displayPhoneNumber
        self.phoneNumberID = phoneNumberID
    }

    enum CodingKeys: String, CodingKey {
        case displayPhoneNumber = "display_phone_number", phoneNumberID = "phone_number_id"
    }
}

/// `value.contacts[]`: the user a change is about. The phone number (`waID`) may be absent for users with a
/// username; the business-scoped `userID` is the stable key.
public struct WebhookContact: Hashable, Sendable, Codable {
    public var profile: Profile?
    public var waID: String?
    public var userID: String?
    public var parentUserID: String?

    public init(profile: Profile? = nil, waID: String? = nil, userID: String? = nil, parentUserID: String? = nil) {
        self.profile = profile
        self.waID = waID
        self.userID = userID
        self.parentUserID = parentUserID
    }

    public struct Profile: Hashable, Sendable, Codable {
        public var name: String?
        public var username: String?

        public init(name: String? = nil, username: String? = nil) {
            self.name = name
            self.username = username
        }
    }

    enum CodingKeys: String, CodingKey {
        case profile, waID = "wa_id", userID = "user_id", parentUserID = "parent_user_id"
    }
}

/// `value` of an `smb_message_echoes` change: copies of messages sent from the WhatsApp Business app on a
/// number shared with the Cloud API. Each echo has `to`/`toUserID` set.
public struct MessageEchoesValue: Hashable, Sendable, Decodable {
    public var metadata: Metadata
    public var contacts: [WebhookContact]
    public var messageEchoes: [InboundMessage]

    private enum CodingKeys: String, CodingKey { case metadata, contacts, messageEchoes = "message_echoes" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(Metadata.self, forKey: .metadata)
        contacts = try container.decodeIfPresent([WebhookContact].self, forKey: .contacts) ?? []
        messageEchoes = try container.decodeIfPresent([InboundMessage].self, forKey: .messageEchoes) ?? []
    }
}
