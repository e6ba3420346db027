import Foundation
import TestSupport
import Testing

/// Someone signed in: their account id and session token.
public struct Person: Sendable {
    public let id: String
    public let token: String

    public init(id: String, token: String) {
        self.id = id
        self.token = token
    }
}

/// One community with a person in each position the membership rules tell apart, built
/// through the API as a convenor would: an unlisted community open to applications, with
/// observers allowed and its first norms published.
public struct CommunityFixture: Sendable {
    public let server: TestServer
    public let admin: String
    public let id: String
    public let convenor: Person
    /// A member who accepted the current norms.
    public let member: Person
    /// A member who has not accepted the current norms.
    public let newcomer: Person
    public let observer: Person
    /// A member whose kind is `vendor`.
    public let vendor: Person
    /// Someone whose application is open.
    public let applicant: Person
    public private(set) var applicationID = ""
    /// Signed in, with no tie to the community.
    public let outsider: Person

    public init(_ server: TestServer, settings: String = "") throws {
        self.server = server
        admin = try server.admin().token
        convenor = try Self.person(server, admin, creator: true)
        let created = try server.send(
            "POST", "/v1/communities", token: convenor.token,
            json:
                #"{"slug":"cop-\#(Self.suffix())","name":"EdTech Reform CoP","join_policy":"apply","observers_allowed":true\#(settings)}"#
        )
        try #require(created.status == 201, "\(created.text)")
        id = created.json["id"] as! String
        let norms = try server.send(
            "POST", "/v1/communities/\(id)/norms", token: convenor.token, json: #"{"text":"1. Chatham House."}"#)
        try #require(norms.status == 201, "\(norms.text)")
        member = try Self.person(server, admin)
        newcomer = try Self.person(server, admin)
        observer = try Self.person(server, admin, kind: "scholar")
        vendor = try Self.person(server, admin, kind: "vendor")
        applicant = try Self.person(server, admin, kind: "practitioner")
        outsider = try Self.person(server, admin)
        try admit(member)
        try admit(newcomer, acceptingNorms: false)
        try admit(observer, role: "observer")
        try admit(vendor)
        let application = try server.send(
            "POST", "/v1/communities/\(id)/applications", token: applicant.token,
            json: #"{"answers":{"motivation":"learn"}}"#)
        try #require(application.status == 201, "\(application.text)")
        applicationID = application.json["id"] as! String
    }

    public static func suffix() -> String { UUID().uuidString.prefix(8).lowercased() }

    /// A new account with a password, signed in.
    public static func person(
        _ server: TestServer, _ admin: String, kind: String = "official", creator: Bool = false, extra: String = ""
    )
        throws -> Person
    {
        let email = "person-\(suffix())@example.org"
        let created = try server.send(
            "POST", "/v1/accounts", token: admin,
            json:
                #"{"email":"\#(email)","display_name":"P \#(email.prefix(15))","password":"correct horse battery","member_kind":"\#(kind)","can_create_communities":\#(creator)\#(extra)}"#
        )
        try #require(created.status == 201, "\(created.text)")
        let session = try server.send(
            "POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"correct horse battery"}"#)
        return Person(id: created.json["id"] as! String, token: session.json["token"] as! String)
    }

    public func person(kind: String = "official", extra: String = "") throws -> Person {
        try Self.person(server, admin, kind: kind, extra: extra)
    }

    /// Invites `person` (by the convenor) and returns the invitation's id.
    public func invite(_ person: Person, role: String = "member", extra: String = "") throws -> String {
        let invitation = try server.send(
            "POST", "/v1/communities/\(id)/invitations", token: convenor.token,
            json: #"{"account_id":"\#(person.id)","role":"\#(role)"\#(extra)}"#)
        try #require(invitation.status == 201, "\(invitation.text)")
        return invitation.json["id"] as! String
    }

    /// Invites and admits `person`, who then accepts the current norms unless told not to.
    public func admit(_ person: Person, role: String = "member", acceptingNorms: Bool = true, extra: String = "") throws
    {
        let accepted = try server.send(
            "POST", "/v1/invitations/\(try invite(person, role: role, extra: extra))/accept", token: person.token)
        try #require(accepted.status == 200, "\(accepted.text)")
        if acceptingNorms { try acceptNorms(person) }
    }

    public func acceptNorms(_ person: Person) throws {
        let norms = try server.send("GET", "/v1/communities/\(id)/norms?limit=1", token: person.token)
        let version = try #require((norms.json["data"] as? [[String: Any]])?.first?["version"] as? Int)
        let accepted = try server.send(
            "POST", "/v1/communities/\(id)/norms/\(version)/acceptances", token: person.token)
        try #require(accepted.status == 201, "\(accepted.text)")
    }

    public func send(
        _ method: String, _ path: String, as person: Person, json: String? = nil, headers: [(String, String)] = []
    )
        throws -> HTTPResult
    {
        try server.send(method, path, token: person.token, headers: headers, json: json)
    }
}

/// The `type` of a problem answer, without its common prefix.
public func problemKind(_ result: HTTPResult) -> String? {
    (result.json["type"] as? String)?.replacingOccurrences(of: "https://praxis.dev/problems/", with: "")
}
