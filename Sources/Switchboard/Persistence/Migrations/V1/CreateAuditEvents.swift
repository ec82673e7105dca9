import Fluent
import SQLKit

extension V1 {
    /// The audit log: append-only, enforced by the database itself with triggers that refuse UPDATE and DELETE.
    struct CreateAuditEvents: AsyncMigration {
        func prepare(on database: Database) async throws {
            try await database.schema("audit_events")
                .id()
                .field("workspace_id", .uuid, .required, .references("workspaces", "id"))
                .field("actor_type", .string, .required)
                .field("actor_id", .string)
                .field("actor_label", .string, .required)
                .field("action", .string, .required)
                .field("target_type", .string, .required)
                .field("target_id", .string)
                .field("before", .string)
                .field("after", .string)
                .field("request_id", .string)
                .field("created_at", .datetime, .required)
                .create()
            try await database.createIndex("ix_audit_events_workspace_time", on: "audit_events", ["workspace_id", "created_at", "id"])
            let sql = database.sql
            if database.isPostgres {
                try await sql.raw("""
                    CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
                    BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$ LANGUAGE plpgsql
                    """).run()
                try await sql.raw("""
                    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
                    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
                    """).run()
            } else {
                for operation in ["UPDATE", "DELETE"] {
                    try await sql.raw("""
                        CREATE TRIGGER audit_events_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON audit_events
                        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
                        """).run()
                }
            }
        }

        func revert(on database: Database) async throws {
            try await database.schema("audit_events").delete()
            if database.isPostgres {
                try await database.sql.raw("DROP FUNCTION IF EXISTS audit_events_append_only()").run()
            }
        }
    }
}
