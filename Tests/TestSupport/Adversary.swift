import Disclosure

/// A reader who knows only the published lists and how they relate (the total is the sum of the
/// regions and of the organisation kinds; a region the sum of its countries, which M49 lists;
/// `government` the sum of the sectors; the sector "none" the sum of the other kinds) and
/// computes, for every suppressed cell, every count consistent with all of it. Exact: each
/// relation is solved over sets of counts (not ranges), one pass up and one down the relations'
/// tree, counts from 1 to `cap`. Written apart from the server's auditor, so that each checks
/// the other.
public struct Adversary {
    /// Counts above every population the tests draw; a set reaching it is read as unbounded.
    public static let cap = 80

    private struct Variable {
        var label: String
        var known: Int?
        var groups: [[Int]] = []
    }

    private var variables: [Variable] = []

    public init(_ release: PeopleBreakdown) {
        variables.append(Variable(label: "total", known: release.total))
        func add(_ label: String, _ count: Int?) -> Int {
            variables.append(Variable(label: label, known: count))
            return variables.count - 1
        }
        // Geography: regions under the total, countries under their region.
        var regionOf: [String?: Int] = [:]
        var regionGroup: [Int] = []
        for cell in release.byRegion {
            let index = add("region \(cell.value ?? "none")", cell.count)
            regionOf[cell.value] = index
            regionGroup.append(index)
        }
        variables[0].groups.append(regionGroup)
        var countriesOf: [Int: [Int]] = [:]
        for cell in release.byCountry {
            let region = regionOf[cell.value.flatMap(Regions.subregion(ofCountry:))]!
            countriesOf[region, default: []].append(add("country \(cell.value ?? "none")", cell.count))
        }
        for (region, countries) in countriesOf { variables[region].groups.append(countries) }
        // Organisations: kinds under the total; sectors under government; the other kinds under
        // the sector "none".
        var kinds: [String?: Int] = [:]
        for cell in release.byOrganisationKind { kinds[cell.value] = add("kind \(cell.value ?? "none")", cell.count) }
        variables[0].groups.append(Array(kinds.values))
        let sectors = release.bySector.filter { $0.value != nil }.map { add("sector \($0.value!)", $0.count) }
        if let government = kinds[PeopleBreakdown.governmentKind] { variables[government].groups.append(sectors) }
        if let none = release.bySector.first(where: { $0.value == nil }) {
            let noSector = add("sector none", none.count)
            variables[noSector].groups.append(kinds.filter { $0.key != PeopleBreakdown.governmentKind }.map(\.value))
        }
    }

    /// A set of counts as bits (bit n: the count n is possible), each count at least 1.
    private static func domain(_ known: Int?) -> UInt128 {
        if let known { return known <= cap ? 1 << known : 0 }
        return all & ~1
    }

    private static let all: UInt128 = (1 << (cap + 1)) - 1

    /// Every sum of one count from each set.
    private static func sum(_ sets: [UInt128]) -> UInt128 {
        sets.reduce(UInt128(1)) { sums, set in
            (0...cap).reduce(UInt128(0)) { result, count in
                set >> count & 1 == 1 ? result | (sums << count & all) : result
            }
        }
    }

    /// Every count each variable can have, given everything published.
    private func feasibleSets() -> [UInt128] {
        var order: [Int] = []
        func visit(_ index: Int) {
            order.append(index)
            for group in variables[index].groups { for child in group { visit(child) } }
        }
        visit(0)
        // Up: what each variable's own subtree allows.
        var below = variables.map { Self.domain($0.known) }
        for index in order.reversed() {
            for group in variables[index].groups { below[index] &= Self.sum(group.map { below[$0] }) }
        }
        // Down: what the rest allows, given the parent's feasible counts.
        var feasible = below
        for index in order {
            for group in variables[index].groups {
                for child in group {
                    let others = Self.sum(group.filter { $0 != child }.map { below[$0] })
                    feasible[child] = (0...Self.cap).reduce(UInt128(0)) { result, value in
                        below[child] >> value & 1 == 1 && (others << value) & feasible[index] != 0
                            ? result | 1 << value : result
                    }
                }
            }
        }
        return feasible
    }

    /// The suppressed cells the reader narrows down to fewer than `minimum` counts, or to
    /// counts under `minimum` only, while one of them is under `minimum`.
    public func leaks(minimum: Int) -> [String] {
        let sets = feasibleSets()
        return variables.indices.compactMap { index in
            guard variables[index].known == nil else { return nil }
            let values = (0...Self.cap).filter { sets[index] >> $0 & 1 == 1 }
            let unbounded = values.last == Self.cap
            guard let least = values.first, least < minimum else { return nil }
            let narrow = !unbounded && (values.count < minimum || values.last! < minimum)
            return narrow ? "\(variables[index].label) ∈ \(values)" : nil
        }
    }

    /// Whether `count` is among the counts the reader finds possible for the cell `label`.
    public func allows(_ label: String, _ count: Int) -> Bool {
        guard let index = variables.firstIndex(where: { $0.label == label }) else { return false }
        return feasibleSets()[index] >> count & 1 == 1
    }
}
