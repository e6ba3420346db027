import AccessControl
import Crypto
import Foundation
import Membership
import Postgres

/// A community's themes. Convenors create themes, rename, retire and merge them, and accept or
/// decline what members suggest. Changes lock the community row first, then the theme.
public struct ThemeService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A convenor's theme is active at once; a member's is a suggestion for the convenors.
    public func create(
        in community: UUID, by caller: Caller, from origin: RequestOrigin, _ settings: () throws -> ThemeSettings
    ) throws -> Theme {
        try pool.withTransaction { connection in
            let context = try CommunityAccess.authorize(
                caller, .writeNeeds, in: community, on: connection, locking: true)
            let settings = try settings()
            try validate(settings)
            let id = UUIDv7.make()
            let status: ThemeStatus = context.role == .convenor ? .active : .suggested
            guard
                !(try connection.query(
                    ThemeRepository.insert(id, in: community, settings, status: status, by: caller.accountID)
                )
                .isEmpty)
            else { throw nameTaken }
            try audit.record(
                status == .active ? "theme.created" : "theme.suggested", "theme", id, by: caller, from: origin,
                details: #"{"community_id":"\#(community.lowercasedString)"}"#, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    public func theme(_ id: UUID, for caller: Caller) throws -> Theme {
        try pool.withConnection { connection in
            let theme = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readNeeds, in: theme.communityID, on: connection)
            return theme
        }
    }

    public func themes(in community: UUID, statuses: [ThemeStatus], after: UUID?, limit: Int, for caller: Caller)
        throws -> [Theme]
    {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readNeeds, in: community, on: connection)
            return try connection.query(
                ThemeRepository.list(in: community, statuses: statuses, after: after, limit: limit, for: caller),
                decode: ThemeRepository.theme)
        }
    }

    /// A convenor renames a theme, or retires it (`retired`) and brings it back (`active`).
    public func update(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        _ change: (inout ThemeSettings, inout ThemeStatus) throws -> Void
    ) throws -> Theme {
        try pool.withTransaction { connection in
            let current = try locked(id, for: caller, on: connection)
            var settings = ThemeSettings(name: current.name, description: current.description)
            var status = current.status
            try change(&settings, &status)
            settings = ThemeSettings(name: settings.name, description: settings.description)
            try validate(settings)
            let allowed: [ThemeStatus: Set<ThemeStatus>] = [
                .active: [.active, .retired], .retired: [.active, .retired],
            ]
            guard allowed[current.status]?.contains(status) ?? (status == current.status) else {
                throw NeedsError.conflict(
                    .invalidTransition,
                    detail: "A \(current.status.rawValue) theme cannot become \(status.rawValue) this way.")
            }
            try matches(current.version)
            guard !(try connection.query(ThemeRepository.update(id, to: settings, status: status)).isEmpty) else {
                throw nameTaken
            }
            try audit.record(
                status != current.status ? "theme.\(status == .retired ? "retired" : "reactivated")" : "theme.updated",
                "theme", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// A convenor accepts a member's suggestion (it becomes active) or declines it with a reason.
    public func decide(_ id: UUID, accept: Bool, reason: String?, by caller: Caller, from origin: RequestOrigin)
        throws -> Theme
    {
        try pool.withTransaction { connection in
            let current = try locked(id, for: caller, on: connection)
            guard current.status == .suggested else {
                throw NeedsError.conflict(.invalidTransition, detail: "Only a suggested theme is accepted or declined.")
            }
            if !accept {
                var validation = Validation()
                validation.text(reason ?? "", "reason", length: 1...2000, multiline: true)
                try validation.check()
            }
            let settings = ThemeSettings(name: current.name, description: current.description)
            guard
                !(try connection.query(
                    ThemeRepository.update(
                        id, to: settings, status: accept ? .active : .declined, declineReason: reason)
                ).isEmpty)
            else { throw nameTaken }
            try audit.record(
                accept ? "theme.accepted" : "theme.declined", "theme", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// Every need linked to `id` is linked to `target` instead, in one transaction; `id` then
    /// answers as merged, pointing to `target`. Both are active or retired themes of one community;
    /// the target must be active.
    public func merge(_ id: UUID, into target: UUID, by caller: Caller, from origin: RequestOrigin) throws -> Theme {
        try pool.withTransaction { connection in
            let source = try locked(id, for: caller, on: connection)
            guard [.active, .retired].contains(source.status) else {
                throw NeedsError.conflict(.invalidTransition, detail: "Only an active or retired theme is merged.")
            }
            guard target != id, let into = try connection.query(ThemeRepository.lock(target, for: caller)).first,
                try ThemeRepository.theme(into).communityID == source.communityID
            else {
                throw AccessError.invalid("into", "is not another theme of this community")
            }
            guard try ThemeRepository.theme(into).status == .active else {
                throw NeedsError.conflict(.themeNotActive, detail: "Merge into an active theme.")
            }
            try connection.query(ThemeRepository.touchNeeds(of: id))
            try connection.query(ThemeRepository.merge(id, into: target))
            try connection.query(DeclarationThemes.replace(id, with: target, in: source.communityID))
            try audit.record(
                "theme.merged", "theme", id, by: caller, from: origin,
                details: #"{"into":"\#(target.lowercasedString)"}"#, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    private var nameTaken: NeedsError {
        .conflict(.themeNameTaken, detail: "The community has a theme of this name already.")
    }

    private func find(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Theme {
        guard let row = try connection.query(ThemeRepository.find(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try ThemeRepository.theme(row)
    }

    /// The theme, locked after its community, for a convenor's change.
    private func locked(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Theme {
        let visible = try find(id, for: caller, on: connection)
        try CommunityAccess.authorize(caller, .curateNeeds, in: visible.communityID, on: connection, locking: true)
        guard let row = try connection.query(ThemeRepository.lock(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try ThemeRepository.theme(row)
    }

    private func validate(_ settings: ThemeSettings) throws {
        var validation = Validation()
        validation.text(settings.name, "name", length: 1...100)
        validation.text(settings.description, "description", length: 0...2000, multiline: true)
        try validation.check()
    }
}
