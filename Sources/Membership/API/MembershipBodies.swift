import APISupport
import AccessControl
import Foundation
import HTTP
import Membership

// Response and request bodies of the membership endpoints. Optional fields are written as
// `null` rather than left out, so that every response of a kind has the same members.

private func text(_ id: UUID) -> String { id.uuidString.lowercased() }

struct PersonBody: Encodable {
    let person: PersonSummary

    enum Keys: String, CodingKey { case id, display_name }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(person.id), forKey: .id)
        try container.encode(person.displayName, forKey: .display_name)
    }
}

struct CommunitySummaryBody: Encodable {
    let community: CommunitySummary

    enum Keys: String, CodingKey { case id, name }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(community.id), forKey: .id)
        try container.encode(community.name, forKey: .name)
    }
}

struct MemberBody: Encodable {
    let member: Member

    enum Keys: String, CodingKey {
        case community, account, role, status, joined_at, expires_at, commercial_interest, accepted_norms_version
    }
    enum AccountKeys: String, CodingKey {
        case id, display_name, email, organisation, country, sector, member_kind, job_title, expertise
    }
    enum OrganisationKeys: String, CodingKey { case id, name, kind }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(CommunitySummaryBody(community: member.community), forKey: .community)
        var account = container.nestedContainer(keyedBy: AccountKeys.self, forKey: .account)
        let profile = member.account
        try account.encode(text(profile.id), forKey: .id)
        try account.encode(profile.displayName, forKey: .display_name)
        try account.encode(profile.email, forKey: .email)
        if let organisation = profile.organisation {
            var nested = account.nestedContainer(keyedBy: OrganisationKeys.self, forKey: .organisation)
            try nested.encode(text(organisation.id), forKey: .id)
            try nested.encode(organisation.name, forKey: .name)
            try nested.encode(organisation.kind.rawValue, forKey: .kind)
        } else {
            try account.encodeNil(forKey: .organisation)
        }
        try account.encode(profile.country, forKey: .country)
        try account.encode(profile.sector?.rawValue, forKey: .sector)
        try account.encode(profile.memberKind.rawValue, forKey: .member_kind)
        try account.encode(profile.jobTitle, forKey: .job_title)
        try account.encode(profile.expertise, forKey: .expertise)
        try container.encode(member.role.rawValue, forKey: .role)
        try container.encode(member.status.rawValue, forKey: .status)
        try container.encode(member.joinedAt, forKey: .joined_at)
        try container.encode(member.expiresAt, forKey: .expires_at)
        try container.encode(member.commercialInterest, forKey: .commercial_interest)
        try container.encode(member.acceptedNormsVersion, forKey: .accepted_norms_version)
    }
}

struct InvitationBody: Encodable {
    let invitation: Invitation
    /// Only in the answer that created an account for an unknown email.
    var activation: (secret: String, expiresAt: Date)? = nil

    enum Keys: String, CodingKey {
        case id, community, account, role, membership_expires_at, message, invited_by, status, expires_at, decided_at
        case created_at, activation_token, activation_expires_at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(invitation.id), forKey: .id)
        try container.encode(CommunitySummaryBody(community: invitation.community), forKey: .community)
        try container.encode(PersonBody(person: invitation.account), forKey: .account)
        try container.encode(invitation.role.rawValue, forKey: .role)
        try container.encode(invitation.membershipExpiresAt, forKey: .membership_expires_at)
        try container.encode(invitation.message, forKey: .message)
        try container.encode(PersonBody(person: invitation.invitedBy), forKey: .invited_by)
        try container.encode(invitation.status.rawValue, forKey: .status)
        try container.encode(invitation.expiresAt, forKey: .expires_at)
        try container.encode(invitation.decidedAt, forKey: .decided_at)
        try container.encode(invitation.createdAt, forKey: .created_at)
        if let activation {
            try container.encode(activation.secret, forKey: .activation_token)
            try container.encode(activation.expiresAt, forKey: .activation_expires_at)
        }
    }
}

struct ApplicationBody: Encodable {
    let application: MembershipApplication

    enum Keys: String, CodingKey {
        case id, community, account, answers, status, role, reason, decided_by, decided_at, created_at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(application.id), forKey: .id)
        try container.encode(CommunitySummaryBody(community: application.community), forKey: .community)
        try container.encode(PersonBody(person: application.account), forKey: .account)
        let answers = try JSONDecoder().decode([String: String].self, from: Data(application.answers.utf8))
        try container.encode(answers, forKey: .answers)
        try container.encode(application.status.rawValue, forKey: .status)
        try container.encode(application.role?.rawValue, forKey: .role)
        try container.encode(application.reason, forKey: .reason)
        try container.encode(application.decidedBy.map(PersonBody.init), forKey: .decided_by)
        try container.encode(application.decidedAt, forKey: .decided_at)
        try container.encode(application.createdAt, forKey: .created_at)
    }
}

struct NormsVersionBody: Encodable {
    let norms: NormsVersion

    enum Keys: String, CodingKey {
        case community_id, version, text, published_by, published_at, current, accepted_at, acceptance_count
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(norms.communityID), forKey: .community_id)
        try container.encode(norms.version, forKey: .version)
        try container.encode(norms.text, forKey: .text)
        try container.encode(PersonBody(person: norms.publishedBy), forKey: .published_by)
        try container.encode(norms.publishedAt, forKey: .published_at)
        try container.encode(norms.isCurrent, forKey: .current)
        try container.encode(norms.acceptedAt, forKey: .accepted_at)
        try container.encode(norms.acceptanceCount, forKey: .acceptance_count)
    }
}

struct AcceptanceBody: Encodable {
    let acceptance: NormsAcceptance

    enum Keys: String, CodingKey { case community_id, version, account, accepted_at }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(acceptance.communityID), forKey: .community_id)
        try container.encode(acceptance.version, forKey: .version)
        try container.encode(PersonBody(person: acceptance.account), forKey: .account)
        try container.encode(acceptance.acceptedAt, forKey: .accepted_at)
    }
}

struct AmendmentBody: Encodable {
    let amendment: Amendment

    enum Keys: String, CodingKey {
        case id, community_id, base_version, text, rationale, proposed_by, status, decision_reason, decided_by,
            decided_at
        case adopted_version, endorsement_count, endorsed, created_at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(amendment.id), forKey: .id)
        try container.encode(text(amendment.communityID), forKey: .community_id)
        try container.encode(amendment.baseVersion, forKey: .base_version)
        try container.encode(amendment.text, forKey: .text)
        try container.encode(amendment.rationale, forKey: .rationale)
        try container.encode(PersonBody(person: amendment.proposedBy), forKey: .proposed_by)
        try container.encode(amendment.status.rawValue, forKey: .status)
        try container.encode(amendment.decisionReason, forKey: .decision_reason)
        try container.encode(amendment.decidedBy.map(PersonBody.init), forKey: .decided_by)
        try container.encode(amendment.decidedAt, forKey: .decided_at)
        try container.encode(amendment.adoptedVersion, forKey: .adopted_version)
        try container.encode(amendment.endorsementCount, forKey: .endorsement_count)
        try container.encode(amendment.endorsed, forKey: .endorsed)
        try container.encode(amendment.createdAt, forKey: .created_at)
    }
}

struct NewInvitationBody: Decodable {
    let account_id: UUID?
    let email: String?
    let display_name: String?
    let member_kind: String?
    let role: String?
    let expires_at: Date?
    let message: String?
}

struct NewApplicationBody: Decodable {
    let answers: [String: String]
}

struct ApprovalBody: Decodable {
    let role: String?
}

struct ReasonBody: Decodable {
    let reason: String
}

struct NormsTextBody: Decodable {
    let text: String
}

struct NewAmendmentBody: Decodable {
    let text: String
    let rationale: String?
}

struct CircleBody: Encodable {
    let circle: Circle

    enum Keys: String, CodingKey {
        case id, community_id, name, description, government_only, excludes_vendors, member_count, created_at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(circle.id), forKey: .id)
        try container.encode(text(circle.communityID), forKey: .community_id)
        try container.encode(circle.name, forKey: .name)
        try container.encode(circle.description, forKey: .description)
        try container.encode(circle.governmentOnly, forKey: .government_only)
        try container.encode(circle.excludesVendors, forKey: .excludes_vendors)
        try container.encode(circle.memberCount, forKey: .member_count)
        try container.encode(circle.createdAt, forKey: .created_at)
    }
}

struct CircleMemberBody: Encodable {
    let member: CircleMember

    enum Keys: String, CodingKey { case account, member_kind, added_by, added_at }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(PersonBody(person: member.account), forKey: .account)
        try container.encode(member.memberKind.rawValue, forKey: .member_kind)
        try container.encode(PersonBody(person: member.addedBy), forKey: .added_by)
        try container.encode(member.addedAt, forKey: .added_at)
    }
}

struct CircleEventBody: Encodable {
    let event: CircleEvent

    enum Keys: String, CodingKey { case id, account, change, actor, occurred_at }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(event.id), forKey: .id)
        try container.encode(PersonBody(person: event.account), forKey: .account)
        try container.encode(event.change.rawValue, forKey: .change)
        try container.encode(PersonBody(person: event.actor), forKey: .actor)
        try container.encode(event.occurredAt, forKey: .occurred_at)
    }
}

struct DeclarationBody: Encodable {
    let declaration: Declaration

    enum Keys: String, CodingKey { case id, community_id, description, theme_ids, created_at, withdrawn_at }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(declaration.id), forKey: .id)
        try container.encode(declaration.communityID.map(text), forKey: .community_id)
        try container.encode(declaration.description, forKey: .description)
        try container.encode(declaration.themeIDs.map(text), forKey: .theme_ids)
        try container.encode(declaration.createdAt, forKey: .created_at)
        try container.encode(declaration.withdrawnAt, forKey: .withdrawn_at)
    }
}

struct ParticipationBody: Encodable {
    let participation: Participation

    enum Keys: String, CodingKey {
        case community_id, min_cell_size, active_members, by_sector, by_country, by_region, by_organisation_kind
    }
    enum CellKeys: String, CodingKey { case value, count, suppressed }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(participation.communityID), forKey: .community_id)
        try container.encode(participation.minCellSize, forKey: .min_cell_size)
        try container.encode(participation.activeMembers, forKey: .active_members)
        for (cells, key) in [
            (participation.bySector, Keys.by_sector), (participation.byCountry, .by_country),
            (participation.byRegion, .by_region),
            (participation.byOrganisationKind, .by_organisation_kind),
        ] {
            var list = container.nestedUnkeyedContainer(forKey: key)
            for cell in cells {
                var nested = list.nestedContainer(keyedBy: CellKeys.self)
                try nested.encode(cell.value, forKey: .value)
                try nested.encode(cell.count, forKey: .count)
                try nested.encode(cell.count == nil, forKey: .suppressed)
            }
        }
    }
}

struct NewCircleBody: Decodable {
    let name: String
    let description: String?
    let government_only: Bool?
    let excludes_vendors: Bool?
}

struct AccountReferenceBody: Decodable {
    let account_id: UUID
}

struct NewDeclarationBody: Decodable {
    let description: String
    let community_id: UUID?
    let theme_ids: [UUID]?
}

struct MeetingBody: Encodable {
    let meeting: Meeting

    enum Keys: String, CodingKey {
        case id, community_id, circle_id, title, description, starts_at, ends_at, time_zone, rules, created_by,
            viewer_rsvp
        case rsvp_counts, created_at
    }
    enum RuleKeys: String, CodingKey { case recording, recording_effective, observers_allowed, chatham_house }
    enum RSVPKeys: String, CodingKey { case response, recording_consent }
    enum CountKeys: String, CodingKey { case yes, no, maybe }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(meeting.id), forKey: .id)
        try container.encode(text(meeting.communityID), forKey: .community_id)
        try container.encode(meeting.circleID.map(text), forKey: .circle_id)
        try container.encode(meeting.title, forKey: .title)
        try container.encode(meeting.description, forKey: .description)
        try container.encode(meeting.startsAt, forKey: .starts_at)
        try container.encode(meeting.endsAt, forKey: .ends_at)
        try container.encode(meeting.timeZone, forKey: .time_zone)
        var rules = container.nestedContainer(keyedBy: RuleKeys.self, forKey: .rules)
        try rules.encode(meeting.recording.rawValue, forKey: .recording)
        try rules.encode(meeting.effectiveRecording.rawValue, forKey: .recording_effective)
        try rules.encode(meeting.observersAllowed, forKey: .observers_allowed)
        try rules.encode(meeting.chathamHouse, forKey: .chatham_house)
        try container.encode(PersonBody(person: meeting.createdBy), forKey: .created_by)
        if let response = meeting.viewerResponse {
            var rsvp = container.nestedContainer(keyedBy: RSVPKeys.self, forKey: .viewer_rsvp)
            try rsvp.encode(response.rawValue, forKey: .response)
            try rsvp.encode(meeting.viewerRecordingConsent, forKey: .recording_consent)
        } else {
            try container.encodeNil(forKey: .viewer_rsvp)
        }
        var counts = container.nestedContainer(keyedBy: CountKeys.self, forKey: .rsvp_counts)
        try counts.encode(meeting.yesCount, forKey: .yes)
        try counts.encode(meeting.noCount, forKey: .no)
        try counts.encode(meeting.maybeCount, forKey: .maybe)
        try container.encode(meeting.createdAt, forKey: .created_at)
    }
}

struct RSVPBody: Encodable {
    let rsvp: RSVP

    enum Keys: String, CodingKey { case account, response, recording_consent, answered_at }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(PersonBody(person: rsvp.account), forKey: .account)
        try container.encode(rsvp.response.rawValue, forKey: .response)
        try container.encode(rsvp.recordingConsent, forKey: .recording_consent)
        try container.encode(rsvp.answeredAt, forKey: .answered_at)
    }
}

struct AttendanceBody: Encodable {
    let attendance: Attendance

    enum Keys: String, CodingKey { case account, marked_by, marked_at }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(PersonBody(person: attendance.account), forKey: .account)
        try container.encode(PersonBody(person: attendance.markedBy), forKey: .marked_by)
        try container.encode(attendance.markedAt, forKey: .marked_at)
    }
}

struct BreakoutGroupBody: Encodable {
    let group: BreakoutGroup

    enum Keys: String, CodingKey { case id, meeting_id, name, members, created_at }
    enum MemberKeys: String, CodingKey { case account, country, sector }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(group.id), forKey: .id)
        try container.encode(text(group.meetingID), forKey: .meeting_id)
        try container.encode(group.name, forKey: .name)
        var members = container.nestedUnkeyedContainer(forKey: .members)
        for member in group.members {
            var nested = members.nestedContainer(keyedBy: MemberKeys.self)
            try nested.encode(PersonBody(person: member.account), forKey: .account)
            try nested.encode(member.country, forKey: .country)
            try nested.encode(member.sector, forKey: .sector)
        }
        try container.encode(group.createdAt, forKey: .created_at)
    }
}

struct NewMeetingBody: Decodable {
    let title: String
    let description: String?
    let starts_at: Date
    let ends_at: Date
    let time_zone: String
    let circle_id: UUID?
    let recording: String?
    let observers_allowed: Bool?
    let chatham_house: Bool?
}

struct RSVPRequestBody: Decodable {
    let response: String
    let recording_consent: Bool?
}

struct BreakoutPlanBody: Decodable {
    struct Group: Decodable {
        let name: String
        let account_ids: [UUID]
    }
    let groups: [Group]?
    let group_count: Int?
    let mix_by: [String]?
}

/// The answer of an import that ran at once.
struct ImportResultsBody: Encodable {
    let dryRun: Bool
    let results: [ImportRowResult]

    enum Keys: String, CodingKey { case dry_run, total_rows, results }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(dryRun, forKey: .dry_run)
        try container.encode(results.count, forKey: .total_rows)
        try container.encode(results, forKey: .results)
    }
}

struct MemberImportBody: Encodable {
    let job: MemberImport

    enum Keys: String, CodingKey {
        case id, community_id, dry_run, status, total_rows, processed_rows, results, created_at, finished_at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(text(job.id), forKey: .id)
        try container.encode(text(job.communityID), forKey: .community_id)
        try container.encode(job.dryRun, forKey: .dry_run)
        try container.encode(job.status.rawValue, forKey: .status)
        try container.encode(job.totalRows, forKey: .total_rows)
        try container.encode(job.processedRows, forKey: .processed_rows)
        try container.encode(job.results, forKey: .results)
        try container.encode(job.createdAt, forKey: .created_at)
        try container.encode(job.finishedAt, forKey: .finished_at)
    }
}
