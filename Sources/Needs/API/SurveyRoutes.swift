import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Needs

/// `/v1/communities/{id}/surveys`, `/v1/surveys` and `/v1/survey-answers`: parse, call the service, encode.
struct SurveyRoutes {
    let surveys: SurveyService

    static func questions(_ bodies: [NewQuestionBody]) throws -> [Question] {
        try bodies.enumerated().map { index, body in
            Question(
                id: UUIDv7.make(), kind: try choice(QuestionKind.self, body.kind, field: "questions[\(index)].kind"),
                prompt: body.prompt, options: body.options ?? [], required: body.required ?? false)
        }
    }

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/surveys",
            signedIn({ _ in .curateNeeds }) { request, caller in
                let survey = try surveys.create(in: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(NewSurveyBody.self, from: request)
                    var settings = SurveySettings(title: body.title, opensAt: body.opensAt, closesAt: body.closesAt)
                    settings.description = body.description ?? ""
                    settings.circleID = body.circleID
                    return (settings, try Self.questions(body.questions))
                }
                return try created(
                    SurveyBody(survey), at: "/v1/surveys/\(survey.id.lowercasedString)",
                    tag: tag(survey.id, survey.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/surveys",
            signedIn({ _ in .readNeeds }) { request, caller in
                let page = try PageRequest(request)
                let rows = try surveys.surveys(
                    in: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(rows, for: request, position: { [$0.id.uuidString] }, item: SurveyBody.init)
            })
        router.add(
            "GET", "/v1/surveys/{id:uuid}",
            signedIn({ _ in .readNeeds }) { request, caller in
                let survey = try surveys.survey(try id(request), for: caller)
                return try single(SurveyBody(survey), tag: tag(survey.id, survey.version), request)
            })
        router.add(
            "PATCH", "/v1/surveys/{id:uuid}",
            signedIn({ _ in .curateNeeds }) { request, caller in
                let surveyID = try id(request)
                let survey = try surveys.update(
                    surveyID, ifVersion: { try EntityTag.requireMatch(request, current: tag(surveyID, $0)) },
                    by: caller, from: origin(request)
                ) { settings, questions in
                    let patch = try MergePatch(
                        request, allowedKeys: ["title", "description", "opens_at", "closes_at", "questions"])
                    settings.title = try patch.string("title") ?? settings.title
                    settings.description = try patch.string("description") ?? settings.description
                    settings.opensAt = try patch.time("opens_at") ?? settings.opensAt
                    settings.closesAt = try patch.time("closes_at") ?? settings.closesAt
                    if let sent = try patch.decoded("questions", as: [NewQuestionBody].self) {
                        questions = try Self.questions(sent)
                    }
                }
                return try changed(SurveyBody(survey), tag: tag(survey.id, survey.version))
            })
        router.add(
            "PUT", "/v1/surveys/{id:uuid}/responses/me",
            signedIn({ _ in .writeNeeds }) { request, caller in
                let body = try JSONCoding.decode(ResponseInputBody.self, from: request)
                let answers = try body.answers.map {
                    AnswerInput(
                        questionID: $0.questionID,
                        value: String(decoding: try JSONCoding.encode($0.value), as: UTF8.self))
                }
                let (response, created) = try surveys.respond(
                    to: try id(request), answers: answers, quoteConsent: body.quoteConsent ?? false, by: caller,
                    from: origin(request))
                return try Response.json(ResponseBody(response), status: created ? 201 : 200)
            })
        router.add(
            "GET", "/v1/surveys/{id:uuid}/responses/me",
            signedIn({ _ in .readNeeds }) { request, caller in
                try Response.json(ResponseBody(try surveys.response(to: try id(request), for: caller)))
            })
        router.add(
            "GET", "/v1/surveys/{id:uuid}/results",
            signedIn({ _ in .readSurveyResults }) { request, caller in
                let surveyID = try id(request)
                let (results, minimum) = try surveys.results(of: surveyID, for: caller)
                return try Response.json(ResultsBody(survey: surveyID, minimum: minimum, results: results))
            })
        router.add(
            "GET", "/v1/surveys/{id:uuid}/answers",
            signedIn({ _ in .readSurveyResults }) { request, caller in
                let question = try uuidFilter(request, "question_id")
                let page = try PageRequest(request, filterKey: "question=\(question?.uuidString ?? "")")
                let rows = try surveys.quotedAnswers(
                    of: try id(request), question: question, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: QuotedAnswerBody.init)
            })
        router.add(
            "POST", "/v1/survey-answers/{id:uuid}/code",
            signedIn({ _ in .curateNeeds }) { request, caller in
                let body = try JSONCoding.decode(CodingBody.self, from: request)
                let coded = try surveys.code(
                    try id(request),
                    need: body.need.map {
                        NeedStatement(
                            title: $0.title, description: $0.description ?? "", themeIDs: $0.themeIDs ?? [],
                            urgency: $0.urgency)
                    },
                    theme: body.theme.map { ThemeSettings(name: $0.name, description: $0.description ?? "") },
                    by: caller, from: origin(request))
                return try Response.json(QuotedAnswerBody(coded))
            })
    }
}
