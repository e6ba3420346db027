import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Membership

/// `/v1/communities/{id}/norms` and `/v1/amendments`: parse, call the service, encode.
struct NormsRoutes {
    let norms: NormsService

    func register(in router: inout Router) {
        router.add(
            "GET", "/v1/communities/{id:uuid}/norms",
            signedIn({ _ in .readNorms }) { request, caller in
                let page = try PageRequest(request)
                let rows = try norms.versions(
                    of: try id(request), before: try page.position(0, as: { Int32($0).map(Int.init) }),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [String($0.version)] }, item: NormsVersionBody.init)
            })
        router.add(
            "POST", "/v1/communities/{id:uuid}/norms",
            signedIn({ _ in .publishNorms }) { request, caller in
                let published = try norms.publish(in: try id(request), by: caller, from: origin(request)) {
                    try JSONCoding.decode(NormsTextBody.self, from: request).text
                }
                var response = try Response.json(NormsVersionBody(published), status: 201)
                response.headers.add("Location", NormsRoutes.location(published))
                return response
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/norms/{version:int}",
            signedIn({ _ in .readNorms }) { request, caller in
                // No ETag: the acceptances counted here change without the version changing.
                try Response.json(
                    NormsVersionBody(
                        try norms.version(try NormsRoutes.version(request), of: try id(request), for: caller)))
            })
        router.add(
            "POST", "/v1/communities/{id:uuid}/norms/{version:int}/acceptances",
            signedIn({ _ in .acceptNorms }) {
                request, caller in
                let acceptance = try norms.accept(
                    try NormsRoutes.version(request), of: try id(request), by: caller, from: origin(request))
                var response = try Response.json(AcceptanceBody(acceptance), status: 201)
                response.headers.add(
                    "Location", NormsRoutes.location(communityID: acceptance.communityID, version: acceptance.version))
                return response
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/norms/{version:int}/acceptances",
            signedIn({ _ in .readMembers }) {
                request, caller in
                let page = try PageRequest(request)
                let rows = try norms.acceptances(
                    of: try NormsRoutes.version(request), in: try id(request),
                    after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.account.id.uuidString] }, item: AcceptanceBody.init)
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/norms/amendments",
            signedIn({ _ in .readNorms }) { request, caller in
                let status = try filter(AmendmentStatus.self, request, "status")
                let page = try PageRequest(request, filterKey: "status=\(status?.rawValue ?? "")")
                let rows = try norms.amendments(
                    in: try id(request), status: status, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: AmendmentBody.init)
            })
        router.add(
            "POST", "/v1/communities/{id:uuid}/norms/amendments",
            signedIn({ _ in .amendNorms }) { request, caller in
                let amendment = try norms.propose(in: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(NewAmendmentBody.self, from: request)
                    return (body.text, body.rationale ?? "")
                }
                return try created(
                    AmendmentBody(amendment), at: "/v1/amendments/\(amendment.id.lowercasedString)",
                    tag: tag(amendment.id, amendment.version))
            })
        router.add(
            "GET", "/v1/amendments/{id:uuid}",
            signedIn({ _ in .readNorms }) { request, caller in
                let amendment = try norms.amendment(try id(request), for: caller)
                return try single(
                    AmendmentBody(amendment), tag: tag(amendment.id, amendment.version), request)
            })
        router.add(
            "POST", "/v1/amendments/{id:uuid}/endorsements",
            signedIn({ _ in .amendNorms }) { request, caller in
                let amendment = try norms.endorse(try id(request), by: caller, from: origin(request))
                return try created(
                    AmendmentBody(amendment), at: "/v1/amendments/\(amendment.id.lowercasedString)",
                    tag: tag(amendment.id, amendment.version))
            })
        router.add(
            "POST", "/v1/amendments/{id:uuid}/adopt",
            signedIn({ _ in .publishNorms }) { request, caller in
                let amendmentID = try id(request)
                let amendment = try norms.adopt(
                    amendmentID, ifVersion: optionalMatch(request, amendmentID), by: caller,
                    from: origin(request))
                return try changed(AmendmentBody(amendment), tag: tag(amendment.id, amendment.version))
            })
        router.add(
            "POST", "/v1/amendments/{id:uuid}/decline",
            signedIn({ _ in .publishNorms }) { request, caller in
                let amendmentID = try id(request)
                let amendment = try norms.decline(
                    amendmentID, ifVersion: optionalMatch(request, amendmentID), by: caller,
                    from: origin(request)
                ) {
                    try JSONCoding.decode(ReasonBody.self, from: request).reason
                }
                return try changed(AmendmentBody(amendment), tag: tag(amendment.id, amendment.version))
            })
    }

    /// A version number; one past what the database counts (a 32-bit integer) names nothing.
    static func version(_ request: Request) throws -> Int {
        guard let text = request.parameters["version"], let version = Int32(text) else { throw Problem.notFound() }
        return Int(version)
    }

    static func location(_ norms: NormsVersion) -> String {
        location(communityID: norms.communityID, version: norms.version)
    }

    static func location(communityID: UUID, version: Int) -> String {
        "/v1/communities/\(communityID.lowercasedString)/norms/\(version)"
    }
}
