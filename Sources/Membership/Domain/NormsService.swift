import AccessControl
import Crypto
import Foundation
import Postgres

/// A community's charter: versions published by convenors, accepted by each member before they
/// write, and amended by members' proposals that convenors adopt or decline.
public struct NormsService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Newest first; `before` is the version the previous page ended at.
    public func versions(of community: UUID, before: Int?, limit: Int, for caller: Caller) throws -> [NormsVersion] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readNorms, in: community, on: connection)
            return try connection.query(
                NormsRepository.versions(of: community, before: before, limit: limit, for: caller),
                decode: NormsRepository.version)
        }
    }

    public func version(_ version: Int, of community: UUID, for caller: Caller) throws -> NormsVersion {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readNorms, in: community, on: connection)
            return try find(version, of: community, for: caller, on: connection)
        }
    }

    /// A convenor publishes the next version, and has accepted it by publishing it.
    public func publish(
        in community: UUID, by caller: Caller, from origin: RequestOrigin, text: () throws -> String
    ) throws -> NormsVersion {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .publishNorms, in: community, on: connection, locking: true)
            let text = try text()
            try validateText(text, "text")
            let version = try publish(text, in: community, by: caller, on: connection)
            try audit.record(
                "norms.published", "community", community, by: caller, from: origin,
                details: #"{"version":\#(version)}"#, on: connection)
            return try find(version, of: community, for: caller, on: connection)
        }
    }

    /// Only the current version can be accepted, once.
    public func accept(
        _ version: Int, of community: UUID, by caller: Caller, from origin: RequestOrigin
    ) throws -> NormsAcceptance {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .acceptNorms, in: community, on: connection)
            let found = try find(version, of: community, for: caller, on: connection)
            guard found.isCurrent else {
                throw MembershipError.conflict(
                    .notCurrentVersion, detail: "Only the current version of the norms can be accepted.")
            }
            guard found.acceptedAt == nil else {
                throw MembershipError.conflict(.alreadyAccepted, detail: "You accepted this version already.")
            }
            try connection.query(NormsRepository.accept(version, of: community, by: caller.accountID))
            try audit.record(
                "norms.accepted", "community", community, by: caller, from: origin,
                details: #"{"version":\#(version)}"#, on: connection)
            return try NormsRepository.acceptance(
                try connection.single(NormsRepository.acceptance(of: version, in: community, by: caller.accountID)))
        }
    }

    /// Who accepted a version: readable by the community's members.
    public func acceptances(
        of version: Int, in community: UUID, after: UUID?, limit: Int, for caller: Caller
    ) throws -> [NormsAcceptance] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readMembers, in: community, on: connection)
            _ = try find(version, of: community, for: caller, on: connection)
            return try connection.query(
                NormsRepository.acceptances(of: version, in: community, after: after, limit: limit, for: caller),
                decode: NormsRepository.acceptance)
        }
    }

    // MARK: Amendments

    /// Members propose a new text for the current version, whether or not they accepted it.
    public func propose(
        in community: UUID, by caller: Caller, from origin: RequestOrigin,
        _ input: () throws -> (text: String, rationale: String)
    ) throws -> Amendment {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .amendNorms, in: community, on: connection)
            let input = try input()
            try validateText(input.text, "text")
            var validation = Validation()
            validation.text(input.rationale, "rationale", length: 0...5000, multiline: true)
            try validation.check()
            guard let current = try currentVersion(of: community, on: connection) else {
                throw MembershipError.conflict(.noNorms, detail: "This community has no norms to amend yet.")
            }
            let id = UUIDv7.make()
            try connection.query(
                NormsRepository.insertAmendment(
                    id, in: community, baseVersion: current, text: input.text, rationale: input.rationale,
                    by: caller.accountID))
            try audit.record(
                "norms.amendment_proposed", "community", community, by: caller, from: origin,
                details: #"{"amendment_id":"\#(id.lowercasedString)"}"#, on: connection)
            return try amendment(id, for: caller, on: connection)
        }
    }

    public func amendment(_ id: UUID, for caller: Caller) throws -> Amendment {
        try pool.withConnection { connection in
            let amendment = try amendment(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readAmendments, in: amendment.communityID, on: connection)
            return amendment
        }
    }

    public func amendments(
        in community: UUID, status: AmendmentStatus?, after: UUID?, limit: Int, for caller: Caller
    ) throws -> [Amendment] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readAmendments, in: community, on: connection)
            return try connection.query(
                NormsRepository.amendments(in: community, status: status, after: after, limit: limit, for: caller),
                decode: NormsRepository.amendment)
        }
    }

    /// Another member supports an open amendment, once.
    public func endorse(_ id: UUID, by caller: Caller, from origin: RequestOrigin) throws -> Amendment {
        try pool.withTransaction { connection in
            let amendment = try locked(id, for: caller, action: .amendNorms, on: connection)
            guard amendment.status == .open else {
                throw MembershipError.conflict(
                    .invalidTransition, detail: "The amendment is \(amendment.status.rawValue).")
            }
            guard amendment.proposedBy.id != caller.accountID else {
                throw MembershipError.conflict(
                    .ownAmendment, detail: "Endorsements come from members other than the proposer.")
            }
            guard !amendment.endorsed else {
                throw MembershipError.conflict(.alreadyEndorsed, detail: "You endorsed this amendment already.")
            }
            try connection.query(NormsRepository.endorse(id, by: caller.accountID))
            try audit.record(
                "norms.amendment_endorsed", "community", amendment.communityID, by: caller, from: origin,
                details: #"{"amendment_id":"\#(id.lowercasedString)"}"#, on: connection)
            return try self.amendment(id, for: caller, on: connection)
        }
    }

    /// A convenor adopts an open amendment written against the current version: its text
    /// becomes the next version, which the convenor has accepted by adopting it.
    public func adopt(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller, from origin: RequestOrigin
    ) throws -> Amendment {
        try pool.withTransaction { connection in
            let amendment = try locked(id, for: caller, action: .publishNorms, on: connection)
            try matches(amendment.version)
            try requireOpen(amendment)
            guard try currentVersion(of: amendment.communityID, on: connection) == amendment.baseVersion else {
                throw MembershipError.conflict(
                    .amendmentOutdated, detail: "The norms changed since this amendment was proposed; propose it again."
                )
            }
            let version = try publish(amendment.text, in: amendment.communityID, by: caller, on: connection)
            try connection.query(
                NormsRepository.decide(id, as: .adopted, reason: nil, by: caller.accountID, adoptedVersion: version))
            try audit.record(
                "norms.amendment_adopted", "community", amendment.communityID, by: caller, from: origin,
                details: #"{"amendment_id":"\#(id.lowercasedString)","version":\#(version)}"#, on: connection)
            return try self.amendment(id, for: caller, on: connection)
        }
    }

    public func decline(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller, from origin: RequestOrigin,
        reason: () throws -> String
    ) throws -> Amendment {
        try pool.withTransaction { connection in
            let amendment = try locked(id, for: caller, action: .publishNorms, on: connection)
            try requireOpen(amendment)
            let reason = try reason()
            var validation = Validation()
            validation.text(reason, "reason", length: 1...5000, multiline: true)
            try validation.check()
            try matches(amendment.version)
            try connection.query(
                NormsRepository.decide(id, as: .declined, reason: reason, by: caller.accountID, adoptedVersion: nil))
            try audit.record(
                "norms.amendment_declined", "community", amendment.communityID, by: caller, from: origin,
                details: #"{"amendment_id":"\#(id.lowercasedString)"}"#, on: connection)
            return try self.amendment(id, for: caller, on: connection)
        }
    }

    // MARK: Shared steps

    private func publish(_ text: String, in community: UUID, by caller: Caller, on connection: Connection) throws -> Int
    {
        let version: Int = try connection.single(
            NormsRepository.publish(text, in: community, by: caller.accountID))["version"]
        try connection.query(NormsRepository.accept(version, of: community, by: caller.accountID))
        return version
    }

    private func currentVersion(of community: UUID, on connection: Connection) throws -> Int? {
        try connection.single(NormsRepository.currentVersion(of: community))["norms_version"]
    }

    private func find(_ version: Int, of community: UUID, for caller: Caller, on connection: Connection) throws
        -> NormsVersion
    {
        guard let row = try connection.query(NormsRepository.version(version, of: community, for: caller)).first else {
            throw AccessError.notFound
        }
        return try NormsRepository.version(row)
    }

    private func amendment(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Amendment {
        guard let row = try connection.query(NormsRepository.amendment(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try NormsRepository.amendment(row)
    }

    /// The amendment, locked, after checking `action` in its community (whose row is locked first).
    private func locked(_ id: UUID, for caller: Caller, action: Policy.Action, on connection: Connection) throws
        -> Amendment
    {
        try Policy.authorize(caller, action)
        let visible = try amendment(id, for: caller, on: connection)
        try CommunityAccess.authorize(caller, action, in: visible.communityID, on: connection, locking: true)
        guard let row = try connection.query(NormsRepository.lockAmendment(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try NormsRepository.amendment(row)
    }

    private func requireOpen(_ amendment: Amendment) throws {
        guard amendment.status == .open else {
            throw MembershipError.conflict(
                .invalidTransition, detail: "The amendment is \(amendment.status.rawValue) already.")
        }
    }

    private func validateText(_ text: String, _ field: String) throws {
        var validation = Validation()
        validation.text(text, field, length: 1...20000, multiline: true)
        try validation.check()
    }
}
