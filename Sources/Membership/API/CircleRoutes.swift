import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Membership

/// `/v1/communities/{id}/circles` and `/v1/circles`: parse, call the service, encode.
struct CircleRoutes {
    let circles: CircleService

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/circles",
            signedIn({ _ in .manageMembers }) { request, caller in
                let circle = try circles.create(in: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(NewCircleBody.self, from: request)
                    var settings = CircleSettings(name: body.name)
                    settings.description = body.description ?? ""
                    settings.governmentOnly = body.governmentOnly ?? false
                    settings.excludesVendors = body.excludesVendors ?? false
                    return settings
                }
                return try created(
                    CircleBody(circle), at: "/v1/circles/\(circle.id.lowercasedString)",
                    tag: tag(circle.id, circle.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/circles",
            signedIn({ _ in .readMembers }) { request, caller in
                let page = try PageRequest(request)
                let rows = try circles.circles(
                    in: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: CircleBody.init)
            })
        router.add(
            "GET", "/v1/circles/{id:uuid}",
            signedIn({ _ in .readMembers }) { request, caller in
                let circle = try circles.circle(try id(request), for: caller)
                return try single(CircleBody(circle), tag: tag(circle.id, circle.version), request)
            })
        router.add(
            "PATCH", "/v1/circles/{id:uuid}",
            signedIn({ _ in .manageMembers }) { request, caller in
                let circleID = try id(request)
                let circle = try circles.update(
                    circleID, ifVersion: { try EntityTag.requireMatch(request, current: tag(circleID, $0)) },
                    by: caller,
                    from: origin(request)
                ) { settings in
                    let patch = try MergePatch(request, allowedKeys: NewCircleBody.allowedKeys)
                    settings.name = try patch.string("name") ?? settings.name
                    settings.description = try patch.string("description") ?? settings.description
                    settings.governmentOnly = try patch.bool("government_only") ?? settings.governmentOnly
                    settings.excludesVendors = try patch.bool("excludes_vendors") ?? settings.excludesVendors
                }
                return try changed(CircleBody(circle), tag: tag(circle.id, circle.version))
            })
        router.add(
            "GET", "/v1/circles/{id:uuid}/members",
            signedIn({ _ in .readMembers }) { request, caller in
                let page = try PageRequest(request)
                let rows = try circles.members(
                    of: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.account.id.uuidString] }, item: CircleMemberBody.init
                )
            })
        router.add(
            "POST", "/v1/circles/{id:uuid}/members",
            signedIn({ _ in .manageMembers }) { request, caller in
                let circleID = try id(request)
                let member = try circles.addMember(to: circleID, by: caller, from: origin(request)) {
                    try JSONCoding.decode(AccountReferenceBody.self, from: request).accountID
                }
                var response = try Response.json(CircleMemberBody(member), status: 201)
                response.headers.add(
                    "Location",
                    "/v1/circles/\(circleID.lowercasedString)/members/\(member.account.id.lowercasedString)"
                )
                return response
            })
        router.add(
            "GET", "/v1/circles/{id:uuid}/members/{account_id:uuid}",
            signedIn({ _ in .readMembers }) { request, caller in
                try Response.json(
                    CircleMemberBody(
                        try circles.member(try id(request, "account_id"), of: try id(request), for: caller)))
            })
        router.add(
            "DELETE", "/v1/circles/{id:uuid}/members/{account_id:uuid}",
            signedIn({ _ in .manageMembers }) { request, caller in
                try circles.removeMember(
                    try id(request, "account_id"), from: try id(request), by: caller, from: origin(request))
                return .noContent()
            })
        router.add(
            "GET", "/v1/circles/{id:uuid}/history",
            signedIn({ _ in .readMembers }) { request, caller in
                let page = try PageRequest(request)
                let rows = try circles.history(
                    of: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: CircleEventBody.init)
            })
    }
}
