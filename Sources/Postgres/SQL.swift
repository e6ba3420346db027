import Foundation

/// SQL text with its bound values, built by string interpolation: every interpolated value
/// becomes a bound parameter and its `$n` is numbered for you; an interpolated `SQL` fragment
/// brings its own text and values, renumbered where it lands. Literal text is the only text that
/// reaches the server as SQL, so nothing a caller sends can be spliced into a statement.
///
///     let visible: SQL = "ci.community_id = \(community)"
///     let query: SQL = "SELECT ci.id FROM circles ci WHERE ci.id = \(id) AND \(visible)"
///     // SELECT ci.id FROM circles ci WHERE ci.id = $1 AND ci.community_id = $2
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// How PostgreSQL plans a statement.
    public enum Planning: Sendable, Hashable {
        /// Prepared once per connection on first use (keyed by its text); PostgreSQL may settle
        /// on a generic plan.
        case prepared
        /// Planned for the values of each execution. For statements whose optional filters
        /// (`… IS NULL OR …`) a generic plan cannot simplify away, this is measured to be faster
        /// (`bench/run.sh`, part 4).
        case perExecution
    }

    fileprivate enum Piece: Sendable {
        case text(String)
        /// The position of a value in `bindings`.
        case binding(Int)
    }

    private var pieces: [Piece]
    /// The values in the order of their `$n`.
    public private(set) var bindings: [any PostgresBindable]
    public var planning: Planning = .prepared

    public init(stringLiteral text: String) {
        pieces = [.text(text)]
        bindings = []
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
        bindings = stringInterpolation.bindings
    }

    /// The statement as the server receives it, with `$1`, `$2`, ... in order.
    public var text: String {
        var text = ""
        for piece in pieces {
            switch piece {
            case .text(let literal): text += literal
            case .binding(let index): text += "$\(index + 1)"
            }
        }
        return text
    }

    public var description: String { text }

    /// The same statement, planned for each execution's values.
    public func plannedPerExecution() -> SQL {
        var copy = self
        copy.planning = .perExecution
        return copy
    }

    /// `column > id` for a keyset page after `id`, every row when there is none. One comparison
    /// with a stand-in for "none", not `id IS NULL OR column > id`: a generic plan can then start
    /// its index scan at `id` rather than read every row before it (README, "At scale").
    public static func keyset(_ column: SQL, after id: UUID?) -> SQL {
        "\(column) > coalesce(\(id)::uuid, '00000000-0000-0000-0000-000000000000')"
    }

    /// `column < id` for a keyset page in descending order; every row when there is no `id`.
    public static func keyset(_ column: SQL, before id: UUID?) -> SQL {
        "\(column) < coalesce(\(id)::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff')"
    }

    /// Fragments joined by `separator` (`AND`, `, `), each keeping its values.
    public static func joined(_ fragments: [SQL], separator: String) -> SQL {
        var interpolation = StringInterpolation(literalCapacity: 0, interpolationCount: fragments.count)
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { interpolation.appendLiteral(separator) }
            interpolation.appendInterpolation(fragment)
        }
        return SQL(stringInterpolation: interpolation)
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        fileprivate var pieces: [Piece] = []
        fileprivate var bindings: [any PostgresBindable] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            guard !literal.isEmpty else { return }
            pieces.append(.text(literal))
        }

        /// A value, bound as the next parameter.
        public mutating func appendInterpolation(_ value: some PostgresBindable) {
            pieces.append(.binding(bindings.count))
            bindings.append(value)
        }

        /// An optional value, bound as NULL when nil. Its own overload, so that the compiler does
        /// not warn of an optional interpolated by mistake.
        public mutating func appendInterpolation<Value: PostgresBindable>(_ value: Value?) {
            pieces.append(.binding(bindings.count))
            bindings.append(value)
        }

        /// A fragment: its text in place, its values renumbered after those already here.
        public mutating func appendInterpolation(_ fragment: SQL) {
            let offset = bindings.count
            for piece in fragment.pieces {
                switch piece {
                case .text: pieces.append(piece)
                case .binding(let index): pieces.append(.binding(index + offset))
                }
            }
            bindings.append(contentsOf: fragment.bindings)
        }
    }
}
