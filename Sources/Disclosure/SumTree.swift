/// Counts of people published together (one release), with the relations a reader knows between
/// them: each node's count is the sum of the counts of each of its child groups. A breakdown of
/// the total is one group of the root; a hierarchy (countries in a region) is a group of the
/// region; two dimensions linked by a partial sum (sectors adding up to the `government` kind)
/// are a group of the node they add up to. Every node is a listed cell, so it holds at least one
/// person.
public struct SumTree: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var count: Int
        /// Each group's counts add up to this node's count.
        public var groups: [[Int]]
    }

    /// Node 0 is the root (the total); a child's index is always greater than its parent's.
    public private(set) var nodes: [Node]

    public init(total: Int) {
        nodes = [Node(count: total, groups: [])]
    }

    /// Adds a group of cells summing to `parent`; returns their indices in order. No cells is no
    /// relation (a parent of 0 has no listed parts).
    @discardableResult
    public mutating func addGroup(under parent: Int, counts: [Int]) -> [Int] {
        guard !counts.isEmpty else { return [] }
        let indices = Array(nodes.count..<(nodes.count + counts.count))
        nodes += counts.map { Node(count: $0, groups: []) }
        nodes[parent].groups.append(indices)
        return indices
    }

    /// The parent of every node but the root.
    var parents: [Int?] {
        var parents = [Int?](repeating: nil, count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for group in node.groups { for child in group { parents[child] = index } }
        }
        return parents
    }

    /// What a reader can tell about each node from the published counts and the relations alone:
    /// the least and greatest count consistent with them (a published node's own count). Exact
    /// for a tree of sums: a subtree's feasible counts form an interval, so one pass up (what each
    /// subtree allows) and one pass down (what the rest of the tree allows) give every node's range.
    public func feasibleRanges(published: Set<Int>) -> [ClosedRange<Int>] {
        let unbounded = Int.max / 4
        var below = nodes.indices.map { published.contains($0) ? nodes[$0].count...nodes[$0].count : 1...unbounded }
        for index in nodes.indices.reversed() {
            for group in nodes[index].groups {
                let low = group.reduce(0) { $0 + below[$1].lowerBound }
                let high = group.reduce(0) { min(unbounded, $0 + below[$1].upperBound) }
                below[index] = max(below[index].lowerBound, low)...min(below[index].upperBound, high)
            }
        }
        var ranges = below
        for index in nodes.indices {
            for group in nodes[index].groups {
                for child in group {
                    let others = group.filter { $0 != child }
                    let othersLow = others.reduce(0) { $0 + below[$1].lowerBound }
                    let othersHigh = others.reduce(0) { min(unbounded, $0 + below[$1].upperBound) }
                    let parent = ranges[index]
                    let low = othersHigh == unbounded ? 1 : parent.lowerBound - othersHigh
                    let high = parent.upperBound == unbounded ? unbounded : parent.upperBound - othersLow
                    ranges[child] = max(ranges[child].lowerBound, low)...min(ranges[child].upperBound, high)
                }
            }
        }
        return ranges
    }

    /// A suppressed node leaks when it could be small (a feasible count under `minimum`) and the
    /// reader can narrow it to fewer than `minimum` counts, or to small counts only.
    public static func leaks(_ range: ClosedRange<Int>, minimum: Int) -> Bool {
        range.lowerBound < minimum && (range.count < minimum || range.upperBound < minimum)
    }

    /// The suppressed nodes that leak.
    public func leaks(published: Set<Int>, minimum: Int) -> [Int] {
        let ranges = feasibleRanges(published: published)
        return nodes.indices.filter { !published.contains($0) && Self.leaks(ranges[$0], minimum: minimum) }
    }
}
