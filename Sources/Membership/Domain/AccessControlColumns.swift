import AccessControl
import Postgres

// The access-control enumerations that Membership's statements read by name. Declared here
// while that module still reads its rows by position; they belong with the types once it does not.
extension MemberKind: PostgresTextDecodable {}
extension AccountStatus: PostgresTextDecodable {}
extension OrganisationKind: PostgresTextDecodable {}
extension Sector: PostgresTextDecodable {}
