import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Threads

/// `/v1/threads/{id}/posts`, `/v1/posts` and a community's practice records.
struct PostRoutes {
    let posts: PostService

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/threads/{id:uuid}/posts",
            signedIn({ _ in .writePosts }) { request, caller in
                let body = try JSONCoding.decode(NewPostBody.self, from: request)
                let post = try posts.create(in: try id(request), by: caller) {
                    PostDraft(
                        kind: try choice(PostKind.self, body.kind ?? PostKind.comment.rawValue, field: "kind"),
                        body: body.body, practice: try body.practice?.record(), replyTo: body.replyToID,
                        onTheRecord: body.onTheRecord ?? false, mentions: body.mentionIDs ?? [])
                }
                return try created(
                    PostBody(post), at: "/v1/posts/\(post.id.lowercasedString)", tag: tag(post.id, post.version))
            })
        router.add(
            "GET", "/v1/threads/{id:uuid}/posts",
            signedIn({ _ in .readThreads }) { request, caller in
                let page = try PageRequest(request)
                let rows = try posts.posts(
                    in: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(rows, for: request, position: { [$0.id.uuidString] }, item: PostBody.init)
            })
        router.add(
            "GET", "/v1/posts/{id:uuid}",
            signedIn({ _ in .readThreads }) { request, caller in
                let post = try posts.post(try id(request), for: caller)
                return try single(PostBody(post), tag: tag(post.id, post.version), request)
            })
        router.add(
            "PATCH", "/v1/posts/{id:uuid}",
            signedIn({ _ in .writePosts }) { request, caller in
                let postID = try id(request)
                let post = try posts.update(
                    postID, ifVersion: { try EntityTag.requireMatch(request, current: tag(postID, $0)) }, by: caller
                ) { change in
                    let patch = try MergePatch(request, allowedKeys: ["body", "practice", "on_the_record"])
                    change.body = try patch.string("body") ?? change.body
                    if let practice = try patch.decoded("practice", as: PracticeBody.self) {
                        change.practice = try practice.record()
                    }
                    change.onTheRecord = try patch.bool("on_the_record") ?? change.onTheRecord
                }
                return try changed(PostBody(post), tag: tag(post.id, post.version))
            })
        router.add(
            "DELETE", "/v1/posts/{id:uuid}",
            signedIn({ _ in .writePosts }) { request, caller in
                try posts.delete(try id(request), by: caller)
                return .noContent()
            })
        router.add(
            "GET", "/v1/posts/{id:uuid}/revisions",
            signedIn({ _ in .readThreads }) { request, caller in
                let page = try PageRequest(request)
                let rows = try posts.revisions(
                    of: try id(request), after: try page.position(0, as: { Int($0) }), limit: page.fetchLimit,
                    for: caller)
                return try page.response(
                    rows, for: request, position: { [String($0.revision)] }, item: RevisionBody.init)
            })
        router.add(
            "POST", "/v1/posts/{id:uuid}/endorsements",
            signedIn({ _ in .writePosts }) { request, caller in
                let postID = try id(request)
                let body = try JSONCoding.decode(NewEndorsementBody.self, from: request)
                let endorsement = try posts.endorse(
                    postID, try choice(EndorsementKind.self, body.kind, field: "kind"), by: caller)
                var response = try Response.json(EndorsementBody(endorsement), status: 201)
                response.headers.add(
                    "Location",
                    "/v1/posts/\(postID.lowercasedString)/endorsements/\(caller.accountID.lowercasedString)")
                return response
            })
        router.add(
            "GET", "/v1/posts/{id:uuid}/endorsements",
            signedIn({ _ in .readThreads }) { request, caller in
                let page = try PageRequest(request)
                let rows = try posts.endorsements(
                    of: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.position.uuidString] },
                    item: { EndorsementBody($0.endorsement) })
            })
        router.add(
            "DELETE", "/v1/posts/{id:uuid}/endorsements/{account_id:uuid}",
            signedIn({ _ in .writePosts }) { request, caller in
                try posts.withdrawEndorsement(try id(request), of: try id(request, "account_id"), by: caller)
                return .noContent()
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/practices",
            signedIn({ _ in .readThreads }) { request, caller in
                var query = PracticeQuery()
                query.themes = try uuidFilters(request, "theme")
                query.outcomes = try filters(PracticeOutcome.self, request, "outcome")
                query.countries = try countryFilters(request, "country")
                query.kinds = try filters(PostKind.self, request, "kind").filter(\.carriesPractice)
                let page = try PageRequest(
                    request,
                    filterKey: [
                        "theme=\(query.themes.map(\.uuidString).sorted())",
                        "outcome=\(query.outcomes.map(\.rawValue).sorted())", "country=\(query.countries.sorted())",
                        "kind=\(query.kinds.map(\.rawValue).sorted())",
                    ].joined(separator: "&"))
                let rows = try posts.practices(
                    in: try id(request), query, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.postID.uuidString] }, item: PracticeEntryBody.init)
            })
    }
}
