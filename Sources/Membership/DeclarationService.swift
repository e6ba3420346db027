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
        return try pool.withTransaction { connection in
            if let community = input.communityID {
                do {
                    try CommunityAccess.authorize(caller, .manageOwnMembership, in: community, on: connection)
                } catch AccessError.notFound {
                    throw AccessError.invalid("community_id", "is not a community you belong to")
                }
            }
            let id = UUIDv7.make()
            try connection.query(
                DeclarationRepository.insert, [id, caller.accountID, input.communityID, input.description, input.themeIDs.map { $0.uuidString }])
            try audit.record("declaration.created", "declaration", id, by: caller, from: origin, on: connection)
            return try DeclarationRepository.declaration(try connection.query(DeclarationRepository.find, [caller.accountID, id]).first!)
        }
    }

    public func declarations(includingWithdrawn: Bool, after: UUID?, limit: Int, for caller: Caller) throws -> [Declaration] {
        try Policy.authorize(caller, .readOwnMembership)
        return try pool.withConnection { connection in
            try connection.query(DeclarationRepository.list, [caller.accountID, includingWithdrawn, after, limit], decode: DeclarationRepository.declaration)
        }
    }

    public func declaration(_ id: UUID, for caller: Caller) throws -> Declaration {
        try Policy.authorize(caller, .readOwnMembership)
        guard let row = try pool.withConnection({ try $0.query(DeclarationRepository.find, [caller.accountID, id]) }).first else {
            throw AccessError.notFound
        }
        return try DeclarationRepository.declaration(row)
    }

    /// Withdrawn declarations stay on record; the interest ends with the next request.
    public func withdraw(_ id: UUID, by caller: Caller, from origin: RequestOrigin) throws -> Declaration {
        try Policy.authorize(caller, .manageOwnMembership)
        return try pool.withTransaction { connection in
            guard !(try connection.query(DeclarationRepository.find, [caller.accountID, id]).isEmpty) else { throw AccessError.notFound }
            guard !(try connection.query(DeclarationRepository.withdraw, [caller.accountID, id]).isEmpty) else {
                throw AccessError.conflict(kind: "invalid-transition", detail: "The declaration is withdrawn already.")
            }
            try audit.record("declaration.withdrawn", "declaration", id, by: caller, from: origin, on: connection)
            return try DeclarationRepository.declaration(try connection.query(DeclarationRepository.find, [caller.accountID, id]).first!)
        }
    }
}
