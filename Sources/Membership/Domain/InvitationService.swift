import AccessControl
import Crypto
import Foundation
import Postgres

/// Invitations: sent by convenors, answered by the invitee. An invitation is seen by the
/// person it names and the community's convenors only.
public struct InvitationService: Sendable {
    let pool: ConnectionPool
    let accounts: AccountService
    let audit = AuditLog()

    public init(pool: ConnectionPool, accounts: AccountService) {
        self.pool = pool
        self.accounts = accounts
    }

    /// Convenors invite an account, or an email. An unknown email becomes an `invited` account,
    /// whose activation token goes to that address; either way the convenor is answered the same
    /// (the invitation with the address as typed), and the person is checked when they accept.
    public func invite(
        to community: UUID, by caller: Caller, from origin: RequestOrigin, _ input: () throws -> NewInvitation
    ) throws -> Invitation {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .manageMembers, in: community, on: connection, locking: true)
            let input = try input()
            let rules = try Admission.rules(of: community, on: connection)
            var validation = Validation()
            validation.text(input.message, "message", length: 0...2000, multiline: true)
            // The kind as typed, for an account an email would create: the same answer whether or
            // not the address has an account (whose own kind counts when they accept).
            if case .email(let details) = input.invitee, !rules.kinds.contains(details.memberKind) {
                validation.add("member_kind", "is not a kind this community admits")
            }
            try Admission.checkRole(input.role, expiresAt: input.membershipExpiresAt, rules: rules, into: &validation)
            let invitee: UUID
            var email: String?
            var activation: OneTimeToken?
            switch input.invitee {
            case .account(let id):
                invitee = id
                // The person as they are now; an invitation by email checks them when they accept.
                try Admission.checkPerson(invitee, for: community, rules: rules, tellingTo: .aConvenor, on: connection)
            case .email(let details):
                (invitee, activation) = try accounts.findOrInvite(
                    details, to: community, by: caller, from: origin, on: connection)
                email = details.email
                try Admission.checkStanding(invitee, in: community, on: connection)
            }
            try connection.query(MembershipRepository.expireInvitations(of: invitee, to: community))
            let id = UUIDv7.make()
            let decline = Secrets.oneTimeToken()
            let expiresAt: Date
            do {
                expiresAt = try connection.single(
                    MembershipRepository.insertInvitation(
                        id, to: community, of: invitee, email: email, input, by: caller.accountID,
                        declineDigest: Secrets.digest(decline)))["expires_at"]
            } catch PostgresError.uniqueViolation {
                throw MembershipError.conflict(
                    .invitationPending, detail: "This person has an open invitation already.")
            }
            try queueLetter(
                id, to: invitee, in: community, by: caller, message: input.message, expiresAt: expiresAt,
                decline: decline, activation: activation, on: connection)
            try audit.record(
                "invitation.created", "invitation", id, by: caller, from: origin,
                details: #"{"community_id":"\#(community.lowercasedString)","role":"\#(input.role.rawValue)"}"#,
                on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    /// The invitation's message to the person: who invites them, to what, under which norms,
    /// how to decline without an account and, when they have no password yet, how to choose one.
    private func queueLetter(
        _ id: UUID, to invitee: UUID, in community: UUID, by caller: Caller, message: String, expiresAt: Date,
        decline: String, activation: OneTimeToken?, on connection: Connection
    ) throws {
        let letter = try connection.single(MembershipRepository.invitationLetter(to: community, by: caller.accountID))
        var parameters: [String: Any] = [
            "invitation_id": id.lowercasedString, "community_name": try letter["community_name"] as String,
            "inviter_name": try letter["inviter_name"] as String, "norms": try letter["norms"] as String,
            "norms_continue": try letter["norms_continue"] as Bool,
            "chatham_house": try letter["chatham_house"] as Bool, "message": message,
            "invitation_expires_at": expiresAt.ISO8601Format(), "decline_token": decline,
        ]
        if let activation {
            parameters["token"] = activation.secret
            parameters["expires_at"] = activation.expiresAt.ISO8601Format()
        }
        try Outbox.queue(.invitation, to: invitee, parameters: parameters, on: connection)
    }

    /// Declines with the token from the invitation's message: no account is needed, so that a
    /// person who does not want one need not make one to say no.
    public func decline(withToken token: String, from origin: RequestOrigin) throws {
        try pool.withTransaction { connection in
            guard
                let row = try connection.query(
                    MembershipRepository.invitationByDeclineToken(Secrets.digest(token))
                ).first
            else { throw AccessError.invalid("token", "is unknown") }
            let id: UUID = try row["id"]
            let invitee: UUID = try row["account_id"]
            guard try !connection.query(MembershipRepository.declineByToken(id)).isEmpty else {
                throw MembershipError.conflict(
                    .invalidTransition, detail: "This invitation was answered or revoked already, or has expired.")
            }
            try audit.record(
                AuditEntry(
                    actorID: invitee, action: "invitation.declined", targetType: "invitation",
                    targetID: id.lowercasedString, requestID: origin.requestID, address: origin.address),
                on: connection)
        }
    }

    public func invitation(_ id: UUID, for caller: Caller) throws -> Invitation {
        try Policy.authorize(caller, .readOwnMembership)
        return try pool.withConnection { try find(id, for: caller, on: $0) }
    }

    public func invitations(
        in community: UUID, status: InvitationStatus?, after: UUID?, limit: Int, for caller: Caller
    ) throws -> [Invitation] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .reviewMembership, in: community, on: connection)
            return try connection.query(
                MembershipRepository.communityInvitations(
                    in: community, status: status, after: after, limit: limit, for: caller),
                decode: MembershipRepository.invitation)
        }
    }

    public func myInvitations(status: InvitationStatus?, after: UUID?, limit: Int, for caller: Caller) throws
        -> [Invitation]
    {
        try Policy.authorize(caller, .readOwnMembership)
        return try pool.withConnection { connection in
            try connection.query(
                MembershipRepository.myInvitations(status: status, after: after, limit: limit, for: caller),
                decode: MembershipRepository.invitation)
        }
    }

    /// The invitee accepts: the community's rules and the person are checked again as they are now.
    public func accept(
        invitation id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Member {
        let invitation = try decide(id, as: .accepted, ifVersion: matches, by: caller, from: origin) { invitation, _ in
            try Self.requireInvitee(invitation, caller)
            if let end = invitation.membershipExpiresAt, end <= Date() {
                throw MembershipError.conflict(
                    .invitationExpired, detail: "The guest membership this invitation offered has ended.")
            }
        } then: { invitation, rules, connection in
            let community = invitation.community.id
            try Admission.checkPerson(
                caller.accountID, for: community, rules: rules, tellingTo: .thePerson, on: connection)
            try Admission.checkRoleStillAdmitted(invitation.role, rules: rules)
            try Admission.endGrants(of: caller.accountID, in: community, by: caller.accountID, on: connection)
            try connection.query(
                MembershipRepository.admit(
                    caller.accountID, to: community, as: invitation.role, expiresAt: invitation.membershipExpiresAt))
        }
        return try MembershipService(pool: pool).member(invitation.community.id, caller.accountID, for: caller)
    }

    public func decline(
        invitation id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Invitation {
        try decide(id, as: .declined, ifVersion: matches, by: caller, from: origin) { invitation, _ in
            try Self.requireInvitee(invitation, caller)
        }
    }

    /// A convenor withdraws an open invitation; the invitee, who sees it, is told who may.
    public func revoke(
        invitation id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Invitation {
        try decide(id, as: .revoked, ifVersion: matches, by: caller, from: origin) { invitation, connection in
            do {
                try CommunityAccess.authorize(caller, .manageMembers, in: invitation.community.id, on: connection)
            } catch AccessError.notFound {
                throw MembershipError.refused(.convenorRequired, detail: "Only the community's convenors may do this.")
            }
        }
    }

    /// Reads the invitation, checks who may answer it, locks the community and then the
    /// invitation (in that order, as every membership change does) and records the answer.
    private func decide(
        _ id: UUID, as status: InvitationStatus, ifVersion matches: (Int64) throws -> Void, by caller: Caller,
        from origin: RequestOrigin, allowed: (Invitation, Connection) throws -> Void,
        then admit: (Invitation, Admission.Rules, Connection) throws -> Void = { _, _, _ in }
    ) throws -> Invitation {
        try Policy.authorize(caller, .manageOwnMembership)
        return try pool.withTransaction { connection in
            let visible = try find(id, for: caller, on: connection)
            try allowed(visible, connection)
            let rules = try Admission.rules(of: visible.community.id, on: connection)
            // Read again under the lock: the caller's standing may have changed while they waited.
            guard let row = try connection.query(MembershipRepository.lockInvitation(id, for: caller)).first else {
                throw AccessError.notFound
            }
            let invitation = try MembershipRepository.invitation(row)
            try matches(invitation.version)
            guard invitation.status != .expired else {
                throw MembershipError.conflict(
                    .invitationExpired, detail: "The invitation has expired; ask for a new one.")
            }
            guard invitation.status == .pending else {
                throw MembershipError.conflict(
                    .invalidTransition, detail: "The invitation is \(invitation.status.rawValue) already.")
            }
            try admit(invitation, rules, connection)
            try connection.query(MembershipRepository.decideInvitation(id, as: status))
            try audit.record(
                "invitation.\(status.rawValue)", "invitation", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    private static func requireInvitee(_ invitation: Invitation, _ caller: Caller) throws {
        guard invitation.inviteeID == caller.accountID else {
            throw MembershipError.refused(.inviteeOnly, detail: "Only the person invited may answer an invitation.")
        }
    }

    private func find(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Invitation {
        guard let row = try connection.query(MembershipRepository.invitation(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try MembershipRepository.invitation(row)
    }
}
