import Foundation
@testable import Switchboard
import Testing
import WhatsAppCloud

@Suite("Inbound decisions")
struct InboundDecisionTests {
    /// Applies statuses in the given order to a message starting at `start`, as the webhook does.
    func final(_ start: MessageStatus, _ reported: [Status.Value]) -> MessageStatus {
        reported.reduce(start) { current, value in StatusOrder.advance(from: current, to: value) ?? current }
    }

    @Test("statuses only move forward, whatever order they arrive in")
    func forwardOnly() {
        let all: [Status.Value] = [.sent, .delivered, .read]
        for order in [all, [.read, .delivered, .sent], [.delivered, .sent, .read], [.read, .sent]] {
            #expect(final(.queued, order) == .read, "\(order)")
        }
        #expect(final(.sent, [.delivered]) == .delivered)
        #expect(StatusOrder.advance(from: .read, to: .delivered) == nil)
        #expect(StatusOrder.advance(from: .delivered, to: .delivered) == nil)
    }

    @Test("failed is terminal in every order; unknown values and inbound messages never move")
    func failedAndUnknown() {
        #expect(final(.sent, [.failed, .delivered, .read]) == .failed)
        #expect(final(.sent, [.delivered, .failed]) == .failed)
        #expect(final(.sent, [.read, .failed]) == .failed)
        #expect(StatusOrder.advance(from: .delivered, to: .unknown("deleted")) == nil)
        #expect(StatusOrder.advance(from: .received, to: .read) == nil)
        #expect(final(.read, [.played]) == .played)
    }

    @Test("the window ends 24 hours after the newest inbound message and never moves back")
    func window() {
        let t = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(ServiceWindow.expiry(current: nil, inboundAt: t) == t.addingTimeInterval(86_400))
        let later = ServiceWindow.expiry(current: nil, inboundAt: t.addingTimeInterval(3_600))
        #expect(ServiceWindow.expiry(current: later, inboundAt: t) == later)
        #expect(ServiceWindow.isOpen(expiresAt: later, now: t))
        #expect(!ServiceWindow.isOpen(expiresAt: later, now: later))
        #expect(ServiceWindow.time("1790000000", fallback: .distantPast) == t)
        #expect(ServiceWindow.time("not a time", fallback: t) == t)
    }

    @Test("ids are found in a body that does not parse, and entry ids in one that does")
    func names() {
        let broken = Data(#"{"entry":[{"id":"W1","changes":[{"value":{"metadata":{"phone_number_id" : "P1"}}},"#.utf8)
        #expect(InboundRouting.names(in: broken) == .init(phoneNumberIDs: ["P1"], entryIDs: []))
        let good = Data(#"{"entry":[{"id":"W1","changes":[{"value":{"metadata":{"phone_number_id":"P1"}}}]},{"id":"W2","changes":[]}]}"#.utf8)
        #expect(InboundRouting.names(in: good) == .init(phoneNumberIDs: ["P1"], entryIDs: ["W1", "W2"]))
    }

    @Test("names come from a decoded payload exactly as routing uses them")
    func payloadNames() throws {
        let body = Data(#"{"object":"whatsapp_business_account","entry":[{"id":"W1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"P1"},"note":{"phone_number_id":"P9"}}}]},{"id":"W2","changes":[]}]}"#.utf8)
        let payload = try JSONDecoder().decode(WebhookPayload.self, from: body)
        #expect(InboundRouting.names(in: payload) == .init(phoneNumberIDs: ["P1"], entryIDs: ["W1", "W2"]))
    }

    @Test("a batch stores each wamid once, and folds its messages into contacts and conversations in order")
    func batchFold() throws {
        let owner = InboundRouting.Candidate(accountID: UUID(), workspaceID: UUID(), phoneNumberID: "P", businessAccountID: "W", appSecret: "s")
        let t = Date(timeIntervalSince1970: 1_790_000_000)
        func inbound(_ wamid: String, from: String, name: String?, at offset: TimeInterval) -> CommonDelivery.Inbound {
            let json = #"{"from":"\#(from)","id":"\#(wamid)","timestamp":"\#(Int(t.timeIntervalSince1970 + offset))","type":"text"}"#
            let message = try! JSONDecoder().decode(InboundMessage.self, from: Data(json.utf8))
            return .init(owner: owner, message: message, waID: from, profileName: name, sentAt: t + offset, receivedAt: t + 100)
        }
        let known = Contact()
        known.id = UUID()
        known.workspaceID = owner.workspaceID
        known.waID = "B"
        known.profileName = "Bo"
        known.searchText = "bo b"
        let batch: [[CommonDelivery.Inbound]] = [
            [inbound("w1", from: "A", name: "Ann", at: 10), inbound("w2", from: "B", name: "", at: 5)],
            [inbound("w1", from: "A", name: "Ann", at: 10), inbound("w3", from: "A", name: "Anna", at: 30)],
            [inbound("w0", from: "B", name: "Bob", at: 1)],
        ]
        let fresh = CommonBatch.fresh(batch, stored: [.init(accountID: owner.accountID, wamid: "w0")])
        #expect(fresh.map(\.inbound.message.id) == ["w1", "w2", "w3"])
        #expect(fresh.map(\.delivery) == [0, 0, 1])

        let contacts = try CommonBatch.contacts(for: fresh, known: [.init(workspaceID: owner.workspaceID, waID: "B"): known])
        #expect(contacts.asSeen.map(\.profileName) == ["Ann", "Bo", "Anna"])
        #expect(contacts.created.map(\.waID) == ["A"])
        #expect(contacts.created.first?.searchText == "anna a")
        #expect(contacts.renamed.isEmpty)

        let conversations = CommonBatch.conversations(for: fresh, contacts: contacts.byKey)
        let a = try #require(conversations.first { $0.contactID == contacts.created.first?.id })
        #expect(a.unreadCount == 2)
        #expect(a.lastMessageAt == t + 30)
        #expect(a.windowExpiresAt == t + 30 + 86_400)
        #expect(conversations.count == 2)
    }

    @Test("a change goes to every verified account with its number, else by business account id")
    func owners() {
        let a = InboundRouting.Candidate(accountID: UUID(), workspaceID: UUID(), phoneNumberID: "P", businessAccountID: "W", appSecret: "s1")
        let b = InboundRouting.Candidate(accountID: UUID(), workspaceID: UUID(), phoneNumberID: "P", businessAccountID: "W", appSecret: "s1")
        let c = InboundRouting.Candidate(accountID: UUID(), workspaceID: UUID(), phoneNumberID: "Q", businessAccountID: "X", appSecret: "s2")
        #expect(Set(InboundRouting.owners(phoneNumberID: "P", entryID: "W", verified: [a, b, c]).map(\.accountID)) == [a.accountID, b.accountID])
        #expect(InboundRouting.owners(phoneNumberID: "Z", entryID: "W", verified: [a, b, c]).isEmpty)
        #expect(InboundRouting.owners(phoneNumberID: nil, entryID: "X", verified: [a, b, c]).map(\.accountID) == [c.accountID])

        let body = Data("{}".utf8)
        #expect(InboundRouting.verify(body: body, header: nil, candidates: [a]) == .missing)
        #expect(InboundRouting.verify(body: body, header: WebhookSignature.sign(body: body, appSecret: "other"), candidates: [a, c]) == .refused)
        #expect(InboundRouting.verify(body: body, header: WebhookSignature.sign(body: body, appSecret: "s1"), candidates: [a, b, c])
                == .verified([a.accountID, b.accountID]))
        #expect(InboundRouting.verify(body: body, header: "sha256=zz", candidates: [a]) == .refused)
    }
}
