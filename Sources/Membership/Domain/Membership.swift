import AccessControl
import Foundation

public enum MembershipStatus: String, Sendable, CaseIterable { case active, suspended, left }
public enum InvitationStatus: String, Sendable, CaseIterable { case pending, accepted, declined, revoked, expired }
public enum ApplicationStatus: String, Sendable, CaseIterable { case applied, approved, rejected, withdrawn }

/// A community as embedded in a person's own lists.
public struct CommunitySummary: Sendable, Equatable {
    public var id: UUID
    public var name: String
}

public struct OrganisationSummary: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var kind: OrganisationKind
}

/// A member as the directory shows them. `email` is there only for convenors and the person;
/// `jobTitle` and `expertise` only when the person lists them (or it is the person).
public struct MemberProfile: Sendable, Equatable {
    public var id: UUID
    public var displayName: String
    public var email: String?
    public var organisation: OrganisationSummary?
    public var country: String?
    public var sector: Sector?
    public var memberKind: MemberKind
    public var jobTitle: String?
    public var expertise: [String]?
}

/// One person's membership of one community.
public struct Member: Sendable, Equatable {
    public var community: CommunitySummary
    public var account: MemberProfile
    public var role: MembershipRole
    public var status: MembershipStatus
    public var joinedAt: Date
    /// For guests: when the membership ends.
    public var expiresAt: Date?
    /// Declared, by kind or organisation, or marked by a convenor.
    public var commercialInterest: Bool
    /// The norms version this person accepted last (nil: none).
    public var acceptedNormsVersion: Int?
    public var version: Int64
}

public struct Invitation: Sendable, Equatable {
    public var id: UUID
    public var community: CommunitySummary
    /// The invitee as shown; nil for an invitation by email until it is accepted, so that the
    /// convenor learns the same whether or not the address had an account.
    public var account: PersonSummary?
    /// The address as the convenor typed it, for an invitation by email.
    public var email: String?
    /// Whom the invitation is for, whether shown or not.
    var inviteeID: UUID
    public var role: MembershipRole
    public var membershipExpiresAt: Date?
    public var message: String
    public var invitedBy: PersonSummary
    public var status: InvitationStatus
    public var expiresAt: Date
    public var decidedAt: Date?
    public var version: Int64
    public var createdAt: Date
}

/// What an invitation asks for; `email` invites (or creates) the account with that address.
public struct NewInvitation: Sendable {
    public enum Invitee: Sendable {
        case account(UUID)
        /// An unknown email becomes an `invited` account with these details.
        case email(InviteeDetails)
    }
    public var invitee: Invitee
    public var role: MembershipRole
    public var membershipExpiresAt: Date?
    public var message: String
    public init(invitee: Invitee, role: MembershipRole, membershipExpiresAt: Date?, message: String) {
        self.invitee = invitee
        self.role = role
        self.membershipExpiresAt = membershipExpiresAt
        self.message = message
    }
}

public struct MembershipApplication: Sendable, Equatable {
    public var id: UUID
    public var community: CommunitySummary
    public var account: PersonSummary
    /// A JSON object of the applicant's answers to the criteria.
    public var answers: String
    public var status: ApplicationStatus
    public var role: MembershipRole?
    public var reason: String?
    public var decidedBy: PersonSummary?
    public var decidedAt: Date?
    public var version: Int64
    public var createdAt: Date
}

/// The directory's filters; each list is OR within, AND across.
public struct DirectoryFilter: Sendable {
    public var countries: [String] = []
    public var sectors: [Sector] = []
    public var kinds: [MemberKind] = []
    public var expertise: [String] = []
    public var roles: [MembershipRole] = []
    /// Convenors may list suspended and departed members too.
    public var status = MembershipStatus.active
    public init() {}
}
