import Fluent

/// Every migration, in order. A schema version is a folder; each migration says in one line why it exists.
enum Migrations {
    static let all: [any Migration] = [
        V1.CreateWorkspaces(), V1.CreateMembers(), V1.CreateMemberships(), V1.CreateAPIKeys(),
        V1.CreateSessions(), V1.CreateAuditEvents(), V1.CreateSecrets(),
        V2.CreateWhatsAppAccounts(), V2.CreateWhatsAppSettings(),
        V3.CreateWebhookDeliveries(), V3.CreateUnroutedChanges(), V3.CreateContacts(), V3.CreateConversations(),
        V3.CreateMessages(), V3.CreateMessageStatusEvents(),
        V4.CreateOutbox(), V4.CreatePacing(), V4.CreateSendRecords(), V4.CreateEvents(),
    ]
}

/// Schema version 1: tenancy, identity, secrets and the audit log.
enum V1 {}

/// Schema version 2: WhatsApp accounts and workspace WhatsApp settings.
enum V2 {}

/// Schema version 3: inbound messaging: webhook deliveries, contacts, conversations, messages, status history.
enum V3 {}

/// Schema version 4: sending (outbox, pacing, history, idempotency) and events to workspaces.
enum V4 {}
