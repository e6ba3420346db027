import Foundation
import HTTP
import Membership
import ServerTestSupport
import TestSupport
import Testing

/// Every membership operation of `openapi.yaml`, sent alike by each kind of caller, with the
/// status the rules give each of them. An operation without a row fails the test.
@Suite struct PermissionMatrixTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    /// The callers, in the order each row lists its statuses (and sends its requests: the ones
    /// whose success changes something come last). `remote` is a member of the community whose
    /// API token is restricted to another community; `guest` is invited to the shared meeting only.
    enum Caller: Int, CaseIterable {
        case outsider, remote, applicant, admin, observer, guest, newcomer, vendor, bystander, member, convenor
    }

    /// Where the rows' requests point. Shared targets are made once; `fresh` ones per row.
    final class World: @unchecked Sendable {
        let cop: CommunityFixture
        let bystander: Person
        let remote: Person
        let guest: Person
        let circle: String
        let meeting: String
        var values: [String: String] = [:]

        init(_ server: TestServer) throws {
            cop = try CommunityFixture(server)
            bystander = try cop.person()
            try cop.admit(bystander)
            let member = try cop.person()
            try cop.admit(member)
            let elsewhere =
                try cop.send(
                    "POST", "/v1/communities", as: cop.convenor,
                    json: #"{"slug":"else-\#(CommunityFixture.suffix())","name":"Elsewhere"}"#
                ).json["id"] as! String
            let scopes = #""communities:read","communities:write","members:read","members:write""#
            let token = try cop.send(
                "POST", "/v1/tokens", as: member,
                json: #"{"name":"elsewhere","scopes":[\#(scopes)],"community_ids":["\#(elsewhere)"]}"#)
            remote = Person(id: member.id, token: token.json["token"] as! String)
            circle =
                try cop.send(
                    "POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor,
                    json: #"{"name":"Officials","government_only":true}"#
                ).json["id"] as! String
            _ = try cop.send(
                "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(cop.member.id)"}"#)
            meeting =
                try cop.send("POST", "/v1/communities/\(cop.id)/meetings", as: cop.convenor, json: World.meetingBody)
                .json["id"] as! String
            guest = try cop.person()
            try cop.admit(
                guest, role: "guest", extra: #","expires_at":"\#(Timestamp.format(Date().addingTimeInterval(3600)))""#)
            _ = try cop.send("PUT", "/v1/meetings/\(meeting)/guests/\(guest.id)", as: cop.convenor)
        }

        static let meetingBody =
            #"{"title":"Clinic","starts_at":"2027-01-12T13:00:00.000Z","ends_at":"2027-01-12T14:00:00.000Z","time_zone":"UTC"}"#

        func person(_ caller: Caller, admin: String) -> Person {
            switch caller {
            case .outsider: return cop.outsider
            case .remote: return remote
            case .applicant: return cop.applicant
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

        /// A member of the community nobody else in the table touches.
        func freshMember(role: String = "member", extra: String = "") throws -> Person {
            let person = try cop.person()
            try cop.admit(person, role: role, extra: extra)
            return person
        }
    }

    typealias Row = PermissionMatrix<World, Caller>.Row

    //            outsider remote applicant admin observer guest newcomer vendor bystander member convenor
    static let table = PermissionMatrix<World, Caller>([
        Row(
            operation: "GET /v1/communities", path: "/v1/communities",
            expected: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "POST /v1/communities", path: "/v1/communities",
            body: #"{"slug":"matrix-{suffix}","name":"M"}"#,
            expected: [403, 403, 403, 201, 403, 403, 403, 403, 403, 403, 201]),
        Row(
            operation: "GET /v1/communities/{id}", path: "/v1/communities/{community}",
            expected: [200, 404, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "PATCH /v1/communities/{id}", path: "/v1/communities/{community}",
            body: #"{"purpose":"Reform"}"#,
            expected: [403, 404, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "GET /v1/communities/{id}/norms", path: "/v1/communities/{community}/norms",
            expected: [404, 404, 404, 404, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/communities/{id}/norms/{version}", path: "/v1/communities/{community}/norms/1",
            expected: [404, 404, 404, 404, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/communities/{id}/norms/{version}/acceptances",
            path: "/v1/communities/{community}/norms/1/acceptances",
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/communities/{id}/norms/amendments",
            path: "/v1/communities/{community}/norms/amendments",
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "POST /v1/communities/{id}/norms/amendments",
            path: "/v1/communities/{community}/norms/amendments",
            body: #"{"text":"2. More."}"#, expected: [404, 404, 404, 404, 403, 403, 201, 201, 201, 201, 201]),
        Row(
            operation: "GET /v1/amendments/{id}", path: "/v1/amendments/{amendment}", prepare: amendment,
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "POST /v1/amendments/{id}/endorsements", path: "/v1/amendments/{amendment}/endorsements",
            prepare: amendment,
            expected: [404, 404, 404, 404, 403, 403, 409, 201, 201, 201, 201]),
        Row(
            operation: "POST /v1/amendments/{id}/decline", path: "/v1/amendments/{amendment}/decline",
            body: #"{"reason":"No"}"#,
            prepare: amendment, expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/communities/{id}/invitations", path: "/v1/communities/{community}/invitations",
            body: #"{"email":"invitee-{suffix}@example.org"}"#,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 201]),
        Row(
            operation: "GET /v1/communities/{id}/invitations", path: "/v1/communities/{community}/invitations",
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "GET /v1/me/invitations", path: "/v1/me/invitations",
            expected: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/invitations/{id}", path: "/v1/invitations/{invitation}", prepare: invitation,
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200]),
        Row(
            operation: "POST /v1/invitations/{id}/accept", path: "/v1/invitations/{invitation}/accept",
            prepare: invitation,
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403]),
        Row(
            operation: "POST /v1/invitations/{id}/decline", path: "/v1/invitations/{invitation}/decline",
            prepare: invitation,
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403]),
        Row(
            operation: "POST /v1/invitations/{id}/revoke", path: "/v1/invitations/{invitation}/revoke",
            prepare: invitation,
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200]),
        Row(
            operation: "POST /v1/communities/{id}/applications", path: "/v1/communities/{community}/applications",
            body: #"{"answers":{"why":"To learn"}}"#, expected: [201, 404, 409, 201, 409, 409, 409, 409, 409, 409, 409]),
        Row(
            operation: "GET /v1/communities/{id}/applications", path: "/v1/communities/{community}/applications",
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "GET /v1/communities/{id}/audit-events", path: "/v1/communities/{community}/audit-events",
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "GET /v1/applications/{id}", path: "/v1/applications/{fixtureApplication}",
            expected: [404, 404, 200, 404, 404, 404, 404, 404, 404, 404, 200]),
        Row(
            operation: "POST /v1/applications/{id}/approve", path: "/v1/applications/{application}/approve",
            prepare: application,
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200]),
        Row(
            operation: "POST /v1/applications/{id}/reject", path: "/v1/applications/{application}/reject",
            body: #"{"reason":"No"}"#,
            prepare: application, expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200]),
        Row(
            operation: "POST /v1/applications/{id}/withdraw", path: "/v1/applications/{application}/withdraw",
            prepare: application,
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403]),
        Row(
            operation: "GET /v1/communities/{id}/members", path: "/v1/communities/{community}/members",
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/me/memberships", path: "/v1/me/memberships",
            expected: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/communities/{id}/members/{account_id}",
            path: "/v1/communities/{community}/members/{bystander}",
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "PATCH /v1/communities/{id}/members/{account_id}",
            path: "/v1/communities/{community}/members/{target}",
            body: #"{"commercial_interest":false}"#, prepare: target,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/communities/{id}/members/{account_id}/suspend",
            path: "/v1/communities/{community}/members/{target}/suspend",
            prepare: target, expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/communities/{id}/members/{account_id}/reinstate",
            path: "/v1/communities/{community}/members/{target}/reinstate", prepare: suspendedTarget,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/communities/{id}/members/{account_id}/leave",
            path: "/v1/communities/{community}/members/{target}/leave",
            prepare: target, expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 403]),
        Row(
            operation: "POST /v1/communities/{id}/members/import",
            path: "/v1/communities/{community}/members/import?dry_run=true",
            body: "email,kind\nimported-{suffix}@example.org,official\n", contentType: "text/csv",
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "GET /v1/member-imports/{id}", path: "/v1/member-imports/{import}", prepare: memberImport,
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200]),
        Row(
            operation: "GET /v1/communities/{id}/participation", path: "/v1/communities/{community}/participation",
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "POST /v1/communities/{id}/circles", path: "/v1/communities/{community}/circles",
            body: #"{"name":"Another"}"#,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 201]),
        Row(
            operation: "GET /v1/communities/{id}/circles", path: "/v1/communities/{community}/circles",
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/circles/{id}", path: "/v1/circles/{circle}",
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 200]),
        Row(
            operation: "PATCH /v1/circles/{id}", path: "/v1/circles/{circle}", body: #"{"description":"Procurement"}"#,
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 200]),
        Row(
            operation: "GET /v1/circles/{id}/members", path: "/v1/circles/{circle}/members",
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 200]),
        Row(
            operation: "POST /v1/circles/{id}/members", path: "/v1/circles/{circle}/members",
            body: #"{"account_id":"{target}"}"#,
            prepare: target, expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 201]),
        Row(
            operation: "GET /v1/circles/{id}/members/{account_id}", path: "/v1/circles/{circle}/members/{member}",
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 200]),
        Row(
            operation: "DELETE /v1/circles/{id}/members/{account_id}", path: "/v1/circles/{circle}/members/{target}",
            prepare: circleTarget, expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 204]),
        Row(
            operation: "GET /v1/circles/{id}/history", path: "/v1/circles/{circle}/history",
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 200]),
        Row(
            operation: "POST /v1/communities/{id}/meetings", path: "/v1/communities/{community}/meetings",
            body: World.meetingBody,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 201]),
        Row(
            operation: "GET /v1/communities/{id}/meetings", path: "/v1/communities/{community}/meetings",
            expected: [404, 404, 404, 404, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/meetings/{id}", path: "/v1/meetings/{meeting}",
            expected: [404, 404, 404, 404, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "PATCH /v1/meetings/{id}", path: "/v1/meetings/{meeting}", body: #"{"title":"Clinic 2"}"#,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "PUT /v1/meetings/{id}/rsvp", path: "/v1/meetings/{meeting}/rsvp", body: #"{"response":"yes"}"#,
            expected: [404, 404, 404, 404, 403, 200, 403, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/meetings/{id}/rsvps", path: "/v1/meetings/{meeting}/rsvps",
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "PUT /v1/meetings/{id}/guests/{account_id}", path: "/v1/meetings/{meeting}/guests/{guest}",
            prepare: guest,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 204]),
        Row(
            operation: "DELETE /v1/meetings/{id}/guests/{account_id}", path: "/v1/meetings/{meeting}/guests/{guest}",
            prepare: guest,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 204]),
        Row(
            operation: "PUT /v1/meetings/{id}/attendance/{account_id}",
            path: "/v1/meetings/{meeting}/attendance/{member}",
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 204]),
        Row(
            operation: "GET /v1/meetings/{id}/attendance", path: "/v1/meetings/{meeting}/attendance",
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "DELETE /v1/meetings/{id}/attendance/{account_id}",
            path: "/v1/meetings/{meeting}/attendance/{member}",
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 204]),
        Row(
            operation: "POST /v1/meetings/{id}/breakouts", path: "/v1/meetings/{meeting}/breakouts",
            body: #"{"group_count":1}"#,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 201]),
        Row(
            operation: "GET /v1/meetings/{id}/breakouts", path: "/v1/meetings/{meeting}/breakouts",
            expected: [404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 200]),
        // Late: a declared interest closes circles that exclude vendors (and government-only ones).
        Row(
            operation: "POST /v1/me/declarations", path: "/v1/me/declarations",
            body: #"{"description":"Consults for a vendor"}"#,
            expected: [201, 422, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
        Row(
            operation: "GET /v1/me/declarations", path: "/v1/me/declarations",
            expected: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/me/declarations/{id}", path: "/v1/me/declarations/{declaration}", prepare: declaration,
            expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404]),
        Row(
            operation: "POST /v1/me/declarations/{id}/withdraw", path: "/v1/me/declarations/{declaration}/withdraw",
            prepare: declaration, expected: [404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404]),
        // Last: these change what the norms are, or who accepted them.
        Row(
            operation: "POST /v1/communities/{id}/norms/{version}/acceptances",
            path: "/v1/communities/{community}/norms/1/acceptances",
            expected: [404, 404, 404, 404, 409, 409, 201, 409, 409, 409, 409]),
        Row(
            operation: "POST /v1/amendments/{id}/adopt", path: "/v1/amendments/{amendment}/adopt", prepare: amendment,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/communities/{id}/norms", path: "/v1/communities/{community}/norms",
            body: #"{"text":"3. Even more."}"#,
            expected: [404, 404, 404, 404, 403, 403, 403, 403, 403, 403, 201]),
    ])

    static func amendment(_ world: World) throws -> [String: String] {
        let proposed = try world.cop.send(
            "POST", "/v1/communities/\(world.cop.id)/norms/amendments", as: world.cop.newcomer,
            json: #"{"text":"Amended"}"#)
        return ["amendment": proposed.json["id"] as! String]
    }

    static func invitation(_ world: World) throws -> [String: String] {
        let invited = try world.cop.send(
            "POST", "/v1/communities/\(world.cop.id)/invitations", as: world.cop.convenor,
            json: #"{"email":"pending-\#(CommunityFixture.suffix())@example.org"}"#)
        return ["invitation": invited.json["id"] as! String]
    }

    static func application(_ world: World) throws -> [String: String] {
        let person = try world.cop.person()
        let applied = try world.cop.send(
            "POST", "/v1/communities/\(world.cop.id)/applications", as: person, json: #"{"answers":{}}"#)
        return ["application": applied.json["id"] as! String]
    }

    static func target(_ world: World) throws -> [String: String] { ["target": try world.freshMember().id] }

    static func suspendedTarget(_ world: World) throws -> [String: String] {
        let person = try world.freshMember()
        _ = try world.cop.send(
            "POST", "/v1/communities/\(world.cop.id)/members/\(person.id)/suspend", as: world.cop.convenor)
        return ["target": person.id]
    }

    static func circleTarget(_ world: World) throws -> [String: String] {
        let person = try world.freshMember()
        _ = try world.cop.send(
            "POST", "/v1/circles/\(world.circle)/members", as: world.cop.convenor,
            json: #"{"account_id":"\#(person.id)"}"#)
        return ["target": person.id]
    }

    static func guest(_ world: World) throws -> [String: String] {
        let person = try world.freshMember(
            role: "guest", extra: #","expires_at":"\#(Timestamp.format(Date().addingTimeInterval(3600)))""#)
        _ = try world.cop.send("PUT", "/v1/meetings/\(world.meeting)/guests/\(person.id)", as: world.cop.convenor)
        return ["guest": person.id]
    }

    static func declaration(_ world: World) throws -> [String: String] {
        let declared = try world.cop.send(
            "POST", "/v1/me/declarations", as: world.cop.member, json: #"{"description":"Shares"}"#)
        return ["declaration": declared.json["id"] as! String]
    }

    static func memberImport(_ world: World) throws -> [String: String] {
        let rows = (0...ImportService.immediateLimit).map {
            "many-\($0)-\(CommunityFixture.suffix())@example.org,official"
        }
        let started = try world.cop.server.send(
            "POST", "/v1/communities/\(world.cop.id)/members/import?dry_run=true",
            headers: [("Authorization", "Bearer \(world.cop.convenor.token)"), ("Content-Type", "text/csv")],
            json: "email,kind\n" + rows.joined(separator: "\n"))
        return ["import": String(started.header("Location")!.split(separator: "/").last!)]
    }

    @Test func everyMembershipOperationHasARow() throws {
        let coverage = try Self.table.coverage(
            of: [
                "/v1/communities", "/v1/invitations", "/v1/applications", "/v1/amendments", "/v1/circles",
                "/v1/meetings",
                "/v1/member-imports", "/v1/me/memberships", "/v1/me/invitations", "/v1/me/declarations",
            ],
            excluding: [
                "/v1/communities/{id}/themes", "/v1/communities/{id}/needs", "/v1/communities/{id}/agenda",
                "/v1/communities/{id}/members/{account_id}/peers", "/v1/communities/{id}/surveys",
                "/v1/communities/{id}/threads", "/v1/communities/{id}/practices", "/v1/communities/{id}/flags",
                "/v1/communities/{id}/reveals",
            ])
        #expect(coverage.missing == [], "operations without a row")
        #expect(coverage.unknown == [], "rows for operations the spec lacks")
        #expect(coverage.repeated == [], "one row per operation")
    }

    @Test func eachCallerGetsWhatTheRulesSay() throws {
        let world = try World(server)
        let admin = try server.admin().token
        let values = [
            "community": world.cop.id, "circle": world.circle, "meeting": world.meeting,
            "bystander": world.bystander.id, "member": world.cop.member.id,
            "fixtureApplication": world.cop.applicationID,
        ]
        let failures = try Self.table.failures(
            in: world, values: values, fresh: { ["suffix": CommunityFixture.suffix()] },
            send: { request in
                try server.status(of: request, token: world.person(request.caller, admin: admin).token)
            })
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
