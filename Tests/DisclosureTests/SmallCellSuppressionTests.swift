import Disclosure
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
