/// A named SQL statement with `$n` placeholders, prepared once per connection on first use.
/// Values only ever travel as bound parameters.
public struct Statement: Sendable, Hashable {
    public let name: String
    public let sql: String

    public init(_ name: String, _ sql: String) {
        self.name = name
        self.sql = sql
    }
}
