import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Needs

/// `/v1/communities/{id}/themes` and `/v1/themes`: parse, call the service, encode.
struct ThemeRoutes {
    let themes: ThemeService

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/themes",
            signedIn({ _ in .writeNeeds }) { request, caller in
                let theme = try themes.create(in: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(NewThemeBody.self, from: request)
                    return ThemeSettings(name: body.name, description: body.description ?? "")
                }
                return try created(
                    ThemeBody(theme), at: "/v1/themes/\(theme.id.lowercasedString)", tag: tag(theme.id, theme.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/themes",
            signedIn({ _ in .readNeeds }) { request, caller in
                let statuses = try filters(ThemeStatus.self, request, "status")
                let page = try PageRequest(request, filterKey: "status=\(statuses.map(\.rawValue).sorted())")
                let rows = try themes.themes(
                    in: try id(request), statuses: statuses, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(rows, for: request, position: { [$0.id.uuidString] }, item: ThemeBody.init)
            })
        router.add(
            "GET", "/v1/themes/{id:uuid}",
            signedIn({ _ in .readNeeds }) { request, caller in
                let theme = try themes.theme(try id(request), for: caller)
                return try single(ThemeBody(theme), tag: tag(theme.id, theme.version), request)
            })
        router.add(
            "PATCH", "/v1/themes/{id:uuid}",
            signedIn({ _ in .curateNeeds }) { request, caller in
                let themeID = try id(request)
                let theme = try themes.update(
                    themeID, ifVersion: { try EntityTag.requireMatch(request, current: tag(themeID, $0)) }, by: caller,
                    from: origin(request)
                ) { settings, status in
                    let patch = try MergePatch(request, allowedKeys: NewThemeBody.allowedKeys.union(["status"]))
                    settings.name = try patch.string("name") ?? settings.name
                    settings.description = try patch.string("description") ?? settings.description
                    if let text = try patch.string("status") {
                        guard let wanted = ThemeStatus(rawValue: text), [.active, .retired].contains(wanted) else {
                            throw Problem.validation(field: "status", "must be active or retired")
                        }
                        status = wanted
                    }
                }
                return try changed(ThemeBody(theme), tag: tag(theme.id, theme.version))
            })
        router.add(
            "POST", "/v1/themes/{id:uuid}/accept",
            signedIn({ _ in .curateNeeds }) { request, caller in
                let theme = try themes.decide(
                    try id(request), accept: true, reason: nil, by: caller, from: origin(request))
                return try changed(ThemeBody(theme), tag: tag(theme.id, theme.version))
            })
        router.add(
            "POST", "/v1/themes/{id:uuid}/decline",
            signedIn({ _ in .curateNeeds }) { request, caller in
                let reason = try JSONCoding.decode(ReasonBody.self, from: request).reason
                let theme = try themes.decide(
                    try id(request), accept: false, reason: reason, by: caller, from: origin(request))
                return try changed(ThemeBody(theme), tag: tag(theme.id, theme.version))
            })
        router.add(
            "POST", "/v1/themes/{id:uuid}/merge",
            signedIn({ _ in .curateNeeds }) { request, caller in
                let into = try JSONCoding.decode(ThemeMergeBody.self, from: request).into
                let theme = try themes.merge(try id(request), into: into, by: caller, from: origin(request))
                return try changed(ThemeBody(theme), tag: tag(theme.id, theme.version))
            })
    }
}
