import Foundation
import WhatsAppCloud

/// Posts the status webhooks of accepted messages on their schedule.
struct StatusWebhooks: Sendable {
    let dispatcher: WebhookDispatcher
    let tasks: BackgroundTasks

    func schedule(_ accepted: AcceptedMessage, number: SandboxNumber) async {
        await tasks.run {
            let start = ContinuousClock.now
            for planned in accepted.plan {
                try? await Task.sleep(until: start + planned.after)
                if Task.isCancelled { return }
                for _ in 0..<planned.copies {
                    let body = MetaJSON.encode(Self.payload(planned, of: accepted.record, number: number))
                    let result = await dispatcher.deliver(body, to: number.webhookURL, appSecret: number.appSecret)
                    if result.delivered {
                        await dispatcher.state.recordDelivered(
                            status: planned.status, messageId: accepted.record.id, phoneNumberId: number.phoneNumberId)
                    }
                }
            }
        }
    }

    /// A `messages` change with one entry in `statuses`, as Meta sends it.
    static func payload(_ planned: PlannedStatus, of message: SentMessage, number: SandboxNumber, now: Date = Date()) -> JSONValue {
        var status: [String: JSONValue] = [
            "id": .string(message.id), "status": .string(planned.status), "timestamp": MetaJSON.timestamp(now),
        ]
        if let to = message.to { status["recipient_id"] = .string(to) }
        if let user = message.recipientUserId { status["recipient_user_id"] = .string(user) }
        if let data = message.bizOpaqueCallbackData { status["biz_opaque_callback_data"] = .string(data) }
        if let code = planned.errorCode {
            let failure = GraphFailure(code, "Injected by the sandbox's faults for this number.")
            status["errors"] = [
                [
                    "code": .int(Int64(code)), "title": .string(failure.title), "message": .string(failure.title),
                    "error_data": ["details": .string(failure.error.errorData?.details ?? "")],
                    "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                ]
            ]
        } else {
            var conversation: [String: JSONValue] = [
                "id": .string(message.conversationId), "origin": ["type": .string(message.pricingCategory)],
            ]
            if planned.status == "sent" {
                conversation["expiration_timestamp"] = MetaJSON.timestamp(now.addingTimeInterval(SandboxState.windowLength))
            }
            status["conversation"] = .object(conversation)
            let free = message.pricingCategory == "service"
            status["pricing"] = [
                "billable": .bool(!free), "pricing_model": "PMP", "category": .string(message.pricingCategory),
                "type": free ? "free_customer_service" : "regular",
            ]
        }
        return MetaJSON.envelope(wabaId: number.wabaId, value: MetaJSON.messagesValue(number, ["statuses": [.object(status)]]))
    }
}
