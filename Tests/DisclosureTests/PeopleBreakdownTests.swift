import Disclosure
import TestSupport
import Testing

@Suite struct PeopleBreakdownTests {
    private func people(_ count: Int, _ country: String?, kind: String? = nil, sector: String? = nil)
        -> PeopleBreakdown.Group
    {
        PeopleBreakdown.Group(sector: sector, country: country, kind: kind, count: count)
    }

    private func count(_ cells: [PeopleBreakdown.Cell], _ value: String?) -> Int?? {
        cells.first { $0.value == value }.map(\.count)
    }

    /// Total 22, France 8 and Eastern Africa 13 published side by side give Brazil = 1.
    @Test func aCountryIsNotRecoveredFromTheTotalAndTheRegions() {
        let groups = [people(3, "KE"), people(10, "UG"), people(8, "FR"), people(1, "BR")]
        let naive = PeopleBreakdown(groups, minimum: 1)
        var primaryOnly = naive
        primaryOnly.byCountry = naive.byCountry.map { $0.count! < 3 ? .init(value: $0.value, count: nil) : $0 }
        primaryOnly.byRegion = naive.byRegion.map { $0.count! < 3 ? .init(value: $0.value, count: nil) : $0 }
        #expect(primaryOnly.total == 22 && count(primaryOnly.byCountry, "BR") == .some(nil))
        #expect(Adversary(primaryOnly).leaks(minimum: 3).contains { $0.hasPrefix("country BR ∈ [1]") })

        let release = PeopleBreakdown(groups, minimum: 3)
        #expect(Adversary(release).leaks(minimum: 3) == [])
        #expect(count(release.byCountry, "BR") == .some(nil) && count(release.byRegion, "South America") == .some(nil))
    }

    /// The sectors add up to the government kind: two small sectors are not recovered from it.
    @Test func smallSectorsAreNotRecoveredFromTheGovernmentKind() {
        let groups = [
            people(6, "KE", kind: "government", sector: "education"),
            people(1, "KE", kind: "government", sector: "finance"),
            people(1, "KE", kind: "government", sector: "ict"),
            people(5, "KE", kind: "academic"), people(4, "KE"),
        ]
        var primaryOnly = PeopleBreakdown(groups, minimum: 1)
        primaryOnly.bySector = primaryOnly.bySector.map { $0.count! < 3 ? .init(value: $0.value, count: nil) : $0 }
        #expect(count(primaryOnly.byOrganisationKind, "government") == 8)
        #expect(!Adversary(primaryOnly).leaks(minimum: 3).isEmpty)

        let release = PeopleBreakdown(groups, minimum: 3)
        #expect(Adversary(release).leaks(minimum: 3) == [])
        #expect(count(release.bySector, "finance") == .some(nil) && count(release.bySector, "ict") == .some(nil))
        #expect(
            count(release.bySector, "education") == .some(nil)
                || count(release.byOrganisationKind, "government") == .some(nil))
    }

    @Test func underTheMinimumNothingIsPublished() {
        let release = PeopleBreakdown([people(2, "KE"), people(1, "FR")], minimum: 5)
        #expect(release.total == nil)
        #expect(
            (release.byCountry + release.byRegion + release.bySector + release.byOrganisationKind).allSatisfy {
                $0.count == nil
            })
    }

    /// Nobody counted: a total of 0 (no one to identify) with empty lists, at any minimum.
    @Test func anEmptyPopulationIsAZero() {
        for minimum in [1, 3, 10] {
            let release = PeopleBreakdown([], minimum: minimum)
            #expect(release.total == 0)
            #expect((release.byCountry + release.byRegion + release.bySector + release.byOrganisationKind).isEmpty)
        }
    }

    /// Thousands of small communities: no suppressed cell is ever narrowed down to a small count,
    /// every small cell is suppressed, and the true counts are among those the reader finds possible.
    @Test func noReleaseLeaksToAReaderWhoSolvesThePublishedNumbers() {
        var random = SplitMix(seed: 0x5eed)
        let countries: [String?] = ["KE", "UG", "TZ", "NG", "GH", "FR", "DE", "BR", "AR", "XK", nil]
        let kinds: [String?] = ["government", "academic", "vendor", "practitioner", nil]
        let sectors = ["education", "finance", "ict", "planning"]
        var leaks: [String] = []
        for _ in 0..<3000 {
            let minimum = Int.random(in: 2...6, using: &random)
            let size = Int.random(in: 1...60, using: &random)
            let countryPool = countries.shuffled(using: &random).prefix(
                Int.random(in: 1...countries.count, using: &random))
            var groups: [PeopleBreakdown.Group] = []
            for _ in 0..<size {
                let kind = kinds.randomElement(using: &random)!
                let sector = kind == "government" ? sectors.randomElement(using: &random)! : nil
                groups.append(people(1, countryPool.randomElement(using: &random)!, kind: kind, sector: sector))
            }
            let release = PeopleBreakdown(groups, minimum: minimum)
            let adversary = Adversary(release)
            let found = adversary.leaks(minimum: minimum)
            if !found.isEmpty {
                leaks.append(
                    "minimum \(minimum), \(groups.map { "\($0.country ?? "-")/\($0.kind ?? "-")/\($0.sector ?? "-")" }): \(found)"
                )
            }
            let truth = PeopleBreakdown(groups, minimum: 1)
            for (published, exact) in zip(release.byCountry, truth.byCountry) {
                #expect(published.count == nil || published.count! >= minimum)
                if published.count == nil {
                    #expect(adversary.allows("country \(exact.value ?? "none")", exact.count!))
                }
            }
            if leaks.count > 3 { break }
        }
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
    }
}
