/// The body of `POST /{phone-number-id}/messages` that sends a message.
public struct OutgoingMessage: Hashable, Sendable, Codable {
    /// Always `whatsapp`.
    public var messagingProduct: String
    /// `individual` (Meta's default when absent) or `group`.
    public var recipientType: String?
    /// A phone number (E.164, with or without `+`) or a group id. Either this or `recipient` is needed.
    public var to: String?
    /// A business-scoped user id (BSUID), the alternative to `to` for users known only by username.
    public var recipient: String?
    /// Makes the message a reply to an earlier one.
    public var context: ReplyContext?
    /// Opaque tracking data that Meta echoes back in the status webhooks of this message.
    public var bizOpaqueCallbackData: String?
    /// Deliver only if the user's identity key still has this hash.
    public var recipientIdentityKeyHash: String?
    public var content: Content
    /// Meta infers `type` from the content key, and two of its own examples leave it out; decoding records
    /// whether it was there so a forwarded body keeps its shape. New messages always write it.
    public var includesTypeField: Bool

    public init(
        to: String? = nil, recipient: String? = nil, recipientType: String? = nil, context: ReplyContext? = nil,
        bizOpaqueCallbackData: String? = nil, recipientIdentityKeyHash: String? = nil, content: Content
    ) {
        self.messagingProduct = "whatsapp"
        self.recipientType = recipientType
        self.to = to
        self.recipient = recipient
        self.context = context
        self.bizOpaqueCallbackData = bizOpaqueCallbackData
        self.recipientIdentityKeyHash = recipientIdentityKeyHash
        self.content = content
        self.includesTypeField = true
    }

    public struct ReplyContext: Hashable, Sendable, Codable {
        public var messageID: String

        public init(messageID: String) { self.messageID = messageID }

        enum CodingKeys: String, CodingKey { case messageID = "message_id" }
    }

    /// What is sent; the case name is the JSON `type` and the key holding the payload.
    public enum Content: Hashable, Sendable {
        case text(Text)
        case image(Media)
        case audio(Media)
        case video(Media)
        case document(Media)
        case sticker(Media)
        case location(Location)
        case contacts([Contact])
        case reaction(Reaction)
        case interactive(Interactive)
        case template(Template)

        public var type: String {
            switch self {
            case .text: "text"
            case .image: "image"
            case .audio: "audio"
            case .video: "video"
            case .document: "document"
            case .sticker: "sticker"
            case .location: "location"
            case .contacts: "contacts"
            case .reaction: "reaction"
            case .interactive: "interactive"
            case .template: "template"
            }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product", recipientType = "recipient_type", to, recipient, context
        case bizOpaqueCallbackData = "biz_opaque_callback_data"
        case recipientIdentityKeyHash = "recipient_identity_key_hash"
        case type, text, image, audio, video, document, sticker, location, contacts, reaction, interactive, template
    }

    private static let contentKeys: [CodingKeys] = [
        .text, .image, .audio, .video, .document, .sticker, .location, .contacts, .reaction, .interactive, .template,
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messagingProduct = try container.decode(String.self, forKey: .messagingProduct)
        recipientType = try container.decodeIfPresent(String.self, forKey: .recipientType)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        recipient = try container.decodeIfPresent(String.self, forKey: .recipient)
        context = try container.decodeIfPresent(ReplyContext.self, forKey: .context)
        bizOpaqueCallbackData = try container.decodeIfPresent(String.self, forKey: .bizOpaqueCallbackData)
        recipientIdentityKeyHash = try container.decodeIfPresent(String.self, forKey: .recipientIdentityKeyHash)

        let declaredType = try container.decodeIfPresent(String.self, forKey: .type)
        includesTypeField = declaredType != nil
        let key: CodingKeys
        if let declaredType {
            guard let declared = CodingKeys(stringValue: declaredType), Self.contentKeys.contains(declared) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .type, in: container, debugDescription: "unsupported message type \(declaredType)")
            }
            key = declared
        } else {
            let present = Self.contentKeys.filter(container.contains)
            guard present.count == 1, let only = present.first else {
                throw DecodingError.dataCorruptedError(
                    forKey: .type, in: container,
                    debugDescription: "without `type`, exactly one content key is needed (found \(present.count))")
            }
            key = only
        }

        switch key {
        case .text: content = .text(try container.decode(Text.self, forKey: key))
        case .image: content = .image(try container.decode(Media.self, forKey: key))
        case .audio: content = .audio(try container.decode(Media.self, forKey: key))
        case .video: content = .video(try container.decode(Media.self, forKey: key))
        case .document: content = .document(try container.decode(Media.self, forKey: key))
        case .sticker: content = .sticker(try container.decode(Media.self, forKey: key))
        case .location: content = .location(try container.decode(Location.self, forKey: key))
        case .contacts: content = .contacts(try container.decode([Contact].self, forKey: key))
        case .reaction: content = .reaction(try container.decode(Reaction.self, forKey: key))
        case .interactive: content = .interactive(try container.decode(Interactive.self, forKey: key))
        default: content = .template(try container.decode(Template.self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(messagingProduct, forKey: .messagingProduct)
        try container.encodeIfPresent(recipientType, forKey: .recipientType)
        try container.encodeIfPresent(to, forKey: .to)
        try container.encodeIfPresent(recipient, forKey: .recipient)
        try container.encodeIfPresent(context, forKey: .context)
        try container.encodeIfPresent(bizOpaqueCallbackData, forKey: .bizOpaqueCallbackData)
        try container.encodeIfPresent(recipientIdentityKeyHash, forKey: .recipientIdentityKeyHash)
        if includesTypeField { try container.encode(content.type, forKey: .type) }
        switch content {
        case .text(let value): try container.encode(value, forKey: .text)
        case .image(let value): try container.encode(value, forKey: .image)
        case .audio(let value): try container.encode(value, forKey: .audio)
        case .video(let value): try container.encode(value, forKey: .video)
        case .document(let value): try container.encode(value, forKey: .document)
        case .sticker(let value): try container.encode(value, forKey: .sticker)
        case .location(let value): try container.encode(value, forKey: .location)
        case .contacts(let value): try container.encode(value, forKey: .contacts)
        case .reaction(let value): try container.encode(value, forKey: .reaction)
        case .interactive(let value): try container.encode(value, forKey: .interactive)
        case .template(let value): try container.encode(value, forKey: .template)
        }
    }
}
