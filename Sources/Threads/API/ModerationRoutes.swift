import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Threads

struct FlagBody: Encodable {
    let id: String
    let postID: String
    let threadID: String
    let reason: String
    let status: String
    let flaggedBy: PersonBody
    let createdAt: Date
    @ExplicitNull var resolvedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, reason, status
        case postID = "post_id"
        case threadID = "thread_id"
        case flaggedBy = "flagged_by"
        case createdAt = "created_at"
        case resolvedAt = "resolved_at"
    }

    init(_ flag: Flag) {
        id = flag.id.lowercasedString
        postID = flag.postID.lowercasedString
        threadID = flag.threadID.lowercasedString
        reason = flag.reason
        status = flag.status.rawValue
        flaggedBy = PersonBody(flag.flaggedBy)
        createdAt = flag.createdAt
        resolvedAt = flag.resolvedAt
    }
}

struct RevealBody: Encodable {
    let id: String
    let postID: String
    let threadID: String
    let reason: String
    let status: String
    let requestedBy: PersonBody
    @ExplicitNull var decidedBy: PersonBody?
    /// Only for the convenor who asked, once approved.
    @ExplicitNull var author: PersonBody?
    let createdAt: Date
    @ExplicitNull var decidedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, reason, status, author
        case postID = "post_id"
        case threadID = "thread_id"
        case requestedBy = "requested_by"
        case decidedBy = "decided_by"
        case createdAt = "created_at"
        case decidedAt = "decided_at"
    }

    init(_ reveal: Reveal) {
        id = reveal.id.lowercasedString
        postID = reveal.postID.lowercasedString
        threadID = reveal.threadID.lowercasedString
        reason = reveal.reason
        status = reveal.status.rawValue
        requestedBy = PersonBody(reveal.requestedBy)
        decidedBy = reveal.decidedBy.map(PersonBody.init)
        author = reveal.author.map(PersonBody.init)
        createdAt = reveal.createdAt
        decidedAt = reveal.decidedAt
    }
}

/// Flags, hiding and reveals: `/v1/posts/{id}/flags|hide|unhide|reveals`, the convenors' queues,
/// `/v1/flags` and `/v1/reveals`.
struct ModerationRoutes {
    let moderation: ModerationService

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/posts/{id:uuid}/flags",
            signedIn({ _ in .flagPosts }) { request, caller in
                let body = try JSONCoding.decode(ReasonBody.self, from: request)
                let flag = try moderation.flag(try id(request), reason: body.reason, by: caller, from: origin(request))
                var response = try Response.json(FlagBody(flag), status: 201)
                response.headers.add("Location", "/v1/flags/\(flag.id.lowercasedString)")
                return response
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/flags",
            signedIn({ _ in .readModeration }) { request, caller in
                let status = try filter(FlagStatus.self, request, "status")
                let page = try PageRequest(request, filterKey: "status=\(status?.rawValue ?? "")")
                let rows = try moderation.flags(
                    in: try id(request), status: status, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(rows, for: request, position: { [$0.id.uuidString] }, item: FlagBody.init)
            })
        router.add(
            "POST", "/v1/flags/{id:uuid}/dismiss",
            signedIn({ _ in .moderateThreads }) { request, caller in
                try Response.json(FlagBody(try moderation.dismiss(try id(request), by: caller, from: origin(request))))
            })
        router.add(
            "POST", "/v1/posts/{id:uuid}/hide",
            signedIn({ _ in .moderateThreads }) { request, caller in
                let postID = try id(request)
                let body = try JSONCoding.decode(ReasonBody.self, from: request)
                let post = try moderation.setHidden(
                    postID, reason: body.reason, ifVersion: optionalMatch(request, postID), by: caller,
                    from: origin(request))
                return try changed(PostBody(post), tag: tag(post.id, post.version))
            })
        router.add(
            "POST", "/v1/posts/{id:uuid}/unhide",
            signedIn({ _ in .moderateThreads }) { request, caller in
                let postID = try id(request)
                let post = try moderation.setHidden(
                    postID, reason: nil, ifVersion: optionalMatch(request, postID), by: caller, from: origin(request))
                return try changed(PostBody(post), tag: tag(post.id, post.version))
            })
        router.add(
            "POST", "/v1/posts/{id:uuid}/reveals",
            signedIn({ _ in .moderateThreads }) { request, caller in
                let body = try JSONCoding.decode(ReasonBody.self, from: request)
                let reveal = try moderation.requestReveal(
                    try id(request), reason: body.reason, by: caller, from: origin(request))
                var response = try Response.json(RevealBody(reveal), status: 201)
                response.headers.add("Location", "/v1/reveals/\(reveal.id.lowercasedString)")
                return response
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/reveals",
            signedIn({ _ in .readModeration }) { request, caller in
                let status = try filter(RevealStatus.self, request, "status")
                let page = try PageRequest(request, filterKey: "status=\(status?.rawValue ?? "")")
                let rows = try moderation.reveals(
                    in: try id(request), status: status, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(rows, for: request, position: { [$0.id.uuidString] }, item: RevealBody.init)
            })
        router.add(
            "GET", "/v1/reveals/{id:uuid}",
            signedIn({ _ in .readModeration }) { request, caller in
                try Response.json(RevealBody(try moderation.reveal(try id(request), for: caller)))
            })
        for (action, status) in [("approve", RevealStatus.approved), ("decline", .declined)] {
            router.add(
                "POST", "/v1/reveals/{id:uuid}/\(action)",
                signedIn({ _ in .moderateThreads }) { request, caller in
                    try Response.json(
                        RevealBody(try moderation.decide(try id(request), status, by: caller, from: origin(request))))
                })
        }
    }
}
