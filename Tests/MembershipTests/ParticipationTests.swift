import Foundation
import Membership
import ServerTestSupport
import TestSupport
import Testing

@Suite struct ParticipationTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func cells(_ result: HTTPResult, _ key: String) -> [String: Int?] {
        var cells: [String: Int?] = [:]
        for cell in result.json[key] as? [[String: Any]] ?? [] {
            cells[cell["value"] as? String ?? "none"] = cell["count"] as? Int
        }
        return cells
    }

    @Test func smallCellsAreHiddenWithEnoughNeighboursAndOnlyMembersSeeThem() throws {
        let cop = try CommunityFixture(server)
        func organisation(_ country: String, _ sector: String) throws -> String {
            try server.send(
                "POST", "/v1/organisations", token: cop.admin,
                json:
                    #"{"name":"Ministry \#(country)","kind":"government","country":"\#(country)","sector":"\#(sector)"}"#
            )
            .json["id"] as! String
        }
        let kenya = try organisation("KE", "education")
        let nigeria = try organisation("NG", "education")
        let ghana = try organisation("GH", "finance")
        for (organisation, count) in [(kenya, 4), (nigeria, 1), (ghana, 2)] {
            for _ in 0..<count { try cop.admit(try cop.person(extra: #","organisation_id":"\#(organisation)""#)) }
        }
        // Five people of the fixture have no organisation and no country.
        let figures = try cop.send("GET", "/v1/communities/\(cop.id)/participation", as: cop.observer)
        #expect(figures.status == 200)
        #expect(figures.json["active_members"] as? Int == 12)
        #expect(figures.json["suppression_method"] as? String == "secondary_suppression")
        // Western Africa (3) would give away that Nigeria and Ghana are 1 and 2 people; Eastern
        // Africa would give away Western Africa (12 - 5 - 4), and Kenya would give away Eastern
        // Africa (its only country).
        #expect(cells(figures, "by_country") == ["none": 5, "KE": nil, "NG": nil, "GH": nil])
        #expect(cells(figures, "by_region") == ["none": 5, "Eastern Africa": nil, "Western Africa": nil])
        let sectors = cells(figures, "by_sector")
        #expect(sectors["finance"] == .some(nil))
        #expect(sectors.values.filter { $0 == nil }.count == 2, "\(sectors)")
        #expect(cells(figures, "by_organisation_kind") == ["none": 5, "government": 7])

        // A larger minimum keeps them hidden, with the regions.
        let community = try cop.send("GET", "/v1/communities/\(cop.id)", as: cop.convenor)
        #expect(
            try cop.send(
                "PATCH", "/v1/communities/\(cop.id)", as: cop.convenor, json: #"{"min_cell_size":5}"#,
                headers: [("If-Match", community.header("ETag")!)]
            ).status == 200)
        let stricter = try cop.send("GET", "/v1/communities/\(cop.id)/participation", as: cop.member)
        #expect(cells(stricter, "by_country") == ["none": 5, "KE": nil, "NG": nil, "GH": nil])
        #expect(cells(stricter, "by_region").values.filter { $0 == nil }.count >= 2)

        for person in [cop.outsider, cop.applicant] {
            #expect(try cop.send("GET", "/v1/communities/\(cop.id)/participation", as: person).status == 404)
        }
        #expect(try server.send("GET", "/v1/communities/\(cop.id)/participation", token: cop.admin).status == 404)
    }
}
