import Crypto
import Foundation

/// Who is calling, built once per request from the bearer credential and the account as it is
/// now (a suspension or a role change counts on the very next request).
public struct Caller: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        case session(id: UUID)
        case token(id: UUID)
        /// An operator at the server's command line (`praxis admin ...`).
        case commandLine
        /// The server writing a person's digest: it sees what the person sees.
        case digest
    }

    public var accountID: UUID
    public var platformRole: PlatformRole
    public var memberKind: MemberKind
    /// True when the account's organisation is a vendor (a commercial interest, declared or not).
    public var organisationIsVendor: Bool
    public var canCreateCommunities: Bool
    public var credential: Credential
    /// The token's scopes; nil for a session, which may do all its account may.
    public var scopes: Set<Scope>?
    /// The communities a token is restricted to; nil when unrestricted.
    public var communityIDs: Set<UUID>?
    /// When the token itself expires (nil for sessions and tokens that never do): what it
    /// issues expires no later.
    public var tokenExpiresAt: Date?

    public init(
        accountID: UUID, platformRole: PlatformRole, memberKind: MemberKind, organisationIsVendor: Bool,
        canCreateCommunities: Bool = false, credential: Credential, scopes: Set<Scope>?, communityIDs: Set<UUID>?
    ) {
        self.accountID = accountID
        self.platformRole = platformRole
        self.memberKind = memberKind
        self.organisationIsVendor = organisationIsVendor
        self.canCreateCommunities = canCreateCommunities
        self.credential = credential
        self.scopes = scopes
        self.communityIDs = communityIDs
    }

    public var isAdmin: Bool { platformRole == .admin }

    /// The key callers are rate limited by: the token or the session.
    public var rateLimitKey: String {
        switch credential {
        case .session(let id): return "session:\(id.lowercasedString)"
        case .token(let id): return "token:\(id.lowercasedString)"
        case .commandLine: return "command-line"
        case .digest: return "digest:\(accountID.lowercasedString)"
        }
    }

    /// An operator acting as `account` from the command line.
    public static func commandLine(_ account: Account) -> Caller {
        Caller(
            accountID: account.id, platformRole: account.platformRole, memberKind: account.memberKind,
            organisationIsVendor: account.organisation?.kind == .vendor,
            canCreateCommunities: account.canCreateCommunities,
            credential: .commandLine, scopes: nil,
            communityIDs: nil)
    }
}
