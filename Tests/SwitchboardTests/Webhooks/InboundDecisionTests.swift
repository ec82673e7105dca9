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
