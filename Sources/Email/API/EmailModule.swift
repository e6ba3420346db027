import APISupport
import AccessControl
import Email
import Foundation
import HTTP

/// Email's routes: the addresses not mailed (admins) and the digest's one-click unsubscribe.
public struct EmailModule: RouteModule {
    private let suppressions: EmailSuppressions
    private let digests: NotificationDigests

    public init(context: ModuleContext) {
        suppressions = EmailSuppressions(pool: context.pool)
        digests = NotificationDigests(pool: context.pool, scopes: context.notificationScopes)
    }

    public func register(in router: inout Router) {
        let suppressions = suppressions
        let digests = digests
        router.add(
            "GET", "/v1/admin/email-suppressions",
            signedIn({ _ in .manageEmailSuppressions }) { request, caller in
                let email = try request.queryValue("email")
                let page = try PageRequest(request, filterKey: "email=\(email ?? "")")
                let rows = try suppressions.list(
                    address: email, after: try page.position(0, as: { UUID(uuidString: $0) }), limit: page.fetchLimit,
                    by: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: EmailSuppressionBody.init)
            })
        router.add(
            "POST", "/v1/admin/email-suppressions",
            signedIn({ _ in .manageEmailSuppressions }) { request, caller in
                let body = try JSONCoding.decode(NewEmailSuppressionBody.self, from: request)
                let suppression = try suppressions.add(
                    address: body.email, reason: body.reason, by: caller, from: origin(request))
                var response = try Response.json(EmailSuppressionBody(suppression), status: 201)
                response.headers.add("Location", "/v1/admin/email-suppressions/\(suppression.id.lowercasedString)")
                return response
            })
        router.add(
            "GET", "/v1/admin/email-suppressions/{id:uuid}",
            signedIn({ _ in .manageEmailSuppressions }) { request, caller in
                try Response.json(EmailSuppressionBody(try suppressions.suppression(try id(request), by: caller)))
            })
        router.add(
            "DELETE", "/v1/admin/email-suppressions/{id:uuid}",
            signedIn({ _ in .manageEmailSuppressions }) { request, caller in
                try suppressions.remove(try id(request), by: caller, from: origin(request))
                return .noContent()
            })
        // RFC 8058: a mail client posts `List-Unsubscribe=One-Click` to the URL of the digest's
        // header, without credentials; the token in the URL is the authority, the body is not read.
        router.add("POST", "/v1/digest-unsubscriptions") { request in
            guard let token = try request.queryValue("token"), try digests.unsubscribe(token: token) else {
                throw Problem.validation(field: "token", "is unknown")
            }
            return .noContent()
        }
    }
}

extension EmailError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .alreadySuppressed: .conflict(kind: "already-suppressed", "This address is suppressed already.")
        }
    }
}

struct EmailSuppressionBody: Encodable {
    let id: String
    let email: String
    let source: String
    let reason: String
    @ExplicitNull var createdBy: String?
    @ExplicitNull var messageID: String?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, email, source, reason
        case createdBy = "created_by"
        case messageID = "message_id"
        case createdAt = "created_at"
    }

    init(_ suppression: EmailSuppression) {
        id = suppression.id.lowercasedString
        email = suppression.address
        source = suppression.source
        reason = suppression.reason
        createdBy = suppression.createdBy?.lowercasedString
        messageID = suppression.messageID?.lowercasedString
        createdAt = suppression.createdAt
    }
}

struct NewEmailSuppressionBody: RequestBody {
    let email: String
    let reason: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case email, reason
    }
}
