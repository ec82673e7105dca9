/// The object under `image`, `audio`, `video`, `document` or `sticker` (and a media template parameter or
/// interactive header): media referenced by an uploaded id or by a public link.
public struct Media: Hashable, Sendable, Codable {
    public enum Source: Hashable, Sendable {
        /// A media id returned by `POST /{phone-number-id}/media`.
        case id(String)
        /// An http(s) URL that Meta fetches.
        case link(String)
    }

    public var source: Source
    /// Allowed on image, video and document only; `validate()` flags it elsewhere.
    public var caption: String?
    /// Allowed on document only.
    public var filename: String?

    public init(_ source: Source, caption: String? = nil, filename: String? = nil) {
        self.source = source
        self.caption = caption
        self.filename = filename
    }

    public static func id(_ id: String, caption: String? = nil, filename: String? = nil) -> Media {
        Media(.id(id), caption: caption, filename: filename)
    }

    public static func link(_ link: String, caption: String? = nil, filename: String? = nil) -> Media {
        Media(.link(link), caption: caption, filename: filename)
    }

    enum CodingKeys: String, CodingKey { case id, link, caption, filename }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id = try container.decodeIfPresent(String.self, forKey: .id)
        let link = try container.decodeIfPresent(String.self, forKey: .link)
        switch (id, link) {
        case (let id?, nil): source = .id(id)
        case (nil, let link?): source = .link(link)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .id, in: container, debugDescription: "media needs exactly one of `id` and `link`")
        }
        caption = try container.decodeIfPresent(String.self, forKey: .caption)
        filename = try container.decodeIfPresent(String.self, forKey: .filename)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch source {
        case .id(let id): try container.encode(id, forKey: .id)
        case .link(let link): try container.encode(link, forKey: .link)
        }
        try container.encodeIfPresent(caption, forKey: .caption)
        try container.encodeIfPresent(filename, forKey: .filename)
    }
}
