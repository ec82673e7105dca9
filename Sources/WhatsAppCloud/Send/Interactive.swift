/// The `interactive` object: a message with buttons, a list, a link button, a flow, or catalog content.
/// `interactive.type` is derived from `action`, so the two can never disagree.
public struct Interactive: Hashable, Sendable, Codable {
    public var header: InteractiveHeader?
    /// `body.text`; optional only for product kinds.
    public var body: String?
    /// `footer.text`.
    public var footer: String?
    public var action: InteractiveAction

    public init(header: InteractiveHeader? = nil, body: String? = nil, footer: String? = nil, action: InteractiveAction) {
        self.header = header
        self.body = body
        self.footer = footer
        self.action = action
    }

    private enum CodingKeys: String, CodingKey { case type, header, body, footer, action }
    private struct TextObject: Codable { var text: String }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decodeIfPresent(InteractiveHeader.self, forKey: .header)
        body = try container.decodeIfPresent(TextObject.self, forKey: .body)?.text
        footer = try container.decodeIfPresent(TextObject.self, forKey: .footer)?.text
        let type = try container.decode(String.self, forKey: .type)
        action = try InteractiveAction(type: type, from: container.superDecoder(forKey: .action))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(action.type, forKey: .type)
        try container.encodeIfPresent(header, forKey: .header)
        try container.encodeIfPresent(body.map(TextObject.init), forKey: .body)
        try container.encodeIfPresent(footer.map(TextObject.init), forKey: .footer)
        if case .other(_, nil) = action { return }
        try action.encodeAction(to: container.superEncoder(forKey: .action))
    }
}

/// `interactive.header`.
public enum InteractiveHeader: Hashable, Sendable, Codable {
    case text(String)
    case image(Media)
    case video(Media)
    case document(Media)
    /// A header type not modelled here (Meta's own product-list example uses a placeholder type), kept verbatim.
    case other(JSONValue)

    private enum CodingKeys: String, CodingKey { case type, text, image, video, document }

    public init(from decoder: any Decoder) throws {
        let raw = try JSONValue(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "text": self = .text(try container.decode(String.self, forKey: .text))
        case "image": self = .image(try container.decode(Media.self, forKey: .image))
        case "video": self = .video(try container.decode(Media.self, forKey: .video))
        case "document": self = .document(try container.decode(Media.self, forKey: .document))
        default: self = .other(raw)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        func encode(_ type: String, _ key: CodingKeys, _ value: some Encodable) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(value, forKey: key)
        }
        switch self {
        case .text(let text): try encode("text", .text, text)
        case .image(let media): try encode("image", .image, media)
        case .video(let media): try encode("video", .video, media)
        case .document(let media): try encode("document", .document, media)
        case .other(let raw): try raw.encode(to: encoder)
        }
    }
}

/// `interactive.action`, one case per `interactive.type`.
public enum InteractiveAction: Hashable, Sendable {
    /// `button`: up to three reply buttons.
    case buttons([ReplyButton])
    /// `list`: a menu of rows in sections.
    case list(ListAction)
    /// `cta_url`: one button that opens a URL.
    case ctaURL(CTAURLAction)
    /// `flow`: opens a WhatsApp Flow.
    case flow(FlowAction)
    /// `catalog_message`: shows the business catalog.
    case catalogMessage(thumbnailProductRetailerID: String?)
    /// `product`: one catalog item.
    case product(catalogID: String, productRetailerID: String)
    /// `product_list`: catalog items in sections.
    case productList(ProductListAction)
    /// `order_details` (action name `review_and_pay`); its payment parameters are kept as JSON.
    case orderDetails(parameters: JSONValue)
    /// `order_status` (action name `review_order`); its parameters are kept as JSON.
    case orderStatus(parameters: JSONValue)
    /// Any other interactive type (for example `location_request_message`), with its action verbatim.
    case other(type: String, action: JSONValue?)

    /// The `interactive.type` this action belongs to.
    public var type: String {
        switch self {
        case .buttons: "button"
        case .list: "list"
        case .ctaURL: "cta_url"
        case .flow: "flow"
        case .catalogMessage: "catalog_message"
        case .product: "product"
        case .productList: "product_list"
        case .orderDetails: "order_details"
        case .orderStatus: "order_status"
        case .other(let type, _): type
        }
    }

    private enum Keys: String, CodingKey {
        case buttons, button, sections, name, parameters, catalogID = "catalog_id"
        case productRetailerID = "product_retailer_id"
    }

    private struct CatalogParameters: Codable {
        var thumbnailProductRetailerID: String?
        enum CodingKeys: String, CodingKey { case thumbnailProductRetailerID = "thumbnail_product_retailer_id" }
    }

    /// Decodes the action for `type`; a named action (`cta_url`, `flow`, order kinds) must carry its name.
    init(type: String, from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        func expectName(_ expected: String) throws {
            let name = try container.decode(String.self, forKey: .name)
            guard name == expected else {
                throw DecodingError.dataCorruptedError(
                    forKey: .name, in: container, debugDescription: "\(type) action must be named \(expected)")
            }
        }
        switch type {
        case "button":
            self = .buttons(try container.decode([ReplyButton].self, forKey: .buttons))
        case "list":
            self = .list(try ListAction(from: decoder))
        case "cta_url":
            try expectName("cta_url")
            self = .ctaURL(try container.decode(CTAURLAction.self, forKey: .parameters))
        case "flow":
            try expectName("flow")
            self = .flow(try container.decode(FlowAction.self, forKey: .parameters))
        case "catalog_message":
            try expectName("catalog_message")
            let parameters = try container.decodeIfPresent(CatalogParameters.self, forKey: .parameters)
            self = .catalogMessage(thumbnailProductRetailerID: parameters?.thumbnailProductRetailerID)
        case "product":
            self = .product(
                catalogID: try container.decode(String.self, forKey: .catalogID),
                productRetailerID: try container.decode(String.self, forKey: .productRetailerID))
        case "product_list":
            self = .productList(try ProductListAction(from: decoder))
        case "order_details":
            try expectName("review_and_pay")
            self = .orderDetails(parameters: try container.decode(JSONValue.self, forKey: .parameters))
        case "order_status":
            try expectName("review_order")
            self = .orderStatus(parameters: try container.decode(JSONValue.self, forKey: .parameters))
        default:
            self = .other(type: type, action: try JSONValue?(from: decoder))
        }
    }

    func encodeAction(to encoder: any Encoder) throws {
        func named(_ name: String, _ parameters: (some Encodable)?) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(parameters, forKey: .parameters)
        }
        switch self {
        case .buttons(let buttons):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(buttons, forKey: .buttons)
        case .list(let list):
            try list.encode(to: encoder)
        case .ctaURL(let parameters):
            try named("cta_url", parameters)
        case .flow(let parameters):
            try named("flow", parameters)
        case .catalogMessage(let thumbnail):
            try named("catalog_message", thumbnail.map { CatalogParameters(thumbnailProductRetailerID: $0) })
        case .product(let catalogID, let productRetailerID):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(catalogID, forKey: .catalogID)
            try container.encode(productRetailerID, forKey: .productRetailerID)
        case .productList(let productList):
            try productList.encode(to: encoder)
        case .orderDetails(let parameters):
            try named("review_and_pay", parameters)
        case .orderStatus(let parameters):
            try named("review_order", parameters)
        case .other(_, let action):
            try action?.encode(to: encoder)
        }
    }
}

/// A reply button, encoded as `{"type":"reply","reply":{"id","title"}}`.
public struct ReplyButton: Hashable, Sendable, Codable {
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }

    private enum OuterKeys: String, CodingKey { case type, reply }
    private enum ReplyKeys: String, CodingKey { case id, title }

    public init(from decoder: any Decoder) throws {
        let reply = try decoder.container(keyedBy: OuterKeys.self).nestedContainer(keyedBy: ReplyKeys.self, forKey: .reply)
        id = try reply.decode(String.self, forKey: .id)
        title = try reply.decode(String.self, forKey: .title)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: OuterKeys.self)
        try container.encode("reply", forKey: .type)
        var reply = container.nestedContainer(keyedBy: ReplyKeys.self, forKey: .reply)
        try reply.encode(id, forKey: .id)
        try reply.encode(title, forKey: .title)
    }
}

/// The action of a list message: the menu button's label and the sections it opens.
public struct ListAction: Hashable, Sendable, Codable {
    public var button: String
    public var sections: [Section]

    public init(button: String, sections: [Section]) {
        self.button = button
        self.sections = sections
    }

    public struct Section: Hashable, Sendable, Codable {
        /// Required by Meta once there is more than one section.
        public var title: String?
        public var rows: [Row]

        public init(title: String? = nil, rows: [Row]) {
            self.title = title
            self.rows = rows
        }
    }

    public struct Row: Hashable, Sendable, Codable {
        public var id: String
        public var title: String
        public var description: String?

        public init(id: String, title: String, description: String? = nil) {
            self.id = id
            self.title = title
            self.description = description
        }
    }
}

/// `action.parameters` of a `cta_url` message.
public struct CTAURLAction: Hashable, Sendable, Codable {
    public var displayText: String
    public var url: String

    public init(displayText: String, url: String) {
        self.displayText = displayText
        self.url = url
    }

    enum CodingKeys: String, CodingKey { case displayText = "display_text", url }
}

/// `action.parameters` of a `flow` message.
public struct FlowAction: Hashable, Sendable, Codable {
    /// Which flow to open: by id or by name.
    public enum Reference: Hashable, Sendable {
        case id(String)
        case name(String)
    }

    public var flow: Reference
    /// Meta currently accepts only "3".
    public var messageVersion: String
    public var token: String?
    /// The button label.
    public var cta: String
    /// `navigate` or `data_exchange`.
    public var flowAction: String?
    public var actionPayload: Payload?
    /// `draft` or `published` (the default when absent).
    public var mode: String?

    public init(
        flow: Reference, messageVersion: String = "3", token: String? = nil, cta: String,
        flowAction: String? = nil, actionPayload: Payload? = nil, mode: String? = nil
    ) {
        self.flow = flow
        self.messageVersion = messageVersion
        self.token = token
        self.cta = cta
        self.flowAction = flowAction
        self.actionPayload = actionPayload
        self.mode = mode
    }

    /// `flow_action_payload`: the first screen and the data it starts with.
    public struct Payload: Hashable, Sendable, Codable {
        public var screen: String
        public var data: JSONValue?

        public init(screen: String, data: JSONValue? = nil) {
            self.screen = screen
            self.data = data
        }
    }

    private enum CodingKeys: String, CodingKey {
        case flowID = "flow_id", flowName = "flow_name", messageVersion = "flow_message_version"
        case token = "flow_token", cta = "flow_cta", flowAction = "flow_action"
        case actionPayload = "flow_action_payload", mode
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try container.decodeIfPresent(String.self, forKey: .flowID) {
            flow = .id(id)
        } else {
            flow = .name(try container.decode(String.self, forKey: .flowName))
        }
        messageVersion = try container.decode(String.self, forKey: .messageVersion)
        token = try container.decodeIfPresent(String.self, forKey: .token)
        cta = try container.decode(String.self, forKey: .cta)
        flowAction = try container.decodeIfPresent(String.self, forKey: .flowAction)
        actionPayload = try container.decodeIfPresent(Payload.self, forKey: .actionPayload)
        mode = try container.decodeIfPresent(String.self, forKey: .mode)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch flow {
        case .id(let id): try container.encode(id, forKey: .flowID)
        case .name(let name): try container.encode(name, forKey: .flowName)
        }
        try container.encode(messageVersion, forKey: .messageVersion)
        try container.encodeIfPresent(token, forKey: .token)
        try container.encode(cta, forKey: .cta)
        try container.encodeIfPresent(flowAction, forKey: .flowAction)
        try container.encodeIfPresent(actionPayload, forKey: .actionPayload)
        try container.encodeIfPresent(mode, forKey: .mode)
    }
}

/// The action of a `product_list` message: catalog items grouped in titled sections.
public struct ProductListAction: Hashable, Sendable, Codable {
    public var catalogID: String
    public var sections: [Section]

    public init(catalogID: String, sections: [Section]) {
        self.catalogID = catalogID
        self.sections = sections
    }

    public struct Section: Hashable, Sendable, Codable {
        public var title: String
        public var productRetailerIDs: [String]

        public init(title: String, productRetailerIDs: [String]) {
            self.title = title
            self.productRetailerIDs = productRetailerIDs
        }

        private struct Item: Codable {
            var productRetailerID: String
            enum CodingKeys: String, CodingKey { case productRetailerID = "product_retailer_id" }
        }

        private enum CodingKeys: String, CodingKey { case title, productItems = "product_items" }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decode(String.self, forKey: .title)
            productRetailerIDs = try container.decode([Item].self, forKey: .productItems).map(\.productRetailerID)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(title, forKey: .title)
            try container.encode(productRetailerIDs.map(Item.init), forKey: .productItems)
        }
    }

    enum CodingKeys: String, CodingKey { case catalogID = "catalog_id", sections }
}
