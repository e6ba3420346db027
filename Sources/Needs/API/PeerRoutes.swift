import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Needs

/// `/v1/me/peers` and a member's peers for convenors.
struct PeerRoutes {
    let peers: PeerService

    func register(in router: inout Router) {
        router.add(
            "GET", "/v1/me/peers",
            signedIn({ _ in .readNeeds }) { request, caller in
                guard let community = try uuidFilter(request, "community_id") else {
                    throw Problem.malformed("community_id is required.")
                }
                let found = try peers.peers(in: community, limit: try Self.limit(request), for: caller)
                return try Response.json(PeerListBody(data: found.map(PeerBody.init)))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/members/{account_id:uuid}/peers",
            signedIn({ _ in .readMembersPeers }) { request, caller in
                let found = try peers.peers(
                    of: try id(request, "account_id"), in: try id(request), limit: try Self.limit(request), for: caller)
                return try Response.json(PeerListBody(data: found.map(PeerBody.init)))
            })
    }

    /// The best `limit` (1 to 50, 10 by default): a ranking, not pages.
    static func limit(_ request: Request) throws -> Int {
        guard let text = try request.queryValue("limit") else { return 10 }
        guard let limit = Int(text), (1...50).contains(limit) else {
            throw Problem.malformed("limit must be an integer from 1 to 50.")
        }
        return limit
    }
}

struct PeerListBody: Encodable {
    let data: [PeerBody]
}

struct PeerBody: Encodable {
    let account: PersonBody
    @ExplicitNull var country: String?
    @ExplicitNull var sector: String?
    let sharedThemes: [ThemeSummaryBody]
    let score: Double

    enum CodingKeys: String, CodingKey {
        case account, country, sector, score
        case sharedThemes = "shared_themes"
    }

    init(_ peer: Peer) {
        account = PersonBody(peer.account)
        country = peer.country
        sector = peer.sector
        sharedThemes = peer.sharedThemes.map(ThemeSummaryBody.init)
        score = peer.score
    }
}
