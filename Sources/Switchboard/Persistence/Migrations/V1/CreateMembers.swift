import Fluent

extension V1 {
    /// Members are the people who log in; one email is one person across workspaces.
    struct CreateMembers: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("members")
                .id()
                .field("email", .string, .required)
                .field("name", .string, .required)
                .field("password_hash", .string, .required)
                .field("is_platform_admin", .bool, .required)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .unique(on: "email", name: "uq_members_email")
                .create()
        }

        func revert(on database: Database) async throws {
            try await database.schema("members").delete()
        }
    }
}
