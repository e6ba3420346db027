import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Needs

/// `/v1/communities/{id}/agenda` and `/v1/agenda`: parse, call the service, encode.
struct AgendaRoutes {
    let agenda: AgendaService

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/agenda",
            signedIn({ _ in .curateNeeds }) { request, caller in
                let item = try agenda.create(in: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(NewAgendaItemBody.self, from: request)
                    var settings = AgendaSettings(title: body.title)
                    settings.description = body.description ?? ""
                    settings.position = body.position ?? 0
                    settings.startsAt = body.startsAt
                    settings.endsAt = body.endsAt
                    settings.presenterID = body.presenterID
                    settings.meetingID = body.meetingID
                    settings.status =
                        try body.status.map { try choice(AgendaStatus.self, $0, field: "status") } ?? .proposed
                    settings.needIDs = body.needIDs ?? []
                    return settings
                }
                return try created(
                    AgendaItemBody(item), at: "/v1/agenda/\(item.id.lowercasedString)", tag: tag(item.id, item.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/agenda",
            signedIn({ _ in .readNeeds }) { request, caller in
                let statuses = try filters(AgendaStatus.self, request, "status")
                let meeting = try uuidFilter(request, "meeting_id")
                let page = try PageRequest(
                    request,
                    filterKey: "status=\(statuses.map(\.rawValue).sorted())&meeting=\(meeting?.uuidString ?? "")")
                let after = try page.position(1, as: UUID.init(uuidString:)).map {
                    (position: try page.position(0, as: { Int($0) }) ?? 0, id: $0)
                }
                let rows = try agenda.items(
                    in: try id(request), statuses: statuses, meeting: meeting, after: after, limit: page.fetchLimit,
                    for: caller)
                return try page.response(
                    rows, for: request, position: { [String($0.settings.position), $0.id.uuidString] },
                    item: AgendaItemBody.init)
            })
        router.add(
            "GET", "/v1/agenda/{id:uuid}",
            signedIn({ _ in .readNeeds }) { request, caller in
                let item = try agenda.item(try id(request), for: caller)
                return try single(AgendaItemBody(item), tag: tag(item.id, item.version), request)
            })
        router.add(
            "PATCH", "/v1/agenda/{id:uuid}",
            signedIn({ _ in .curateNeeds }) { request, caller in
                let itemID = try id(request)
                let item = try agenda.update(
                    itemID, ifVersion: { try EntityTag.requireMatch(request, current: tag(itemID, $0)) }, by: caller,
                    from: origin(request)
                ) { settings in
                    let patch = try MergePatch(request, allowedKeys: NewAgendaItemBody.allowedKeys)
                    settings.title = try patch.string("title") ?? settings.title
                    settings.description = try patch.string("description") ?? settings.description
                    settings.position = try patch.integer("position") ?? settings.position
                    if let status = try patch.string("status") {
                        settings.status = try choice(AgendaStatus.self, status, field: "status")
                    }
                    if let starts = try patch.nullable("starts_at", { ($0 as? String).flatMap(Timestamp.parse) }) {
                        settings.startsAt = starts
                    }
                    if let ends = try patch.nullable("ends_at", { ($0 as? String).flatMap(Timestamp.parse) }) {
                        settings.endsAt = ends
                    }
                    if let presenter = try patch.nullable(
                        "presenter_id", { ($0 as? String).flatMap { UUID(uuidString: $0) } })
                    {
                        settings.presenterID = presenter
                    }
                    if let meeting = try patch.nullable(
                        "meeting_id", { ($0 as? String).flatMap { UUID(uuidString: $0) } })
                    {
                        settings.meetingID = meeting
                    }
                    if let needs = try patch.strings("need_ids") {
                        settings.needIDs = try needs.enumerated().map { index, text in
                            guard let need = UUID(uuidString: text) else {
                                throw Problem.validation(field: "need_ids[\(index)]", "must be a UUID")
                            }
                            return need
                        }
                    }
                }
                return try changed(AgendaItemBody(item), tag: tag(item.id, item.version))
            })
        router.add(
            "GET", "/v1/agenda/{id:uuid}/history",
            signedIn({ _ in .readNeeds }) { request, caller in
                let page = try PageRequest(request)
                let rows = try agenda.history(
                    of: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: AgendaEventBody.init)
            })
    }
}
