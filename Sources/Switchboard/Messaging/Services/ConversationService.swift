import Fluent
import FluentSQL
import Foundation
import SQLKit

/// The inbox: conversations of a workspace and their messages, and what a member does to a conversation.
struct ConversationService: Sendable {
    var clock: Clock

    /// Newest activity first, keyset-paged by (last_message_at, id).
    func list(_ query: ConversationListQuery, workspaceID: UUID, on db: Database) async throws -> CursorPage<ConversationDTO> {
        let limit = try PageLimit.parse(query.limit)
        if let search = query.search, search.count > 200 { throw Problem.validation([FieldError("search", "must be at most 200 characters")]) }
        let builder = Conversation.query(on: db).filter(\.$workspaceID == workspaceID)
        if let status = query.status { builder.filter(\.$status == status) }
        switch query.unread {
        case true?: builder.filter(\.$unreadCount > 0)
        case false?: builder.filter(\.$unreadCount == 0)
        case nil: break
        }
        var needle = query.search?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if needle.hasPrefix("+") { needle.removeFirst() }
        if !needle.isEmpty {
            // A plain substring test, so '%' and '_' in a search are just characters.
            let function = db.isPostgres ? "strpos" : "instr"
            builder.join(Contact.self, on: \Conversation.$contactID == \Contact.$id)
                .filter(.sql(SQLBinaryExpression(SQLFunction(function, args: SQLColumn("search_text", table: Contact.schema), SQLBind(needle)),
                                                 .greaterThan, SQLLiteral.numeric("0"))))
        }
        if let raw = query.cursor {
            let cursor = try PageCursor.decode(raw)
            builder.after(\.$lastMessageAt, try cursor.time(), id: cursor.id, descending: true)
        }
        let rows = try await builder.sort(\.$lastMessageAt, .descending).sort(\.$id, .descending).limit(limit + 1).all()
        let contacts = try await contactsByID(rows.map(\.contactID), on: db)
        let now = clock.now()
        return try CursorPage(rows: rows, limit: limit, cursor: { PageCursor(time: $0.lastMessageAt, id: $0.id!) }) { row in
            guard let contact = contacts[row.contactID] else { throw Problem.notFound("The contact") }
            return try ConversationDTO(row, contact: contact, now: now)
        }
    }

    func get(_ id: UUID, workspaceID: UUID, on db: Database) async throws -> ConversationDTO {
        let conversation = try await find(id, workspaceID: workspaceID, on: db)
        return try await dto(conversation, on: db)
    }

    /// Messages of a conversation, newest first, keyset-paged by (created_at, id).
    func messages(_ id: UUID, _ query: MessageListQuery, workspaceID: UUID, on db: Database) async throws -> CursorPage<MessageDTO> {
        let limit = try PageLimit.parse(query.limit)
        let conversation = try await find(id, workspaceID: workspaceID, on: db)
        let builder = Message.query(on: db).filter(\.$workspaceID == workspaceID).filter(\.$conversationID == (try conversation.requireID()))
        if let raw = query.cursor {
            let cursor = try PageCursor.decode(raw)
            builder.after(\.$createdAt, try cursor.time(), id: cursor.id, descending: true)
        }
        let rows = try await builder.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit + 1).all()
        return try CursorPage(rows: rows, limit: limit, cursor: { PageCursor(time: $0.createdAt, id: $0.id!) }, item: MessageDTO.init)
    }

    enum Action: String { case read, archive, block, reopen }

    /// Marks read (unread count 0), archives, blocks or reopens a conversation. Status changes are audited.
    func apply(_ action: Action, to id: UUID, context: AuditContext, writer: Transactor) async throws -> ConversationDTO {
        let now = clock.now()
        return try await writer { db in
            let conversation = try await find(id, workspaceID: context.workspaceID, on: db)
            let before = conversation.status
            switch action {
            case .read: conversation.unreadCount = 0
            case .archive: conversation.status = .archived
            case .block: conversation.status = .blocked
            case .reopen: conversation.status = .open
            }
            conversation.updatedAt = now
            try await conversation.update(on: db)
            if action != .read, before != conversation.status {
                try await AuditLog.record("conversation.\(conversation.status == .open ? "reopened" : conversation.status.rawValue)",
                                          target: ("conversation", id.uuidString),
                                          before: ["status": before.rawValue], after: ["status": conversation.status.rawValue],
                                          context: context, at: now, on: db)
            }
            return try await dto(conversation, on: db)
        }
    }

    private func find(_ id: UUID, workspaceID: UUID, on db: Database) async throws -> Conversation {
        guard let conversation = try await Conversation.query(on: db).filter(\.$id == id).filter(\.$workspaceID == workspaceID).first() else {
            throw Problem.notFound("The conversation")
        }
        return conversation
    }

    private func dto(_ conversation: Conversation, on db: Database) async throws -> ConversationDTO {
        guard let contact = try await Contact.find(conversation.contactID, on: db) else { throw Problem.notFound("The contact") }
        return try ConversationDTO(conversation, contact: contact, now: clock.now())
    }

    private func contactsByID(_ ids: [UUID], on db: Database) async throws -> [UUID: Contact] {
        guard !ids.isEmpty else { return [:] }
        let contacts = try await Contact.query(on: db).filter(\.$id ~~ Array(Set(ids))).all()
        return Dictionary(uniqueKeysWithValues: contacts.compactMap { contact in contact.id.map { ($0, contact) } })
    }
}
