import Disclosure
import Foundation
import HTTP
import ServerTestSupport
import TestSupport
import Testing

@testable import Needs

@Suite struct SurveyTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func survey(_ cop: CommunityFixture, opens: TimeInterval = -60, closes: TimeInterval = 3600) throws
        -> HTTPResult
    {
        let opensAt = Timestamp.format(Date().addingTimeInterval(opens))
        let closesAt = Timestamp.format(Date().addingTimeInterval(closes))
        let created = try cop.send(
            "POST", "/v1/communities/\(cop.id)/surveys", as: cop.convenor,
            json: #"""
                {"title":"Intake","opens_at":"\#(opensAt)","closes_at":"\#(closesAt)","questions":[
                  {"kind":"text","prompt":"Your hardest challenge?","required":true},
                  {"kind":"single_choice","prompt":"Your level","options":["national","regional","local"]},
                  {"kind":"multi_choice","prompt":"Where it hurts","options":["devices","connectivity","training"]},
                  {"kind":"scale","prompt":"Urgency"},
                  {"kind":"theme_pick","prompt":"Areas"}]}
                """#)
        try #require(created.status == 201, "\(created.text)")
        return created
    }

    private func questions(_ survey: HTTPResult) -> [String] {
        (survey.json["questions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    private func respond(_ cop: CommunityFixture, _ survey: String, as person: Person, _ answers: String, consent: Bool)
        throws -> HTTPResult
    {
        try cop.send(
            "PUT", "/v1/surveys/\(survey)/responses/me", as: person,
            json: #"{"answers":[\#(answers)],"quote_consent":\#(consent)}"#)
    }

    @Test func everyAnswerIsCheckedAgainstItsQuestion() throws {
        let cop = try CommunityFixture(server)
        let created = try survey(cop)
        let id = created.json["id"] as! String
        let q = questions(created)
        let theme = try theme(cop, "Devices").json["id"] as! String
        let bad = try respond(
            cop, id, as: cop.member,
            #"""
            {"question_id":"\#(q[0])","value":7},{"question_id":"\#(q[1])","value":"planetary"},
            {"question_id":"\#(q[2])","value":["devices","devices"]},{"question_id":"\#(q[3])","value":6},
            {"question_id":"\#(q[4])","value":["\#(UUID().uuidString)"]},{"question_id":"\#(UUID().uuidString)","value":"x"}
            """#, consent: false)
        #expect(bad.status == 422)
        #expect(
            Set(fields(bad)) == [
                "answers[0].value", "answers[1].value", "answers[2].value", "answers[3].value", "answers[4].value",
                "answers[5].question_id",
            ])
        let twice = try respond(
            cop, id, as: cop.member,
            #"{"question_id":"\#(q[0])","value":"x"},{"question_id":"\#(q[4])","value":["\#(theme)","\#(theme.uppercased())"]}"#,
            consent: false)
        #expect(twice.status == 422 && fields(twice) == ["answers[1].value"])
        #expect(created.json["questions_locked"] as? Bool == false && created.json["response_count"] == nil)
        let missing = try respond(cop, id, as: cop.member, #"{"question_id":"\#(q[3])","value":3}"#, consent: false)
        #expect(missing.status == 422 && fields(missing) == ["answers"])
        let good = #"""
            {"question_id":"\#(q[0])","value":"Comparing leasing with buying"},{"question_id":"\#(q[1])","value":"national"},
            {"question_id":"\#(q[2])","value":["devices","training"]},{"question_id":"\#(q[3])","value":4},
            {"question_id":"\#(q[4])","value":["\#(theme)"]}
            """#
        let first = try respond(cop, id, as: cop.member, good, consent: true)
        #expect(first.status == 201, "\(first.text)")
        let again = try respond(
            cop, id, as: cop.member, good.replacingOccurrences(of: "\"value\":4", with: "\"value\":2"), consent: true)
        #expect(again.status == 200)
        let mine = try cop.send("GET", "/v1/surveys/\(id)/responses/me", as: cop.member)
        let values = (mine.json["answers"] as? [[String: Any]] ?? []).map { $0["value"] }
        #expect(values.count == 5 && values[3] as? Int == 2)
        #expect(try cop.send("GET", "/v1/surveys/\(id)/responses/me", as: cop.convenor).status == 404)
        #expect(problemKind(try respond(cop, id, as: cop.observer, good, consent: false)) == "observer-read-only")

        // Questions are fixed once someone answered; the window still moves.
        let current = try cop.send("GET", "/v1/surveys/\(id)", as: cop.convenor)
        #expect(current.json["questions_locked"] as? Bool == true)
        let locked = try cop.send(
            "PATCH", "/v1/surveys/\(id)", as: cop.convenor,
            json: #"{"questions":[{"kind":"text","prompt":"Another?"}]}"#,
            headers: [("If-Match", current.header("ETag")!)])
        #expect(locked.status == 409 && problemKind(locked) == "questions-locked")
        let closed = try cop.send(
            "PATCH", "/v1/surveys/\(id)", as: cop.convenor,
            json: #"{"closes_at":"\#(Timestamp.format(Date().addingTimeInterval(1)))"}"#,
            headers: [("If-Match", current.header("ETag")!)])
        #expect(closed.status == 200, "\(closed.text)")
        Thread.sleep(forTimeInterval: 1.2)
        let late = try respond(cop, id, as: cop.member, good, consent: true)
        #expect(late.status == 409 && problemKind(late) == "survey-closed")
    }

    /// Results for convenors with small cells suppressed; free text only from respondents who
    /// let convenors quote them; an answer coded into a need is the respondent's, who is told.
    @Test func resultsAreSuppressedAndFreeTextIsQuotedOnlyWithConsent() throws {
        let cop = try CommunityFixture(server, settings: #","min_cell_size":3"#)
        let created = try survey(cop)
        let id = created.json["id"] as! String
        let q = questions(created)
        var people: [Person] = []
        for index in 0..<4 {
            let person = try cop.person()
            try cop.admit(person)
            people.append(person)
            let level = index < 3 ? "national" : "local"
            let answers = #"""
                {"question_id":"\#(q[0])","value":"Challenge \#(index)"},{"question_id":"\#(q[1])","value":"\#(level)"},
                {"question_id":"\#(q[2])","value":["devices"]},{"question_id":"\#(q[3])","value":\#(index < 3 ? 5 : 1)}
                """#
            #expect(try respond(cop, id, as: person, answers, consent: index.isMultiple(of: 2)).status == 201)
        }
        #expect(problemKind(try cop.send("GET", "/v1/surveys/\(id)/results", as: cop.member)) == "convenor-required")
        // No results while answers may still arrive or change; the convenor closes the survey,
        // and a closed survey stays closed.
        let early = try cop.send("GET", "/v1/surveys/\(id)/results", as: cop.convenor)
        #expect(early.status == 409 && problemKind(early) == "survey-open")
        let open = try cop.send("GET", "/v1/surveys/\(id)", as: cop.convenor)
        let closed = try cop.send(
            "PATCH", "/v1/surveys/\(id)", as: cop.convenor, json: #"{"closes_at":"\#(Timestamp.format(Date()))"}"#,
            headers: [("If-Match", open.header("ETag")!), ("Content-Type", "application/merge-patch+json")])
        try #require(closed.status == 200, "\(closed.text)")
        let reopened = try cop.send(
            "PATCH", "/v1/surveys/\(id)", as: cop.convenor,
            json: #"{"closes_at":"\#(Timestamp.format(Date().addingTimeInterval(3600)))"}"#,
            headers: [("If-Match", closed.header("ETag")!), ("Content-Type", "application/merge-patch+json")])
        #expect(reopened.status == 409 && problemKind(reopened) == "survey-closed")
        #expect(try respond(cop, id, as: people[3], "", consent: false).status == 409)
        let results = try cop.send("GET", "/v1/surveys/\(id)/results", as: cop.convenor)
        #expect(results.status == 200, "\(results.text)")
        func options(_ index: Int) -> [String: Int?] {
            let result = (results.json["results"] as! [[String: Any]])[index]
            return Dictionary(
                uniqueKeysWithValues: (result["options"] as! [[String: Any]]).map {
                    ($0["value"] as! String, $0["count"] as? Int)
                })
        }
        // Four answered the level: 3 national, 1 local. Local is small, and the total less national
        // would give it away, so national is suppressed too; the total (4) and regional (0) stay.
        func answered(_ index: Int) -> Int? { (results.json["results"] as! [[String: Any]])[index]["answered"] as? Int }
        #expect(answered(1) == 4 && options(1) == ["national": nil, "regional": 0, "local": nil])
        #expect(answered(3) == 4 && options(3) == ["1": nil, "2": 0, "3": 0, "4": 0, "5": nil])
        // Options of a multiple choice overlap: each stands alone, shown from 3 on.
        #expect(answered(2) == 4 && options(2) == ["devices": 4, "connectivity": 0, "training": 0])
        #expect(answered(0) == 4 && options(0).isEmpty)

        let quoted = try cop.send("GET", "/v1/surveys/\(id)/answers?question_id=\(q[0])", as: cop.convenor)
        let texts = (quoted.json["data"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(Set(texts) == ["Challenge 0", "Challenge 2"])
        let answer = (quoted.json["data"] as! [[String: Any]]).first { $0["text"] as? String == "Challenge 0" }!
        let coded = try cop.send(
            "POST", "/v1/survey-answers/\(answer["id"] as! String)/code", as: cop.convenor,
            json: #"{"need":{"title":"Comparing leasing with buying","urgency":4}}"#)
        #expect(coded.status == 200, "\(coded.text)")
        let need = try #require(coded.json["coded_need_id"] as? String)
        let read = try cop.send("GET", "/v1/needs/\(need)", as: people[0])
        #expect(read.json["source"] as? String == "survey")
        #expect((read.json["author"] as? [String: Any])?["id"] as? String == people[0].id)
        let told = try cop.send("GET", "/v1/me/notifications", as: people[0])
        #expect((told.json["data"] as? [[String: Any]])?.first?["subject_id"] as? String == need)
        let twice = try cop.send(
            "POST", "/v1/survey-answers/\(answer["id"] as! String)/code", as: cop.convenor,
            json: #"{"theme":{"name":"Leasing"}}"#)
        #expect(twice.status == 409 && problemKind(twice) == "already-coded")
        // An answer its respondent did not let convenors quote cannot be coded either.
        #expect(
            try cop.send(
                "POST", "/v1/survey-answers/\(UUID().uuidString)/code", as: cop.convenor,
                json: #"{"theme":{"name":"X"}}"#
            ).status == 404)
    }

    @Test func aCirclesSurveyIsOnlyForTheCircle() throws {
        let cop = try CommunityFixture(server)
        let circle =
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Inner"}"#
            ).json["id"] as! String
        let opensAt = Timestamp.format(Date().addingTimeInterval(-60))
        let closesAt = Timestamp.format(Date().addingTimeInterval(3600))
        let created = try cop.send(
            "POST", "/v1/communities/\(cop.id)/surveys", as: cop.convenor,
            json:
                #"{"title":"Inner","circle_id":"\#(circle)","opens_at":"\#(opensAt)","closes_at":"\#(closesAt)","questions":[{"kind":"scale","prompt":"How bad"}]}"#
        )
        #expect(created.status == 201, "\(created.text)")
        let id = created.json["id"] as! String
        #expect(try cop.send("GET", "/v1/surveys/\(id)", as: cop.member).status == 404)
        #expect(ids(try cop.send("GET", "/v1/communities/\(cop.id)/surveys", as: cop.member)).isEmpty)
        #expect(ids(try cop.send("GET", "/v1/communities/\(cop.id)/surveys", as: cop.convenor)) == [id])
        // A member of the circle answers in words the convenors may quote, then leaves: the
        // answer is no longer coded into a need in their name, which would sit in the circle.
        let added = try cop.send(
            "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(cop.member.id)"}"#)
        try #require(added.status == 201)
        let withText = try cop.send(
            "PATCH", "/v1/surveys/\(id)", as: cop.convenor,
            json: #"{"questions":[{"kind":"text","prompt":"What went wrong?"}]}"#,
            headers: [("If-Match", created.header("ETag")!), ("Content-Type", "application/merge-patch+json")])
        #expect(withText.status == 200, Comment(rawValue: withText.text))
        let textQuestion = questions(withText)[0]
        let answered = try respond(
            cop, id, as: cop.member, #"{"question_id":"\#(textQuestion)","value":"The tender failed"}"#, consent: true)
        try #require(answered.status == 201, "\(answered.text)")
        #expect(
            try cop.send("DELETE", "/v1/circles/\(circle)/members/\(cop.member.id)", as: cop.convenor).status == 204)
        let quoted = try cop.send("GET", "/v1/surveys/\(id)/answers", as: cop.convenor)
        let answer = try #require((quoted.json["data"] as? [[String: Any]])?.first?["id"] as? String)
        let coded = try cop.send(
            "POST", "/v1/survey-answers/\(answer)/code", as: cop.convenor,
            json: #"{"need":{"title":"Tenders that fail","urgency":3}}"#)
        #expect(coded.status == 422 && fields(coded) == ["need"], "\(coded.text)")
    }
}

/// The options of a single choice or a scale divide those who answered, as regions divide a
/// total: a reader who solves the published counts learns no suppressed one.
@Suite struct SurveyDisclosureTests {
    @Test func noQuestionsResultsLeakToAReaderWhoSolvesThem() {
        var random = SplitMix(seed: 0x5_0e7)
        var leaks: [String] = []
        for _ in 0..<1500 {
            let minimum = Int.random(in: 2...6, using: &random)
            let kind: QuestionKind = Bool.random(using: &random) ? .singleChoice : .scale
            let options = kind == .scale ? (1...5).map(String.init) : ["a", "b", "c", "d"]
            let question = Question(id: UUID(), kind: kind, prompt: "?", options: options)
            var chosen: [String: Int] = [:]
            let answered = Int.random(in: 1...40, using: &random)
            for _ in 0..<answered { chosen[options.randomElement(using: &random)!, default: 0] += 1 }
            let result = SurveyService.result(question, answered: answered, chosen: chosen, minimum: minimum)
            let cells = result.options.map { PeopleBreakdown.Cell(value: $0.value, count: $0.count) }
            for (option, published) in result.options {
                #expect(published == nil || published == chosen[option, default: 0])
                #expect(published == nil || published == 0 || published! >= minimum)
            }
            // Counts of 0 are published and say nothing more; the rest sum to those who answered.
            var release = PeopleBreakdown([], minimum: 1)
            release.total = result.answered
            release.byRegion = cells.filter { $0.count != 0 }
            release.byOrganisationKind = release.byRegion
            let found = Adversary(release).leaks(minimum: minimum)
            if !found.isEmpty { leaks.append("minimum \(minimum), \(chosen): \(found)") }
        }
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
    }
}
