import Foundation

/// The rows the set-based inbound store inserts, built from the same models the rest of the code saves one by one;
/// the column names are the models' field keys.
extension BulkInsert {
    static func deliveries(_ deliveries: [WebhookDelivery]) -> BulkInsert {
        var insert = BulkInsert(into: WebhookDelivery.schema,
                                columns: ["id", "received_at", "signature_status", "body", "parse_error", "change_count"])
        for d in deliveries { insert.add([d.id, d.receivedAt, d.signatureStatus, d.body, d.parseError, d.changeCount]) }
        return insert
    }

    static func contacts(_ contacts: [Contact]) -> BulkInsert {
        var insert = BulkInsert(into: Contact.schema,
                                columns: ["id", "workspace_id", "wa_id", "user_id", "profile_name", "search_text", "created_at", "updated_at"])
        for c in contacts { insert.add([c.id, c.workspaceID, c.waID, c.userID, c.profileName, c.searchText, c.createdAt, c.updatedAt]) }
        return insert
    }

    static func conversations(_ conversations: [Conversation]) -> BulkInsert {
        var insert = BulkInsert(into: Conversation.schema,
                                columns: ["id", "workspace_id", "account_id", "contact_id", "status", "last_message_at", "unread_count",
                                          "window_expires_at", "created_at", "updated_at"])
        for c in conversations {
            insert.add([c.id, c.workspaceID, c.accountID, c.contactID, c.status.rawValue, c.lastMessageAt, c.unreadCount,
                        c.windowExpiresAt, c.createdAt, c.updatedAt])
        }
        return insert
    }

    static func messages(_ messages: [Message]) -> BulkInsert {
        var insert = BulkInsert(into: Message.schema,
                                columns: ["id", "workspace_id", "account_id", "conversation_id", "contact_id", "direction", "wamid", "type",
                                          "content", "status", "error_code", "error_title", "error_detail", "pricing", "reply_to_wamid",
                                          "created_at", "updated_at", "status_at", "decision", "created_by"])
        for m in messages {
            insert.add([m.id, m.workspaceID, m.accountID, m.conversationID, m.contactID, m.direction.rawValue, m.wamid, m.type,
                        m.content, m.status.rawValue, m.errorCode, m.errorTitle, m.errorDetail, m.pricing, m.replyToWamid,
                        m.createdAt, m.updatedAt, m.statusAt, m.decision, m.createdBy])
        }
        return insert
    }
}
