import Foundation
import Vapor
import WhatsAppCloud

/// Media upload (multipart), info, download and delete. Download URLs point back at the sandbox with the
/// path Meta's lookaside host uses, and need the bearer token like Meta's.
struct MediaRoutes {
    let state: SandboxState

    /// Meta's upload limits by MIME type family.
    static let sizeLimits: [(prefix: String, bytes: Int)] = [
        ("image/", 5 << 20), ("video/", 16 << 20), ("audio/", 16 << 20), ("", 100 << 20),
    ]

    func register(on graph: any RoutesBuilder, download downloads: any RoutesBuilder) {
        graph.on(.POST, ":id", "media", body: .collect(maxSize: "101mb"), use: upload)
        graph.delete(":id", use: delete)
        downloads.get("whatsapp_business", "attachments", use: download)
    }

    private struct Upload: Content {
        var messaging_product: String?
        var type: String?
        var file: File?
    }

    func upload(_ request: Request) async throws -> Response {
        let number = try await GraphAuth(state: state, request: request).number(try request.parameters.require("id"))
        guard request.headers.contentType?.type == "multipart", let form = try? request.content.decode(Upload.self) else {
            throw GraphFailure(100, "Media must be uploaded as multipart/form-data.")
        }
        guard form.messaging_product != nil else { throw GraphFailure(131008, "The parameter messaging_product is required.") }
        guard let file = form.file else { throw GraphFailure(131008, "The parameter file is required.") }
        let mimeType = form.type ?? file.contentType?.description ?? "application/octet-stream"
        let bytes = Array(file.data.readableBytesView)
        let limit = Self.sizeLimits.first { mimeType.hasPrefix($0.prefix) }!.bytes
        guard bytes.count <= limit else {
            throw GraphFailure(131053, "\(mimeType) files may be at most \(limit >> 20) MB (got \(bytes.count) bytes).")
        }
        let stored = await state.storeMedia(phoneNumberId: number.phoneNumberId, bytes: bytes, mimeType: mimeType)
        return .json(["id": stored.id])
    }

    /// `GET /{media-id}`.
    func info(_ request: Request) async throws -> Response {
        let media = try await GraphAuth(state: state, request: request).media(try request.parameters.require("id"))
        let host = request.headers.first(name: .host) ?? "127.0.0.1"
        let url = "http://\(host)/whatsapp_business/attachments/?mid=\(media.id)&ext=\(Int(Date().timeIntervalSince1970))"
        let answer: JSONValue = [
            "messaging_product": "whatsapp", "url": .string(url), "mime_type": .string(media.mimeType),
            "sha256": .string(media.sha256), "file_size": .int(Int64(media.bytes.count)), "id": .string(media.id),
        ]
        return .json(answer)
    }

    func download(_ request: Request) async throws -> Response {
        guard let id = request.query[String.self, at: "mid"] else { throw GraphFailure(131008, "The parameter mid is required.") }
        let media = try await GraphAuth(state: state, request: request).media(id)
        return Response(status: .ok, headers: ["Content-Type": media.mimeType], body: .init(data: Data(media.bytes)))
    }

    func delete(_ request: Request) async throws -> Response {
        let media = try await GraphAuth(state: state, request: request).media(try request.parameters.require("id"))
        await state.deleteMedia(media.id)
        return .json(["success": true])
    }
}
