/// A named SQL statement with `$n` placeholders. Values only ever travel as bound parameters.
public struct Statement: Sendable, Hashable {
    /// How PostgreSQL plans a statement.
    public enum Planning: Sendable, Hashable {
        /// Prepared once per connection on first use; PostgreSQL may settle on a generic plan.
        case prepared
        /// Planned for the values of each execution. For statements whose optional filters
        /// (`$n IS NULL OR ...`) a generic plan cannot simplify away, this is measured to be faster
        /// (`bench/run.sh`, part 4).
        case perExecution
    }

    public let name: String
    public let sql: String
    public let planning: Planning

    public init(_ name: String, _ sql: String, planning: Planning = .prepared) {
        self.name = name
        self.sql = sql
        self.planning = planning
    }
}
