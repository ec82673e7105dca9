import Fluent

extension V4 {
    /// Shared pacing state, so every dispatcher process keeps one account's rate and each recipient's pair rate.
    struct CreatePacing: AsyncMigration {
        func prepare(on database: Database) async throws {
            // One row per account; the id is the account id. Times are unix seconds as doubles: slot arithmetic.
            try await database.schema("send_pacing")
                .id()
                .field("next_slot", .double, .required)
                .field("paused_until", .double)
                .field("pause_reason", .string)
                .create()
            try await database.schema("pair_pacing")
                .id()
                .field("account_id", .uuid, .required, .references("whatsapp_accounts", "id"))
                .field("recipient", .string, .required)
                .field("theoretical_arrival", .double, .required)
                .create()
            try await database.createIndex(PacingIndex.pair, on: "pair_pacing", ["account_id", "recipient"], unique: true)
            try await database.schema("whatsapp_accounts")
                .field("messages_per_second", .int, .required, .sql(.default(80)))
                .update()
        }

        func revert(on database: Database) async throws {
            try await database.schema("whatsapp_accounts").deleteField("messages_per_second").update()
            try await database.schema("pair_pacing").delete()
            try await database.schema("send_pacing").delete()
        }
    }
}

enum PacingIndex {
    static let pair = "uq_pair_pacing_pair"
}
