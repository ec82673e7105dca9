import Fluent
import Foundation

/// Finding or creating the contact and conversation a message belongs to; shared by inbound and outbound.
enum Threads {
    /// The workspace's contact with this phone number or user id, created if new; fills in what it learns.
    static func contact(workspaceID: UUID, waID: String?, userID: String?, profileName: String?, at time: Date,
                        on db: Database) async throws -> Contact {
        var found: Contact?
        if let waID {
            found = try await Contact.query(on: db).filter(\.$workspaceID == workspaceID).filter(\.$waID == waID).first()
        }
        if found == nil, let userID {
            found = try await Contact.query(on: db).filter(\.$workspaceID == workspaceID).filter(\.$userID == userID).first()
        }
        if let contact = found {
            var changed = false
            if contact.waID == nil, let waID { contact.waID = waID; changed = true }
            if contact.userID == nil, let userID,
               try await Contact.query(on: db).filter(\.$workspaceID == workspaceID).filter(\.$userID == userID).count() == 0 {
                contact.userID = userID
                changed = true
            }
            if let profileName, !profileName.isEmpty, contact.profileName != profileName { contact.profileName = profileName; changed = true }
            if changed {
                contact.refreshDerivedFields()
                contact.updatedAt = time
                try await contact.update(on: db)
            }
            return contact
        }
        let contact = Contact()
        contact.workspaceID = workspaceID
        contact.waID = waID
        contact.userID = userID
        contact.profileName = profileName
        contact.createdAt = time
        contact.updatedAt = time
        contact.refreshDerivedFields()
        try await contact.create(on: db)
        return contact
    }

    /// The conversation with the contact on the account, or a new open one (not saved yet) starting at `time`.
    static func conversation(workspaceID: UUID, accountID: UUID, contactID: UUID, at time: Date,
                             on db: Database) async throws -> Conversation {
        if let existing = try await Conversation.query(on: db)
            .filter(\.$workspaceID == workspaceID).filter(\.$accountID == accountID)
            .filter(\.$contactID == contactID).first() {
            return existing
        }
        let created = Conversation()
        created.workspaceID = workspaceID
        created.accountID = accountID
        created.contactID = contactID
        created.status = .open
        created.lastMessageAt = time
        created.unreadCount = 0
        created.createdAt = time
        created.updatedAt = time
        return created
    }
}
