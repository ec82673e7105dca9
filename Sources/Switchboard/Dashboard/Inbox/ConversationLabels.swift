import Plot

/// How a conversation's contact and window read on the inbox pages.
enum ConversationLabels {
    /// The contact's WhatsApp name, else its number or user id.
    static func name(_ contact: ContactDTO) -> String {
        contact.profileName.flatMap { $0.isEmpty ? nil : $0 } ?? number(contact)
    }

    static func number(_ contact: ContactDTO) -> String {
        contact.waId.map { "+" + $0 } ?? contact.userId ?? "unknown"
    }

    static func window(_ conversation: ConversationDTO) -> Node<HTML.BodyContext> {
        if conversation.windowOpen, let end = conversation.windowExpiresAt {
            return .span(.class("badge window-open"), .title("Free-form replies until \(DashboardFormat.time(end))"), .text("Window open"))
        }
        return .span(.class("badge window-closed"), .title("Templates only until the contact writes"), .text("Window closed"))
    }

    static func status(_ conversation: ConversationDTO) -> Node<HTML.BodyContext> {
        conversation.status == .open ? .empty : .span(.class("badge inactive"), .text(conversation.status.rawValue.capitalized))
    }
}
