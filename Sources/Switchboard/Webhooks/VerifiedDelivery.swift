import Fluent
import Foundation
import WhatsAppCloud

/// A delivery whose signature verified, parsed (or not), waiting to be stored with all its effects.
struct VerifiedDelivery: Sendable {
    var id = UUID()
    var bodyText: String
    var payload: WebhookPayload?
    var parseError: String?
    /// The accounts whose app secret verified the signature.
    var verified: [InboundRouting.Candidate]
    var receivedAt: Date
    var requestID: String?

    /// Every unique index a delivery racing another writer may hit; storing it again then sees the other's rows.
    static let raceIndexes: [UniqueIndex] = [
        UniqueIndex(name: MessageIndex.wamid, sqliteColumns: "messages.account_id, messages.wamid"),
        UniqueIndex(name: ContactIndex.waID, sqliteColumns: "contacts.workspace_id, contacts.wa_id"),
        UniqueIndex(name: ContactIndex.userID, sqliteColumns: "contacts.workspace_id, contacts.user_id"),
        UniqueIndex(name: ConversationIndex.thread,
                    sqliteColumns: "conversations.workspace_id, conversations.account_id, conversations.contact_id"),
        UniqueIndex(name: StatusEventIndex.once,
                    sqliteColumns: "message_status_events.account_id, message_status_events.wamid, message_status_events.status"),
    ]

    var changeCount: Int { payload?.entry.reduce(0) { $0 + $1.changes.count } ?? 0 }

    /// The delivery row, exactly as received.
    var row: WebhookDelivery {
        let delivery = WebhookDelivery()
        delivery.id = id
        delivery.receivedAt = receivedAt
        delivery.signatureStatus = "valid"
        delivery.body = bodyText
        delivery.parseError = parseError
        delivery.changeCount = changeCount
        return delivery
    }

    /// Stores the delivery and the effects of each change for each owner, statement by statement, inside the
    /// caller's transaction. Handles every kind of delivery; `CommonDeliveries` stores the usual kind faster.
    func store(on db: Database) async throws -> StoredDelivery {
        try await row.create(on: db)
        var stored = StoredDelivery(outcome: InboundOutcome(deliveryID: id, parsed: payload != nil, messagesStored: 0, statusesStored: 0, unrouted: 0))
        for entry in payload?.entry ?? [] {
            for change in entry.changes {
                let phoneNumberID = InboundRouting.phoneNumberID(of: change)
                let owners = InboundRouting.owners(phoneNumberID: phoneNumberID, entryID: entry.id, verified: verified)
                if owners.isEmpty {
                    let unrouted = UnroutedChange()
                    unrouted.deliveryID = id
                    unrouted.phoneNumberID = phoneNumberID
                    unrouted.businessAccountID = entry.id
                    unrouted.field = change.field
                    unrouted.raw = InboundProcessor.json(change.rawValue)
                    unrouted.receivedAt = receivedAt
                    try await unrouted.create(on: db)
                    stored.outcome.unrouted += 1
                    continue
                }
                for owner in owners {
                    let effects = ChangeEffects(owner: owner, receivedAt: receivedAt, requestID: requestID, db: db)
                    let result = try await effects.apply(change, entryTime: entry.time)
                    stored.outcome.messagesStored += result.messages
                    stored.outcome.statusesStored += result.statuses
                    if result.accountChanged { stored.changedWorkspaces.insert(owner.workspaceID) }
                }
            }
        }
        return stored
    }
}

/// What storing a delivery did: its outcome, and the workspaces whose accounts it changed (their cached
/// sending decisions are dropped once it is committed).
struct StoredDelivery: Sendable {
    var outcome: InboundOutcome
    var changedWorkspaces: Set<UUID> = []
}
