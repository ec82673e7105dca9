import Foundation
import Testing
@testable import Switchboard
import Vapor

/// Every `/api/v1` route, one line each, with the permission it needs and a valid body.
/// The isolation and role tests run over this table; a test fails when a registered route is missing from it.
struct RouteCase: CustomTestStringConvertible, Sendable {
    var method: HTTPMethod
    var template: String
    var permission: Permission
    var body: (@Sendable (SeededWorkspace) -> (any Encodable & Sendable)?)

    var testDescription: String { "\(method.rawValue) \(template)" }

    /// The path with ids of `target` filled in (its agent member, its agent key).
    func path(ids target: SeededWorkspace) -> String {
        template.replacingOccurrences(of: ":memberID", with: target.memberID(.agent).uuidString)
            .replacingOccurrences(of: ":keyID", with: target.keyIDs[.agent]!.uuidString)
            .replacingOccurrences(of: ":accountID", with: target.accountID.uuidString)
            .replacingOccurrences(of: ":conversationID", with: target.conversationID.uuidString)
            .replacingOccurrences(of: ":messageID", with: target.messageID.uuidString)
            .replacingOccurrences(of: ":endpointID", with: target.endpointID.uuidString)
            .replacingOccurrences(of: ":deliveryID", with: target.deliveryID.uuidString)
    }

    var takesIDs: Bool { template.contains(":") }

    static let all: [RouteCase] = [
        .init(method: .GET, template: "/api/v1/workspaces/current", permission: .read, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/members", permission: .read, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/members", permission: .manageAccess,
              body: { _ in AddMemberInput(email: "new-\(UUID().uuidString.prefix(8))@example.com", role: .agent, password: "a long enough password") }),
        .init(method: .PATCH, template: "/api/v1/members/:memberID", permission: .manageAccess, body: { _ in ChangeRoleInput(role: .manager) }),
        .init(method: .DELETE, template: "/api/v1/members/:memberID", permission: .manageAccess, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/api-keys", permission: .manageAccess, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/api-keys", permission: .manageAccess, body: { _ in CreateAPIKeyInput(name: "ci key", role: .agent) }),
        .init(method: .DELETE, template: "/api/v1/api-keys/:keyID", permission: .manageAccess, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/audit-events", permission: .read, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/whatsapp-accounts", permission: .read, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/whatsapp-accounts", permission: .write,
              body: { _ in CreateAccountInput(name: "New \(UUID().uuidString.prefix(8))", provider: .sandbox, phoneNumberId: Seed.phoneNumberID()) }),
        .init(method: .GET, template: "/api/v1/whatsapp-accounts/resolve", permission: .read, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/whatsapp-accounts/:accountID", permission: .read, body: { _ in nil }),
        .init(method: .PATCH, template: "/api/v1/whatsapp-accounts/:accountID", permission: .write, body: { _ in UpdateAccountInput(name: "Renamed") }),
        .init(method: .DELETE, template: "/api/v1/whatsapp-accounts/:accountID", permission: .write, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/whatsapp-accounts/:accountID/default", permission: .write, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/whatsapp-accounts/:accountID/verify", permission: .write, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/whatsapp-accounts/:accountID/activate", permission: .write, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/whatsapp-accounts/:accountID/deactivate", permission: .write, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/whatsapp-settings", permission: .read, body: { _ in nil }),
        .init(method: .PUT, template: "/api/v1/whatsapp-settings", permission: .write,
              body: { _ in UpdateSettingsInput(usePlatformAccount: false, alertRecipients: ["+14155550123"], notificationsEnabled: true) }),
        .init(method: .GET, template: "/api/v1/conversations", permission: .read, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/conversations/:conversationID", permission: .read, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/conversations/:conversationID/messages", permission: .read, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/conversations/:conversationID/read", permission: .message, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/conversations/:conversationID/archive", permission: .message, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/conversations/:conversationID/block", permission: .message, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/conversations/:conversationID/reopen", permission: .message, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/messages", permission: .message, body: { _ in
            SendBody(to: "+1555\(Int.random(in: 1_000_000...9_999_999))", type: "template", template: .init(name: "hello_world", language: .init(code: "en_US")))
        }),
        .init(method: .GET, template: "/api/v1/messages/:messageID", permission: .read, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/webhook-endpoints", permission: .read, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/webhook-endpoints", permission: .write,
              body: { _ in CreateWebhookEndpointInput(url: "https://hooks.example.com/new", eventKinds: ["*"]) }),
        .init(method: .GET, template: "/api/v1/webhook-endpoints/:endpointID", permission: .read, body: { _ in nil }),
        .init(method: .PATCH, template: "/api/v1/webhook-endpoints/:endpointID", permission: .write,
              body: { _ in UpdateWebhookEndpointInput(eventKinds: ["message.received"]) }),
        .init(method: .DELETE, template: "/api/v1/webhook-endpoints/:endpointID", permission: .write, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/webhook-endpoints/:endpointID/rotate-secret", permission: .write, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/webhook-endpoints/:endpointID/test", permission: .write, body: { _ in nil }),
        .init(method: .GET, template: "/api/v1/webhook-endpoints/:endpointID/deliveries", permission: .read, body: { _ in nil }),
        .init(method: .POST, template: "/api/v1/webhook-endpoints/:endpointID/deliveries/:deliveryID/replay", permission: .write, body: { _ in nil }),
    ]
}


extension Application {
    func send(_ route: RouteCase, key: String, ids target: SeededWorkspace) async throws -> Reply {
        try await send(route.method, route.path(ids: target), key: key, json: route.body(target))
    }
}

/// A send body for the route table: a template, which needs no open window.
struct SendBody: Encodable, Sendable {
    struct Template: Encodable, Sendable {
        struct Language: Encodable, Sendable { var code: String }
        var name: String
        var language: Language
    }
    var to: String
    var type: String
    var template: Template
}
