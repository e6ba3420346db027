import Foundation

/// A caller's role in a community, as an active member.
public enum CommunityRole: String, Sendable, CaseIterable {
    case convenor, member, observer, guest
}

/// What the policy needs to know about the community a resource lives in. It comes from a row
/// read through a `Visibility` predicate: holding one means the caller may see the community.
public struct CommunityContext: Sendable {
    public var communityID: UUID
    /// nil for an outsider who sees the community's card only.
    public var role: CommunityRole?
    public init(communityID: UUID, role: CommunityRole?) {
        self.communityID = communityID
        self.role = role
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
        /// Changing a community; the caller's role in it is checked where the community is read.
        case manageCommunity
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
        case .createCommunity, .manageCommunity: return .communitiesWrite
        case .readCommunities: return .communitiesRead
        case .editOwnProfile: return .membersWrite
        }
    }

    /// An action on something inside a community the caller can see: the scope, then the
    /// caller's role there.
    public static func authorize(_ caller: Caller, _ action: Action, in community: CommunityContext) throws {
        try authorize(caller, action)
        switch action {
        case .manageCommunity:
            guard community.role == .convenor else {
                throw AccessError.forbidden(reason: "convenor-required", detail: "Only the community's convenors may change it.")
            }
        default:
            break
        }
    }

    public static func authorize(_ caller: Caller, _ action: Action) throws {
        // The admin scope stands for every scope (and means something only on an admin's account).
        if let scope = requiredScope(action), let scopes = caller.scopes, !scopes.contains(scope), !scopes.contains(.admin) {
            throw AccessError.insufficientScope(scope)
        }
        switch action {
        case .readOrganisations, .readOwnProfile, .editOwnProfile, .manageOwnTokens, .readCommunities, .manageCommunity:
            return
        case .createCommunity:
            guard caller.isAdmin || caller.canCreateCommunities else {
                throw AccessError.forbidden(
                    reason: "cannot-create-communities", detail: "Ask a platform admin for the right to create communities.")
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
