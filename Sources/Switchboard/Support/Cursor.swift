import Foundation

/// An opaque keyset cursor: the sort key and id of the last row of a page.
/// Paging by (key, id) stays stable when keys tie and while rows are inserted.
public struct PageCursor: Codable, Equatable, Sendable {
    public var key: String
    public var id: UUID

    public init(key: String, id: UUID) {
        self.key = key
        self.id = id
    }

    public var encoded: String {
        Data("\(key)\u{1F}\(id.uuidString)".utf8).base64URLEncodedString()
    }

    /// Reads a cursor made by `encoded`; anything else is a 422 on `cursor`.
    public static func decode(_ raw: String) throws(Problem) -> PageCursor {
        guard raw.count <= 2048, let data = Data(base64URLEncoded: raw), let text = String(data: data, encoding: .utf8),
              let separator = text.lastIndex(of: "\u{1F}"),
              let id = UUID(uuidString: String(text[text.index(after: separator)...])) else {
            throw Problem.validation([FieldError("cursor", "is not a cursor this API returned")])
        }
        return PageCursor(key: String(text[..<separator]), id: id)
    }
}

/// The page limit of every list: 1 to 100, default 20.
public enum PageLimit {
    public static func parse(_ raw: Int?) throws(Problem) -> Int {
        guard let raw else { return 20 }
        guard (1...100).contains(raw) else {
            throw Problem.validation([FieldError("limit", "must be from 1 to 100")])
        }
        return raw
    }
}

/// A page of a list: `{ items, nextCursor, hasMore }`.
public struct CursorPage<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var nextCursor: String?
    public var hasMore: Bool

    /// Builds a page from `limit + 1` fetched rows: the extra row only tells that there is more.
    public init<Row>(rows: [Row], limit: Int, cursor: (Row) -> PageCursor, item: (Row) throws -> Item) rethrows {
        let visible = Array(rows.prefix(limit))
        items = try visible.map(item)
        hasMore = rows.count > limit
        nextCursor = hasMore ? visible.last.map { cursor($0).encoded } : nil
    }
}

extension PageCursor {
    /// A time as a cursor key: whole milliseconds, which is what the clock stores.
    public init(time: Date, id: UUID) {
        self.init(key: String(Int((time.timeIntervalSince1970 * 1000).rounded())), id: id)
    }

    /// The time a key made by `init(time:id:)` holds.
    public func time() throws(Problem) -> Date {
        guard let millis = Double(key) else { throw Problem.validation([FieldError("cursor", "is not a cursor this API returned")]) }
        return Date(timeIntervalSince1970: millis / 1000)
    }
}
