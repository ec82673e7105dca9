import Foundation

extension OutgoingMessage {
    /// Checks the documented limits, so a request Meta would reject fails here with a field path instead.
    public func validate() throws(SendValidationError) {
        let found = violations()
        if !found.isEmpty { throw SendValidationError(violations: found) }
    }

    /// All broken limits, in document order; empty when the message is valid.
    public func violations() -> [SendValidationError.Violation] {
        var check = Checker()
        if messagingProduct != "whatsapp" {
            check.fail("messaging_product", "must be \"whatsapp\"")
        }
        if (to ?? "").isEmpty && (recipient ?? "").isEmpty {
            check.fail("to", "either `to` or `recipient` is required")
        }
        if let context { check.nonEmpty(context.messageID, "context.message_id") }
        switch content {
        case .text(let text):
            check.length(text.body, "text.body", 1...SendLimits.textBody)
        case .image(let media): check.media(media, "image", captionAllowed: true, filenameAllowed: false)
        case .video(let media): check.media(media, "video", captionAllowed: true, filenameAllowed: false)
        case .document(let media): check.media(media, "document", captionAllowed: true, filenameAllowed: true)
        case .audio(let media): check.media(media, "audio", captionAllowed: false, filenameAllowed: false)
        case .sticker(let media): check.media(media, "sticker", captionAllowed: false, filenameAllowed: false)
        case .location(let location): check.location(location, "location")
        case .contacts(let contacts):
            check.count(contacts.count, "contacts", 1...SendLimits.contacts, noun: "contacts")
        case .reaction(let reaction):
            check.nonEmpty(reaction.messageID, "reaction.message_id")
            if !reaction.isRemoval && !Checker.isSingleEmoji(reaction.emoji) {
                check.fail("reaction.emoji", "must be a single emoji, or empty to remove the reaction")
            }
        case .interactive(let interactive): check.interactive(interactive)
        case .template(let template): check.template(template)
        }
        return check.violations
    }
}

/// Collects violations; each helper checks one kind of rule at a path.
private struct Checker {
    var violations: [SendValidationError.Violation] = []

    mutating func fail(_ path: String, _ message: String) {
        violations.append(.init(path: path, message: message))
    }

    mutating func nonEmpty(_ value: String, _ path: String) {
        if value.isEmpty { fail(path, "must not be empty") }
    }

    mutating func length(_ value: String, _ path: String, _ allowed: ClosedRange<Int>) {
        let count = value.count
        if count < allowed.lowerBound {
            fail(path, "must not be empty")
        } else if count > allowed.upperBound {
            fail(path, "must be at most \(allowed.upperBound) characters (got \(count))")
        }
    }

    mutating func count(_ count: Int, _ path: String, _ allowed: ClosedRange<Int>, noun: String) {
        if !allowed.contains(count) {
            fail(path, "needs \(allowed.lowerBound) to \(allowed.upperBound) \(noun) (got \(count))")
        }
    }

    mutating func httpURL(_ value: String, _ path: String) {
        let lowered = value.lowercased()
        if !(lowered.hasPrefix("https://") || lowered.hasPrefix("http://")) || URL(string: value)?.host == nil {
            fail(path, "must be an http(s) URL")
        }
    }

    mutating func media(_ media: Media, _ path: String, captionAllowed: Bool, filenameAllowed: Bool) {
        switch media.source {
        case .id(let id): nonEmpty(id, "\(path).id")
        case .link(let link): httpURL(link, "\(path).link")
        }
        if let caption = media.caption {
            if captionAllowed {
                length(caption, "\(path).caption", 0...SendLimits.caption)
            } else {
                fail("\(path).caption", "is not allowed on \(path)")
            }
        }
        if media.filename != nil && !filenameAllowed {
            fail("\(path).filename", "is allowed on documents only")
        }
    }

    mutating func location(_ location: Location, _ path: String) {
        if !SendLimits.latitude.contains(location.latitude) {
            fail("\(path).latitude", "must be between -90 and 90")
        }
        if !SendLimits.longitude.contains(location.longitude) {
            fail("\(path).longitude", "must be between -180 and 180")
        }
    }

    mutating func interactive(_ interactive: Interactive) {
        if case .text(let text) = interactive.header {
            length(text, "interactive.header.text", 1...SendLimits.headerText)
        }
        if let body = interactive.body {
            length(body, "interactive.body.text", 1...SendLimits.interactiveBody)
        } else if interactive.action.requiresBody {
            fail("interactive.body.text", "is required for \(interactive.action.type) messages")
        }
        if let footer = interactive.footer {
            length(footer, "interactive.footer.text", 1...SendLimits.footerText)
        }

        let action = "interactive.action"
        switch interactive.action {
        case .buttons(let buttons):
            if buttons.isEmpty { fail("\(action).buttons", "needs at least one reply button") }
            var seen = Set<String>()
            for (index, button) in buttons.enumerated() {
                let path = "\(action).buttons[\(index)]"
                if index >= SendLimits.replyButtons {
                    fail(path, "at most \(SendLimits.replyButtons) reply buttons are allowed")
                }
                length(button.id, "\(path).reply.id", 1...SendLimits.buttonID)
                length(button.title, "\(path).reply.title", 1...SendLimits.buttonTitle)
                if !seen.insert(button.id).inserted {
                    fail("\(path).reply.id", "duplicates an earlier button id \"\(button.id)\"")
                }
            }
        case .list(let list):
            length(list.button, "\(action).button", 1...SendLimits.listButton)
            count(list.sections.count, "\(action).sections", 1...SendLimits.listSections, noun: "sections")
            var rowCount = 0
            var seen = Set<String>()
            for (sectionIndex, section) in list.sections.enumerated() {
                let sectionPath = "\(action).sections[\(sectionIndex)]"
                if let title = section.title {
                    length(title, "\(sectionPath).title", 1...SendLimits.sectionTitle)
                } else if list.sections.count > 1 {
                    fail("\(sectionPath).title", "is required when there is more than one section")
                }
                if section.rows.isEmpty { fail("\(sectionPath).rows", "needs at least one row") }
                for (rowIndex, row) in section.rows.enumerated() {
                    let rowPath = "\(sectionPath).rows[\(rowIndex)]"
                    rowCount += 1
                    if rowCount > SendLimits.listRows {
                        fail(rowPath, "a list may have at most \(SendLimits.listRows) rows in all")
                    }
                    length(row.id, "\(rowPath).id", 1...SendLimits.rowID)
                    length(row.title, "\(rowPath).title", 1...SendLimits.rowTitle)
                    if let description = row.description {
                        length(description, "\(rowPath).description", 0...SendLimits.rowDescription)
                    }
                    if !seen.insert(row.id).inserted {
                        fail("\(rowPath).id", "duplicates an earlier row id \"\(row.id)\"")
                    }
                }
            }
        case .ctaURL(let cta):
            length(cta.displayText, "\(action).parameters.display_text", 1...SendLimits.ctaDisplayText)
            httpURL(cta.url, "\(action).parameters.url")
        case .flow(let flow):
            length(flow.cta, "\(action).parameters.flow_cta", 1...SendLimits.flowCTA)
            switch flow.flow {
            case .id(let id): nonEmpty(id, "\(action).parameters.flow_id")
            case .name(let name): nonEmpty(name, "\(action).parameters.flow_name")
            }
        case .productList(let productList):
            nonEmpty(productList.catalogID, "\(action).catalog_id")
            if productList.sections.isEmpty { fail("\(action).sections", "needs at least one section") }
            let items = productList.sections.reduce(0) { $0 + $1.productRetailerIDs.count }
            count(items, "\(action).sections", 1...SendLimits.productItems, noun: "products in all")
        case .product(let catalogID, let productRetailerID):
            nonEmpty(catalogID, "\(action).catalog_id")
            nonEmpty(productRetailerID, "\(action).product_retailer_id")
        case .catalogMessage, .orderDetails, .orderStatus, .other:
            break
        }
    }

    mutating func template(_ template: Template) {
        nonEmpty(template.name, "template.name")
        nonEmpty(template.language.code, "template.language.code")
        for (index, component) in template.components.enumerated() {
            guard case .button(let button) = component else { continue }
            if !SendLimits.templateButtonIndex.contains(button.index.value) {
                fail("template.components[\(index)].index", "must be between 0 and 9")
            }
        }
    }

    /// One grapheme that is an emoji. Plain ASCII (digits, `#`, `*`) has the Emoji property only as a keycap
    /// base, so it counts only inside a sequence such as 1️⃣.
    static func isSingleEmoji(_ value: String) -> Bool {
        guard value.count == 1, let first = value.unicodeScalars.first else { return false }
        return value.unicodeScalars.contains { $0.properties.isEmojiPresentation }
            || (first.properties.isEmoji && (first.value > 0x7F || value.unicodeScalars.count > 1))
    }
}

extension InteractiveAction {
    /// Meta renders product messages from the catalog, so only they may omit the body.
    fileprivate var requiresBody: Bool {
        switch self {
        case .product, .other: false
        default: true
        }
    }
}
