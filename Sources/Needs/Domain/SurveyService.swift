import AccessControl
import Crypto
import Disclosure
import Foundation
import Membership
import Postgres

/// Intake surveys. Convenors ask; members answer once (and change their answers while the
/// survey is open); convenors read results with small cells suppressed, and the free-text
/// answers of respondents who let them, which they may code into a need in the respondent's
/// name (the respondent is told, and may edit or withdraw it) or into a theme.
public struct SurveyService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func create(
        in community: UUID, by caller: Caller, from origin: RequestOrigin,
        _ input: () throws -> (settings: SurveySettings, questions: [Question])
    ) throws -> Survey {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .curateNeeds, in: community, on: connection, locking: true)
            let (settings, questions) = try input()
            var validation = Validation()
            Self.validate(settings, &validation)
            Self.validate(questions, &validation)
            if settings.circleID != nil,
                !(try connection.single(
                    NeedRepository.standing(of: caller.accountID, in: community, circle: settings.circleID))[
                        "in_circle"]
                    as Bool)
            {
                validation.add("circle_id", "is not a circle you are in")
            }
            try validation.check()
            let id = UUIDv7.make()
            try connection.query(SurveyRepository.insert(id, in: community, settings, by: caller.accountID))
            try connection.query(SurveyRepository.insertQuestions(of: id, questions))
            try audit.record(
                "survey.created", "survey", id, by: caller, from: origin,
                details: #"{"community_id":"\#(community.lowercasedString)"}"#, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    public func survey(_ id: UUID, for caller: Caller) throws -> Survey {
        try pool.withConnection { connection in
            let survey = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readNeeds, in: survey.communityID, on: connection)
            return survey
        }
    }

    public func surveys(in community: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [Survey] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readNeeds, in: community, on: connection)
            let rows = try connection.query(
                SurveyRepository.list(in: community, after: after, limit: limit, for: caller))
            let questions = try self.questions(of: try rows.map { try $0["id"] as UUID }, on: connection)
            return try rows.map { try SurveyRepository.survey($0, questions: questions[try $0["id"]] ?? []) }
        }
    }

    /// A convenor changes the title, description or window; the questions only until someone
    /// answered. A closed survey's window stays as it is: its results are out, and answers that
    /// came after them could be read off the difference.
    public func update(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        _ change: (inout SurveySettings, inout [Question]) throws -> Void
    ) throws -> Survey {
        try pool.withTransaction { connection in
            let visible = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .curateNeeds, in: visible.communityID, on: connection, locking: true)
            guard let row = try connection.query(SurveyRepository.lock(id, for: caller)).first else {
                throw AccessError.notFound
            }
            let current = try SurveyRepository.survey(row, questions: visible.questions)
            var settings = current.settings
            var questions = current.questions
            try change(&settings, &questions)
            var validation = Validation()
            Self.validate(settings, &validation)
            Self.validate(questions, &validation)
            try validation.check()
            let now = Date()
            if now >= current.settings.closesAt
                && (settings.opensAt != current.settings.opensAt || settings.closesAt != current.settings.closesAt)
            {
                throw NeedsError.conflict(.surveyClosed, detail: "A closed survey stays closed: its results are out.")
            }
            if questions != current.questions && current.responseCount > 0 {
                throw NeedsError.conflict(
                    .questionsLocked, detail: "Someone answered already: the questions are fixed.")
            }
            try matches(current.version)
            try connection.query(SurveyRepository.update(id, to: settings))
            if questions != current.questions {
                try connection.query(SurveyRepository.removeQuestions(of: id))
                try connection.query(SurveyRepository.insertQuestions(of: id, questions))
            }
            try audit.record("survey.updated", "survey", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// The caller's answers, all at once, while the survey is open: the first time creates the
    /// response (`created`), later times replace its answers.
    public func respond(
        to id: UUID, answers: [AnswerInput], quoteConsent: Bool, by caller: Caller, from origin: RequestOrigin
    ) throws -> (response: SurveyResponse, created: Bool) {
        try pool.withTransaction { connection in
            let survey = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .writeNeeds, in: survey.communityID, on: connection)
            let now = Date()
            guard survey.settings.opensAt <= now && now < survey.settings.closesAt else {
                throw NeedsError.conflict(.surveyClosed, detail: "The survey takes answers only while it is open.")
            }
            try validate(answers, to: survey, on: connection)
            let answers = Self.canonical(answers, of: survey)
            let row = try connection.single(
                SurveyRepository.upsertResponse(UUIDv7.make(), to: id, by: caller.accountID, quoteConsent: quoteConsent)
            )
            let response: UUID = try row["id"]
            try connection.query(
                SurveyRepository.replaceAnswers(of: response, with: answers, ids: answers.map { _ in UUIDv7.make() }))
            let created: Bool = try row["created"]
            try audit.record(
                created ? "survey.answered" : "survey.answer_changed", "survey", id, by: caller, from: origin,
                on: connection)
            return (try ownResponse(to: id, for: caller, on: connection), created)
        }
    }

    public func response(to id: UUID, for caller: Caller) throws -> SurveyResponse {
        try pool.withConnection { connection in
            _ = try survey(id, for: caller)
            return try ownResponse(to: id, for: caller, on: connection)
        }
    }

    /// Per question, the respondents who answered and how many chose each option, under the
    /// community's `min_cell_size`: a single choice or a scale divides those who answered, so
    /// its options and total are one release (secondary suppression); options of a multiple
    /// choice overlap, each published only from `min_cell_size` on. Only once the survey has
    /// closed: while answers arrive or change, two readings a response apart would tell what
    /// that one respondent said (and the audit log says who answered when).
    public func results(of id: UUID, for caller: Caller) throws -> (results: [QuestionResult], minimum: Int) {
        try pool.withConnection { connection in
            let survey = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readSurveyResults, in: survey.communityID, on: connection)
            guard Date() >= survey.settings.closesAt else {
                throw NeedsError.conflict(
                    .surveyOpen,
                    detail: "Results are published once the survey has closed, so that no answer can be read "
                        + "from the difference between two readings.")
            }
            let minimum: Int = try connection.single(ParticipationService.minCellSize(of: survey.communityID))[
                "min_cell_size"]
            var answered: [UUID: Int] = [:]
            for row in try connection.query(SurveyRepository.answered(in: id)) {
                answered[try row["question_id"]] = try row["answered"]
            }
            var chosen: [UUID: [String: Int]] = [:]
            for row in try connection.query(SurveyRepository.optionCounts(in: id)) {
                chosen[try row["question_id"], default: [:]][try row["option"]] = try row["chosen"]
            }
            let results = survey.questions.map { question in
                Self.result(
                    question, answered: answered[question.id] ?? 0, chosen: chosen[question.id] ?? [:], minimum: minimum
                )
            }
            return (results, minimum)
        }
    }

    static func publishedCount(_ count: Int, minimum: Int) -> Int? {
        SecondarySuppression.isPublishable(count, minimum: minimum) ? count : nil
    }

    static func result(_ question: Question, answered: Int, chosen: [String: Int], minimum: Int) -> QuestionResult {
        let values: [String]
        switch question.kind {
        case .text: values = []
        case .scale: values = (1...5).map(String.init)
        case .singleChoice, .multiChoice: values = question.options
        case .themePick: values = chosen.keys.sorted()
        }
        let counts = values.map { chosen[$0] ?? 0 }
        guard question.kind == .singleChoice || question.kind == .scale else {
            let options = counts.map { publishedCount($0, minimum: minimum) }
            return QuestionResult(
                question: question, answered: publishedCount(answered, minimum: minimum),
                options: zip(values, options).map { ($0, $1) })
        }
        var tree = SumTree(total: answered)
        let listed = counts.indices.filter { counts[$0] > 0 }
        let nodes = tree.addGroup(under: 0, counts: listed.map { counts[$0] })
        let published = SecondarySuppression.published(tree, minimum: minimum)
        var options = values.map { (value: $0, count: Int?(0)) }
        for (index, node) in zip(listed, nodes) {
            options[index].count = published.contains(node) ? counts[index] : nil
        }
        return QuestionResult(question: question, answered: published.contains(0) ? answered : nil, options: options)
    }

    /// Free-text answers of respondents who let convenors quote them.
    public func quotedAnswers(of id: UUID, question: UUID?, after: UUID?, limit: Int, for caller: Caller) throws
        -> [QuotedAnswer]
    {
        try pool.withConnection { connection in
            let survey = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readSurveyResults, in: survey.communityID, on: connection)
            return try connection.query(
                SurveyRepository.quoted(in: id, question: question, after: after, limit: limit),
                decode: SurveyRepository.quotedAnswer)
        }
    }

    /// A convenor codes a quotable answer into a need in the respondent's name (`source`
    /// `survey`; the respondent is told) or into an active theme. Once per answer.
    public func code(
        _ answer: UUID, need statement: NeedStatement?, theme: ThemeSettings?, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> QuotedAnswer {
        try pool.withTransaction { connection in
            guard let row = try connection.query(SurveyRepository.quotable(answer)).first else {
                throw AccessError.notFound
            }
            let survey = try find(try row["survey_id"], for: caller, on: connection)
            try CommunityAccess.authorize(caller, .curateNeeds, in: survey.communityID, on: connection, locking: true)
            var quoted = try SurveyRepository.quotedAnswer(row)
            guard quoted.codedNeedID == nil && quoted.codedThemeID == nil else {
                throw NeedsError.conflict(.alreadyCoded, detail: "This answer was coded already.")
            }
            guard (statement == nil) != (theme == nil) else {
                throw AccessError.invalid("need", "give a need or a theme to code the answer into, not both")
            }
            if var statement {
                statement.circleID = survey.settings.circleID
                var validation = NeedService.validation(of: statement)
                try validation.check()
                // In the respondent's name only while they could write it themselves: a member,
                // and in the survey's circle (else the need would show them the circle's co-signers).
                let standing = try connection.single(
                    NeedRepository.standing(
                        of: quoted.respondent.id, in: survey.communityID, circle: statement.circleID))
                guard try standing["member"] as Bool && standing["in_circle"] as Bool else {
                    throw AccessError.invalid(
                        "need",
                        "cannot be recorded in the respondent's name: they are no longer a member here or in the survey's circle"
                    )
                }
                let inactive: [UUID] = try connection.query(
                    ThemeRepository.inactive(statement.themeIDs, in: survey.communityID)
                ) { try $0["id"] }
                for theme in inactive {
                    validation.add(
                        "need.theme_ids[\(statement.themeIDs.firstIndex(of: theme) ?? 0)]",
                        "is not an active theme of this community")
                }
                try validation.check()
                let need = UUIDv7.make()
                try connection.query(
                    NeedRepository.insert(
                        need, in: survey.communityID, statement, author: quoted.respondent.id,
                        recordedBy: caller.accountID,
                        source: .survey))
                try connection.query(NeedRepository.link(need, to: statement.themeIDs))
                try Notifications.notify(
                    [quoted.respondent.id], kind: "need.recorded", subjectType: "need", subject: need,
                    community: survey.communityID, summary: #"{"need_id":"\#(need.lowercasedString)"}"#, on: connection)
                quoted.codedNeedID = need
            } else if let theme {
                var validation = Validation()
                validation.text(theme.name, "theme.name", length: 1...100)
                try validation.check()
                let id = UUIDv7.make()
                guard
                    !(try connection.query(
                        ThemeRepository.insert(id, in: survey.communityID, theme, status: .active, by: caller.accountID)
                    ).isEmpty)
                else {
                    throw NeedsError.conflict(
                        .themeNameTaken, detail: "The community has a theme of this name already.")
                }
                quoted.codedThemeID = id
            }
            try connection.query(
                SurveyRepository.markCoded(answer, need: quoted.codedNeedID, theme: quoted.codedThemeID))
            try audit.record("survey.answer_coded", "survey", survey.id, by: caller, from: origin, on: connection)
            return quoted
        }
    }

    private func find(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Survey {
        guard let row = try connection.query(SurveyRepository.find(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try SurveyRepository.survey(row, questions: try questions(of: [id], on: connection)[id] ?? [])
    }

    private func questions(of surveys: [UUID], on connection: Connection) throws -> [UUID: [Question]] {
        var questions: [UUID: [Question]] = [:]
        for row in try connection.query(SurveyRepository.questions(of: surveys)) {
            questions[try row["survey_id"], default: []].append(try SurveyRepository.question(row))
        }
        return questions
    }

    private func ownResponse(to id: UUID, for caller: Caller, on connection: Connection) throws -> SurveyResponse {
        guard let row = try connection.query(SurveyRepository.response(of: id, by: caller.accountID)).first else {
            throw AccessError.notFound
        }
        let questionIDs: [UUID] = try row["question_ids"]
        let values: [String] = try row["answer_values"]
        return SurveyResponse(
            id: try row["id"], surveyID: try row["survey_id"], quoteConsent: try row["quote_consent"],
            answers: zip(questionIDs, values).map { AnswerInput(questionID: $0, value: $1) },
            updatedAt: try row["updated_at"])
    }

    /// Theme ids as the server writes them (lower case), so that one theme is one option.
    static func canonical(_ answers: [AnswerInput], of survey: Survey) -> [AnswerInput] {
        let kinds = Dictionary(uniqueKeysWithValues: survey.questions.map { ($0.id, $0.kind) })
        return answers.map { answer in
            guard kinds[answer.questionID] == .themePick else { return answer }
            return AnswerInput(questionID: answer.questionID, value: answer.value.lowercased())
        }
    }

    static func validate(_ settings: SurveySettings, _ validation: inout Validation) {
        validation.text(settings.title, "title", length: 1...200)
        validation.text(settings.description, "description", length: 0...5000, multiline: true)
        if settings.closesAt <= settings.opensAt { validation.add("closes_at", "must be after opens_at") }
    }

    static func validate(_ questions: [Question], _ validation: inout Validation) {
        if !(1...50).contains(questions.count) { validation.add("questions", "must hold 1 to 50 questions") }
        for (index, question) in questions.enumerated() {
            validation.text(question.prompt, "questions[\(index)].prompt", length: 1...500)
            let choices = question.kind == .singleChoice || question.kind == .multiChoice
            if choices && !(2...20).contains(question.options.count) {
                validation.add("questions[\(index)].options", "must hold 2 to 20 options")
            } else if !choices && !question.options.isEmpty {
                validation.add("questions[\(index)].options", "are for single_choice and multi_choice questions only")
            }
            if Set(question.options).count != question.options.count {
                validation.add("questions[\(index)].options", "must not repeat an option")
            }
            for (optionIndex, option) in question.options.enumerated() {
                validation.text(option, "questions[\(index)].options[\(optionIndex)]", length: 1...200)
            }
        }
    }

    /// Every answer checked against its question (422 `answers[i].value` or `.question_id`);
    /// every required question answered; no question twice.
    private func validate(_ answers: [AnswerInput], to survey: Survey, on connection: Connection) throws {
        var validation = Validation()
        let questions = Dictionary(uniqueKeysWithValues: survey.questions.map { ($0.id, $0) })
        var seen: Set<UUID> = []
        for (index, answer) in answers.enumerated() {
            let field = "answers[\(index)]"
            guard let question = questions[answer.questionID] else {
                validation.add("\(field).question_id", "is not a question of this survey")
                continue
            }
            if !seen.insert(answer.questionID).inserted { validation.add("\(field).question_id", "is answered twice") }
            let value = try? JSONSerialization.jsonObject(with: Data(answer.value.utf8), options: .fragmentsAllowed)
            switch question.kind {
            case .text:
                if let text = value as? String {
                    validation.text(text, "\(field).value", length: 1...5000, multiline: true)
                } else {
                    validation.add("\(field).value", "must be a text")
                }
            case .singleChoice:
                if (value as? String).map(question.options.contains) != true {
                    validation.add("\(field).value", "must be one of the question's options")
                }
            case .multiChoice:
                let picked = value as? [String]
                if picked == nil || picked!.isEmpty || Set(picked!).count != picked!.count
                    || !picked!.allSatisfy(question.options.contains)
                {
                    validation.add("\(field).value", "must be distinct options of the question, at least one")
                }
            case .scale:
                // A JSON true or false is a number to Foundation, of Objective-C type "c".
                let scale = (value as? NSNumber).flatMap {
                    String(cString: $0.objCType) == "c" ? nil : Int(exactly: $0.doubleValue)
                }
                if scale.map({ (1...5).contains($0) }) != true {
                    validation.add("\(field).value", "must be an integer from 1 to 5")
                }
            case .themePick:
                let picked = (value as? [String])?.compactMap(UUID.init(uuidString:))
                if picked == nil || picked!.count != (value as? [String])?.count || picked!.isEmpty
                    || picked!.count > 20 || Set(picked!).count != picked!.count
                {
                    validation.add("\(field).value", "must be 1 to 20 distinct theme ids")
                } else if !(try connection.query(ThemeRepository.inactive(picked!, in: survey.communityID))).isEmpty {
                    validation.add("\(field).value", "must name active themes of the community")
                }
            }
        }
        for question in survey.questions where question.required && !seen.contains(question.id) {
            validation.add("answers", "must answer the required question \(question.id.lowercasedString)")
        }
        try validation.check()
    }
}
