import Testing
import WhatsAppCloud
import WhatsAppFixtures

@Suite struct SendValidationTests {
    private func paths(_ content: OutgoingMessage.Content) -> [String] {
        OutgoingMessage(to: "15551234567", content: content).violations().map(\.path)
    }

    private func string(_ count: Int) -> String { String(repeating: "a", count: count) }

    private func buttons(_ count: Int) -> OutgoingMessage.Content {
        .interactive(Interactive(body: "Pick", action: .buttons((0..<count).map { ReplyButton(id: "b\($0)", title: "B\($0)") })))
    }

    private func list(_ sections: [ListAction.Section], button: String = "Menu") -> OutgoingMessage.Content {
        .interactive(Interactive(body: "Pick", action: .list(ListAction(button: button, sections: sections))))
    }

    private func rows(_ count: Int, prefix: String = "r") -> [ListAction.Row] {
        (0..<count).map { ListAction.Row(id: "\(prefix)\($0)", title: "Row \($0)") }
    }

    @Test func validMessagesPass() throws {
        try OutgoingMessage(to: "1", content: .text(Text(body: "hi"))).validate()
        try OutgoingMessage(recipient: "US.13491208655302741918", content: .text(Text(body: string(4096)))).validate()
        #expect(paths(buttons(3)).isEmpty)
        #expect(paths(list([.init(rows: rows(10))])).isEmpty)
        #expect(paths(.reaction(Reaction(messageID: "wamid.1", emoji: ""))).isEmpty)
    }

    @Test func metaExamplesWithRealValuesPass() throws {
        let examples = try Fixtures.metaExampleBodies(in: "meta-send-examples")
        let valid = [
            "send-text-message", "send-list-message", "send-reply-button", "send-location-message",
            "send-reply-with-reaction-message", "send-message-template-text", "send-contact-message",
            "send-published-flow-by-id", "send-single-product-message", "send-multi-product-message",
        ]
        for name in valid {
            let body = try #require(examples.first { $0.name == name }?.body)
            let message = try decode(OutgoingMessage.self, from: body)
            #expect(message.violations().isEmpty, "\(name): \(message.violations())")
        }
    }

    @Test func validateThrowsEveryViolation() {
        let message = OutgoingMessage(content: .text(Text(body: "")))
        #expect(throws: SendValidationError.self) { try message.validate() }
        do {
            try message.validate()
        } catch {
            #expect(error.violations.map(\.path) == ["to", "text.body"])
            #expect(error.description.contains("text.body: must not be empty"))
        }
    }

    @Test func textBodyLength() {
        #expect(paths(.text(Text(body: ""))) == ["text.body"])
        #expect(paths(.text(Text(body: string(4097)))) == ["text.body"])
        #expect(paths(.text(Text(body: string(4096)))).isEmpty)
        let message = OutgoingMessage(to: "1", content: .text(Text(body: string(4097)))).violations()
        #expect(message.first?.message == "must be at most 4096 characters (got 4097)")
    }

    @Test func recipientAndContext() {
        #expect(OutgoingMessage(content: .text(Text(body: "x"))).violations().map(\.path) == ["to"])
        #expect(OutgoingMessage(to: "", content: .text(Text(body: "x"))).violations().map(\.path) == ["to"])
        let reply = OutgoingMessage(to: "1", context: .init(messageID: ""), content: .text(Text(body: "x")))
        #expect(reply.violations().map(\.path) == ["context.message_id"])
        var product = OutgoingMessage(to: "1", content: .text(Text(body: "x")))
        product.messagingProduct = "instagram"
        #expect(product.violations().map(\.path) == ["messaging_product"])
    }

    @Test func mediaRules() {
        #expect(paths(.image(.link("https://cdn.example.com/a.png", caption: string(1024)))).isEmpty)
        #expect(paths(.image(.link("https://cdn.example.com/a.png", caption: string(1025)))) == ["image.caption"])
        #expect(paths(.video(.id("1", caption: string(1025)))) == ["video.caption"])
        #expect(paths(.audio(.id("1", caption: "no"))) == ["audio.caption"])
        #expect(paths(.sticker(.id("1", caption: "no"))) == ["sticker.caption"])
        #expect(paths(.image(.id("1", filename: "a.png"))) == ["image.filename"])
        #expect(paths(.document(.id("1", caption: "c", filename: "a.pdf"))).isEmpty)
        #expect(paths(.image(.link("ftp://cdn.example.com/a.png"))) == ["image.link"])
        #expect(paths(.image(.id(""))) == ["image.id"])
    }

    @Test func locationRanges() {
        #expect(paths(.location(Location(latitude: 90, longitude: -180))).isEmpty)
        #expect(paths(.location(Location(latitude: 90.5, longitude: 0))) == ["location.latitude"])
        #expect(paths(.location(Location(latitude: 0, longitude: -180.1))) == ["location.longitude"])
        #expect(paths(.location(Location(latitude: .nan, longitude: 0))) == ["location.latitude"])
    }

    @Test func contactsCount() {
        #expect(paths(.contacts([])) == ["contacts"])
        #expect(paths(.contacts(Array(repeating: Contact(name: .init(formattedName: "A")), count: 6))) == ["contacts"])
        #expect(paths(.contacts([Contact(name: .init(formattedName: "A"))])).isEmpty)
    }

    @Test(arguments: [("👍", true), ("👍🏽", true), ("❤️", true), ("1️⃣", true), ("🇺🇸", true), ("a", false), ("1", false), ("👍👍", false), ("ok", false)])
    func reactionEmoji(emoji: String, valid: Bool) {
        let found = paths(.reaction(Reaction(messageID: "wamid.1", emoji: emoji)))
        #expect(found == (valid ? [] : ["reaction.emoji"]))
    }

    @Test func reactionNeedsMessageID() {
        #expect(paths(.reaction(Reaction(messageID: "", emoji: "👍"))) == ["reaction.message_id"])
    }

    @Test func replyButtonCountAndUniqueness() {
        #expect(paths(buttons(4)) == ["interactive.action.buttons[3]"])
        #expect(paths(buttons(0)) == ["interactive.action.buttons"])
        let duplicate = Interactive(
            body: "Pick", action: .buttons([ReplyButton(id: "same", title: "A"), ReplyButton(id: "same", title: "B")]))
        #expect(paths(.interactive(duplicate)) == ["interactive.action.buttons[1].reply.id"])
    }

    @Test func replyButtonTitleAndID() {
        func one(_ button: ReplyButton) -> [String] { paths(.interactive(Interactive(body: "x", action: .buttons([button])))) }
        #expect(one(ReplyButton(id: "a", title: string(20))).isEmpty)
        #expect(one(ReplyButton(id: "a", title: string(21))) == ["interactive.action.buttons[0].reply.title"])
        #expect(one(ReplyButton(id: "a", title: "")) == ["interactive.action.buttons[0].reply.title"])
        #expect(one(ReplyButton(id: string(256), title: "t")).isEmpty)
        #expect(one(ReplyButton(id: string(257), title: "t")) == ["interactive.action.buttons[0].reply.id"])
    }

    @Test func interactiveTexts() {
        func interactive(header: String? = nil, body: String? = "b", footer: String? = nil) -> [String] {
            paths(.interactive(Interactive(header: header.map { .text($0) }, body: body, footer: footer, action: .buttons([ReplyButton(id: "a", title: "A")]))))
        }
        #expect(interactive(header: string(60), body: string(1024), footer: string(60)).isEmpty)
        #expect(interactive(header: string(61)) == ["interactive.header.text"])
        #expect(interactive(body: string(1025)) == ["interactive.body.text"])
        #expect(interactive(body: nil) == ["interactive.body.text"])
        #expect(interactive(footer: string(61)) == ["interactive.footer.text"])
        let product = Interactive(action: .product(catalogID: "c", productRetailerID: "p"))
        #expect(paths(.interactive(product)).isEmpty)
    }

    @Test func listButtonAndSections() {
        #expect(paths(list([.init(rows: rows(1))], button: string(21))) == ["interactive.action.button"])
        #expect(paths(list([])) == ["interactive.action.sections"])
        let eleven = (0..<11).map { ListAction.Section(title: "S\($0)", rows: []) }
        #expect(paths(list(eleven)).first == "interactive.action.sections")
    }

    @Test func listRowsInAll() {
        let sections = [
            ListAction.Section(title: "One", rows: rows(6, prefix: "a")),
            ListAction.Section(title: "Two", rows: rows(5, prefix: "b")),
        ]
        #expect(paths(list(sections)) == ["interactive.action.sections[1].rows[4]"])
        #expect(paths(list([.init(title: "One", rows: [])])) == ["interactive.action.sections[0].rows"])
    }

    @Test func listTextLengths() {
        let section = ListAction.Section(
            title: string(25),
            rows: [
                ListAction.Row(id: string(201), title: string(25), description: string(73)),
                ListAction.Row(id: "ok", title: string(24), description: string(72)),
            ])
        #expect(
            paths(list([section])) == [
                "interactive.action.sections[0].title", "interactive.action.sections[0].rows[0].id",
                "interactive.action.sections[0].rows[0].title", "interactive.action.sections[0].rows[0].description",
            ])
    }

    @Test func listSectionTitlesAndRowIDs() {
        let untitled = [ListAction.Section(rows: rows(1, prefix: "a")), ListAction.Section(title: "B", rows: rows(1, prefix: "b"))]
        #expect(paths(list(untitled)) == ["interactive.action.sections[0].title"])
        #expect(paths(list([ListAction.Section(rows: rows(1))])).isEmpty)
        let duplicate = [ListAction.Section(title: "A", rows: rows(1)), ListAction.Section(title: "B", rows: rows(1))]
        #expect(paths(list(duplicate)) == ["interactive.action.sections[1].rows[0].id"])
    }

    @Test func ctaURLAndFlow() {
        let cta = Interactive(body: "b", action: .ctaURL(CTAURLAction(displayText: string(21), url: "not a url")))
        #expect(paths(.interactive(cta)) == ["interactive.action.parameters.display_text", "interactive.action.parameters.url"])
        let fine = Interactive(body: "b", action: .ctaURL(CTAURLAction(displayText: "Open", url: "https://shop.example.com/x")))
        #expect(paths(.interactive(fine)).isEmpty)
        let flow = Interactive(body: "b", action: .flow(FlowAction(flow: .id(""), cta: string(31))))
        #expect(paths(.interactive(flow)) == ["interactive.action.parameters.flow_cta", "interactive.action.parameters.flow_id"])
    }

    @Test func productListItemsInAll() {
        let ids = (0..<16).map { "sku\($0)" }
        let action = ProductListAction(catalogID: "c", sections: [.init(title: "A", productRetailerIDs: ids), .init(title: "B", productRetailerIDs: ids)])
        #expect(paths(.interactive(Interactive(body: "b", action: .productList(action)))) == ["interactive.action.sections"])
    }

    @Test func templateNameLanguageAndIndex() {
        let template = Template(
            name: "", language: .init(code: ""),
            components: [.body([.text("x")]), .button(.init(subType: .quickReply, index: 10, parameters: [.payload("p")]))])
        #expect(paths(.template(template)) == ["template.name", "template.language.code", "template.components[1].index"])
        #expect(paths(.template(Template(name: "hello_world", language: .init(code: "en_US")))).isEmpty)
    }
}
