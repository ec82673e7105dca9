import Fluent
import Sandbox
import Vapor

/// `switchboard migrate [--revert]`: without the interactive prompt, so scripts and CI can run it.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Revert every migration instead") var revert: Bool
    }
    var help: String { "Brings the database schema up to date (or reverts it with --revert)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.revert {
            try await app.autoRevert()
            context.console.info("Reverted every migration.")
        } else {
            try await app.prepareDatabase()
            context.console.info("The database schema is up to date (\(Migrations.all.count) migrations).")
        }
    }
}

/// `switchboard create-admin --email --password`: a platform admin.
struct CreateAdminCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Email of the platform admin") var email: String?
        @Option(name: "password", help: "Password, 12 to 72 characters") var password: String?
    }
    var help: String { "Creates a platform admin (or makes an existing member one and sets their password)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let email = signature.email, let password = signature.password else {
            throw ConfigError(variable: "create-admin", problem: "needs --email and --password")
        }
        let app = context.application
        try await app.prepareDatabase()
        let (created, member) = try await Bootstrap.createAdmin(email: email, password: password, on: app)
        context.console.info(created ? "Created platform admin \(member.email)." : "\(member.email) is now a platform admin; password updated.")
    }
}

/// `switchboard create-api-key --workspace <slug> --role <role> --name <name>`: prints the key once.
struct CreateAPIKeyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "workspace", help: "Slug of the workspace") var workspace: String?
        @Option(name: "role", help: "owner, admin, manager or agent") var role: String?
        @Option(name: "name", help: "A name people will recognise") var name: String?
    }
    var help: String { "Creates an API key and prints it once." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let slug = signature.workspace, let rawRole = signature.role, let name = signature.name else {
            throw ConfigError(variable: "create-api-key", problem: "needs --workspace, --role and --name")
        }
        guard let role = Role(rawValue: rawRole) else {
            throw ConfigError(variable: "--role", problem: "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let app = context.application
        try await app.prepareDatabase()
        guard let workspace = try await Workspace.query(on: app.db).filter(\.$slug == slug).first() else {
            throw ConfigError(variable: "--workspace", problem: "no workspace has the slug '\(slug)'")
        }
        let services = app.switchboard
        let keys = APIKeyService(clock: services.clients.clock, random: services.clients.random)
        let context2 = AuditContext(actor: .system("cli"), workspaceID: try workspace.requireID(), requestID: nil)
        let created = try await keys.create(CreateAPIKeyInput(name: name, role: role), context: context2, writer: app.transactor)
        context.console.info("Created API key \(created.apiKey.prefix) (\(role.rawValue)) in \(slug). It is shown once:")
        context.console.output(created.key.consoleText())
    }
}

/// `switchboard rotate-key`: re-encrypts every stored secret under a new master key.
struct RotateKeyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "batch-size", help: "Secrets per transaction (default 500)") var batchSize: Int?
    }
    var help: String {
        "Re-encrypts every stored secret under a new master key (key file), or under SWITCHBOARD_MASTER_KEY. Safe to interrupt and re-run."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareDatabase()
        let services = app.switchboard
        var box = services.secrets.box
        let pending = try await KeyRotation(store: services.secrets).remaining(on: app.db)
        if case .file(let path) = services.config.masterKey {
            if pending == 0 {
                let keys = try MasterKeyRing.appendNewKey(to: path, random: services.clients.random)
                box = SecretBox(current: keys.current, previous: keys.previous)
                context.console.info("Added new master key \(box.currentKeyID) to \(path).")
            } else {
                context.console.info("Resuming an interrupted rotation: \(pending) secrets are not yet under \(box.currentKeyID).")
            }
        }
        let rotation = KeyRotation(store: SecretStore(box: box, clock: services.clients.clock), batchSize: signature.batchSize ?? 500)
        let report = try await rotation.run(on: app.db)
        context.console.info("rotate-key: \(report) (current key \(box.currentKeyID)).")
    }
}

extension Application {
    /// Registers Switchboard's commands; `serve` is the default.
    public func useSwitchboardCommands() {
        asyncCommands.use(ServeCommand(), as: "serve", isDefault: true)
        asyncCommands.use(WorkerCommand(), as: "worker")
        asyncCommands.use(MigrateCommand(), as: "migrate")
        asyncCommands.use(CreateAdminCommand(), as: "create-admin")
        asyncCommands.use(CreateAPIKeyCommand(), as: "create-api-key")
        asyncCommands.use(RotateKeyCommand(), as: "rotate-key")
        asyncCommands.use(SandboxCommand(), as: "sandbox")
    }
}
