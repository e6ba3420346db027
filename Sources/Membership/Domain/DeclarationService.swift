import AccessControl
import Crypto
import Foundation
import Postgres

/// A person's own declarations of interest. A declaration counts from the next request on:
/// `praxis_commercial_interest` reads them wherever visibility depends on an interest.
public struct DeclarationService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// The community named must be one the person belongs to.
    public func declare(_ input: NewDeclaration, by caller: Caller, from origin: RequestOrigin) throws -> Declaration {
        try Policy.authorize(caller, .manageOwnMembership)
        var validation = Validation()
        validation.text(input.description, "description", length: 1...2000, multiline: true)
        if input.themeIDs.count > 20 { validation.add("theme_ids", "must hold at most 20 themes") }
        try validation.check()
        // A token restricted to some communities cannot declare for every community.
        if input.communityID == nil && caller.communityIDs != nil {
            throw AccessError.invalid("community_id", "is required with a token restricted to communities")
        }
        return try pool.withTransaction { connection in
            if let community = input.communityID {
                do {
                    try CommunityAccess.authorize(caller, .manageOwnMembership, in: community, on: connection)
                } catch AccessError.notFound {
                    throw AccessError.invalid("community_id", "is not a community you belong to")
                }
            }
            let id = UUIDv7.make()
            do {
                try connection.query(DeclarationRepository.insert(id, by: caller.accountID, input))
            } catch PostgresError.invalidValue(_, "declarations_theme_ids") {
                throw AccessError.invalid("theme_ids", "must name active themes of the community")
            }
            try audit.record("declaration.created", "declaration", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    public func declarations(includingWithdrawn: Bool, after: UUID?, limit: Int, for caller: Caller) throws
        -> [Declaration]
    {
        try Policy.authorize(caller, .readOwnMembership)
        return try pool.withConnection { connection in
            try connection.query(
                DeclarationRepository.list(
                    includingWithdrawn: includingWithdrawn, after: after, limit: limit, for: caller),
                decode: DeclarationRepository.declaration)
        }
    }

    public func declaration(_ id: UUID, for caller: Caller) throws -> Declaration {
        try Policy.authorize(caller, .readOwnMembership)
        return try pool.withConnection { try find(id, for: caller, on: $0) }
    }

    /// Withdrawn declarations stay on record; the interest ends with the next request.
    public func withdraw(_ id: UUID, by caller: Caller, from origin: RequestOrigin) throws -> Declaration {
        try Policy.authorize(caller, .manageOwnMembership)
        return try pool.withTransaction { connection in
            _ = try find(id, for: caller, on: connection)
            guard !(try connection.query(DeclarationRepository.withdraw(id, for: caller)).isEmpty) else {
                throw MembershipError.conflict(.invalidTransition, detail: "The declaration is withdrawn already.")
            }
            try audit.record("declaration.withdrawn", "declaration", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    private func find(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Declaration {
        guard let row = try connection.query(DeclarationRepository.find(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try DeclarationRepository.declaration(row)
    }
}
