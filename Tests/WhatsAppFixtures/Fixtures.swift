import Foundation
import WhatsAppCloud

/// The real payloads published by others (pywa's webhook deliveries, Meta's webhook and send examples),
/// shared by every test target that needs them.
public enum Fixtures {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// The `.json` files of a fixture folder, sorted by name.
    public static func jsonFiles(in folder: String) -> [URL] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { directory.appendingPathComponent($0) }
    }

    public static func json(_ url: URL) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    /// `{"name","summary","body"}` files of a Meta example folder, by file name without extension.
    public static func metaExampleBodies(in folder: String) throws -> [(name: String, body: JSONValue)] {
        try jsonFiles(in: folder).map { url in
            guard let body = try json(url)["body"] else { throw Missing(description: "\(url.lastPathComponent) has no body") }
            return (url.deletingPathExtension().lastPathComponent, body)
        }
    }

    /// Every pywa delivery as `file/sample` → body.
    public static func pywaDeliveries() throws -> [(name: String, body: JSONValue)] {
        try jsonFiles(in: "pywa-updates").flatMap { url -> [(name: String, body: JSONValue)] in
            guard case .object(let samples) = try json(url) else { return [] }
            let file = url.deletingPathExtension().lastPathComponent
            return samples.keys.sorted().map { ("\(file)/\($0)", samples[$0]!) }
        }
    }

    /// The raw bytes of every webhook delivery (pywa's and Meta's), as a server would receive them.
    public static func webhookBodies() throws -> [(name: String, bytes: Data)] {
        let pywa = try pywaDeliveries().map { ($0.name, try JSONEncoder().encode($0.body)) }
        let meta = try metaExampleBodies(in: "meta-webhook-examples").map { ("meta/\($0.name)", try JSONEncoder().encode($0.body)) }
        return pywa + meta
    }
}

/// Encodes `value` and reads the result back as JSON, to compare bodies semantically (key order ignored).
public func jsonValue(of value: some Encodable) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
}

/// Decodes `T` from a JSON value, through its serialised bytes.
public func decode<T: Decodable>(_ type: T.Type, from json: JSONValue) throws -> T {
    try JSONDecoder().decode(T.self, from: JSONEncoder().encode(json))
}
