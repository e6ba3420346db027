import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Needs

/// `/v1/communities/{id}/needs` and `/v1/needs`: parse, call the service, encode.
struct NeedRoutes {
    let needs: NeedService

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/needs",
            signedIn({ _ in .writeNeeds }) { request, caller in
                let body = try JSONCoding.decode(NewNeedBody.self, from: request)
                let interview = body.memberID.map { InterviewRecord(member: $0, consent: body.consent ?? false) }
                if interview == nil && body.consent != nil {
                    throw Problem.validation(field: "consent", "is given with member_id only")
                }
                let need = try needs.create(
                    in: try id(request), by: caller, from: origin(request), interview: interview
                ) {
                    NeedStatement(
                        title: body.title, description: body.description ?? "", themeIDs: body.themeIDs ?? [],
                        urgency: body.urgency, circleID: body.circleID)
                }
                return try created(
                    NeedBody(need), at: "/v1/needs/\(need.id.lowercasedString)", tag: tag(need.id, need.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/needs",
            signedIn({ _ in .readNeeds }) { request, caller in
                let query = try Self.query(request)
                let page = try PageRequest(request, filterKey: Self.filterKey(query))
                let position = try page.position(1, as: UUID.init(uuidString:)).map {
                    (key: try page.position(0, as: { Int64($0) }), id: $0)
                }
                let rows = try needs.needs(
                    in: try id(request), query, after: position, limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [String($0.sortKey), $0.need.id.uuidString] },
                    item: { NeedBody($0.need) })
            })
        router.add(
            "GET", "/v1/needs/{id:uuid}",
            signedIn({ _ in .readNeeds }) { request, caller in
                let need = try needs.need(try id(request), for: caller)
                return try single(NeedBody(need), tag: tag(need.id, need.version), request)
            })
        router.add(
            "PATCH", "/v1/needs/{id:uuid}",
            signedIn({ _ in .writeNeeds }) { request, caller in
                let needID = try id(request)
                let need = try needs.update(
                    needID, ifVersion: { try EntityTag.requireMatch(request, current: tag(needID, $0)) }, by: caller,
                    from: origin(request)
                ) { change in
                    let patch = try MergePatch(
                        request,
                        allowedKeys: ["title", "description", "theme_ids", "urgency", "status", "convenor_notes"])
                    change.statement.title = try patch.string("title") ?? change.statement.title
                    change.statement.description = try patch.string("description") ?? change.statement.description
                    change.statement.urgency = try patch.integer("urgency") ?? change.statement.urgency
                    if let themes = try patch.strings("theme_ids") {
                        change.statement.themeIDs = try themes.enumerated().map { index, text in
                            guard let theme = UUID(uuidString: text) else {
                                throw Problem.validation(field: "theme_ids[\(index)]", "must be a UUID")
                            }
                            return theme
                        }
                    }
                    if let status = try patch.string("status") {
                        change.status = try choice(NeedStatus.self, status, field: "status")
                    }
                    change.convenorNotes = try patch.string("convenor_notes") ?? change.convenorNotes
                }
                return try changed(NeedBody(need), tag: tag(need.id, need.version))
            })
        router.add(
            "POST", "/v1/needs/{id:uuid}/cosigns",
            signedIn({ _ in .writeNeeds }) { request, caller in
                let needID = try id(request)
                let cosign = try needs.cosign(needID, by: caller, from: origin(request))
                var response = try Response.json(CosignBody(cosign), status: 201)
                response.headers.add(
                    "Location", "/v1/needs/\(needID.lowercasedString)/cosigns/\(cosign.account.id.lowercasedString)")
                return response
            })
        router.add(
            "GET", "/v1/needs/{id:uuid}/cosigns",
            signedIn({ _ in .readNeeds }) { request, caller in
                let page = try PageRequest(request)
                let rows = try needs.cosigners(
                    of: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.account.id.uuidString] }, item: CosignBody.init)
            })
        router.add(
            "DELETE", "/v1/needs/{id:uuid}/cosigns/{account_id:uuid}",
            signedIn({ _ in .writeNeeds }) { request, caller in
                try needs.withdrawCosign(
                    try id(request), of: try id(request, "account_id"), by: caller, from: origin(request))
                return .noContent()
            })
    }

    /// The list's filters: `theme` (repeatable), `country` and `sector` of the author (repeatable),
    /// `status` (repeatable), `min_urgency`, `circle_id`, and `sort`.
    static func query(_ request: Request) throws -> NeedQuery {
        var query = NeedQuery()
        query.themes = try uuidFilters(request, "theme")
        query.countries = try countryFilters(request, "country")
        query.sectors = try filters(Sector.self, request, "sector").map(\.rawValue)
        query.statuses = try filters(NeedStatus.self, request, "status")
        if let text = try request.queryValue("min_urgency") {
            guard let urgency = Int(text), (1...5).contains(urgency) else {
                throw Problem.malformed("min_urgency must be an integer from 1 to 5.")
            }
            query.minimumUrgency = urgency
        }
        query.circleID = try uuidFilter(request, "circle_id")
        query.order = try filter(NeedQuery.Order.self, request, "sort") ?? .newest
        return query
    }

    static func filterKey(_ query: NeedQuery) -> String {
        [
            "theme=\(query.themes.map(\.uuidString).sorted())", "country=\(query.countries.sorted())",
            "sector=\(query.sectors.sorted())", "status=\(query.statuses.map(\.rawValue).sorted())",
            "min_urgency=\(query.minimumUrgency.map(String.init) ?? "")",
            "circle=\(query.circleID?.uuidString ?? "")", "sort=\(query.order.rawValue)",
        ].joined(separator: "&")
    }
}
