import Foundation
import WhatsAppCloud

/// A status webhook to post for an accepted message, `after` its acceptance, `copies` times (0 when the
/// drop fault hit, 2 when the duplicate fault did).
struct PlannedStatus: Sendable, Hashable {
    var after: Duration
    var status: String
    var errorCode: Int?
    var copies: Int
}

struct AcceptedMessage: Sendable {
    var record: SentMessage
    var plan: [PlannedStatus]
}

/// The checks that need the sandbox's state (templates, windows, faults), and the bookkeeping of a send.
extension SandboxState {
    /// The throttling and server-error faults, rolled for every call of `POST /{pnid}/messages`.
    func rollTransientFaults(phoneNumberId: String) throws(GraphFailure) {
        let faults = faults(for: phoneNumberId)
        if random.chance(faults.rate429) {
            throw GraphFailure(130429, "Cloud API message throughput has been reached.")
        }
        if random.chance(faults.rate5xx) {
            throw GraphFailure(131016, "A service is temporarily unavailable. Please try again later.")
        }
    }

    /// Accepts a structurally valid message or throws the error Meta would answer with.
    func accept(_ message: OutgoingMessage, from number: SandboxNumber, now: Date = Date()) throws(GraphFailure) -> AcceptedMessage {
        guard number.registered else {
            throw GraphFailure(133010, "Phone number \(number.phoneNumberId) is not registered on the WhatsApp Business Platform.")
        }
        let waID = message.to.map(SendChecks.waID)
        let recipientKeys = [waID, message.recipient].compactMap { $0 }
        var templateName: String?
        var category = "service"
        if case .template(let template) = message.content {
            category = try check(template, wabaId: number.wabaId).lowercased()
            templateName = template.name
        } else if message.recipientType != "group",
            !recipientKeys.contains(where: { hasOpenWindow(phoneNumberId: number.phoneNumberId, user: $0, now: now) })
        {
            throw GraphFailure(
                131047,
                "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
        }
        let faults = faults(for: number.phoneNumberId)
        if let code = faults.errorCode, random.chance(faults.errorRate) {
            throw GraphFailure(code, "Injected by the sandbox's faults for this number.")
        }

        let record = SentMessage(
            id: newWamid(phoneNumberId: number.phoneNumberId), to: waID, recipientUserId: message.recipient,
            type: message.content.type, templateName: templateName, bizOpaqueCallbackData: message.bizOpaqueCallbackData,
            pricingCategory: category, acceptedAt: Int(now.timeIntervalSince1970),
            acceptedAtMs: Int64((now.timeIntervalSince1970 * 1000).rounded(.down)), conversationId: randomHex(32),
            statuses: [])
        log(record, phoneNumberId: number.phoneNumberId)
        counters.messagesAccepted += 1
        return AcceptedMessage(record: record, plan: plan(for: number.phoneNumberId, faults: faults))
    }

    /// 132001 for a template that doesn't exist in that language, 132000 when the header or body gets
    /// another number of parameters than its placeholders. Returns the template's category.
    private func check(_ template: Template, wabaId: String) throws(GraphFailure) -> String {
        guard let record = templates[wabaId]?.first(where: { $0.definition.name == template.name && $0.definition.language == template.language.code })
        else {
            throw GraphFailure(132001, "template name (\(template.name)) does not exist in \(template.language.code)")
        }
        var header = 0
        var body = 0
        for component in template.components {
            switch component {
            case .header(let parameters): header += parameters.count
            case .body(let parameters): body += parameters.count
            case .other(let raw):
                // Meta also takes upper-case component types (pywa sends `BODY`); the library keeps those raw.
                let count = raw["parameters"].map { if case .array(let items) = $0 { items.count } else { 0 } } ?? 0
                switch raw["type"]?.stringValue?.lowercased() {
                case "header": header += count
                case "body": body += count
                default: break
                }
            case .button: break
            }
        }
        if header != record.headerParameterCount || body != record.bodyParameterCount {
            throw GraphFailure(
                132000,
                "header: number of localizable_params (\(header)) does not match the expected number of params (\(record.headerParameterCount)); body: number of localizable_params (\(body)) does not match the expected number of params (\(record.bodyParameterCount))")
        }
        return record.definition.category
    }

    private func log(_ record: SentMessage, phoneNumberId: String) {
        sent[phoneNumberId, default: [:]][record.id] = record
        sentOrder[phoneNumberId, default: []].append(record.id)
        if let data = record.bizOpaqueCallbackData { callbackDataCounts[phoneNumberId, default: [:]][data, default: 0] += 1 }
        if let order = sentOrder[phoneNumberId], order.count > sentLogLimit {
            let excess = order.count - sentLogLimit
            for id in order.prefix(excess) { sent[phoneNumberId]?[id] = nil }
            sentOrder[phoneNumberId] = Array(order.dropFirst(excess))
        }
    }

    /// sent → delivered → read (read only when timing says users read), or a single `failed` when the
    /// failed-status fault hits; reversed for the reorder fault, at the same instants.
    private func plan(for phoneNumberId: String, faults: Faults) -> [PlannedStatus] {
        var steps: [(Int, String)] = [(timing.sentDelayMs, "sent"), (timing.deliveredDelayMs, "delivered")]
        if timing.sendsReads { steps.append((timing.readDelayMs, "read")) }
        var failedCode: Int?
        if let code = faults.failedStatusCode, random.chance(faults.failedStatusRate) {
            steps = [(timing.sentDelayMs, "failed")]
            failedCode = code
        }
        var statuses = steps.map(\.1)
        if faults.reorderWebhooks { statuses.reverse() }
        return zip(steps, statuses).map { step, status in
            PlannedStatus(
                after: timing.scaled(milliseconds: step.0), status: status, errorCode: failedCode,
                copies: webhookCopies(phoneNumberId: phoneNumberId))
        }
    }

    /// Notes a status the receiver accepted.
    func recordDelivered(status: String, messageId: String, phoneNumberId: String) {
        sent[phoneNumberId]?[messageId]?.statuses.append(status)
    }
}
