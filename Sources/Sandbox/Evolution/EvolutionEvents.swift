import Foundation
import WhatsAppCloud

/// Posts Evolution API webhook events: `{"event":"messages.upsert","instance","data","destination",
/// "date_time","sender","server_url","apikey"}`, to the instance's URL (or `<url>/messages-upsert` when
/// it asked for one URL per event), and only for the events it subscribed to.
struct EvolutionEvents: Sendable {
    let dispatcher: WebhookDispatcher

    /// `event` in upper-case form (`MESSAGES_UPSERT`). nil when the instance doesn't want it.
    func post(_ event: String, data: JSONValue, instance: EvolutionInstance, serverURL: String) async -> DeliveryResult? {
        guard let url = instance.webhookURL, instance.events.isEmpty || instance.events.contains(event) else { return nil }
        let dotted = event.lowercased().replacingOccurrences(of: "_", with: ".")
        let destination = instance.webhookByEvents ? url + "/" + event.lowercased().replacingOccurrences(of: "_", with: "-") : url
        var body: [String: JSONValue] = [
            "event": .string(dotted), "instance": .string(instance.name), "data": data, "destination": .string(destination),
            "date_time": .string(ISO8601DateFormatter().string(from: Date())), "server_url": .string(serverURL),
            "apikey": .string(instance.token),
        ]
        body["sender"] = instance.ownerJid.map(JSONValue.string) ?? .null
        let result = await dispatcher.deliver(MetaJSON.encode(.object(body)), to: destination, appSecret: nil)
        if result.delivered { await dispatcher.state.count { $0.evolutionEventsDelivered += 1 } }
        return result
    }
}
