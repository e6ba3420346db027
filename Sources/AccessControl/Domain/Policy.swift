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

/// The one place that answers "may this caller do this", in the order of api.md: scope (403
/// `insufficient-scope`), the platform's rule, visibility (404), then the role inside the
/// community and its norms (403). Each domain declares its own actions (`extension
/// Policy.Action { static let ... }`); the order of the checks is decided here alone.
public enum Policy {
    /// What an action asks of the caller on the platform, before any community.
    public enum PlatformRule: Sendable, Hashable {
        case anyone
        /// Platform admins (403 `admin-required`).
        case admin
        /// Admins and accounts allowed to create communities (403 `cannot-create-communities`).
        case communityCreator
        /// A password session, not an API token (403 `session-required`).
        case session
        /// The account itself or an admin; anyone else does not see it (404).
        case accountOwnerOrAdmin(UUID)
    }

    /// What an action asks of the caller's role inside the community it concerns.
    public struct CommunityRule: Sendable, Hashable {
        public enum Roles: Sendable, Hashable {
            /// Anyone inside: convenors, members, observers and guests.
            case anyoneInside
            /// Anyone inside but observers (403 `observer-read-only`).
            case writers
            /// Convenors and members (observers 403 `observer-read-only`, guests 403 `members-only`).
            case members
            /// Convenors (403 `convenor-required`).
            case convenors
        }

        public var roles: Roles
        /// Writes wait for the current norms to be accepted (403 `norms-not-accepted`).
        public var needsAcceptedNorms: Bool
        /// Guests see only what they were invited to: for them this does not exist (404).
        public var hiddenFromGuests: Bool
        /// For outsiders who see the card: asking to join.
        public var outsidersMay: Bool
        /// Outsiders who see the card are refused (403) rather than told it is not there: changing the card.
        public var refusedToOutsiders: Bool

        public init(
            _ roles: Roles, needsAcceptedNorms: Bool, hiddenFromGuests: Bool = false, outsidersMay: Bool = false,
            refusedToOutsiders: Bool = false
        ) {
            self.roles = roles
            self.needsAcceptedNorms = needsAcceptedNorms
            self.hiddenFromGuests = hiddenFromGuests
            self.outsidersMay = outsidersMay
            self.refusedToOutsiders = refusedToOutsiders
        }
    }

    public struct Action: Sendable, Hashable {
        public let name: String
        /// The scope a token needs; nil when any valid credential will do.
        public let scope: Scope?
        public let platform: PlatformRule
        public let community: CommunityRule

        public init(
            _ name: String, scope: Scope?, platform: PlatformRule = .anyone,
            community: CommunityRule = CommunityRule(.anyoneInside, needsAcceptedNorms: true)
        ) {
            self.name = name
            self.scope = scope
            self.platform = platform
            self.community = community
        }
    }

    public static func authorize(_ caller: Caller, _ action: Action) throws {
        // The admin scope stands for every scope (and means something only on an admin's account).
        if let scope = action.scope, let scopes = caller.scopes, !scopes.contains(scope), !scopes.contains(.admin) {
            throw AccessError.insufficientScope(scope)
        }
        switch action.platform {
        case .anyone:
            return
        case .admin:
            guard caller.isAdmin else { throw AccessError.refused(.adminRequired) }
        case .communityCreator:
            guard caller.isAdmin || caller.canCreateCommunities else {
                throw AccessError.refused(.cannotCreateCommunities)
            }
        case .session:
            guard case .session = caller.credential else { throw AccessError.refused(.sessionRequired) }
        case .accountOwnerOrAdmin(let id):
            guard caller.isAdmin || caller.accountID == id else { throw AccessError.notFound }
        }
    }

    /// An action on something inside a community whose card the caller can see: the platform's
    /// checks, then whether they are inside (404 when not), then their role there and the norms.
    public static func authorize(_ caller: Caller, _ action: Action, in community: CommunityContext) throws {
        try authorize(caller, action)
        let rule = action.community
        if rule.outsidersMay { return }
        if rule.refusedToOutsiders && community.role == nil { throw AccessError.refused(.convenorRequired) }
        guard let role = community.role else { throw AccessError.notFound }
        if rule.hiddenFromGuests && role == .guest { throw AccessError.notFound }
        switch rule.roles {
        case .anyoneInside:
            break
        case .writers:
            guard role != .observer else { throw AccessError.refused(.observerReadOnly) }
        case .members:
            guard role != .observer else { throw AccessError.refused(.observerReadOnly) }
            guard role != .guest else { throw AccessError.refused(.membersOnly) }
        case .convenors:
            guard role == .convenor else { throw AccessError.refused(.convenorRequired) }
        }
        if rule.needsAcceptedNorms && !community.normsAccepted { throw AccessError.refused(.normsNotAccepted) }
    }
}

/// Access control's own actions: the platform, accounts, tokens and the audit log.
extension Policy.Action {
    public static let readOrganisations = Self("readOrganisations", scope: .membersRead)
    public static let manageOrganisations = Self("manageOrganisations", scope: .admin, platform: .admin)
    public static let manageAccounts = Self("manageAccounts", scope: .admin, platform: .admin)
    public static func readAccount(_ id: UUID) -> Self {
        Self("readAccount", scope: .admin, platform: .accountOwnerOrAdmin(id))
    }
    public static let readOwnProfile = Self("readOwnProfile", scope: nil)
    /// A person's notifications: each domain's scope decides which a token reads.
    public static let readOwnNotifications = Self("readOwnNotifications", scope: nil)
    public static let manageOwnNotifications = Self("manageOwnNotifications", scope: nil)
    public static let editOwnProfile = Self("editOwnProfile", scope: .membersWrite)
    /// Password, sessions, export: a person's own security, done with a session, not a token.
    public static let manageOwnSecurity = Self("manageOwnSecurity", scope: nil, platform: .session)
    public static let resetPassword = Self("resetPassword", scope: .admin, platform: .admin)
    /// Tokens do not mint tokens unless they carry the admin scope.
    public static let manageOwnTokens = Self("manageOwnTokens", scope: .admin)
    public static let manageTokensOfOthers = Self("manageTokensOfOthers", scope: .admin, platform: .admin)
    public static let readAuditLog = Self("readAuditLog", scope: .admin, platform: .admin)
    /// A community's own audit events, for its convenors.
    public static let readCommunityAuditLog = Self(
        "readCommunityAuditLog", scope: .membersRead, community: .init(.convenors, needsAcceptedNorms: false))
}
