import Plot
import Vapor
import WhatsAppCloud

/// The reply box of a thread. In the 24-hour window it sends text; outside it only a template, with a note
/// saying why. A reply is the same JSON body the API takes, decoded by `SendMessageInput` and accepted by
/// `SendService`, so the rules and errors are the API's. The idempotency key is made when the page renders, so
/// a double submit sends once.
enum ReplyBox {
    struct Model {
        var idempotencyKey: String
        var draft: Form?
        /// The message this reply quotes (`replyTo`), when one was picked.
        var quoted: MessageDTO?
    }

    struct Form: Content {
        /// `text` or `template`.
        var kind: String?
        var body: String?
        var templateName: String?
        var languageCode: String?
        var replyTo: String?
        var idempotencyKey: String?

        /// The `POST /api/v1/messages` body for this form, on the thread's own account.
        func json(to contact: ContactDTO, accountID: UUID) -> String {
            var object: [String: JSONValue] = ["accountId": .string(accountID.uuidString)]
            if let waId = contact.waId { object["to"] = .string("+" + waId) } else if let userId = contact.userId { object["recipient"] = .string(userId) }
            if kind == "template" {
                object["type"] = "template"
                object["template"] = ["name": .string(templateName ?? ""), "language": ["code": .string(languageCode ?? "")]]
            } else {
                object["type"] = "text"
                object["text"] = ["body": .string(body ?? "")]
            }
            if let replyTo, !replyTo.isEmpty { object["replyTo"] = .string(replyTo) }
            return InboundProcessor.json(JSONValue.object(object))
        }
    }

    static func send(_ req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let id = try req.uuid("conversationID")
        return try await FormAction.run(req, back: ThreadPage.path(id), notice: "Message queued.", {
            let conversation = try await req.conversations.get(id, workspaceID: try req.principal.workspaceID, on: req.db)
            let body = form.json(to: conversation.contact, accountID: conversation.accountId)
            let input = try SendMessageInput.decode(contentType: .json, body: ByteBuffer(string: body))
            _ = try await req.sends.accept(input, idempotency: try SendService.Idempotency(key: form.idempotencyKey ?? "", body: Data(body.utf8)),
                                           context: try req.auditContext, db: req.db, writer: req.transactor)
        }, failure: ThreadPage.showAgain(req, draft: form))
    }

    /// Whether a message can be quoted from here: a free-form reply needs the window, and WhatsApp needs its id.
    static func quotable(_ message: MessageDTO, _ model: ThreadPage.Model) -> Bool {
        message.direction == .inbound && message.wamid != nil && model.conversation.windowOpen && canSend(model)
    }

    private static func canSend(_ model: ThreadPage.Model) -> Bool {
        model.viewer.principal.has(.message) && model.conversation.status != .blocked
    }

    static func render(_ model: ThreadPage.Model, base: String) -> Node<HTML.BodyContext> {
        guard canSend(model) else {
            return model.conversation.status == .blocked
                ? .div(.class("card note"), .id("reply"), .text("This conversation is blocked: nothing can be sent to the contact."))
                : .empty
        }
        let reply = model.reply
        let flash = model.flash
        let fields: Node<HTML.FormContext> = model.conversation.windowOpen
            ? .group(.input(.type(.hidden), .name("kind"), .value("text")),
                     .unwrap(reply.quoted) { quoted in
                         .group(.input(.type(.hidden), .name("replyTo"), .value(quoted.id.uuidString)),
                                .p(.class("muted"), .id("quoting"), .text("Replying to “\(MessageBubble.summary(type: quoted.type, content: quoted.content))” "),
                                   .a(.href(base + "#reply"), .text("(don’t quote)"))))
                     },
                     .label(.text("Reply"), .textarea(.name("body"), .rows(3), .required(true), .placeholder("Write a message"),
                                                      .text(reply.draft?.body ?? ""))),
                     FormField.error("text.body", flash),
                     .button(.type(.submit), .text("Send")))
            : .group(.p(.class("note"), .id("window-closed"),
                        .text("The 24-hour window is closed: WhatsApp allows only a template message until \(ConversationLabels.name(model.conversation.contact)) writes again.")),
                     .input(.type(.hidden), .name("kind"), .value("template")),
                     .div(.class("toolbar"),
                          FormField.input("Template name", name: "templateName", value: reply.draft?.templateName ?? "hello_world", required: true, flash: nil),
                          FormField.input("Language code", name: "languageCode", value: reply.draft?.languageCode ?? "en_US", required: true, flash: nil),
                          .button(.type(.submit), .text("Send template"))),
                     FormField.error("template.name", flash), FormField.error("template.language.code", flash))
        return .form(.method(.post), .action(base + "/reply"), .class("card"), .id("reply"), Layout.csrf(model.viewer),
                     .input(.type(.hidden), .name("idempotencyKey"), .value(reply.idempotencyKey)),
                     fields)
    }
}
