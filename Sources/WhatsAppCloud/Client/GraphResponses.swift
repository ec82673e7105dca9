/// The answer to a sent message. A 200 means accepted, not delivered: delivery comes as status webhooks.
public struct SendMessageResponse: Hashable, Sendable, Codable {
    public var messagingProduct: String?
    public var contacts: [Contact]
    public var messages: [Message]

    public init(messagingProduct: String? = "whatsapp", contacts: [Contact], messages: [Message]) {
        self.messagingProduct = messagingProduct
        self.contacts = contacts
        self.messages = messages
    }

    /// The `wamid`s of the sent message(s); status webhooks refer to them.
    public var messageIDs: [String] { messages.map(\.id) }

    public struct Contact: Hashable, Sendable, Codable {
        /// The `to` value as sent.
        public var input: String?
        /// The normalised WhatsApp id.
        public var waID: String?

        public init(input: String?, waID: String?) {
            self.input = input
            self.waID = waID
        }

        enum CodingKeys: String, CodingKey { case input, waID = "wa_id" }
    }

    public struct Message: Hashable, Sendable, Codable {
        public var id: String
        /// `accepted`, `held_for_quality_assessment` or `paused` (template pacing); often absent.
        public var messageStatus: String?

        public init(id: String, messageStatus: String? = nil) {
            self.id = id
            self.messageStatus = messageStatus
        }

        enum CodingKeys: String, CodingKey { case id, messageStatus = "message_status" }
    }

    enum CodingKeys: String, CodingKey { case messagingProduct = "messaging_product", contacts, messages }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messagingProduct = try container.decodeIfPresent(String.self, forKey: .messagingProduct)
        contacts = try container.decodeIfPresent([Contact].self, forKey: .contacts) ?? []
        messages = try container.decode([Message].self, forKey: .messages)
    }
}

/// `{"success": true}`, the answer of calls that only act.
struct SuccessResponse: Decodable {
    var success: Bool
}

/// `{"id"}`, the answer of a media upload.
struct MediaUploadResponse: Decodable {
    var id: String
}

/// `GET /{media-id}`: where to download the media (the URL expires after 5 minutes) and what it is.
public struct MediaInfo: Hashable, Sendable, Codable {
    public var id: String
    public var url: String
    public var mimeType: String?
    public var sha256: String?
    public var fileSize: Int64?
    public var messagingProduct: String?

    public init(id: String, url: String, mimeType: String? = nil, sha256: String? = nil, fileSize: Int64? = nil) {
        self.id = id
        self.url = url
        self.mimeType = mimeType
        self.sha256 = sha256
        self.fileSize = fileSize
        self.messagingProduct = "whatsapp"
    }

    enum CodingKeys: String, CodingKey {
        case id, url, mimeType = "mime_type", sha256, fileSize = "file_size", messagingProduct = "messaging_product"
    }
}

/// A page of a Graph collection: `{"data":[...],"paging":{...}}`.
public struct GraphPage<Item: Sendable & Hashable & Codable>: Hashable, Sendable, Codable {
    public var data: [Item]
    public var paging: Paging?

    public init(data: [Item], paging: Paging? = nil) {
        self.data = data
        self.paging = paging
    }

    public struct Paging: Hashable, Sendable, Codable {
        public var cursors: Cursors?
        /// The next page's full URL, absent on the last page.
        public var next: String?
        public var previous: String?

        public init(cursors: Cursors? = nil, next: String? = nil, previous: String? = nil) {
            self.cursors = cursors
            self.next = next
            self.previous = previous
        }
    }

    public struct Cursors: Hashable, Sendable, Codable {
        public var before: String?
        public var after: String?

        public init(before: String? = nil, after: String? = nil) {
            self.before = before
            self.after = after
        }
    }
}

/// A message template as listed by `GET /{waba-id}/message_templates`. Components stay JSON: their
/// creation-time shape (UPPERCASE types, examples) differs from the send-time one and is passed through.
public struct MessageTemplate: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var language: String
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, …
    public var status: String
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    public var category: String?
    public var components: [JSONValue]?

    public init(id: String, name: String, language: String, status: String, category: String? = nil, components: [JSONValue]? = nil) {
        self.id = id
        self.name = name
        self.language = language
        self.status = status
        self.category = category
        self.components = components
    }
}

/// The body of `POST /{waba-id}/message_templates`.
public struct TemplateDefinition: Hashable, Sendable, Codable {
    public var name: String
    public var language: String
    public var category: String
    /// HEADER / BODY / FOOTER / BUTTONS objects, with examples, as Meta documents them.
    public var components: [JSONValue]
    /// `positional` or `named`.
    public var parameterFormat: String?

    public init(name: String, language: String, category: String, components: [JSONValue], parameterFormat: String? = nil) {
        self.name = name
        self.language = language
        self.category = category
        self.components = components
        self.parameterFormat = parameterFormat
    }

    enum CodingKeys: String, CodingKey { case name, language, category, components, parameterFormat = "parameter_format" }
}

/// The answer to a template creation.
public struct CreatedTemplate: Hashable, Sendable, Codable {
    public var id: String
    public var status: String?
    public var category: String?

    public init(id: String, status: String? = nil, category: String? = nil) {
        self.id = id
        self.status = status
        self.category = category
    }
}

/// A business phone number, from `GET /{waba-id}/phone_numbers` or `GET /{phone-number-id}`. Which fields
/// are present depends on the `fields` asked for.
public struct PhoneNumber: Hashable, Sendable, Codable {
    public var id: String
    public var displayPhoneNumber: String?
    public var verifiedName: String?
    /// `GREEN`, `YELLOW`, `RED`, `UNKNOWN`.
    public var qualityRating: String?
    public var codeVerificationStatus: String?
    /// `CONNECTED`, `PENDING`, …
    public var status: String?
    public var nameStatus: String?
    public var platformType: String?
    /// `LIVE` or `SANDBOX`.
    public var accountMode: String?
    public var messagingLimitTier: String?
    public var throughput: Throughput?

    public init(id: String, displayPhoneNumber: String? = nil, verifiedName: String? = nil, qualityRating: String? = nil) {
        self.id = id
        self.displayPhoneNumber = displayPhoneNumber
        self.verifiedName = verifiedName
        self.qualityRating = qualityRating
    }

    public struct Throughput: Hashable, Sendable, Codable {
        /// `STANDARD` (80 mps) or `HIGH` (1,000 mps).
        public var level: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, displayPhoneNumber = "display_phone_number", verifiedName = "verified_name"
        case qualityRating = "quality_rating", codeVerificationStatus = "code_verification_status", status
        case nameStatus = "name_status", platformType = "platform_type", accountMode = "account_mode"
        case messagingLimitTier = "messaging_limit_tier", throughput
    }
}

/// An app subscribed to a WABA's webhooks, from `GET /{waba-id}/subscribed_apps`.
public struct SubscribedApp: Hashable, Sendable, Codable {
    public var app: App?
    /// Set when this WABA's webhooks go to a callback other than the app's.
    public var overrideCallbackURI: String?

    public init(app: App?, overrideCallbackURI: String? = nil) {
        self.app = app
        self.overrideCallbackURI = overrideCallbackURI
    }

    public struct App: Hashable, Sendable, Codable {
        public var id: String
        public var name: String?
        public var link: String?

        public init(id: String, name: String? = nil, link: String? = nil) {
            self.id = id
            self.name = name
            self.link = link
        }
    }

    enum CodingKeys: String, CodingKey { case app = "whatsapp_business_api_data", overrideCallbackURI = "override_callback_uri" }
}
