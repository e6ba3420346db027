import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP

/// `/v1/me/notifications`: a person's own, newest first.
struct NotificationRoutes {
    let notifications: NotificationService

    func register(in router: inout Router) {
        router.add(
            "GET", "/v1/me/notifications",
            signedIn({ _ in .readOwnNotifications }) { request, caller in
                let unread = try boolFilter(request, "unread")
                let page = try PageRequest(request, filterKey: "unread=\(unread)")
                let rows = try notifications.notifications(
                    unreadOnly: unread, before: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: NotificationBody.init)
            })
        router.add(
            "POST", "/v1/me/notifications/{id:uuid}/read",
            signedIn({ _ in .manageOwnNotifications }) { request, caller in
                try Response.json(NotificationBody(try notifications.markRead(try id(request), for: caller)))
            })
    }
}

struct NotificationBody: Encodable {
    let id: String
    let kind: String
    let subjectType: String
    let subjectID: String
    @ExplicitNull var communityID: String?
    let summary: JSONValue
    let createdAt: Date
    @ExplicitNull var readAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, kind, summary
        case subjectType = "subject_type"
        case subjectID = "subject_id"
        case communityID = "community_id"
        case createdAt = "created_at"
        case readAt = "read_at"
    }

    init(_ notification: AccessControl.Notification) {
        id = notification.id.lowercasedString
        kind = notification.kind
        subjectType = notification.subjectType
        subjectID = notification.subjectID.lowercasedString
        communityID = notification.communityID?.lowercasedString
        summary = JSONValue(parsing: notification.summary) ?? .object([:])
        createdAt = notification.createdAt
        readAt = notification.readAt
    }
}
