import Foundation
import ServerTestSupport
import TestSupport
import Testing

@Suite struct MembershipNotificationTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    func kinds(_ cop: CommunityFixture, _ person: Person) throws -> [String] {
        let notices = try cop.send("GET", "/v1/me/notifications", as: person)
        return (notices.json["data"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
    }

    @Test func approvalsAndCircleChangesAreToldWhileTheirSubjectIsVisible() throws {
        let cop = try CommunityFixture(server)
        let approved = try cop.send(
            "POST", "/v1/applications/\(cop.applicationID)/approve", as: cop.convenor, json: #"{"role":"member"}"#)
        #expect(approved.status == 200, "\(approved.text)")
        #expect(try kinds(cop, cop.applicant) == ["application.approved"])

        let circle =
            try cop.send("POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Inner"}"#)
            .json["id"] as! String
        _ = try cop.send(
            "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(cop.member.id)"}"#)
        #expect(try kinds(cop, cop.member) == ["circle.member_added"])
        // Out of the circle, the notice goes with it: the circle does not exist for them any more.
        #expect(
            try cop.send("DELETE", "/v1/circles/\(circle)/members/\(cop.member.id)", as: cop.convenor).status == 204)
        #expect(try kinds(cop, cop.member) == [])
    }
}
