import Fluent
import Foundation
import Vapor

/// Filters and paging of the audit log, newest first, keyset-paged by (created_at, id).
public struct AuditQuery: Content {
    public var action: String?
    public var targetType: String?
    public var targetId: String?
    public var actor: String?
    public var limit: Int?
    public var cursor: String?

    public init(action: String? = nil, targetType: String? = nil, targetId: String? = nil, actor: String? = nil,
                limit: Int? = nil, cursor: String? = nil) {
        self.action = action
        self.targetType = targetType
        self.targetId = targetId
        self.actor = actor
        self.limit = limit
        self.cursor = cursor
    }

    public struct Run: Sendable {
        public var query: AuditQuery
        public var workspaceID: UUID

        public func page(on db: Database) async throws -> CursorPage<AuditEventDTO> {
            let limit = try PageLimit.parse(query.limit)
            let builder = AuditEvent.query(on: db).filter(\.$workspaceID == workspaceID)
            if let action = query.action { builder.filter(\.$action == action) }
            if let targetType = query.targetType { builder.filter(\.$targetType == targetType) }
            if let targetId = query.targetId { builder.filter(\.$targetID == targetId) }
            if let actor = query.actor {
                builder.group(.or) { $0.filter(\.$actorLabel == actor).filter(\.$actorID == actor) }
            }
            if let raw = query.cursor {
                let cursor = try PageCursor.decode(raw)
                builder.after(\.$createdAt, try cursor.time(), id: cursor.id, descending: true)
            }
            let rows = try await builder.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit + 1).all()
            return try CursorPage(rows: rows, limit: limit,
                            cursor: { PageCursor(time: $0.createdAt, id: $0.id ?? UUID()) },
                            item: AuditEventDTO.init)
        }
    }
}
