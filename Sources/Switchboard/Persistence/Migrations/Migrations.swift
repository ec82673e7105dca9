import Fluent

/// Every migration, in order. A schema version is a folder; each migration says in one line why it exists.
enum Migrations {
    static let all: [any Migration] = [
        V1.CreateWorkspaces(), V1.CreateMembers(), V1.CreateMemberships(), V1.CreateAPIKeys(),
        V1.CreateSessions(), V1.CreateAuditEvents(), V1.CreateSecrets(),
        V2.CreateWhatsAppAccounts(), V2.CreateWhatsAppSettings(),
    ]
}

/// Schema version 1: tenancy, identity, secrets and the audit log.
enum V1 {}

/// Schema version 2: WhatsApp accounts and workspace WhatsApp settings.
enum V2 {}
