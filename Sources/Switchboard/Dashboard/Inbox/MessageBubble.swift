import Foundation
import Plot
import WhatsAppCloud

/// One message of a thread as a bubble: inbound on the left, outbound on the right, with a readable rendering of
/// its content, its type, time and account, and for outbound its status as ticks.
enum MessageBubble {
    static func render(_ message: MessageDTO, accountName: String, quoteLink: String?) -> Node<HTML.BodyContext> {
        let inbound = message.direction == .inbound
        return .div(.class("bubble \(inbound ? "in" : "out")"), .id("message-\(message.id.uuidString)"),
                    .data(named: "status", value: message.status.rawValue),
                    .p(.text(summary(type: message.type, content: message.content))),
                    .div(.class("meta"),
                         .span(.class("badge"), .text(message.type)),
                         .span(.text(DashboardFormat.time(message.createdAt))),
                         .span(.class("account"), .text((inbound ? "on " : "via ") + accountName)),
                         ticks(message),
                         .unwrap(quoteLink) { .a(.class("quote"), .href($0), .text("Reply")) }))
    }

    /// What a person would call the message: the text, a media caption or file name, the template or place name;
    /// otherwise its type.
    static func summary(type: String, content: String) -> String {
        let payload = (try? JSONDecoder().decode(JSONValue.self, from: Data(content.utf8)))?[type]
        let text: String? = switch type {
        case "text": payload?["body"]?.stringValue
        case "image", "video", "audio", "document", "sticker": payload?["caption"]?.stringValue ?? payload?["filename"]?.stringValue
        case "template": payload?["name"]?.stringValue.map { "Template \($0)" }
        case "location": payload?["name"]?.stringValue ?? payload?["address"]?.stringValue
        case "reaction": payload?["emoji"]?.stringValue
        case "interactive": payload?["body"]?["text"]?.stringValue
        default: nil
        }
        return text.flatMap { $0.isEmpty ? nil : $0 } ?? type
    }

    /// Queued ◷, sending …, sent ✓, delivered ✓✓, read (or played) ✓✓ in blue, failed ✗ with Meta's reason as the title.
    /// Inbound messages (`received`) have none.
    static func ticks(_ message: MessageDTO) -> Node<HTML.BodyContext> {
        let mark: String, label: String
        switch message.status {
        case .received: return .empty
        case .queued: (mark, label) = ("◷", "Queued")
        case .sending: (mark, label) = ("…", "Sending")
        case .sent: (mark, label) = ("✓", "Sent")
        case .delivered: (mark, label) = ("✓✓", "Delivered")
        case .read: (mark, label) = ("✓✓", "Read")
        case .played: (mark, label) = ("✓✓", "Played")
        case .failed: (mark, label) = ("✗", "Failed")
        }
        let reason = [message.errorTitle, message.errorDetail, message.errorCode.map { "code \($0)" }].compactMap { $0 }
        let title = (message.status == .failed && !reason.isEmpty ? "Failed: " + reason.joined(separator: " — ") : label).attributeEscaped
        return .span(.class("ticks \(message.status.rawValue)"), .title(title), .attribute(named: "aria-label", value: title), .text(mark))
    }
}
