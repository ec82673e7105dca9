import Foundation
import Vapor
import WhatsAppCloud

/// `GET|POST|DELETE /{waba}/message_templates`. Created templates are approved at once.
struct TemplateRoutes {
    let state: SandboxState

    func register(on graph: any RoutesBuilder) {
        graph.get(":id", "message_templates", use: list)
        graph.on(.POST, ":id", "message_templates", body: .collect(maxSize: "1mb"), use: create)
        graph.delete(":id", "message_templates", use: delete)
    }

    /// One page, filtered by `name` and `status`; the `after` cursor is the offset of the next item.
    func list(_ request: Request) async throws -> Response {
        let wabaId = try request.parameters.require("id")
        _ = try await GraphAuth(state: state, request: request).waba(wabaId)
        var templates = await state.templates(wabaId: wabaId)
        if let name = request.query[String.self, at: "name"] { templates = templates.filter { $0.name.contains(name) } }
        if let status = request.query[String.self, at: "status"] { templates = templates.filter { $0.status == status.uppercased() } }
        let limit = max(1, request.query[Int.self, at: "limit"] ?? 25)
        let start = request.query[String.self, at: "after"].flatMap(Self.offset) ?? 0
        let page = Array(templates.dropFirst(start).prefix(limit))
        let end = start + page.count
        let cursors = GraphPage<MessageTemplate>.Cursors(before: Self.cursor(start), after: Self.cursor(end))
        var paging = GraphPage<MessageTemplate>.Paging(cursors: cursors)
        if end < templates.count {
            let host = request.headers.first(name: .host) ?? "127.0.0.1"
            paging.next = "http://\(host)\(request.url.path)?limit=\(limit)&after=\(Self.cursor(end))"
        }
        return .json(GraphPage(data: page, paging: paging))
    }

    func create(_ request: Request) async throws -> Response {
        let wabaId = try request.parameters.require("id")
        _ = try await GraphAuth(state: state, request: request).waba(wabaId)
        let definition: TemplateDefinition
        do {
            definition = try JSONDecoder().decode(TemplateDefinition.self, from: Data(request.bodyBytes))
        } catch DecodingError.keyNotFound(let key, _) {
            throw GraphFailure(131008, "The parameter \(key.stringValue) is required.")
        } catch {
            throw GraphFailure(100, SendChecks.describe(error))
        }
        guard !definition.name.isEmpty, definition.name.count <= 512,
            definition.name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        else {
            throw GraphFailure(100, "Template names may contain only lowercase letters, digits and underscores.")
        }
        guard ["MARKETING", "UTILITY", "AUTHENTICATION"].contains(definition.category.uppercased()) else {
            throw GraphFailure(100, "Param category must be one of {MARKETING, UTILITY, AUTHENTICATION}.")
        }
        guard let created = await state.addTemplate(definition, wabaId: wabaId) else {
            throw GraphFailure(100, "Content in this language already exists: \(definition.name) (\(definition.language)).", subcode: 2_388_024)
        }
        return .json(CreatedTemplate(id: created.id, status: "APPROVED", category: created.category))
    }

    /// Every language of `name`, or only `hsm_id`.
    func delete(_ request: Request) async throws -> Response {
        let wabaId = try request.parameters.require("id")
        _ = try await GraphAuth(state: state, request: request).waba(wabaId)
        guard let name = request.query[String.self, at: "name"] else {
            throw GraphFailure(131008, "The parameter name is required.")
        }
        guard await state.deleteTemplates(named: name, id: request.query[String.self, at: "hsm_id"], wabaId: wabaId) > 0 else {
            throw GraphFailure(100, "Message template \"\(name)\" was not found.")
        }
        return .json(["success": true])
    }

    static func cursor(_ offset: Int) -> String { Data(String(offset).utf8).base64EncodedString() }

    static func offset(_ cursor: String) -> Int? {
        Data(base64Encoded: cursor).flatMap { Int(String(decoding: $0, as: UTF8.self)) }
    }
}

extension SandboxState {
    /// nil when the WABA already has that name in that language.
    func addTemplate(_ definition: TemplateDefinition, wabaId: String) -> MessageTemplate? {
        let existing = templates[wabaId] ?? []
        guard !existing.contains(where: { $0.definition.name == definition.name && $0.definition.language == definition.language })
        else { return nil }
        let record = TemplateRecord(id: newNumericID(), definition: definition)
        templates[wabaId] = existing + [record]
        return record.listed
    }

    /// Returns how many were deleted.
    func deleteTemplates(named name: String, id: String?, wabaId: String) -> Int {
        let before = templates[wabaId]?.count ?? 0
        templates[wabaId]?.removeAll { $0.definition.name == name && (id == nil || $0.id == id) }
        return before - (templates[wabaId]?.count ?? 0)
    }
}
