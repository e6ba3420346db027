import Foundation
import HTTP
import ServerTestSupport
import TestSupport
import Testing

/// Every needs operation of `openapi.yaml`, sent alike by each kind of caller, with the status
/// the rules give each of them. An operation without a row fails the test.
@Suite struct NeedPermissionMatrixTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    /// The callers, in the order each row lists its statuses (`MatrixCast.Caller`).
    typealias Caller = MatrixCast.Caller

    /// The member wrote the needs (one in the circle); the community does not show needs to vendors.
    final class World: @unchecked Sendable {
        let cast: MatrixCast
        var cop: CommunityFixture { cast.cop }
        var bystander: Person { cast.bystander }
        let theme: String
        let need: String
        let circleNeed: String
        let agendaItem: String
        let survey: String
        let question: String

        init(_ server: TestServer) throws {
            cast = try MatrixCast(server, domainScopes: #""needs:read","needs:write""#)
            let cop = cast.cop
            let circle = cast.circle
            theme = try NeedPermissionMatrixTests.theme(in: cop)
            need = try NeedPermissionMatrixTests.need(in: cop)
            circleNeed = try NeedPermissionMatrixTests.need(in: cop, extra: #","circle_id":"\#(circle)""#)
            agendaItem =
                try cop.send("POST", "/v1/communities/\(cop.id)/agenda", as: cop.convenor, json: #"{"title":"Clinic"}"#)
                .json["id"] as! String
            (survey, question) = try NeedPermissionMatrixTests.answeredSurvey(in: cop)
        }

        func person(_ caller: Caller, admin: String) -> Person { cast.person(caller, admin: admin) }
    }

    static func theme(in cop: CommunityFixture) throws -> String {
        let created = try cop.send(
            "POST", "/v1/communities/\(cop.id)/themes", as: cop.convenor,
            json: #"{"name":"Theme \#(CommunityFixture.suffix())"}"#)
        try #require(created.status == 201, "\(created.text)")
        return created.json["id"] as! String
    }

    static func need(in cop: CommunityFixture, extra: String = "") throws -> String {
        let created = try cop.send(
            "POST", "/v1/communities/\(cop.id)/needs", as: cop.member,
            json: #"{"title":"Devices","urgency":3\#(extra)}"#)
        try #require(created.status == 201, "\(created.text)")
        return created.json["id"] as! String
    }

    typealias Row = PermissionMatrix<World, Caller>.Row

    //            outsider remote unscoped admin observer guest newcomer vendor bystander member convenor
    static let table = PermissionMatrix<World, Caller>([
        Row(
            operation: "GET /v1/communities/{id}/themes", path: "/v1/communities/{community}/themes",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/themes/{id}", path: "/v1/themes/{theme}",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/communities/{id}/needs", path: "/v1/communities/{community}/needs",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/needs/{id}", path: "/v1/needs/{need}",
            expected: [404, 404, 403, 404, 200, 404, 200, 404, 200, 200, 200]),
        // A need in the circle: only its members reach it (and its co-signers).
        Row(
            operation: "GET /v1/needs/{id}/cosigns", path: "/v1/needs/{circleNeed}/cosigns",
            expected: [404, 404, 403, 404, 404, 404, 404, 404, 404, 200, 200]),
        Row(
            operation: "GET /v1/communities/{id}/needs/analysis", path: "/v1/communities/{community}/needs/analysis",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        // A theme's trend chart; the unsuppressed view is the convenors'.
        Row(
            operation: "GET /v1/communities/{id}/needs/analysis/trend.svg",
            path: "/v1/communities/{community}/needs/analysis/trend.svg?theme={theme}&suppression=off",
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        Row(
            operation: "GET /v1/communities/{id}/agenda", path: "/v1/communities/{community}/agenda",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/agenda/{id}", path: "/v1/agenda/{agendaItem}",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/agenda/{id}/history", path: "/v1/agenda/{agendaItem}/history",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "POST /v1/communities/{id}/agenda", path: "/v1/communities/{community}/agenda",
            body: #"{"title":"Item {suffix}","need_ids":["{need}"]}"#,
            expected: [404, 404, 403, 404, 403, 403, 403, 403, 403, 403, 201]),
        Row(
            operation: "PATCH /v1/agenda/{id}", path: "/v1/agenda/{agendaItem}", body: #"{"position":3}"#,
            contentType: "application/merge-patch+json",
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        Row(
            operation: "GET /v1/me/peers", path: "/v1/me/peers?community_id={community}",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/communities/{id}/members/{account_id}/peers",
            path: "/v1/communities/{community}/members/{bystander}/peers",
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        Row(
            operation: "GET /v1/communities/{id}/surveys", path: "/v1/communities/{community}/surveys",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/surveys/{id}", path: "/v1/surveys/{survey}",
            expected: [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]),
        Row(
            operation: "GET /v1/surveys/{id}/responses/me", path: "/v1/surveys/{survey}/responses/me",
            expected: [404, 404, 403, 404, 404, 404, 404, 404, 404, 200, 404]),
        Row(
            // The convenor passes every check but the survey's: it is still open.
            operation: "GET /v1/surveys/{id}/results", path: "/v1/surveys/{survey}/results",
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 409]),
        Row(
            operation: "GET /v1/surveys/{id}/answers", path: "/v1/surveys/{survey}/answers",
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/communities/{id}/surveys", path: "/v1/communities/{community}/surveys",
            body:
                #"{"title":"S","opens_at":"2027-01-01T00:00:00Z","closes_at":"2027-02-01T00:00:00Z","questions":[{"kind":"scale","prompt":"How"}]}"#,
            expected: [404, 404, 403, 404, 403, 403, 403, 403, 403, 403, 201]),
        Row(
            operation: "PATCH /v1/surveys/{id}", path: "/v1/surveys/{fresh}", body: #"{"title":"Renamed"}"#,
            contentType: "application/merge-patch+json", prepare: freshSurvey,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        Row(
            operation: "PUT /v1/surveys/{id}/responses/me", path: "/v1/surveys/{survey}/responses/me",
            body: #"{"answers":[{"question_id":"{question}","value":"Ours"}]}"#,
            expected: [404, 404, 403, 404, 403, 404, 403, 201, 201, 200, 201]),
        Row(
            operation: "POST /v1/survey-answers/{id}/code", path: "/v1/survey-answers/{fresh}/code",
            body: #"{"theme":{"name":"Coded {suffix}"}}"#, prepare: freshAnswer,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/communities/{id}/themes", path: "/v1/communities/{community}/themes",
            body: #"{"name":"Suggested {suffix}"}"#,
            expected: [404, 404, 403, 404, 403, 403, 403, 201, 201, 201, 201]),
        Row(
            operation: "PATCH /v1/themes/{id}", path: "/v1/themes/{fresh}", body: #"{"description":"Renamed"}"#,
            contentType: "application/merge-patch+json", prepare: freshTheme,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        // A member's suggestion: only they and the convenors see it.
        Row(
            operation: "POST /v1/themes/{id}/accept", path: "/v1/themes/{suggestion}/accept", prepare: suggestion,
            expected: [404, 404, 403, 404, 404, 404, 404, 404, 404, 403, 200]),
        Row(
            operation: "POST /v1/themes/{id}/decline", path: "/v1/themes/{suggestion}/decline",
            body: #"{"reason":"Covered by another theme."}"#, prepare: suggestion,
            expected: [404, 404, 403, 404, 404, 404, 404, 404, 404, 403, 200]),
        Row(
            operation: "POST /v1/themes/{id}/merge", path: "/v1/themes/{fresh}/merge", body: #"{"into":"{theme}"}"#,
            prepare: freshTheme, expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/communities/{id}/needs", path: "/v1/communities/{community}/needs",
            body: #"{"title":"Ours too","urgency":2}"#,
            expected: [404, 404, 403, 404, 403, 403, 403, 201, 201, 201, 201]),
        Row(
            operation: "PATCH /v1/needs/{id}", path: "/v1/needs/{fresh}", body: #"{"title":"Changed {suffix}"}"#,
            contentType: "application/merge-patch+json", prepare: freshNeed,
            expected: [404, 404, 403, 404, 403, 404, 403, 404, 403, 200, 403]),
        Row(
            operation: "POST /v1/needs/{id}/cosigns", path: "/v1/needs/{fresh}/cosigns", prepare: freshNeed,
            expected: [404, 404, 403, 404, 403, 404, 403, 404, 201, 409, 201]),
        Row(
            operation: "DELETE /v1/needs/{id}/cosigns/{account_id}", path: "/v1/needs/{fresh}/cosigns/{bystander}",
            prepare: cosignedNeed, expected: [404, 404, 403, 404, 403, 404, 403, 404, 204, 403, 403]),
    ])

    /// An open survey of one free-text question, answered by the member, who lets convenors quote it.
    static func answeredSurvey(in cop: CommunityFixture) throws -> (survey: String, question: String) {
        let opens = Timestamp.format(Date().addingTimeInterval(-60))
        let closes = Timestamp.format(Date().addingTimeInterval(3600))
        let created = try cop.send(
            "POST", "/v1/communities/\(cop.id)/surveys", as: cop.convenor,
            json:
                #"{"title":"Intake","opens_at":"\#(opens)","closes_at":"\#(closes)","questions":[{"kind":"text","prompt":"Why?"}]}"#
        )
        try #require(created.status == 201, "\(created.text)")
        let survey = created.json["id"] as! String
        let question = (created.json["questions"] as! [[String: Any]])[0]["id"] as! String
        let answered = try cop.send(
            "PUT", "/v1/surveys/\(survey)/responses/me", as: cop.member,
            json: #"{"answers":[{"question_id":"\#(question)","value":"Devices"}],"quote_consent":true}"#)
        try #require(answered.status == 201, "\(answered.text)")
        return (survey, question)
    }

    static func freshSurvey(_ world: World) throws -> [String: String] {
        ["fresh": try answeredSurvey(in: world.cop).survey]
    }

    static func freshAnswer(_ world: World) throws -> [String: String] {
        let survey = try answeredSurvey(in: world.cop).survey
        let answers = try world.cop.send("GET", "/v1/surveys/\(survey)/answers", as: world.cop.convenor)
        return ["fresh": (answers.json["data"] as! [[String: Any]])[0]["id"] as! String]
    }

    static func freshTheme(_ world: World) throws -> [String: String] { ["fresh": try theme(in: world.cop)] }

    static func freshNeed(_ world: World) throws -> [String: String] { ["fresh": try need(in: world.cop)] }

    static func suggestion(_ world: World) throws -> [String: String] {
        let suggested = try world.cop.send(
            "POST", "/v1/communities/\(world.cop.id)/themes", as: world.cop.member,
            json: #"{"name":"Suggestion \#(CommunityFixture.suffix())"}"#)
        return ["suggestion": suggested.json["id"] as! String]
    }

    static func cosignedNeed(_ world: World) throws -> [String: String] {
        let need = try need(in: world.cop)
        _ = try world.cop.send("POST", "/v1/needs/\(need)/cosigns", as: world.bystander)
        return ["fresh": need]
    }

    @Test func everyNeedsOperationHasARow() throws {
        let coverage = try Self.table.coverage(of: [
            "/v1/communities/{id}/themes", "/v1/communities/{id}/needs", "/v1/themes", "/v1/needs",
            "/v1/communities/{id}/agenda", "/v1/agenda", "/v1/me/peers",
            "/v1/communities/{id}/members/{account_id}/peers", "/v1/communities/{id}/surveys", "/v1/surveys",
            "/v1/survey-answers",
        ])
        #expect(coverage.missing == [], "operations without a row")
        #expect(coverage.unknown == [], "rows for operations the spec lacks")
        #expect(coverage.repeated == [], "one row per operation")
    }

    @Test func eachCallerGetsWhatTheRulesSay() throws {
        let world = try World(server)
        let admin = try server.admin().token
        let values = [
            "community": world.cop.id, "theme": world.theme, "need": world.need, "circleNeed": world.circleNeed,
            "agendaItem": world.agendaItem, "survey": world.survey, "question": world.question,
            "bystander": world.bystander.id,
        ]
        let failures = try Self.table.failures(
            in: world, values: values, fresh: { ["suffix": CommunityFixture.suffix()] },
            send: { request in
                try server.status(of: request, token: world.person(request.caller, admin: admin).token)
            })
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
