import Foundation

/// One result row, copied out of libpq: text values read by column name, NULL as nil. A name
/// the statement does not return, or returns twice, is an error rather than a guess, so that a
/// column added to a statement can never shift what another one reads.
public struct Row: Sendable {
    let columns: ColumnNames
    let values: [String?]

    /// The value of `column`, decoded as the type the caller asks for (an `Optional` reads NULL as nil).
    public subscript<Value: PostgresDecodable>(_ column: String) -> Value {
        get throws { try Value.decode(values[columns.index(of: column)], column: column) }
    }

    /// The text of a `json`/`jsonb` column as bytes, for passing straight to a response.
    public func json(_ column: String) throws -> [UInt8] {
        Array((try self[column] as String).utf8)
    }
}

/// The names of a result's columns, shared by its rows.
final class ColumnNames: Sendable {
    private let positions: [String: Int]
    private let repeated: Set<String>

    init(_ names: [String]) {
        var positions: [String: Int] = [:]
        var repeated: Set<String> = []
        for (index, name) in names.enumerated() where positions.updateValue(index, forKey: name) != nil {
            repeated.insert(name)
        }
        self.positions = positions
        self.repeated = repeated
    }

    func index(of column: String) throws -> Int {
        guard !repeated.contains(column) else { throw RowDecodingError.ambiguousColumn(column) }
        guard let index = positions[column] else { throw RowDecodingError.missingColumn(column) }
        return index
    }
}

/// A Swift value read from PostgreSQL's text format.
public protocol PostgresDecodable {
    static func decode(_ text: String?, column: String) throws -> Self
}

/// Values parsed from non-NULL text.
public protocol PostgresTextDecodable: PostgresDecodable {
    init?(postgresText text: String)
}

extension PostgresTextDecodable {
    public static func decode(_ text: String?, column: String) throws -> Self {
        guard let text else { throw RowDecodingError.unexpectedNull(column: column) }
        guard let value = Self(postgresText: text) else { throw RowDecodingError.badValue(column: column) }
        return value
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(_ text: String?, column: String) throws -> Self {
        guard let text else { return nil }
        return try Wrapped.decode(text, column: column)
    }
}

extension String: PostgresTextDecodable {
    public init?(postgresText text: String) { self = text }
}

extension Int: PostgresTextDecodable {
    public init?(postgresText text: String) { self.init(text) }
}

extension Int64: PostgresTextDecodable {
    public init?(postgresText text: String) { self.init(text) }
}

extension Double: PostgresTextDecodable {
    public init?(postgresText text: String) { self.init(text) }
}

extension Bool: PostgresTextDecodable {
    public init?(postgresText text: String) {
        switch text {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}

extension UUID: PostgresTextDecodable {
    public init?(postgresText text: String) { self.init(uuidString: text) }
}

extension Date: PostgresTextDecodable {
    public init?(postgresText text: String) {
        guard let date = PostgresTime.parse(text) else { return nil }
        self = date
    }
}

/// A one-dimensional array (`{a,"b c",NULL}`); NULL elements are dropped.
extension Array: PostgresDecodable, PostgresTextDecodable where Element: PostgresTextDecodable {
    public init?(postgresText text: String) {
        guard let elements = ArrayLiteral.parse(text) else { return nil }
        var values: [Element] = []
        for element in elements {
            guard let value = Element(postgresText: element) else { return nil }
            values.append(value)
        }
        self = values
    }
}

/// A text column holding one of an enumeration's raw values: conform the enumeration to read it.
extension PostgresTextDecodable where Self: RawRepresentable, RawValue == String {
    public init?(postgresText text: String) { self.init(rawValue: text) }
}

public enum RowDecodingError: Error, CustomStringConvertible {
    case unexpectedNull(column: String)
    case badValue(column: String)
    case missingColumn(String)
    case ambiguousColumn(String)
    case noRow
    public var description: String {
        switch self {
        case .unexpectedNull(let column): return "column \(column) is unexpectedly NULL"
        case .badValue(let column): return "column \(column) holds a value of another type"
        case .missingColumn(let column): return "the statement returns no column \(column)"
        case .ambiguousColumn(let column): return "the statement returns column \(column) more than once"
        case .noRow: return "the statement returned no row"
        }
    }
}

enum ArrayLiteral {
    static func parse(_ text: String) -> [String]? {
        let characters = Array(text)
        guard characters.first == "{", characters.last == "}" else { return nil }
        var elements: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var index = 1
        while index < characters.count - 1 {
            let character = characters[index]
            if quoted {
                if character == "\\", index + 1 < characters.count - 1 {
                    current.append(characters[index + 1])
                    index += 1
                } else if character == "\"" {
                    quoted = false
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
                wasQuoted = true
            } else if character == "," {
                if wasQuoted || current != "NULL" { elements.append(current) }
                current = ""
                wasQuoted = false
            } else {
                current.append(character)
            }
            index += 1
        }
        if characters.count > 2 && (wasQuoted || current != "NULL") { elements.append(current) }
        return elements
    }
}
