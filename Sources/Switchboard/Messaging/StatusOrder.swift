import Foundation
import WhatsAppCloud

/// How a message's status moves when Meta reports one. Statuses arrive out of order and twice (facts §4.2:
/// delivered can follow read, failed can follow sent or delivered, delivered may be skipped), so the status a
/// message ends at must not depend on the order they arrived in: it is the highest rank reported.
///
/// queued < sending < sent < delivered < read < played < failed.
/// - `played` (voice notes) implies read.
/// - `failed` ranks highest, so it is terminal (DESIGN: "failed is terminal") in every arrival order: once
///   failed, nothing moves a message, and a failed that arrives after sent or delivered wins. A failed after
///   read is not expected from Meta; if it ever came, failing the message is the cautious answer (the error is
///   kept), and ranking it highest is what keeps the result independent of order.
/// - Values not modelled (`deleted`, future ones) never change the message; they are kept in the history.
/// - Inbound messages (`received`) are never moved by statuses.
enum StatusOrder {
    static func rank(_ status: MessageStatus) -> Int? {
        switch status {
        case .received: nil
        case .queued: 0
        case .sending: 1
        case .sent: 2
        case .delivered: 3
        case .read: 4
        case .played: 5
        case .failed: 6
        }
    }

    /// The message status a Meta status value means, if it is one that moves messages.
    static func messageStatus(_ value: Status.Value) -> MessageStatus? {
        switch value {
        case .sent: .sent
        case .delivered: .delivered
        case .read: .read
        case .played: .played
        case .failed: .failed
        case .unknown: nil
        }
    }

    /// The status after `reported` arrives for a message at `current`: `reported` if it ranks higher, else nil
    /// (no change).
    static func advance(from current: MessageStatus, to reported: Status.Value) -> MessageStatus? {
        guard let new = messageStatus(reported), let from = rank(current), let to = rank(new), to > from else { return nil }
        return new
    }
}

/// The 24-hour customer service window (facts §6): it opens, or reopens, with every inbound message.
enum ServiceWindow {
    static let length: TimeInterval = 24 * 60 * 60

    /// The window end after an inbound message at `messageTime`, given the current end: never moves backwards,
    /// since an older message delivered late must not shorten a window a newer one opened.
    static func expiry(current: Date?, inboundAt messageTime: Date) -> Date {
        let end = messageTime.addingTimeInterval(length)
        guard let current else { return end }
        return max(current, end)
    }

    static func isOpen(expiresAt: Date?, now: Date) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt > now
    }

    /// Meta's unix-seconds timestamp string, or `fallback` when it is not one.
    static func time(_ timestamp: String, fallback: Date) -> Date {
        guard let seconds = Double(timestamp), seconds > 0 else { return fallback }
        return Date(timeIntervalSince1970: seconds)
    }
}
