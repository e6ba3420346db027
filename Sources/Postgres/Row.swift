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
    /// PostgreSQL writes a uuid as 36 characters, lower-case hex with four dashes; read here
    /// rather than through `UUID(uuidString:)`, which costs a `sscanf` per value.
    public init?(postgresText text: String) {
        var bytes = [UInt8](repeating: 0, count: 16)
        var count = 0
        var high: UInt8?
        for (offset, character) in text.utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            guard count < 16 else { return nil }
            if let first = high {
                bytes[count] = first << 4 | nibble
                count += 1
                high = nil
            } else {
                high = nibble
            }
        }
        guard count == 16, high == nil, text.utf8.count == 36 else { return nil }
        self.init(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
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
    /// Read byte by byte: the delimiters are ASCII, which no byte of a multi-byte UTF-8
    /// character can be, so no element is cut inside a character.
    static func parse(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        var elements: [String] = []
        var current: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        var index = 1
        func finish() {
            if wasQuoted || current != Array("NULL".utf8) { elements.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while index < bytes.count - 1 {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count - 1 {
                    current.append(bytes[index + 1])
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    quoted = false
                } else {
                    current.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
                wasQuoted = true
            } else if byte == UInt8(ascii: ",") {
                finish()
            } else {
                current.append(byte)
            }
            index += 1
        }
        if bytes.count > 2 { finish() }
        return elements
    }
}
