import AccessControl
import Crypto
import Foundation
import Postgres

/// What admitting someone to a community checks, shared by invitations, applications and
/// membership changes. It runs in the caller's transaction; `rules(of:on:)` locks the
/// community's row, which every membership change takes first, before any other row.
enum Admission {
    struct Rules {
        var kinds: [MemberKind]
        var observersAllowed: Bool
        var joinPolicy: JoinPolicy
    }

    /// The community's admission rules, its row locked until the transaction ends. Read without
    /// a visibility predicate: callers established their right to act on it first.
    static func rules(of community: UUID, on connection: Connection) throws -> Rules {
        let row = try connection.single(MembershipRepository.admissionRules(of: community))
        return Rules(
            kinds: try (row["allowed_member_kinds"] as [String]).compactMap(MemberKind.init(rawValue:)),
            observersAllowed: try row["observers_allowed"], joinPolicy: try row["join_policy"])
    }

    /// Observers only where allowed; a guest needs a future end, and only a guest has one.
    static func checkRole(_ role: MembershipRole, expiresAt: Date?, rules: Rules, into validation: inout Validation)
        throws
    {
        if role == .observer && !rules.observersAllowed {
            validation.add("role", "observers are not allowed in this community")
        }
        switch (role, expiresAt) {
        case (.guest, nil): validation.add("expires_at", "is required for a guest")
        case (.guest, let end?) where end <= Date(): validation.add("expires_at", "must be in the future")
        case (.guest, _), (_, nil): break
        case (_, .some): validation.add("expires_at", "applies to guests only")
        }
        try validation.check()
    }

    /// Who hears why someone cannot be admitted: the person themselves, or a convenor, who learns
    /// only that the person does not meet the community's rules (an account's status, kind and
    /// declared interests are not the convenor's to probe).
    enum Audience { case thePerson, aConvenor }

    /// The person as they are now: an account that is active or still to be activated, of a kind
    /// the community admits, without a commercial interest where vendors are not admitted, and
    /// neither a member already nor suspended here (only `reinstate` lifts a suspension).
    static func checkPerson(
        _ account: UUID, for community: UUID, rules: Rules, tellingTo audience: Audience, on connection: Connection
    ) throws {
        try checkAccount(account, for: community, rules: rules, tellingTo: audience, on: connection)
        try checkStanding(account, in: community, on: connection)
    }

    /// The role someone enters with, under the community's rules as they are now: at the doors
    /// where nobody chooses it afresh (accepting an invitation, being reinstated), a role the
    /// rules no longer allow is a conflict rather than a bad input.
    static func checkRoleStillAdmitted(_ role: MembershipRole, rules: Rules) throws {
        if role == .observer && !rules.observersAllowed {
            throw MembershipError.conflict(
                .roleNotAdmitted,
                detail: "This community no longer admits observers; a convenor can offer another role.")
        }
    }

    /// The account as it is now: active or still to be activated, of an admitted kind, without a
    /// commercial interest where vendors are not admitted.
    static func checkAccount(
        _ account: UUID, for community: UUID, rules: Rules, tellingTo audience: Audience, on connection: Connection
    ) throws {
        let person = try connection.query(MembershipRepository.person(account, for: community)).first
        var refusal: MembershipError?
        if let person {
            let status: AccountStatus = try person["status"]
            let commercialInterest: Bool = try person["commercial_interest"]
            // A kind nobody vouched for counts only where a convenor asserted it: elsewhere the
            // person is admitted only where every kind is.
            let kindCounts: Bool = try person["kind_counts"]
            let kind: MemberKind = try person["member_kind"]
            if status != .active && status != .invited {
                refusal = .conflict(.accountNotActive, detail: "This account is \(status.rawValue).")
            } else if kindCounts ? !rules.kinds.contains(kind) : Set(rules.kinds) != Set(MemberKind.allCases) {
                refusal = .refused(
                    .memberKindNotAdmitted, detail: "This community does not admit members of this kind.")
            } else if !rules.kinds.contains(.vendor) && commercialInterest {
                refusal = .refused(
                    .memberKindNotAdmitted,
                    detail: "This community does not admit vendors, and this person has a commercial interest.")
            }
        }
        if person == nil || refusal != nil {
            switch audience {
            case .thePerson:
                guard let refusal else { throw AccessError.notFound }
                throw refusal
            case .aConvenor:
                throw MembershipError.conflict(
                    .notAdmissible, detail: "This person cannot join this community: they do not meet its rules.")
            }
        }
    }

    /// Neither a member already nor suspended here: what a convenor sees in the directory anyway.
    static func checkStanding(_ account: UUID, in community: UUID, on connection: Connection) throws {
        guard let membership = try connection.query(MembershipRepository.lockMember(account, in: community)).first
        else {
            return
        }
        let status: MembershipStatus = try membership["status"]
        // A guest whose time is up is no longer a member, and may be invited again.
        let ended = try (membership["expires_at"] as Date?).map { $0 <= Date() } ?? false
        if status == .active && !ended {
            throw MembershipError.conflict(.alreadyMember, detail: "This person is a member already.")
        }
        if status == .suspended {
            throw MembershipError.conflict(
                .membershipSuspended, detail: "This person's membership is suspended; a convenor reinstates it."
            )
        }
    }

    /// Ends what a membership carried: circle places (recorded in each circle's history) and
    /// meeting invitations. Run when a membership ends or becomes a guest's, and before anyone is
    /// admitted, so that a return starts from nothing rather than from old grants.
    static func endGrants(of account: UUID, in community: UUID, by actor: UUID, on connection: Connection) throws {
        for row in try connection.query(MembershipRepository.circles(of: account, in: community)) {
            let circle: UUID = try row["circle_id"]
            try connection.query(CircleRepository.removeMember(account, from: circle, by: actor, event: UUIDv7.make()))
            try connection.query(CircleRepository.touch(circle))
        }
        try connection.query(MembershipRepository.endMeetingInvitations(of: account, in: community))
    }

    /// A community always keeps an active convenor whose account can sign in.
    static func requireAnotherConvenor(_ community: UUID, besides account: UUID, on connection: Connection) throws {
        let others: Int = try connection.single(
            MembershipRepository.otherConvenors(in: community, besides: account))["convenors"]
        guard others > 0 else {
            throw MembershipError.conflict(
                .lastConvenor, detail: "A community keeps at least one active convenor; appoint another one first.")
        }
    }
}
