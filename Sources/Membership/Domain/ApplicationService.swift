import AccessControl
import Crypto
import Foundation
import Postgres

/// Applications to communities open to them: sent by anyone who sees the card, decided by
/// convenors. An application is seen by its applicant and the community's convenors only.
public struct ApplicationService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// One open application per person and community.
    public func apply(
        to community: UUID, by caller: Caller, from origin: RequestOrigin, answers: () throws -> String
    ) throws -> MembershipApplication {
        try pool.withTransaction { connection in
            let context = try CommunityAccess.authorize(
                caller, .applyToJoin, in: community, on: connection, locking: true)
            let rules = try Admission.rules(of: community, on: connection)
            guard rules.joinPolicy == .apply else {
                throw MembershipError.refused(
                    .invitationOnly, detail: "This community admits members by invitation only.")
            }
            guard context.role == nil else {
                throw MembershipError.conflict(.alreadyMember, detail: "You are a member already.")
            }
            try Admission.checkPerson(
                caller.accountID, for: community, rules: rules, tellingTo: .thePerson, on: connection)
            let answers = try answers()
            let id = UUIDv7.make()
            do {
                try connection.query(
                    MembershipRepository.insertApplication(id, to: community, by: caller.accountID, answers: answers))
            } catch PostgresError.uniqueViolation {
                throw MembershipError.conflict(
                    .applicationPending, detail: "You have an open application here already.")
            }
            try audit.record(
                "application.created", "application", id, by: caller, from: origin,
                details: #"{"community_id":"\#(community.lowercasedString)"}"#, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    public func application(_ id: UUID, for caller: Caller) throws -> MembershipApplication {
        try Policy.authorize(caller, .readOwnMembership)
        return try pool.withConnection { try find(id, for: caller, on: $0) }
    }

    public func applications(
        in community: UUID, status: ApplicationStatus?, after: UUID?, limit: Int, for caller: Caller
    ) throws -> [MembershipApplication] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .reviewMembership, in: community, on: connection)
            return try connection.query(
                MembershipRepository.communityApplications(
                    in: community, status: status, after: after, limit: limit, for: caller),
                decode: MembershipRepository.application)
        }
    }

    /// A convenor admits the applicant as a member or observer, checked as they are now.
    public func approve(
        application id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin, role: () throws -> MembershipRole
    ) throws -> MembershipApplication {
        try decide(id, ifVersion: matches, by: caller, from: origin, byConvenor: true) {
            application, rules, connection in
            try Admission.checkPerson(
                application.account.id, for: application.community.id, rules: rules, tellingTo: .aConvenor,
                on: connection)
            let role = try role()
            var validation = Validation()
            if role != .member && role != .observer { validation.add("role", "must be member or observer") }
            try Admission.checkRole(role, expiresAt: nil, rules: rules, into: &validation)
            return (.approved, role, nil)
        }
    }

    public func reject(
        application id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin, reason: () throws -> String
    ) throws -> MembershipApplication {
        try decide(id, ifVersion: matches, by: caller, from: origin, byConvenor: true) { _, _, _ in
            let reason = try reason()
            var validation = Validation()
            validation.text(reason, "reason", length: 1...2000, multiline: true)
            try validation.check()
            return (.rejected, nil, reason)
        }
    }

    public func withdraw(
        application id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> MembershipApplication {
        try decide(id, ifVersion: matches, by: caller, from: origin, byConvenor: false) { _, _, _ in
            (.withdrawn, nil, nil)
        }
    }

    /// Reads the application, checks who may decide it, locks the community and then the
    /// application (in that order, as every membership change does), reads the decision (`outcome`
    /// checks the person and the input), then the caller's `If-Match`, and records the decision;
    /// an approval admits the applicant.
    private func decide(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        byConvenor: Bool,
        outcome: (MembershipApplication, Admission.Rules, Connection) throws -> (
            ApplicationStatus, MembershipRole?, String?
        )
    ) throws -> MembershipApplication {
        try Policy.authorize(caller, byConvenor ? .manageMembers : .manageOwnMembership)
        return try pool.withTransaction { connection in
            let visible = try find(id, for: caller, on: connection)
            if byConvenor {
                do {
                    try CommunityAccess.authorize(caller, .manageMembers, in: visible.community.id, on: connection)
                } catch AccessError.notFound {
                    // The applicant sees their application: they are told who decides it.
                    throw MembershipError.refused(
                        .convenorRequired, detail: "Only the community's convenors may do this.")
                }
            } else if visible.account.id != caller.accountID {
                throw MembershipError.refused(.applicantOnly, detail: "Only the applicant may withdraw an application.")
            }
            let rules = try Admission.rules(of: visible.community.id, on: connection)
            // Read again under the lock: the caller's standing may have changed while they waited.
            guard let row = try connection.query(MembershipRepository.lockApplication(id, for: caller)).first else {
                throw AccessError.notFound
            }
            let application = try MembershipRepository.application(row)
            guard application.status == .applied else {
                throw MembershipError.conflict(
                    .invalidTransition, detail: "The application is \(application.status.rawValue) already.")
            }
            let (status, role, reason) = try outcome(application, rules, connection)
            try matches(application.version)
            if status == .approved, let role {
                try Admission.endGrants(
                    of: application.account.id, in: application.community.id, by: caller.accountID, on: connection)
                try connection.query(
                    MembershipRepository.admit(
                        application.account.id, to: application.community.id, as: role, expiresAt: nil))
                try Notifications.notify(
                    [application.account.id], kind: "application.approved", subjectType: "community",
                    subject: application.community.id, community: application.community.id,
                    summary: #"{"community_id":"\#(application.community.id.lowercasedString)"}"#, on: connection)
                try Outbox.queue(
                    .approval, to: application.account.id,
                    parameters: [
                        "community_id": application.community.id.lowercasedString,
                        "community_name": application.community.name,
                    ], on: connection)
            }
            try connection.query(
                MembershipRepository.decideApplication(
                    id, as: status, role: role, reason: reason, by: byConvenor ? caller.accountID : nil))
            try audit.record(
                "application.\(status.rawValue)", "application", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    private func find(_ id: UUID, for caller: Caller, on connection: Connection) throws -> MembershipApplication {
        guard let row = try connection.query(MembershipRepository.application(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try MembershipRepository.application(row)
    }
}
