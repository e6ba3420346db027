import Foundation

/// A caller's role in a community, as an active member.
public enum CommunityRole: String, Sendable, CaseIterable {
    case convenor, member, observer, guest
}

/// What the policy needs to know about the community a resource lives in. It comes from a row
/// read through a `Visibility` predicate (by `CommunityAccess.authorize`): holding one means the
/// caller may see the community's card.
public struct CommunityContext: Sendable {
    public var communityID: UUID
    /// nil for an outsider who sees the community's card only.
    public var role: CommunityRole?
    /// True when the community has no norms yet or the caller accepted the current version.
    public var normsAccepted: Bool
    public init(communityID: UUID, role: CommunityRole?, normsAccepted: Bool = true) {
        self.communityID = communityID
        self.role = role
        self.normsAccepted = normsAccepted
    }
}

/// The one place that answers "may this caller do this". Checks run in the order of api.md:
/// scope (403 insufficient-scope) first, then visibility (404), then role (403).
public enum Policy {
    public enum Action: Sendable, Equatable {
        case readOrganisations
        case manageOrganisations
        case manageAccounts
        case readAccount(UUID)
        case readOwnProfile
        case editOwnProfile
        /// Password, sessions, export: a person's own security, done with a session, not a token.
        case manageOwnSecurity
        case resetPassword(of: UUID)
        case manageOwnTokens
        case manageTokensOf(accountID: UUID)
        case readAuditLog
        case createCommunity
        case readCommunities
        /// Changing a community's settings (convenors).
        case manageCommunity
        /// Reading inside a community: members, observers and guests.
        case readNorms
        /// The directory, circles and participation figures: members and observers, not guests.
        case readMembers
        /// Invitations, applications, suspensions, roles, circles (convenors).
        case manageMembers
        /// Reading the community's invitations and applications (convenors).
        case reviewMembership
        /// Publishing norms and deciding amendments (convenors; the publisher accepts what they publish).
        case publishNorms
        /// Accepting the current norms: anyone inside.
        case acceptNorms
        /// Proposing and endorsing amendments: members and convenors, before accepting the norms too.
        case amendNorms
        /// Asking to join: anyone who sees the card and is not inside yet.
        case applyToJoin
        /// Leaving a community: anyone inside.
        case leaveCommunity
        /// Reading meetings: which ones, the meeting predicate of `Visibility` decides.
        case readMeetings
        /// Scheduling meetings, inviting guests, marking attendance, forming breakouts (convenors).
        case manageMeetings
        /// Answering an invitation to a meeting: members, convenors and invited guests.
        case respondToMeetings
        /// A person's own declarations of interest and applications.
        case readOwnMembership
        case manageOwnMembership
    }

    /// The scope a token needs for an action; nil when any valid credential will do.
    public static func requiredScope(_ action: Action) -> Scope? {
        switch action {
        case .readOrganisations: return .membersRead
        case .manageOrganisations, .manageAccounts, .readAuditLog, .manageTokensOf, .resetPassword: return .admin
        case .readAccount: return .admin
        // Tokens do not mint tokens unless they carry the admin scope.
        case .manageOwnTokens: return .admin
        case .readOwnProfile, .manageOwnSecurity: return nil
        case .createCommunity, .manageCommunity, .publishNorms, .acceptNorms, .amendNorms: return .communitiesWrite
        case .readCommunities, .readNorms, .readMeetings: return .communitiesRead
        case .manageMeetings, .respondToMeetings: return .communitiesWrite
        case .readMembers, .readOwnMembership, .reviewMembership: return .membersRead
        case .manageMembers, .applyToJoin, .leaveCommunity, .manageOwnMembership: return .membersWrite
        case .editOwnProfile: return .membersWrite
        }
    }

    /// An action on something inside a community the caller can see: the scope, then whether
    /// they are inside (404 when not), then their role there and their acceptance of the norms.
    public static func authorize(_ caller: Caller, _ action: Action, in community: CommunityContext) throws {
        try authorize(caller, action)
        if action == .applyToJoin { return }
        // The card is visible: changing it is refused, not hidden.
        if action == .manageCommunity && community.role == nil {
            throw AccessError.forbidden(
                reason: "convenor-required", detail: "Only the community's convenors may do this.")
        }
        guard let role = community.role else { throw AccessError.notFound }
        switch action {
        case .readNorms, .readMeetings, .acceptNorms, .leaveCommunity, .manageOwnMembership:
            return
        case .respondToMeetings:
            try requireWriter(role)
        case .readMembers:
            // Guests see only the meetings and threads they were invited to.
            guard role != .guest else { throw AccessError.notFound }
            return
        case .amendNorms:
            try requireWriter(role)
            guard role != .guest else {
                throw AccessError.forbidden(reason: "members-only", detail: "Only members take part in the norms.")
            }
            return
        case .manageCommunity, .manageMembers, .publishNorms, .manageMeetings, .reviewMembership:
            guard role == .convenor else {
                throw AccessError.forbidden(
                    reason: "convenor-required", detail: "Only the community's convenors may do this.")
            }
            if action == .reviewMembership { return }
        default:
            break
        }
        // Publishing a version accepts it; every other write waits for the current norms to be accepted.
        if action != .publishNorms && !community.normsAccepted {
            throw AccessError.forbidden(
                reason: "norms-not-accepted", detail: "Accept the community's current norms before writing here.")
        }
    }

    /// Observers read; they never write.
    static func requireWriter(_ role: CommunityRole) throws {
        guard role != .observer else {
            throw AccessError.forbidden(reason: "observer-read-only", detail: "Observers read; they do not write.")
        }
    }

    public static func authorize(_ caller: Caller, _ action: Action) throws {
        // The admin scope stands for every scope (and means something only on an admin's account).
        if let scope = requiredScope(action), let scopes = caller.scopes, !scopes.contains(scope),
            !scopes.contains(.admin)
        {
            throw AccessError.insufficientScope(scope)
        }
        switch action {
        case .readOrganisations, .readOwnProfile, .editOwnProfile, .manageOwnTokens, .readCommunities, .manageCommunity,
            .readNorms, .readMembers, .manageMembers, .publishNorms, .acceptNorms, .amendNorms, .applyToJoin,
            .leaveCommunity,
            .readOwnMembership, .manageOwnMembership, .readMeetings, .manageMeetings, .respondToMeetings,
            .reviewMembership:
            return
        case .createCommunity:
            guard caller.isAdmin || caller.canCreateCommunities else {
                throw AccessError.forbidden(
                    reason: "cannot-create-communities",
                    detail: "Ask a platform admin for the right to create communities.")
            }
        case .manageOwnSecurity:
            guard case .session = caller.credential else {
                throw AccessError.forbidden(
                    reason: "session-required", detail: "Sign in with a password for this; API tokens cannot do it.")
            }
        case .readAccount(let id):
            // Another person's account is not visible to a non-admin.
            guard caller.isAdmin || caller.accountID == id else { throw AccessError.notFound }
        case .manageOrganisations, .manageAccounts, .readAuditLog, .manageTokensOf, .resetPassword:
            guard caller.isAdmin else {
                throw AccessError.forbidden(reason: "admin-required", detail: "Only platform admins may do this.")
            }
        }
    }
}
