import Fluent
import Foundation
import Vapor

/// First start: a demo workspace and an owner who is also the platform admin.
public enum Bootstrap {
    public struct Outcome: Sendable {
        public var created: Bool
        public var email: String
        /// Set only when the password was generated here, so it can be printed once.
        public var generatedPassword: String?
    }

    public static let defaultAdminEmail = "admin@switchboard.local"

    /// Does nothing when anyone can already log in.
    public static func run(_ app: Application) async throws -> Outcome {
        let services = app.switchboard
        let config = services.config
        let email = config.adminEmail ?? defaultAdminEmail
        if try await Member.query(on: app.db).count() > 0 {
            return Outcome(created: false, email: email, generatedPassword: nil)
        }
        let generated = config.adminPassword == nil ? services.clients.random.token(18) : nil
        let password = config.adminPassword ?? generated ?? ""
        let hash = try await services.passwords.hash(password)
        let time = services.clients.clock.now()
        let demo = try await app.transactor { db in
            let member = Member(email: email, name: "Admin", passwordHash: hash, isPlatformAdmin: true, at: time)
            try await member.create(on: db)
            return try await WorkspaceService.create(name: "Demo", slug: "demo", owner: member, actor: .system("bootstrap"),
                                                     requestID: nil, at: time, on: db).requireID()
        }
        if config.embeddedSandbox { try await EmbeddedSandbox.createDemoAccount(app, workspaceID: demo) }
        return Outcome(created: true, email: email, generatedPassword: generated)
    }

    /// Makes someone a platform admin, creating them if needed. A new admin gets a home workspace, `platform`,
    /// because every login lands in a workspace.
    public static func createAdmin(email: String, password: String, on app: Application) async throws -> (created: Bool, Member) {
        var checks = FieldChecks()
        if !EmailAddress.isValid(email) { checks.fail("email", "is not an email address") }
        if !PasswordPolicy.isAcceptable(password) {
            checks.fail("password", "must be \(PasswordPolicy.minimumLength) to \(PasswordPolicy.maximumLength) characters")
        }
        try checks.check()
        let email = EmailAddress.normalize(email)
        let services = app.switchboard
        let hash = try await services.passwords.hash(password)
        let time = services.clients.clock.now()
        return try await app.transactor { db in
            if let existing = try await Member.query(on: db).filter(\.$email == email).first() {
                existing.isPlatformAdmin = true
                existing.passwordHash = hash
                existing.updatedAt = time
                try await existing.save(on: db)
                return (false, existing)
            }
            let member = Member(email: email, name: email, passwordHash: hash, isPlatformAdmin: true, at: time)
            try await member.create(on: db)
            if let home = try await Workspace.query(on: db).filter(\.$slug == "platform").first() {
                try await Membership(workspaceID: try home.requireID(), memberID: try member.requireID(), role: .owner, at: time).create(on: db)
            } else {
                _ = try await WorkspaceService.create(name: "Platform", slug: "platform", owner: member, actor: .system("create-admin"),
                                                      requestID: nil, at: time, on: db)
            }
            return (true, member)
        }
    }
}
