import Fluent
import Foundation
import SQLKit

/// Stores a batch of common deliveries inside the caller's transaction with about ten statements, whatever its size:
/// each table is read with one IN-list lookup and written with one multi-row statement.
///
/// Another writer may store deliveries at the same time (another server process on PostgreSQL): contacts are created
/// with ON CONFLICT DO NOTHING and read back when someone else created them first; conversations are upserted with
/// the unread count added to the stored one and times that only move forward, atomically per row; rows are written
/// in key order, so two batches cannot deadlock. A message stored by another writer since the lookup fails the
/// batch on its unique index, and the batcher then stores each delivery alone.
enum CommonDeliveryStore {
    static func store(_ batch: [CommonDelivery], on db: Database) async throws -> [StoredDelivery] {
        let sql = db.sql
        try await BulkInsert.deliveries(batch.map(\.delivery.row)).run(on: sql)
        var stored = batch.map {
            StoredDelivery(outcome: InboundOutcome(deliveryID: $0.delivery.id, parsed: true, messagesStored: 0, statusesStored: 0, unrouted: 0))
        }
        let fresh = CommonBatch.fresh(batch.map(\.messages), stored: try await storedMessages(of: batch, on: sql))
        guard !fresh.isEmpty else { return stored }

        let contacts = try await contacts(for: fresh, on: sql)
        let conversationIDs = try await touch(CommonBatch.conversations(for: fresh, contacts: contacts.byKey), on: sql)
        var messages: [Message] = []
        for item in fresh {
            let inbound = item.inbound
            guard let contactID = contacts.byKey[inbound.contactKey]?.id,
                  let conversationID = conversationIDs[.init(workspaceID: inbound.owner.workspaceID, accountID: inbound.owner.accountID,
                                                             contactID: contactID)] else {
                preconditionFailure("every fresh message has its contact and conversation")
            }
            let message = Message(inbound.message, owner: inbound.owner, conversationID: conversationID, contactID: contactID,
                                  sentAt: inbound.sentAt, receivedAt: inbound.receivedAt)
            message.id = UUID()
            messages.append(message)
            stored[item.delivery].outcome.messagesStored += 1
        }
        try await BulkInsert.messages(messages).run(on: sql)
        // A `message.received` event per stored message, as `WorkspaceEvents.record` writes one; each shows the
        // contact as it was right after its message.
        try await WorkspaceEvents.recordAll(.messageReceived, try zip(fresh, zip(messages, contacts.asSeen)).map { item, stored in
            let owner = item.inbound.owner
            return (workspaceID: owner.workspaceID, data: try MessageReceivedEventData(owner: owner, message: stored.0, contact: stored.1),
                    at: item.inbound.receivedAt)
        }, on: db)
        return stored
    }

    /// The batch's (account, wamid) pairs already stored. The lookup names the unique index's leading columns, so it
    /// is an index search, not a scan of every message.
    private static func storedMessages(of batch: [CommonDelivery], on sql: any SQLDatabase) async throws -> Set<CommonBatch.MessageKey> {
        let keys = Set(batch.flatMap { $0.messages.map(\.key) })
        let accountIDs = Array(Set(keys.map(\.accountID)))
        var stored = Set<CommonBatch.MessageKey>()
        for wamids in Array(Set(keys.map(\.wamid))).chunks(of: 1000) {
            let rows = try await sql.select().columns("account_id", "wamid").from(Message.schema)
                .where("account_id", .in, SQLBind.group(accountIDs))
                .where("wamid", .in, SQLBind.group(Array(wamids)))
                .all()
            for row in rows {
                stored.insert(.init(accountID: try row.decode(column: "account_id", as: UUID.self), wamid: try row.decode(column: "wamid", as: String.self)))
            }
        }
        return stored
    }

    /// The senders' contacts, created or renamed as the batch's messages say.
    private static func contacts(for fresh: [CommonBatch.Fresh], on sql: any SQLDatabase) async throws -> CommonBatch.Contacts {
        let keys = Set(fresh.map(\.inbound.contactKey))
        var plan = try CommonBatch.contacts(for: fresh, known: try await knownContacts(keys, on: sql))
        if try await create(plan.created, on: sql) < plan.created.count {
            // Another writer created some of these senders first: plan again on what is stored now. Were one still
            // missing, its messages would fail their foreign key, and with them the batch.
            plan = try CommonBatch.contacts(for: fresh, known: try await knownContacts(keys, on: sql))
            _ = try await create(plan.created, on: sql)
        }
        try await BulkInsert.contacts(plan.renamed).run(on: sql) { insert in
            try await insert.onConflict(with: ["id"]) {
                $0.set(excludedValueOf: "profile_name").set(excludedValueOf: "search_text").set(excludedValueOf: "updated_at")
            }.run()
            return []
        }
        return plan
    }

    /// Inserts the contacts that no other writer created first; returns how many it inserted.
    private static func create(_ contacts: [Contact], on sql: any SQLDatabase) async throws -> Int {
        try await BulkInsert.contacts(contacts).run(on: sql) {
            try await $0.ignoringConflicts(with: ["workspace_id", "wa_id"]).returning("id").all()
        }.count
    }

    private static func knownContacts(_ keys: Set<CommonBatch.ContactKey>, on sql: any SQLDatabase) async throws -> [CommonBatch.ContactKey: Contact] {
        let workspaceIDs = Array(Set(keys.map(\.workspaceID)))
        var known: [CommonBatch.ContactKey: Contact] = [:]
        for waIDs in Array(Set(keys.map(\.waID))).chunks(of: 1000) {
            let rows = try await sql.select()
                .columns("id", "workspace_id", "wa_id", "user_id", "profile_name", "search_text", "created_at", "updated_at")
                .from(Contact.schema)
                .where("workspace_id", .in, SQLBind.group(workspaceIDs))
                .where("wa_id", .in, SQLBind.group(Array(waIDs)))
                .all()
            for row in rows {
                let contact = Contact()
                contact.id = try row.decode(column: "id", as: UUID.self)
                contact.workspaceID = try row.decode(column: "workspace_id", as: UUID.self)
                let waID = try row.decode(column: "wa_id", as: String.self)
                contact.waID = waID
                contact.userID = try row.decode(column: "user_id", as: String?.self)
                contact.profileName = try row.decode(column: "profile_name", as: String?.self)
                contact.searchText = try row.decode(column: "search_text", as: String.self)
                contact.createdAt = try row.decode(column: "created_at", as: Date.self)
                contact.updatedAt = try row.decode(column: "updated_at", as: Date.self)
                known[.init(workspaceID: contact.workspaceID, waID: waID)] = contact
            }
        }
        return known
    }

    /// Creates the new conversations and adds to the existing ones in one upsert, atomic per row: the unread count
    /// is added to whatever is stored by then, and the last message time and window end only move forward.
    private static func touch(_ conversations: [Conversation], on sql: any SQLDatabase) async throws -> [CommonBatch.ThreadKey: UUID] {
        // SQLite's max() of two arguments is PostgreSQL's greatest().
        let greatest = sql.dialect.name == "sqlite" ? "max" : "greatest"
        let table = Conversation.schema
        let rows = try await BulkInsert.conversations(conversations).run(on: sql) {
            try await $0.onConflict(with: ["workspace_id", "account_id", "contact_id"]) { $0
                .set("unread_count", to: SQLRaw("\(table).unread_count + excluded.unread_count"))
                .set("last_message_at", to: SQLRaw("\(greatest)(\(table).last_message_at, excluded.last_message_at)"))
                .set("window_expires_at", to: SQLRaw(
                    "\(greatest)(coalesce(\(table).window_expires_at, excluded.window_expires_at), excluded.window_expires_at)"))
                .set(excludedValueOf: "updated_at")
            }.returning("id", "workspace_id", "account_id", "contact_id").all()
        }
        var ids: [CommonBatch.ThreadKey: UUID] = [:]
        for row in rows {
            let key = CommonBatch.ThreadKey(workspaceID: try row.decode(column: "workspace_id", as: UUID.self),
                                            accountID: try row.decode(column: "account_id", as: UUID.self),
                                            contactID: try row.decode(column: "contact_id", as: UUID.self))
            ids[key] = try row.decode(column: "id", as: UUID.self)
        }
        return ids
    }
}
