import AccessControl
import Crypto
import Foundation
import Postgres

/// A community's agenda: convenors turn needs into items for a meeting or the programme; the
/// members behind a need are told when an item that answers it is scheduled. Every change is
/// kept in the item's history.
public struct AgendaService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func create(
        in community: UUID, by caller: Caller, from origin: RequestOrigin, _ settings: () throws -> AgendaSettings
    ) throws -> AgendaItem {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .curateNeeds, in: community, on: connection, locking: true)
            let settings = try settings()
            try validate(settings, in: community, for: caller, on: connection)
            let id = UUIDv7.make()
            try connection.query(AgendaRepository.insert(id, in: community, settings, by: caller.accountID))
            try connection.query(AgendaRepository.link(id, to: settings.needIDs, for: caller))
            try connection.query(
                AgendaRepository.record(id, event: UUIDv7.make(), change: "created", by: caller.accountID))
            try audit.record(
                "agenda_item.created", "agenda_item", id, by: caller, from: origin,
                details: #"{"community_id":"\#(community.lowercasedString)"}"#, on: connection)
            let item = try find(id, for: caller, on: connection)
            if settings.status == .scheduled { try tellScheduled(item, by: caller, on: connection) }
            return item
        }
    }

    public func item(_ id: UUID, for caller: Caller) throws -> AgendaItem {
        try pool.withConnection { connection in
            let item = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readNeeds, in: item.communityID, on: connection)
            return item
        }
    }

    public func items(
        in community: UUID, statuses: [AgendaStatus], meeting: UUID?, after: (position: Int, id: UUID)?, limit: Int,
        for caller: Caller
    ) throws -> [AgendaItem] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readNeeds, in: community, on: connection)
            return try connection.query(
                AgendaRepository.list(
                    in: community, statuses: statuses, meeting: meeting, after: after, limit: limit, for: caller),
                decode: AgendaRepository.item)
        }
    }

    public func update(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        _ change: (inout AgendaSettings) throws -> Void
    ) throws -> AgendaItem {
        try pool.withTransaction { connection in
            let visible = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .curateNeeds, in: visible.communityID, on: connection, locking: true)
            guard let row = try connection.query(AgendaRepository.lock(id, for: caller)).first else {
                throw AccessError.notFound
            }
            let current = try AgendaRepository.item(row)
            var settings = current.settings
            try change(&settings)
            try validate(settings, in: current.communityID, for: caller, on: connection)
            try matches(current.version)
            try connection.query(AgendaRepository.update(id, to: settings))
            try connection.query(AgendaRepository.link(id, to: settings.needIDs, for: caller))
            try connection.query(
                AgendaRepository.record(id, event: UUIDv7.make(), change: "updated", by: caller.accountID))
            try audit.record("agenda_item.updated", "agenda_item", id, by: caller, from: origin, on: connection)
            let item = try find(id, for: caller, on: connection)
            if settings.status == .scheduled && current.settings.status != .scheduled {
                try tellScheduled(item, by: caller, on: connection)
            }
            return item
        }
    }

    public func history(of id: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [AgendaEvent] {
        try pool.withConnection { connection in
            _ = try item(id, for: caller)
            return try connection.query(
                AgendaRepository.history(of: id, after: after, limit: limit, for: caller),
                decode: AgendaRepository.event)
        }
    }

    /// The members behind the item's needs, but the convenor who scheduled it, are told.
    private func tellScheduled(_ item: AgendaItem, by caller: Caller, on connection: Connection) throws {
        let people: [UUID] = try connection.query(AgendaRepository.peopleBehind(item.id)) { try $0["account_id"] }
        try Notifications.notify(
            people.filter { $0 != caller.accountID }, kind: "agenda_item.scheduled", subjectType: "agenda_item",
            subject: item.id, community: item.communityID,
            summary: #"{"agenda_item_id":"\#(item.id.lowercasedString)"}"#, on: connection)
    }

    private func find(_ id: UUID, for caller: Caller, on connection: Connection) throws -> AgendaItem {
        guard let row = try connection.query(AgendaRepository.find(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try AgendaRepository.item(row)
    }

    private func validate(_ settings: AgendaSettings, in community: UUID, for caller: Caller, on connection: Connection)
        throws
    {
        var validation = Validation()
        validation.text(settings.title, "title", length: 1...200)
        validation.text(settings.description, "description", length: 0...5000, multiline: true)
        if !(0...10000).contains(settings.position) { validation.add("position", "must be an integer from 0 to 10000") }
        if let starts = settings.startsAt, let ends = settings.endsAt, ends <= starts {
            validation.add("ends_at", "must be after starts_at")
        }
        if settings.needIDs.count > 50 { validation.add("need_ids", "must hold at most 50 needs") }
        if Set(settings.needIDs).count != settings.needIDs.count {
            validation.add("need_ids", "must not name a need twice")
        }
        if let meeting = settings.meetingID,
            !(try connection.single(AgendaRepository.meetingVisible(meeting, in: community, for: caller))["visible"]
                as Bool)
        {
            validation.add("meeting_id", "is not a meeting of this community")
        }
        if let presenter = settings.presenterID,
            !(try connection.single(NeedRepository.standing(of: presenter, in: community))["member"] as Bool)
        {
            validation.add("presenter_id", "is not a member or convenor of this community")
        }
        if !settings.needIDs.isEmpty {
            let unknown: [UUID] = try connection.query(
                AgendaRepository.unknownNeeds(settings.needIDs, in: community, for: caller)
            ) { try $0["id"] }
            for need in unknown {
                validation.add(
                    "need_ids[\(settings.needIDs.firstIndex(of: need) ?? 0)]", "is not a need of this community")
            }
        }
        try validation.check()
    }
}
