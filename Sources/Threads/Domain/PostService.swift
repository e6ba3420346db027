import AccessControl
import Crypto
import Foundation
import Postgres

/// Posts: anyone who may write in a thread posts, replies, edits and deletes their own words,
/// endorses others'. Practice records ride on `practice` and `risk` posts. Everything reads
/// through `Visibility.thread`, with words and names as `Visibility.postWords` and
/// `Visibility.authorNamed` allow.
public struct PostService: Sendable {
    let pool: ConnectionPool
    let threads: ThreadService

    public init(pool: ConnectionPool) {
        self.pool = pool
        threads = ThreadService(pool: pool)
    }

    public func create(in thread: UUID, by caller: Caller, _ draft: () throws -> PostDraft) throws -> Post {
        try pool.withTransaction { connection in
            let current = try threads.find(thread, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .writePosts, in: current.communityID, on: connection)
            try Self.refuseWhenClosed(current)
            let draft = try draft()
            var validation = Self.validation(draft.kind, body: draft.body, practice: draft.practice)
            if draft.mentions.count > 20 { validation.add("mention_ids", "must hold at most 20 people") }
            try validation.check()
            if draft.replyTo != nil,
                !(try connection.single(PostRepository.standing(draft.replyTo, in: thread))["standing"] as Bool)
            {
                throw AccessError.invalid("reply_to_id", "is not a post of this thread that is still shown")
            }
            let id = UUIDv7.make()
            try connection.query(
                PostRepository.insert(id, in: thread, community: current.communityID, draft, by: caller.accountID))
            if let practice = draft.practice {
                try connection.query(
                    PostRepository.setPractice(id, in: thread, community: current.communityID, practice))
            }
            try connection.query(ThreadRepository.counted(thread))
            try connection.query(SubscriptionRepository.follow(.thread, thread, by: caller.accountID))
            try notify(of: id, draft, in: current, by: caller, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// The mentioned are told first, then the author replied to, then the thread's followers:
    /// each person once, never the post's own author.
    private func notify(
        of post: UUID, _ draft: PostDraft, in thread: Thread, by caller: Caller, on connection: Connection
    )
        throws
    {
        let audience = try connection.single(
            PostRepository.audience(replyTo: draft.replyTo, mentions: draft.mentions, thread: thread.id))
        let mentioned: [UUID] = try audience["mentioned"]
        let replied: [UUID] = [try audience["reply_author"] as UUID?].compactMap { $0 }
        let followers: [UUID] = try connection.query(SubscriptionRepository.followers(of: .thread, thread.id)) {
            try $0["account_id"]
        }
        var told: Set<UUID> = [caller.accountID]
        let summary = ThreadsNotifications.summary(thread: thread.id, title: thread.title, post: post)
        for (kind, people) in [("post.mentioned", mentioned), ("post.replied", replied), ("post.created", followers)] {
            let recipients = people.filter { !told.contains($0) }
            told.formUnion(recipients)
            try Notifications.notify(
                recipients, kind: kind, subjectType: "post", subject: post, community: thread.communityID,
                summary: summary, on: connection)
        }
    }

    public func post(_ id: UUID, for caller: Caller) throws -> Post {
        try pool.withConnection { connection in
            let post = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readThreads, in: post.communityID, on: connection)
            return post
        }
    }

    public func posts(in thread: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [Post] {
        try pool.withConnection { connection in
            let current = try threads.find(thread, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readThreads, in: current.communityID, on: connection)
            return try connection.query(
                PostRepository.list(in: thread, after: after, limit: limit, for: caller), decode: PostRepository.post)
        }
    }

    /// The author edits their words (the earlier wording is kept as a revision) or puts the post
    /// on the record.
    public func update(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller,
        _ change: (inout PostChange) throws -> Void
    ) throws -> Post {
        try pool.withTransaction { connection in
            let current = try find(id, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .writePosts, in: current.communityID, on: connection)
            guard current.writtenByCaller else {
                throw ThreadsError.refused(.authorOnly, detail: "Only the post's author edits it.")
            }
            guard current.state != .deleted else {
                throw ThreadsError.conflict(.postDeleted, detail: "The post was deleted.")
            }
            try Self.refuseWhenClosed(try threads.find(current.threadID, for: caller, on: connection))
            let before = PostChange(
                body: current.body ?? "", practice: current.practice, onTheRecord: current.onTheRecord)
            var after = before
            try change(&after)
            try Self.validation(current.kind, body: after.body, practice: after.practice).check()
            try matches(current.version)
            if after.body != before.body || after.practice != before.practice {
                try connection.query(PostRepository.revise(id, after))
                try connection.query(
                    PostRepository.setPractice(id, in: current.threadID, community: current.communityID, after.practice)
                )
            } else if after.onTheRecord != before.onTheRecord {
                try connection.query(PostRepository.setOnTheRecord(id, after.onTheRecord))
            }
            try connection.query(ThreadRepository.touch(current.threadID))
            return try find(id, for: caller, on: connection)
        }
    }

    /// The author deletes their post: a tombstone stays, so replies keep their place; an outcome
    /// that is deleted no longer resolves its thread.
    public func delete(_ id: UUID, by caller: Caller) throws {
        try pool.withTransaction { connection in
            let current = try find(id, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .writePosts, in: current.communityID, on: connection)
            guard current.writtenByCaller else {
                throw ThreadsError.refused(.authorOnly, detail: "Only the post's author deletes it.")
            }
            guard current.state != .deleted else { throw AccessError.notFound }
            try connection.query(PostRepository.delete(id))
            if current.isOutcome { try connection.query(ThreadRepository.setOutcome(current.threadID, nil)) }
            try connection.query(ThreadRepository.touch(current.threadID))
        }
    }

    public func revisions(of id: UUID, after: Int?, limit: Int, for caller: Caller) throws -> [PostRevision] {
        try pool.withConnection { connection in
            _ = try post(id, for: caller)
            return try connection.query(
                PostRepository.revisions(of: id, after: after, limit: limit, for: caller),
                decode: PostRepository.revision)
        }
    }

    /// "This helped" or "we did this too": once per member and post, never on one's own.
    public func endorse(_ id: UUID, _ kind: EndorsementKind, by caller: Caller) throws -> Endorsement {
        try pool.withTransaction { connection in
            let post = try find(id, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .writePosts, in: post.communityID, on: connection)
            guard !post.writtenByCaller else {
                throw ThreadsError.conflict(.ownPost, detail: "Authors do not endorse their own posts.")
            }
            switch post.state {
            case .deleted: throw ThreadsError.conflict(.postDeleted, detail: "The post was deleted.")
            case .hidden: throw ThreadsError.conflict(.postHidden, detail: "The post is hidden.")
            case .visible: break
            }
            guard let row = try connection.query(PostRepository.endorse(id, kind, by: caller.accountID)).first else {
                throw ThreadsError.conflict(.alreadyEndorsed, detail: "You endorsed this post already.")
            }
            try connection.query(PostRepository.touch(id))
            return try PostRepository.endorsement(row)
        }
    }

    public func withdrawEndorsement(_ id: UUID, of account: UUID, by caller: Caller) throws {
        try pool.withTransaction { connection in
            let post = try find(id, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .writePosts, in: post.communityID, on: connection)
            guard account == caller.accountID,
                !(try connection.query(PostRepository.withdrawEndorsement(id, by: account)).isEmpty)
            else { throw AccessError.notFound }
            try connection.query(PostRepository.touch(id))
        }
    }

    public func endorsements(of id: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [(
        position: UUID, endorsement: Endorsement
    )] {
        try pool.withConnection { connection in
            _ = try post(id, for: caller)
            return try connection.query(PostRepository.endorsements(of: id, after: after, limit: limit, for: caller)) {
                (position: try $0["position"], endorsement: try PostRepository.endorsement($0))
            }
        }
    }

    public func practices(in community: UUID, _ query: PracticeQuery, after: UUID?, limit: Int, for caller: Caller)
        throws -> [PracticeEntry]
    {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readThreads, in: community, on: connection)
            return try connection.query(
                PostRepository.practices(in: community, query, after: after, limit: limit, for: caller),
                decode: PostRepository.practiceEntry)
        }
    }

    func find(_ id: UUID, for caller: Caller, on connection: Connection, locking: Bool = false) throws -> Post {
        let sql = locking ? PostRepository.lock(id, for: caller) : PostRepository.find(id, for: caller)
        guard let row = try connection.query(sql).first else { throw AccessError.notFound }
        return try PostRepository.post(row)
    }

    static func refuseWhenClosed(_ thread: Thread) throws {
        if thread.locked { throw ThreadsError.conflict(.threadLocked, detail: "The thread is locked.") }
        if thread.status == .archived {
            throw ThreadsError.conflict(.threadArchived, detail: "The thread is archived.")
        }
    }

    static func validation(_ kind: PostKind, body: String, practice: PracticeRecord?) -> Validation {
        var validation = Validation()
        validation.text(body, "body", length: 1...20000, multiline: true)
        switch (kind.carriesPractice, practice) {
        case (true, nil): validation.add("practice", "is required on practice and risk posts")
        case (false, .some): validation.add("practice", "is given on practice and risk posts only")
        case (true, .some(let record)): validate(record, into: &validation)
        case (false, nil): break
        }
        return validation
    }

    static func validate(_ record: PracticeRecord, into validation: inout Validation) {
        validation.text(record.intervention, "practice.intervention", length: 1...500)
        if let country = record.context.country { validation.country(country, "practice.context.country") }
        if let level = record.context.level { validation.text(level, "practice.context.level", length: 1...100) }
        for (field, texts) in [("negative_impacts", record.negativeImpacts), ("missed_risks", record.missedRisks)] {
            if texts.count > 20 { validation.add("practice.\(field)", "must hold at most 20 entries") }
            for (index, text) in texts.enumerated() {
                validation.text(text, "practice.\(field)[\(index)]", length: 1...1000, multiline: true)
            }
        }
        if record.evidence.count > 20 { validation.add("practice.evidence", "must hold at most 20 references") }
        for (index, reference) in record.evidence.enumerated() {
            validation.text(reference.title, "practice.evidence[\(index)].title", length: 1...300)
            if let url = reference.url {
                let parsed = URL(string: url)
                if url.count > 2000 || !["http", "https"].contains(parsed?.scheme?.lowercased() ?? "")
                    || (parsed?.host ?? "").isEmpty
                {
                    validation.add("practice.evidence[\(index)].url", "must be an http or https URL")
                }
            }
        }
        if let date = record.reviewDate, !isCalendarDate(date) {
            validation.add("practice.review_date", "must be a calendar date such as 2027-06-30")
        }
    }

    /// `YYYY-MM-DD` naming a day that exists.
    static func isCalendarDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1900,
            (1...12).contains(month)
        else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components) else { return false }
        return calendar.component(.day, from: date) == day
    }
}
