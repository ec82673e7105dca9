import Foundation
import Testing
import WhatsAppCloud

/// Reads the fixture files copied into the test bundle.
enum Fixtures {
    static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// The `.json` files of a fixture folder, sorted by name.
    static func jsonFiles(in folder: String) -> [URL] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { directory.appendingPathComponent($0) }
    }

    static func json(_ url: URL) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    /// `{"name","summary","body"}` files of a Meta example folder, by file name without extension.
    static func metaExampleBodies(in folder: String) throws -> [(name: String, body: JSONValue)] {
        try jsonFiles(in: folder).map { url in
            (url.deletingPathExtension().lastPathComponent, try #require(json(url)["body"]))
        }
    }

    /// Every pywa delivery as `file/sample` → body.
    static func pywaDeliveries() throws -> [(name: String, body: JSONValue)] {
        try jsonFiles(in: "pywa-updates").flatMap { url -> [(name: String, body: JSONValue)] in
            guard case .object(let samples) = try json(url) else { return [] }
            let file = url.deletingPathExtension().lastPathComponent
            return samples.keys.sorted().map { ("\(file)/\($0)", samples[$0]!) }
        }
    }
}

/// Encodes `value` and reads the result back as JSON, to compare bodies semantically (key order ignored).
func jsonValue(of value: some Encodable) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
}

/// Decodes `T` from a JSON value, through its serialised bytes.
func decode<T: Decodable>(_ type: T.Type, from json: JSONValue) throws -> T {
    try JSONDecoder().decode(T.self, from: JSONEncoder().encode(json))
}
