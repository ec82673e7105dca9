import Fluent
import Foundation

public struct CreateAPIKeyInput: APIInput, Encodable {
    public static let fields: Set<String> = ["name", "role"]
    public var name: String
    public var role: Role
    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}

/// API keys: `sb_<prefix>_<secret>`. The prefix is shown to people; the whole key is stored only as its SHA-256.
public struct APIKeyService: Sendable {
    public let clock: Clock
    public let random: RandomSource

    public func list(workspaceID: UUID, on db: Database) async throws -> [APIKeyDTO] {
        try await APIKey.query(on: db).filter(\.$workspaceID == workspaceID).sort(\.$createdAt, .descending).sort(\.$id)
            .all().map(APIKeyDTO.init)
    }

    public func create(_ input: CreateAPIKeyInput, context: AuditContext, writer: Transactor) async throws -> CreatedAPIKeyDTO {
        var checks = FieldChecks()
        let name = checks.text("name", input.name, max: 120) ?? ""
        try checks.check()
        let prefix = String(random.token(6).lowercased().filter { $0.isLetter || $0.isNumber }.prefix(8))
        let key = "sb_\(prefix)_\(random.token(32))"
        let time = clock.now()
        let model = APIKey(workspaceID: context.workspaceID, name: name, role: input.role, prefix: "sb_\(prefix)",
                           keyHash: sha256Hex(key), createdBy: context.actor.label, at: time)
        let dto = try await writer { db in
            try await model.create(on: db)
            let dto = try APIKeyDTO(model)
            try await AuditLog.record("api_key.created", target: ("api_key", dto.id.uuidString), after: dto,
                                      context: context, at: time, on: db)
            return dto
        }
        return CreatedAPIKeyDTO(apiKey: dto, key: key)
    }

    public func revoke(id: UUID, context: AuditContext, writer: Transactor) async throws -> APIKeyDTO {
        let time = clock.now()
        return try await writer { db in
            guard let key = try await APIKey.query(on: db).filter(\.$id == id).filter(\.$workspaceID == context.workspaceID).first() else {
                throw Problem.notFound("API key")
            }
            let before = try APIKeyDTO(key)
            if key.revokedAt == nil {
                key.revokedAt = time
                try await key.save(on: db)
                try await AuditLog.record("api_key.revoked", target: ("api_key", id.uuidString), before: before,
                                          after: try APIKeyDTO(key), context: context, at: time, on: db)
            }
            return try APIKeyDTO(key)
        }
    }

    /// The active key with this plaintext, if any.
    public static func authenticate(_ plaintext: String, on db: Database) async throws -> APIKey? {
        guard plaintext.hasPrefix("sb_"), plaintext.count <= 200 else { return nil }
        return try await APIKey.query(on: db).filter(\.$keyHash == sha256Hex(plaintext)).filter(\.$revokedAt == nil).first()
    }
}
