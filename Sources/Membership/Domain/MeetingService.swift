import AccessControl
import Crypto
import Foundation
import Postgres

/// Meetings: scheduled by convenors with their rules stated up front, answered by members and
/// invited guests, attended, and split into breakout groups. Which meetings exist for whom is
/// decided by `Visibility.meeting` inside every query.
public struct MeetingService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func schedule(
        in community: UUID, by caller: Caller, from origin: RequestOrigin, _ input: () throws -> MeetingInput
    )
        throws -> Meeting
    {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .manageMeetings, in: community, on: connection)
            let input = try input()
            let rules = try validate(input, in: community, for: caller, on: connection)
            let id = UUIDv7.make()
            try connection.query(
                MeetingRepository.insert(
                    id, in: community, input, recording: rules.recording, observersAllowed: rules.observersAllowed,
                    chathamHouse: rules.chathamHouse, by: caller.accountID))
            try audit.record(
                "meeting.scheduled", "meeting", id, by: caller, from: origin,
                details: #"{"community_id":"\#(community.lowercasedString)"}"#, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// A meeting's answers, attendance and groups are read by those inside but its guests.
    private func participants(of id: UUID, for caller: Caller, on connection: Connection) throws {
        let meeting = try find(id, for: caller, on: connection)
        try CommunityAccess.authorize(caller, .readMeetingParticipants, in: meeting.communityID, on: connection)
    }

    public func meeting(_ id: UUID, for caller: Caller) throws -> Meeting {
        try pool.withConnection { connection in
            let meeting = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readMeetings, in: meeting.communityID, on: connection)
            return meeting
        }
    }

    /// In order of start; `startsFrom` leaves out earlier meetings.
    public func meetings(
        in community: UUID, startsFrom: Date?, after: (Date, UUID)?, limit: Int, for caller: Caller
    ) throws -> [Meeting] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readMeetings, in: community, on: connection)
            return try connection.query(
                MeetingRepository.list(in: community, startsFrom: startsFrom, after: after, limit: limit, for: caller),
                decode: MeetingRepository.meeting)
        }
    }

    /// Convenors change a meeting; its rules are fixed once anyone has answered.
    public func update(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        _ change: (inout MeetingInput) throws -> Void
    ) throws -> Meeting {
        try pool.withTransaction { connection in
            let current = try locked(id, .manageMeetings, for: caller, on: connection)
            var input = MeetingInput(
                title: current.title, startsAt: current.startsAt, endsAt: current.endsAt, timeZone: current.timeZone)
            input.description = current.description
            input.circleID = current.circleID
            input.recording = current.recording
            input.observersAllowed = current.observersAllowed
            input.chathamHouse = current.chathamHouse
            try change(&input)
            let unchanged = Rules(
                recording: current.recording, observersAllowed: current.observersAllowed,
                chathamHouse: current.chathamHouse)
            let rules = try validate(input, in: current.communityID, for: caller, on: connection, standing: unchanged)
            try matches(current.version)
            let rulesChanged =
                rules.recording != current.recording || rules.observersAllowed != current.observersAllowed
                || rules.chathamHouse != current.chathamHouse || input.circleID != current.circleID
            if rulesChanged, try connection.single(MeetingRepository.answeredCount(id))["answered"] as Int > 0 {
                throw MembershipError.conflict(
                    .rulesFixed,
                    detail: "People have answered this meeting under its rules; its rules and circle stay as they are.")
            }
            try connection.query(
                MeetingRepository.update(
                    id, to: input, recording: rules.recording, observersAllowed: rules.observersAllowed,
                    chathamHouse: rules.chathamHouse))
            try audit.record("meeting.updated", "meeting", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// Members, convenors and invited guests answer; consent to recording is asked only where
    /// recording needs it.
    public func respond(
        to id: UUID, by caller: Caller, from origin: RequestOrigin, _ answer: () throws -> (RSVPResponse, Bool?)
    ) throws -> Meeting {
        try pool.withTransaction { connection in
            let meeting = try locked(id, .respondToMeetings, for: caller, on: connection)
            let (response, consent) = try answer()
            if consent != nil && meeting.recording != .withConsent {
                throw AccessError.invalid("recording_consent", "is asked only where recording needs consent")
            }
            try connection.query(
                MeetingRepository.respond(to: id, by: caller.accountID, response, recordingConsent: consent))
            try connection.query(MeetingRepository.touch(id))
            try audit.record(
                "meeting.answered", "meeting", id, by: caller, from: origin,
                details: #"{"response":"\#(response.rawValue)"}"#, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    public func rsvps(of id: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [RSVP] {
        try pool.withConnection { connection in
            try participants(of: id, for: caller, on: connection)
            return try connection.query(
                MeetingRepository.rsvps(of: id, after: after, limit: limit, for: caller),
                decode: MeetingRepository.rsvp)
        }
    }

    /// A guest of the community sees this meeting from now on.
    public func invite(guest account: UUID, to id: UUID, by caller: Caller, from origin: RequestOrigin) throws {
        try pool.withTransaction { connection in
            let meeting = try locked(id, .manageMeetings, for: caller, on: connection)
            guard meeting.circleID == nil else {
                throw MembershipError.conflict(
                    .circleMeeting, detail: "Guests are not in circles, so they join no circle's meetings.")
            }
            let role = try connection.query(MeetingRepository.liveRole(of: account, in: meeting.communityID)).first
                .map { try $0["role"] as MembershipRole }
            guard role == .guest else {
                throw MembershipError.conflict(
                    .notAGuest, detail: "Only guests of the community are invited to single meetings.")
            }
            try connection.query(MeetingRepository.addGuest(account, to: id, by: caller.accountID))
            try audit.record(
                "meeting.guest_invited", "meeting", id, by: caller, from: origin,
                details: #"{"account_id":"\#(account.lowercasedString)"}"#, on: connection)
        }
    }

    public func uninvite(guest account: UUID, from id: UUID, by caller: Caller, from origin: RequestOrigin) throws {
        try pool.withTransaction { connection in
            _ = try locked(id, .manageMeetings, for: caller, on: connection)
            try connection.query(MeetingRepository.removeGuest(account, from: id))
            try audit.record(
                "meeting.guest_uninvited", "meeting", id, by: caller, from: origin,
                details: #"{"account_id":"\#(account.lowercasedString)"}"#, on: connection)
        }
    }

    /// A convenor marks someone who may see the meeting as having attended (or not).
    public func mark(_ account: UUID, attended: Bool, at id: UUID, by caller: Caller, from origin: RequestOrigin) throws
    {
        try pool.withTransaction { connection in
            _ = try locked(id, .manageMeetings, for: caller, on: connection)
            if attended {
                guard !(try connection.query(MeetingRepository.seenBy(account, id)).isEmpty) else {
                    throw MembershipError.conflict(
                        .notAParticipant, detail: "This person cannot take part in this meeting.")
                }
                try connection.query(MeetingRepository.markAttended(account, at: id, by: caller.accountID))
            } else {
                try connection.query(MeetingRepository.unmarkAttended(account, at: id))
            }
            try connection.query(MeetingRepository.touch(id))
            try audit.record(
                "meeting.attendance_\(attended ? "marked" : "unmarked")", "meeting", id, by: caller, from: origin,
                details: #"{"account_id":"\#(account.lowercasedString)"}"#, on: connection)
        }
    }

    public func attendance(of id: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [Attendance] {
        try pool.withConnection { connection in
            try participants(of: id, for: caller, on: connection)
            return try connection.query(
                MeetingRepository.attendance(of: id, after: after, limit: limit, for: caller),
                decode: MeetingRepository.attendance)
        }
    }

    /// How breakout groups are formed: named by hand, or mixed from the attendees.
    public enum BreakoutPlan: Sendable {
        case groups([(name: String, accountIDs: [UUID])])
        case mixed(count: Int, by: [MixDimension])
    }

    /// Replaces the meeting's breakout groups. Mixed groups deal the attendees, sorted by the
    /// dimensions, round the groups, so that people of one country or sector are spread apart.
    public func formBreakouts(
        in id: UUID, by caller: Caller, from origin: RequestOrigin, _ plan: () throws -> BreakoutPlan
    )
        throws -> [BreakoutGroup]
    {
        try pool.withTransaction { connection in
            _ = try locked(id, .manageMeetings, for: caller, on: connection)
            let plan = try plan()
            let attendees = try connection.query(
                MeetingRepository.attendees(of: id), decode: MeetingRepository.breakoutMember)
            let groups: [(name: String, accountIDs: [UUID])]
            switch plan {
            case .groups(let named):
                var validation = Validation()
                let present = Set(attendees.map(\.account.id))
                var placed: Set<UUID> = []
                if named.isEmpty || named.count > 50 { validation.add("groups", "must name 1 to 50 groups") }
                for (index, group) in named.enumerated() {
                    validation.text(group.name, "groups[\(index)].name", length: 1...200)
                    let field = "groups[\(index)].account_ids"
                    for account in group.accountIDs {
                        if !present.contains(account) {
                            validation.add(field, "\(account.lowercasedString) is not an attendee")
                        }
                        if !placed.insert(account).inserted { validation.add(field, "puts someone in two groups") }
                    }
                }
                try validation.check()
                groups = named
            case .mixed(let count, let dimensions):
                guard (1...50).contains(count) else { throw AccessError.invalid("group_count", "must be 1 to 50") }
                guard attendees.count >= count else {
                    throw MembershipError.conflict(
                        .notEnoughAttendees, detail: "There are \(attendees.count) attendees for \(count) groups.")
                }
                func key(_ member: BreakoutGroup.Member) -> [String] {
                    dimensions.map { ($0 == .country ? member.country : member.sector) ?? "" } + [
                        member.account.id.uuidString
                    ]
                }
                let sorted = attendees.sorted { key($0).lexicographicallyPrecedes(key($1)) }
                groups = (0..<count).map { index in
                    (
                        name: "Group \(index + 1)",
                        accountIDs: sorted.indices.filter { $0 % count == index }.map { sorted[$0].account.id }
                    )
                }
            }
            try connection.query(MeetingRepository.clearBreakouts(of: id))
            for group in groups {
                let groupID = UUIDv7.make()
                try connection.query(
                    MeetingRepository.insertBreakout(groupID, in: id, named: group.name, by: caller.accountID))
                for account in group.accountIDs {
                    try connection.query(MeetingRepository.insertBreakoutMember(account, into: groupID, in: id))
                }
            }
            try connection.query(MeetingRepository.touch(id))
            try audit.record(
                "meeting.breakouts_formed", "meeting", id, by: caller, from: origin,
                details: #"{"groups":\#(groups.count)}"#, on: connection)
            return try breakouts(of: id, for: caller, on: connection)
        }
    }

    public func breakouts(of id: UUID, for caller: Caller) throws -> [BreakoutGroup] {
        try pool.withConnection { connection in
            try participants(of: id, for: caller, on: connection)
            return try breakouts(of: id, for: caller, on: connection)
        }
    }

    // MARK: Shared steps

    private func breakouts(of id: UUID, for caller: Caller, on connection: Connection) throws -> [BreakoutGroup] {
        var groups: [BreakoutGroup] = []
        for row in try connection.query(MeetingRepository.breakouts(of: id, for: caller)) {
            let groupID: UUID = try row["id"]
            if groups.last?.id != groupID {
                groups.append(
                    BreakoutGroup(
                        id: groupID, meetingID: id, name: try row["name"], members: [],
                        createdAt: try row["created_at"]))
            }
            // A group nobody is in comes as one row without a member.
            if try row["account_id"] as UUID? != nil {
                groups[groups.count - 1].members.append(try MeetingRepository.breakoutMember(row))
            }
        }
        return groups
    }

    private struct Rules: Equatable {
        var recording: RecordingRule
        var observersAllowed: Bool
        var chathamHouse: Bool
    }

    /// The community's settings bound the meeting's rules (those `standing` already are stay as
    /// they are, should the community have tightened since); its circle must be one the caller is in.
    private func validate(
        _ input: MeetingInput, in community: UUID, for caller: Caller, on connection: Connection, standing: Rules? = nil
    ) throws -> Rules {
        guard let row = try connection.query(CommunityRepository.find(community, for: caller)).first else {
            throw AccessError.notFound
        }
        let settings = try CommunityRepository.community(row)
        var validation = Validation()
        validation.text(input.title, "title", length: 1...200)
        validation.text(input.description, "description", length: 0...5000, multiline: true)
        validation.timeZone(input.timeZone)
        if input.endsAt <= input.startsAt { validation.add("ends_at", "must be after starts_at") }
        let recording = input.recording ?? .off
        let allowed: Set<RecordingRule>
        switch settings.recordingPolicy {
        case .never: allowed = [.off]
        case .withConsent: allowed = [.off, .withConsent]
        case .always: allowed = Set(RecordingRule.allCases)
        }
        if recording != standing?.recording && !allowed.contains(recording) {
            validation.add(
                "recording", "goes beyond the community's recording policy (\(settings.recordingPolicy.rawValue))")
        }
        let observersAllowed = input.observersAllowed ?? settings.observersAllowed
        if observersAllowed && !settings.observersAllowed && standing?.observersAllowed != true {
            validation.add("observers_allowed", "the community admits no observers")
        }
        if let circle = input.circleID {
            let visible = try connection.query(CircleRepository.find(circle, for: caller)).first
            if try visible.map(CircleRepository.circle)?.communityID != community {
                validation.add("circle_id", "is not a circle of this community that you are in")
            }
        }
        try validation.check()
        return Rules(
            recording: recording, observersAllowed: observersAllowed,
            chathamHouse: input.chathamHouse ?? settings.chathamHouse)
    }

    private func find(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Meeting {
        guard let row = try connection.query(MeetingRepository.find(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try MeetingRepository.meeting(row)
    }

    /// The meeting, locked, after checking `action` in its community.
    private func locked(_ id: UUID, _ action: Policy.Action, for caller: Caller, on connection: Connection) throws
        -> Meeting
    {
        try Policy.authorize(caller, action)
        let visible = try find(id, for: caller, on: connection)
        try CommunityAccess.authorize(caller, action, in: visible.communityID, on: connection)
        guard let row = try connection.query(MeetingRepository.lock(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try MeetingRepository.meeting(row)
    }
}
