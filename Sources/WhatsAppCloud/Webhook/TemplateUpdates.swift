/// Which template a template webhook is about. Ids arrive as JSON numbers and are kept as strings; the
/// category update has used both `message_template_name` and `name`, so both are read.
public struct TemplateReference: Hashable, Sendable, Decodable {
    public var id: String
    public var name: String?
    public var language: String?

    private enum CodingKeys: String, CodingKey {
        case id = "message_template_id", name = "message_template_name", language = "message_template_language"
        case shortName = "name", shortLanguage = "language"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeLenientString(.id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
            ?? container.decodeIfPresent(String.self, forKey: .shortName)
        language = try container.decodeIfPresent(String.self, forKey: .language)
            ?? container.decodeIfPresent(String.self, forKey: .shortLanguage)
    }
}

/// `message_template_status_update`: a template was approved, rejected, paused, disabled, …
public struct TemplateStatusUpdate: Hashable, Sendable, Decodable {
    public var template: TemplateReference
    /// `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`, …
    public var event: String
    /// A rejection reason such as `INVALID_FORMAT`, or `NONE`.
    public var reason: String?
    public var category: String?
    public var rejectionInfo: RejectionInfo?

    public struct RejectionInfo: Hashable, Sendable, Decodable {
        public var reason: String?
        public var recommendation: String?
    }

    private enum CodingKeys: String, CodingKey {
        case event, reason, category = "message_template_category", rejectionInfo = "rejection_info"
    }

    public init(from decoder: any Decoder) throws {
        template = try TemplateReference(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        event = try container.decode(String.self, forKey: .event)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        rejectionInfo = try container.decodeIfPresent(RejectionInfo.self, forKey: .rejectionInfo)
    }
}

/// `message_template_quality_update`: GREEN, YELLOW, RED or UNKNOWN.
public struct TemplateQualityUpdate: Hashable, Sendable, Decodable {
    public var template: TemplateReference
    public var previousQualityScore: String?
    public var newQualityScore: String

    private enum CodingKeys: String, CodingKey {
        case previousQualityScore = "previous_quality_score", newQualityScore = "new_quality_score"
    }

    public init(from decoder: any Decoder) throws {
        template = try TemplateReference(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        previousQualityScore = try container.decodeIfPresent(String.self, forKey: .previousQualityScore)
        newQualityScore = try container.decode(String.self, forKey: .newQualityScore)
    }
}

/// `template_category_update`: Meta recategorised a template.
public struct TemplateCategoryUpdate: Hashable, Sendable, Decodable {
    public var template: TemplateReference
    public var newCategory: String
    public var previousCategory: String?

    private enum CodingKeys: String, CodingKey { case newCategory = "new_category", previousCategory = "previous_category" }

    public init(from decoder: any Decoder) throws {
        template = try TemplateReference(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        newCategory = try container.decode(String.self, forKey: .newCategory)
        previousCategory = try container.decodeIfPresent(String.self, forKey: .previousCategory)
    }
}

/// `message_template_components_update`: a template's components changed; the new text is in `element`.
public struct TemplateComponentsUpdate: Hashable, Sendable, Decodable {
    public var template: TemplateReference
    /// `message_template_element`: the body text.
    public var element: String?

    private enum CodingKeys: String, CodingKey { case element = "message_template_element" }

    public init(from decoder: any Decoder) throws {
        template = try TemplateReference(from: decoder)
        element = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .element)
    }
}
