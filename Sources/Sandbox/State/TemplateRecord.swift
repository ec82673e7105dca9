import WhatsAppCloud

/// A message template of a WABA, as created through `POST /{waba}/message_templates`. The sandbox approves
/// templates at once; the placeholders of the HEADER and BODY texts define how many parameters a send
/// must carry.
struct TemplateRecord: Sendable {
    var id: String
    var definition: TemplateDefinition

    var listed: MessageTemplate {
        MessageTemplate(
            id: id, name: definition.name, language: definition.language, status: "APPROVED",
            category: definition.category, components: definition.components)
    }

    /// Parameters the BODY expects: its distinct `{{1}}` or `{{name}}` placeholders.
    var bodyParameterCount: Int {
        component("BODY").map { Self.placeholders(in: $0["text"]?.stringValue ?? "") } ?? 0
    }

    /// Parameters the HEADER expects: its text placeholders, or 1 for a media or location header.
    var headerParameterCount: Int {
        guard let header = component("HEADER") else { return 0 }
        switch header["format"]?.stringValue?.uppercased() ?? "TEXT" {
        case "TEXT": return Self.placeholders(in: header["text"]?.stringValue ?? "")
        default: return 1
        }
    }

    private func component(_ type: String) -> JSONValue? {
        definition.components.first { $0["type"]?.stringValue?.uppercased() == type }
    }

    static func placeholders(in text: String) -> Int {
        var names = Set<Substring>()
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.insert(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return names.count
    }

    /// Meta's sample template, present on every new WABA: header and footer text without placeholders.
    static func helloWorld(id: String) -> TemplateRecord {
        TemplateRecord(
            id: id,
            definition: TemplateDefinition(
                name: "hello_world", language: "en_US", category: "UTILITY",
                components: [
                    ["type": "HEADER", "format": "TEXT", "text": "Hello World"],
                    [
                        "type": "BODY",
                        "text": "Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.",
                    ],
                    ["type": "FOOTER", "text": "WhatsApp Business Platform sample message"],
                ]))
    }
}
