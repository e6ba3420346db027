import AccessControl
import Crypto
import Foundation
import Postgres

/// Needs: members write their own and co-sign others'; convenors record needs heard in intake
/// interviews in a member's name (with the member's consent) and keep notes only convenors read.
/// Everything reads through `Visibility.need`.
public struct NeedService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// The caller's own need, or, with `interview`, a convenor's record of a member's need.
    public func create(
        in community: UUID, by caller: Caller, from origin: RequestOrigin, interview: InterviewRecord? = nil,
        _ statement: () throws -> NeedStatement
    ) throws -> Need {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(
                caller, interview == nil ? .writeNeeds : .curateNeeds, in: community, on: connection)
            let statement = try statement()
            var validation = Self.validation(of: statement)
            if let interview, !interview.consent {
                validation.add("consent", "must be true: a need is recorded in a member's name only with their consent")
            }
            try validation.check()
            let author = interview?.member ?? caller.accountID
            let standing = try connection.single(
                NeedRepository.standing(of: author, in: community, circle: statement.circleID))
            guard try standing["member"] as Bool else {
                throw AccessError.invalid("member_id", "is not a member of this community")
            }
            guard try standing["in_circle"] as Bool else {
                throw AccessError.invalid("circle_id", "is not a circle the need's author is in")
            }
            try ThemeLinks.check(statement.themeIDs, added: statement.themeIDs, in: community, on: connection)
            let id = UUIDv7.make()
            try connection.query(
                NeedRepository.insert(
                    id, in: community, statement, author: author, recordedBy: caller.accountID,
                    source: interview == nil ? .self : .interview))
            try connection.query(NeedRepository.link(id, to: statement.themeIDs))
            if interview != nil {
                try Notifications.notify(
                    [author], kind: "need.recorded", subjectType: "need", subject: id, community: community,
                    summary: #"{"need_id":"\#(id.lowercasedString)"}"#, on: connection)
            }
            try audit.record(
                interview == nil ? "need.created" : "need.recorded", "need", id, by: caller, from: origin,
                details:
                    #"{"community_id":"\#(community.lowercasedString)","author_id":"\#(author.lowercasedString)"}"#,
                on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    public func need(_ id: UUID, for caller: Caller) throws -> Need {
        try pool.withConnection { connection in
            let need = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readNeeds, in: need.communityID, on: connection)
            return need
        }
    }

    public func needs(
        in community: UUID, _ query: NeedQuery, after position: (key: Int64?, id: UUID)?, limit: Int, for caller: Caller
    ) throws -> [(need: Need, sortKey: Int64)] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readNeeds, in: community, on: connection)
            return try connection.query(
                NeedRepository.list(in: community, query, after: position, limit: limit, for: caller)
            ) { (need: try NeedRepository.need($0), sortKey: try $0["sort_key"]) }
        }
    }

    /// The author changes what the need says and its status (`withdrawn` takes it back from
    /// everyone else); a convenor keeps notes and marks it `addressed` or `open` again.
    public func update(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        _ change: (inout NeedChange) throws -> Void
    ) throws -> Need {
        try pool.withTransaction { connection in
            guard let row = try connection.query(NeedRepository.lock(id, for: caller)).first else {
                throw AccessError.notFound
            }
            let current = try NeedRepository.need(row)
            let context = try CommunityAccess.authorize(caller, .writeNeeds, in: current.communityID, on: connection)
            let isAuthor = current.author.id == caller.accountID
            let isConvenor = context.role == .convenor
            let before = NeedChange(
                statement: NeedStatement(
                    title: current.title, description: current.description, themeIDs: current.themes.map(\.id),
                    urgency: current.urgency, circleID: current.circleID),
                status: current.status, convenorNotes: current.convenorNotes ?? "")
            var after = before
            try change(&after)
            if after.statement != before.statement && !isAuthor {
                throw NeedsError.refused(.authorOnly, detail: "Only the need's author changes what it says.")
            }
            if after.convenorNotes != before.convenorNotes && !isConvenor {
                throw AccessError.refused(.convenorRequired)
            }
            if after.status != before.status && !isAuthor && !(isConvenor && after.status != .withdrawn) {
                throw NeedsError.refused(
                    .authorOnly, detail: "Only the need's author withdraws it; convenors mark it addressed or open.")
            }
            var validation = Self.validation(of: after.statement)
            validation.text(after.convenorNotes, "convenor_notes", length: 0...10000, multiline: true)
            try validation.check()
            let added = after.statement.themeIDs.filter { !before.statement.themeIDs.contains($0) }
            try ThemeLinks.check(after.statement.themeIDs, added: added, in: current.communityID, on: connection)
            try matches(current.version)
            try connection.query(NeedRepository.update(id, after))
            try connection.query(NeedRepository.link(id, to: after.statement.themeIDs))
            try audit.record(
                after.status != before.status ? "need.\(after.status.rawValue)" : "need.updated", "need", id,
                by: caller,
                from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// "We face this too": once per member, never on one's own need.
    public func cosign(_ id: UUID, by caller: Caller, from origin: RequestOrigin) throws -> Cosign {
        try pool.withTransaction { connection in
            let need = try find(id, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .writeNeeds, in: need.communityID, on: connection)
            guard need.author.id != caller.accountID else {
                throw NeedsError.conflict(.ownNeed, detail: "Authors do not co-sign their own needs.")
            }
            guard let row = try connection.query(NeedRepository.cosign(id, by: caller.accountID)).first else {
                throw NeedsError.conflict(.alreadyCosigned, detail: "You co-signed this need already.")
            }
            try connection.query(NeedRepository.touch(id))
            try audit.record("need.cosigned", "need", id, by: caller, from: origin, on: connection)
            return try NeedRepository.cosign(row)
        }
    }

    /// A member takes back their own co-sign.
    public func withdrawCosign(_ id: UUID, of account: UUID, by caller: Caller, from origin: RequestOrigin) throws {
        try pool.withTransaction { connection in
            let need = try find(id, for: caller, on: connection, locking: true)
            try CommunityAccess.authorize(caller, .writeNeeds, in: need.communityID, on: connection)
            guard account == caller.accountID else {
                throw NeedsError.refused(.selfOnly, detail: "Only the member who co-signed takes it back.")
            }
            guard !(try connection.query(NeedRepository.withdrawCosign(id, by: account)).isEmpty) else {
                throw AccessError.notFound
            }
            try connection.query(NeedRepository.touch(id))
            try audit.record("need.cosign_withdrawn", "need", id, by: caller, from: origin, on: connection)
        }
    }

    /// Who co-signed: named to whoever sees the need as one of its readers. An author who sees
    /// their need only as its author (they left its circle, say) sees nobody: the co-signers would
    /// tell them who is in the circle now.
    public func cosigners(of id: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [Cosign] {
        try pool.withConnection { connection in
            _ = try need(id, for: caller)
            return try connection.query(
                NeedRepository.cosigners(of: id, after: after, limit: limit, for: caller), decode: NeedRepository.cosign
            )
        }
    }

    private func find(_ id: UUID, for caller: Caller, on connection: Connection, locking: Bool = false) throws -> Need {
        let sql = locking ? NeedRepository.lock(id, for: caller) : NeedRepository.find(id, for: caller)
        guard let row = try connection.query(sql).first else { throw AccessError.notFound }
        return try NeedRepository.need(row)
    }

    static func validation(of statement: NeedStatement) -> Validation {
        var validation = Validation()
        validation.text(statement.title, "title", length: 1...200)
        validation.text(statement.description, "description", length: 0...10000, multiline: true)
        if !(1...5).contains(statement.urgency) { validation.add("urgency", "must be an integer from 1 to 5") }
        if statement.themeIDs.count > 20 { validation.add("theme_ids", "must hold at most 20 themes") }
        if Set(statement.themeIDs).count != statement.themeIDs.count {
            validation.add("theme_ids", "must not name a theme twice")
        }
        return validation
    }
}
