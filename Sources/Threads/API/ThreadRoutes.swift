import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Threads

/// `/v1/communities/{id}/threads` and `/v1/threads`: parse, call the service, encode.
struct ThreadRoutes {
    let threads: ThreadService

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/threads",
            signedIn({ _ in .startThreads }) { request, caller in
                let body = try JSONCoding.decode(NewThreadBody.self, from: request)
                let setting = ThreadSetting(
                    circleID: body.circleID, meetingID: body.meetingID, chathamHouse: body.chathamHouse,
                    excludesVendors: body.excludesVendors ?? false)
                let thread = try threads.create(in: try id(request), by: caller, from: origin(request), setting) {
                    ThreadStatement(
                        title: body.title, problem: body.problem ?? "", themeIDs: body.themeIDs ?? [],
                        needIDs: body.needIDs ?? [], agendaItemIDs: body.agendaItemIDs ?? [])
                }
                return try created(
                    ThreadBody(thread), at: "/v1/threads/\(thread.id.lowercasedString)",
                    tag: tag(thread.id, thread.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/threads",
            signedIn({ _ in .readThreads }) { request, caller in
                let query = try Self.query(request)
                let page = try PageRequest(request, filterKey: Self.filterKey(query))
                let rows = try threads.threads(
                    in: try id(request), query, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(rows, for: request, position: { [$0.id.uuidString] }, item: ThreadBody.init)
            })
        router.add(
            "GET", "/v1/threads/{id:uuid}",
            signedIn({ _ in .readThreads }) { request, caller in
                let thread = try threads.thread(try id(request), for: caller)
                return try single(ThreadBody(thread), tag: tag(thread.id, thread.version), request)
            })
        router.add(
            "PATCH", "/v1/threads/{id:uuid}",
            signedIn({ _ in .writePosts }) { request, caller in
                let threadID = try id(request)
                let thread = try threads.update(
                    threadID, ifVersion: { try EntityTag.requireMatch(request, current: tag(threadID, $0)) },
                    by: caller, from: origin(request)
                ) { change in
                    let patch = try MergePatch(
                        request,
                        allowedKeys: [
                            "title", "problem", "theme_ids", "need_ids", "agenda_item_ids", "status", "chatham_house",
                            "excludes_vendors",
                        ])
                    change.statement.title = try patch.string("title") ?? change.statement.title
                    change.statement.problem = try patch.string("problem") ?? change.statement.problem
                    change.statement.themeIDs = try Self.ids(patch, "theme_ids") ?? change.statement.themeIDs
                    change.statement.needIDs = try Self.ids(patch, "need_ids") ?? change.statement.needIDs
                    change.statement.agendaItemIDs =
                        try Self.ids(patch, "agenda_item_ids") ?? change.statement.agendaItemIDs
                    if let status = try patch.string("status") {
                        change.status = try choice(ThreadStatus.self, status, field: "status")
                    }
                    change.chathamHouse = try patch.bool("chatham_house") ?? change.chathamHouse
                    change.excludesVendors = try patch.bool("excludes_vendors") ?? change.excludesVendors
                }
                return try changed(ThreadBody(thread), tag: tag(thread.id, thread.version))
            })
        for (action, locked) in [("lock", true), ("unlock", false)] {
            router.add(
                "POST", "/v1/threads/{id:uuid}/\(action)",
                signedIn({ _ in .moderateThreads }) { request, caller in
                    let threadID = try id(request)
                    let thread = try threads.setLocked(
                        threadID, locked, ifVersion: optionalMatch(request, threadID), by: caller,
                        from: origin(request))
                    return try changed(ThreadBody(thread), tag: tag(thread.id, thread.version))
                })
        }
        router.add(
            "POST", "/v1/threads/{id:uuid}/outcome",
            signedIn({ _ in .writePosts }) { request, caller in
                let threadID = try id(request)
                let body = try JSONCoding.decode(OutcomeBody.self, from: request)
                let thread = try threads.markOutcome(
                    threadID, post: body.postID, ifVersion: optionalMatch(request, threadID), by: caller,
                    from: origin(request))
                return try changed(ThreadBody(thread), tag: tag(thread.id, thread.version))
            })
        router.add(
            "DELETE", "/v1/threads/{id:uuid}/outcome",
            signedIn({ _ in .writePosts }) { request, caller in
                let threadID = try id(request)
                let thread = try threads.unmarkOutcome(
                    threadID, ifVersion: optionalMatch(request, threadID), by: caller, from: origin(request))
                return try changed(ThreadBody(thread), tag: tag(thread.id, thread.version))
            })
        router.add(
            "GET", "/v1/threads/{id:uuid}/participation",
            signedIn({ _ in .readThreads }) { request, caller in
                let threadID = try id(request)
                let participation = try threads.participation(of: threadID, for: caller)
                return try Response.json(ThreadParticipationBody(thread: threadID, participation))
            })
    }

    static func ids(_ patch: MergePatch, _ field: String) throws -> [UUID]? {
        try patch.strings(field).map { texts in
            try texts.enumerated().map { index, text in
                guard let id = UUID(uuidString: text) else {
                    throw Problem.validation(field: "\(field)[\(index)]", "must be a UUID")
                }
                return id
            }
        }
    }

    /// The list's filters: `theme` and `status` (repeatable), `circle_id`, `meeting_id`,
    /// `need_id` and `has_outcome`.
    static func query(_ request: Request) throws -> ThreadQuery {
        var query = ThreadQuery()
        query.themes = try uuidFilters(request, "theme")
        query.statuses = try filters(ThreadStatus.self, request, "status")
        query.circleID = try uuidFilter(request, "circle_id")
        query.meetingID = try uuidFilter(request, "meeting_id")
        query.needID = try uuidFilter(request, "need_id")
        if try request.queryValue("has_outcome") != nil { query.hasOutcome = try boolFilter(request, "has_outcome") }
        return query
    }

    static func filterKey(_ query: ThreadQuery) -> String {
        [
            "theme=\(query.themes.map(\.uuidString).sorted())", "status=\(query.statuses.map(\.rawValue).sorted())",
            "circle=\(query.circleID?.uuidString ?? "")", "meeting=\(query.meetingID?.uuidString ?? "")",
            "need=\(query.needID?.uuidString ?? "")", "has_outcome=\(query.hasOutcome.map(String.init) ?? "")",
        ].joined(separator: "&")
    }
}
