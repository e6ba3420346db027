/// Hides counts small enough to identify people. A cell under the minimum is suppressed
/// (primary); then, wherever a total is published, more cells are suppressed (secondary,
/// smallest first) until the suppressed cells of that total cannot be told apart by
/// subtraction: at least two of them, together at least the minimum, and more people than
/// cells (each suppressed cell holds at least one person, so if their sum equalled their number,
/// every one of them would be known to be 1).
public enum SmallCellSuppression {
    /// The indices of `counts` to suppress when their total is published.
    public static func suppress(_ counts: [Int], minimum: Int, startingWith initial: Set<Int> = []) -> Set<Int> {
        var suppressed = initial.union(counts.indices.filter { counts[$0] < minimum })
        widen(&suppressed, among: Array(counts.indices), counts: counts, minimum: minimum)
        return suppressed
    }

    /// Countries nested in regions: each published region is a published total of its countries,
    /// and the overall total of both. A region whose suppressed countries cannot be made safe
    /// within it is suppressed itself, and the regions are checked again.
    public static func suppress(
        countries: [Int], regionOfCountry: [Int], regions: [Int], minimum: Int, totalPublished: Bool
    ) -> (countries: Set<Int>, regions: Set<Int>) {
        var countrySuppressed = Set(countries.indices.filter { countries[$0] < minimum })
        var regionSuppressed = Set(regions.indices.filter { regions[$0] < minimum })
        while true {
            let before = (countrySuppressed, regionSuppressed)
            if totalPublished {
                widen(&countrySuppressed, among: Array(countries.indices), counts: countries, minimum: minimum)
                widen(&regionSuppressed, among: Array(regions.indices), counts: regions, minimum: minimum)
            }
            for region in regions.indices where !regionSuppressed.contains(region) {
                let members = countries.indices.filter { regionOfCountry[$0] == region }
                widen(&countrySuppressed, among: members, counts: countries, minimum: minimum)
                if !isSafe(countrySuppressed.intersection(members), counts: countries, minimum: minimum) {
                    regionSuppressed.insert(region)
                }
            }
            if before == (countrySuppressed, regionSuppressed) { return before }
        }
    }

    /// Adds the smallest unsuppressed cells of one published total until its suppressed cells are safe.
    static func widen(_ suppressed: inout Set<Int>, among cells: [Int], counts: [Int], minimum: Int) {
        var candidates = cells.filter { !suppressed.contains($0) }.sorted { (counts[$0], $0) < (counts[$1], $1) }
        while !isSafe(suppressed.intersection(cells), counts: counts, minimum: minimum), !candidates.isEmpty {
            suppressed.insert(candidates.removeFirst())
        }
    }

    static func isSafe(_ suppressed: Set<Int>, counts: [Int], minimum: Int) -> Bool {
        if suppressed.isEmpty { return true }
        let sum = suppressed.reduce(0) { $0 + counts[$1] }
        return suppressed.count >= 2 && sum >= minimum && sum > suppressed.count
    }
}
