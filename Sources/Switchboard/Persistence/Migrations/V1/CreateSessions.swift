import Fluent

extension V1 {
    /// Dashboard sessions, found by the hash of the cookie's token.
    struct CreateSessions: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("sessions")
                .id()
                .field("token_hash", .string, .required)
                .field("member_id", .uuid, .required, .references("members", "id"))
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("created_at", .datetime, .required)
                .field("expires_at", .datetime, .required)
                .unique(on: "token_hash", name: "uq_sessions_token_hash")
                .create()
            try await database.createIndex("ix_sessions_workspace", on: "sessions", ["workspace_id"])
            try await database.createIndex("ix_sessions_member", on: "sessions", ["member_id"])
        }

        func revert(on database: Database) async throws {
            try await database.schema("sessions").delete()
        }
    }
}
