import Foundation
import Membership
import TestSupport
import Testing

/// The suppressed cells of one published total are safe when nothing can be recovered by
/// subtraction: two or more, together at least the minimum, more people than cells.
private func safe(_ suppressed: [Int], minimum: Int) -> Bool {
    suppressed.isEmpty
        || (suppressed.count >= 2 && suppressed.reduce(0, +) >= minimum && suppressed.reduce(0, +) > suppressed.count)
}

@Suite struct SmallCellSuppressionTests {
    @Test func noSuppressedCellCanBeRecoveredFromATotal() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let minimum = Int.random(in: 3...6, using: &generator)
            let counts = (0..<Int.random(in: 1...8, using: &generator)).map { _ in
                Int.random(in: 1...12, using: &generator)
            }
            let suppressed = SmallCellSuppression.suppress(counts, minimum: minimum)
            #expect(counts.indices.allSatisfy { counts[$0] >= minimum || suppressed.contains($0) }, "\(counts)")
            // Either safe, or every cell is hidden (then the total is all there is to know).
            #expect(
                safe(suppressed.map { counts[$0] }, minimum: minimum) || suppressed.count == counts.count,
                "\(counts) \(suppressed)")
        }
    }

    @Test func countriesInsidePublishedRegionsAreSafeToo() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let minimum = 3
            let regionCount = Int.random(in: 1...4, using: &generator)
            let countries = (0..<Int.random(in: 1...10, using: &generator)).map { _ in
                Int.random(in: 1...9, using: &generator)
            }
            var regionOf = countries.indices.map { _ in Int.random(in: 0..<regionCount, using: &generator) }
            // Every region holds a country.
            for region in 0..<regionCount where !regionOf.contains(region) { regionOf.append(region) }
            let allCountries = countries + Array(repeating: 1, count: regionOf.count - countries.count)
            let regions = (0..<regionCount).map { region in
                allCountries.indices.filter { regionOf[$0] == region }.map { allCountries[$0] }.reduce(0, +)
            }
            let result = SmallCellSuppression.suppress(
                countries: allCountries, regionOfCountry: regionOf, regions: regions, minimum: minimum,
                totalPublished: true)
            for region in 0..<regionCount where !result.regions.contains(region) {
                let hidden = allCountries.indices.filter { regionOf[$0] == region && result.countries.contains($0) }.map
                { allCountries[$0] }
                #expect(safe(hidden, minimum: minimum), "\(allCountries) \(regionOf) \(result)")
            }
            let hiddenRegions = result.regions.map { regions[$0] }
            #expect(
                safe(hiddenRegions, minimum: minimum) || result.regions.count == regionCount,
                "\(regions) \(result.regions)")
            #expect(allCountries.indices.allSatisfy { allCountries[$0] >= minimum || result.countries.contains($0) })
        }
    }
}

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
        #expect(cells(figures, "by_country") == ["none": 5, "KE": 4, "NG": nil, "GH": nil])
        #expect(cells(figures, "by_region") == ["none": 5, "Eastern Africa": 4, "Western Africa": 3])
        let sectors = cells(figures, "by_sector")
        #expect(sectors["finance"] == .some(nil))
        #expect(sectors.values.filter { $0 == nil }.count == 2, "\(sectors)")
        #expect(cells(figures, "by_organisation_kind") == ["none": 5, "government": 7])

        // A larger minimum hides Kenya too, and Western Africa with it, whose neighbours then cover it.
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
