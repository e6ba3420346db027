import Foundation
import HTTP
import TestSupport

/// Who a domain's permission table sends each request as, beyond the fixture's people, and a
/// circle the member (and the convenor, who made it) is in. `remote` is the bystander's token
/// with the domain's scopes, restricted to another community; `unscoped` their token without
/// the domain's scopes; `admin` a platform admin outside the community; `bystander` a member
/// outside the circle.
public struct MatrixCast: Sendable {
    public enum Caller: Int, CaseIterable, Sendable {
        case outsider, remote, unscoped, admin, observer, guest, newcomer, vendor, bystander, member, convenor
    }

    public let cop: CommunityFixture
    public let bystander: Person
    public let remote: Person
    public let unscoped: Person
    public let guest: Person
    public let circle: String

    /// `domainScopes`: the domain's scopes as JSON strings, such as `"needs:read","needs:write"`.
    public init(_ server: TestServer, domainScopes: String) throws {
        cop = try CommunityFixture(server)
        let bystander = try cop.person()
        try cop.admit(bystander)
        self.bystander = bystander
        let elsewhere =
            try cop.send(
                "POST", "/v1/communities", as: cop.convenor,
                json: #"{"slug":"else-\#(CommunityFixture.suffix())","name":"Elsewhere"}"#
            ).json["id"] as! String
        let community = cop
        func token(_ scopes: String, restricted: String? = nil) throws -> Person {
            let communities = restricted.map { #","community_ids":["\#($0)"]"# } ?? ""
            let issued = try community.send(
                "POST", "/v1/tokens", as: bystander, json: #"{"name":"matrix","scopes":[\#(scopes)]\#(communities)}"#)
            return Person(id: bystander.id, token: issued.json["token"] as! String)
        }
        remote = try token(domainScopes, restricted: elsewhere)
        unscoped = try token(#""communities:read","communities:write","members:read","members:write""#)
        guest = try cop.person()
        try cop.admit(
            guest, role: "guest", extra: #","expires_at":"\#(Timestamp.format(Date().addingTimeInterval(3600)))""#)
        circle =
            try cop.send("POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Inner"}"#)
            .json["id"] as! String
        _ = try cop.send(
            "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(cop.member.id)"}"#)
    }

    public func person(_ caller: Caller, admin: String) -> Person {
        switch caller {
        case .outsider: return cop.outsider
        case .remote: return remote
        case .unscoped: return unscoped
        case .admin: return Person(id: "", token: admin)
        case .observer: return cop.observer
        case .guest: return guest
        case .newcomer: return cop.newcomer
        case .vendor: return cop.vendor
        case .bystander: return bystander
        case .member: return cop.member
        case .convenor: return cop.convenor
        }
    }
}
