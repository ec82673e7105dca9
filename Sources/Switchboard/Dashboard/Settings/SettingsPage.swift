import Plot
import Vapor

/// WhatsApp settings: the platform switch, alert recipients, notification toggles, signature, and what the
/// resolver would choose now, with its reasons.
enum SettingsPage {
    struct Model {
        var viewer: DashboardViewer
        var settings: SettingsDTO
        var decision: DecisionDTO
        var flash: Flash?
    }

    enum Query {
        static func load(_ req: Request, flash: Flash?) async throws -> Model {
            let viewer = try req.viewer
            let workspace = viewer.principal.workspaceID
            let settings = try await req.settingsService.get(workspaceID: workspace, on: req.db)
            let decision = try await req.resolution.decide(ResolutionRequest(workspaceID: workspace), on: req.db)
            return Model(viewer: viewer, settings: settings, decision: DecisionDTO(decision), flash: flash)
        }
    }

    enum View {
        static func render(_ model: Model) -> HTML {
            let settings = model.settings
            let canWrite = model.viewer.principal.has(.write)
            return Layout.page(title: "WhatsApp settings", viewer: model.viewer, active: "settings", flash: model.flash,
                .div(.class("card"), .id("resolver"),
                    .h2(.text("Messages go out on")),
                    .p(.strong(.text(model.decision.account.map { "\($0.name)" + ($0.isPlatform ? " (platform number)" : "") } ?? "no usable account"))),
                    .ol(.forEach(model.decision.steps) { step in
                        .li(.text("\(step.step.rawValue): \(step.outcome.rawValue.replacingOccurrences(of: "_", with: " ")) — \(step.reason)"))
                    })),
                .form(.method(.post), .action("/dashboard/settings"), .class("card"), .id("settings-form"), Layout.csrf(model.viewer),
                      FormField.checkbox("Use the platform WhatsApp" + (settings.platformAccount.map { " (\($0.name))" } ?? " (none configured)"),
                                         name: "usePlatformAccount", checked: settings.usePlatformAccount),
                      FormField.error("usePlatformAccount", model.flash),
                      .label(.text("Alert recipients (E.164, one per line)"),
                             .textarea(.name("alertRecipients"), .attribute(named: "rows", value: "3"),
                                       .text(settings.alertRecipients.joined(separator: "\n")))),
                      .group(model.flash?.fields.filter { $0.field.hasPrefix("alertRecipients") }.map { FormField.error($0.field, model.flash) } ?? []),
                      FormField.checkbox("Notifications enabled", name: "notificationsEnabled", checked: settings.notificationsEnabled),
                      .fieldset(.element(named: "legend", text: "Notify about"),
                                .forEach(NotificationKind.allCases) { kind in
                                    FormField.checkbox(kind.rawValue.replacingOccurrences(of: "_", with: " "), name: "toggle_\(kind.rawValue)",
                                                       checked: settings.notificationToggles[kind.rawValue] ?? false)
                                }),
                      FormField.input("Signature (prefixed to messages on the shared number)", name: "signature", value: settings.signature, flash: model.flash),
                      .if(canWrite, .button(.type(.submit), .text("Save settings"))))
            )
        }
    }

    static func show(_ req: Request) async throws -> Response {
        View.render(try await Query.load(req, flash: Flash.notice(req))).response()
    }

    static func save(_ req: Request) async throws -> Response {
        let fields = try req.content.decode([String: String].self)
        let recipients = (fields["alertRecipients"] ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let toggles = Dictionary(uniqueKeysWithValues: NotificationKind.allCases.map { ($0.rawValue, fields["toggle_\($0.rawValue)"] == "true") })
        let input = UpdateSettingsInput(usePlatformAccount: fields["usePlatformAccount"] == "true", alertRecipients: recipients,
                                        notificationToggles: toggles, signature: fields["signature"],
                                        notificationsEnabled: fields["notificationsEnabled"] == "true")
        return try await FormAction.run(req, back: "/dashboard/settings", notice: "Settings saved.", {
            _ = try await req.settingsService.update(input, context: try req.auditContext, writer: req.transactor)
        }, failure: { flash, status in
            View.render(try await Query.load(req, flash: flash)).response(status: status)
        })
    }
}
