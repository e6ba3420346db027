import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import SVG
import Threads

struct SearchResultBody: Encodable {
    let type: String
    let id: String
    let communityID: String
    @ExplicitNull var threadID: String?
    let title: String
    let snippetHTML: String
    let rank: Double
    @ExplicitNull var author: PersonBody?
    let authorLabel: String
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case type, id, title, rank, author
        case communityID = "community_id"
        case threadID = "thread_id"
        case snippetHTML = "snippet_html"
        case authorLabel = "author_label"
        case createdAt = "created_at"
    }

    init(_ result: SearchResult) {
        type = result.type.rawValue
        id = result.id.lowercasedString
        communityID = result.communityID.lowercasedString
        threadID = result.threadID?.lowercasedString
        title = result.title
        snippetHTML = Self.html(result.snippet)
        rank = result.rank
        author = result.author.map(PersonBody.init)
        authorLabel = AuthorLabel.label(result.author)
        createdAt = result.createdAt
    }

    /// The snippet as HTML: every character of it escaped, then `<mark>` around each match.
    static func html(_ snippet: String) -> String {
        XMLWriter.escape(snippet)
            .replacingOccurrences(of: String(SearchResult.matchStart), with: "<mark>")
            .replacingOccurrences(of: String(SearchResult.matchEnd), with: "</mark>")
    }
}

/// `GET /v1/search`: what the caller may see that matches, best first.
struct SearchRoutes {
    let search: SearchService

    func register(in router: inout Router) {
        router.add(
            "GET", "/v1/search",
            signedIn { request, caller in
                guard let text = try request.queryValue("q") else {
                    throw Problem.malformed("q, the words to search for, is required.")
                }
                var query = SearchQuery(text: text)
                query.types = try filters(SearchResultType.self, request, "type")
                query.communityID = try uuidFilter(request, "community_id")
                query.themes = try uuidFilters(request, "theme")
                query.statuses = try filters(ThreadStatus.self, request, "status")
                query.kinds = try filters(PostKind.self, request, "kind")
                query.countries = try countryFilters(request, "country")
                let page = try PageRequest(
                    request,
                    filterKey: [
                        "q=\(text)", "type=\(query.types.map(\.rawValue).sorted())",
                        "community=\(query.communityID?.uuidString ?? "")",
                        "theme=\(query.themes.map(\.uuidString).sorted())",
                        "status=\(query.statuses.map(\.rawValue).sorted())",
                        "kind=\(query.kinds.map(\.rawValue).sorted())", "country=\(query.countries.sorted())",
                    ].joined(separator: "&"))
                let position = try page.position(1, as: UUID.init(uuidString:)).map {
                    (rank: try page.position(0, as: { Double($0) }) ?? 0, id: $0)
                }
                let rows = try search.search(query, after: position, limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { ["\($0.rank)", $0.id.uuidString] }, item: SearchResultBody.init)
            })
    }
}

/// `/v1/me/subscriptions`: what the caller follows.
struct SubscriptionRoutes {
    let subscriptions: SubscriptionService

    struct NewSubscriptionBody: RequestBody {
        let type: String
        let id: UUID

        enum CodingKeys: String, CodingKey, CaseIterable {
            case type, id
        }
    }

    struct SubscriptionBody: Encodable {
        let type: String
        let id: String
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case type, id
            case createdAt = "created_at"
        }

        init(_ subscription: Subscription) {
            type = subscription.subject.rawValue
            id = subscription.subjectID.lowercasedString
            createdAt = subscription.createdAt
        }
    }

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/me/subscriptions",
            signedIn({ _ in .readThreads }) { request, caller in
                let body = try JSONCoding.decode(NewSubscriptionBody.self, from: request)
                let subject = try choice(SubscriptionSubject.self, body.type, field: "type")
                let subscription = try subscriptions.follow(subject, body.id, by: caller)
                var response = try Response.json(SubscriptionBody(subscription), status: 201)
                response.headers.add("Location", "/v1/me/subscriptions/\(subject.rawValue)/\(body.id.lowercasedString)")
                return response
            })
        router.add(
            "GET", "/v1/me/subscriptions",
            signedIn({ _ in .readThreads }) { request, caller in
                let page = try PageRequest(request)
                let position = try page.position(1, as: UUID.init(uuidString:)).map {
                    (type: try page.position(0, as: { $0 }) ?? "", id: $0)
                }
                let rows = try subscriptions.subscriptions(after: position, limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.subject.rawValue, $0.subjectID.uuidString] },
                    item: SubscriptionBody.init)
            })
        router.add(
            "DELETE", "/v1/me/subscriptions/{type}/{subject_id:uuid}",
            signedIn({ _ in .readThreads }) { request, caller in
                guard let subject = SubscriptionSubject(rawValue: request.parameters["type"] ?? "") else {
                    throw Problem.notFound()
                }
                try subscriptions.unfollow(subject, try id(request, "subject_id"), by: caller)
                return .noContent()
            })
    }
}
