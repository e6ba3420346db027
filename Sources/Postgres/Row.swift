import Foundation

/// One result row, copied out of libpq: text values by column, NULL as nil.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [String?]

    public func isNull(_ index: Int) -> Bool { values[index] == nil }

    public func string(_ index: Int) throws -> String {
        guard let value = values[index] else { throw RowDecodingError.unexpectedNull(column: columns[index]) }
        return value
    }

    public func optionalString(_ index: Int) -> String? { values[index] }

    /// A text column holding one of an enumeration's raw values.
    public func enumeration<Value: RawRepresentable>(_ index: Int) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: try string(index)) else {
            throw RowDecodingError.badValue(column: columns[index])
        }
        return value
    }

    /// The same, NULL as nil.
    public func optionalEnumeration<Value: RawRepresentable>(_ index: Int) throws -> Value?
    where Value.RawValue == String {
        isNull(index) ? nil : try enumeration(index)
    }

    public func int(_ index: Int) throws -> Int {
        try decode(index, Int.init)
    }

    public func int64(_ index: Int) throws -> Int64 {
        try decode(index, Int64.init)
    }

    public func double(_ index: Int) throws -> Double {
        try decode(index, Double.init)
    }

    public func bool(_ index: Int) throws -> Bool {
        try decode(index) { $0 == "t" ? true : $0 == "f" ? false : nil }
    }

    public func uuid(_ index: Int) throws -> UUID {
        try decode(index) { UUID(uuidString: $0) }
    }

    public func date(_ index: Int) throws -> Date {
        try decode(index, PostgresTime.parse)
    }

    public func optionalDate(_ index: Int) throws -> Date? {
        values[index] == nil ? nil : try date(index)
    }

    /// The bytes of a `json`/`jsonb` (or any text) column, for passing straight to a response.
    public func bytes(_ index: Int) throws -> [UInt8] {
        Array(try string(index).utf8)
    }

    /// A one-dimensional text array (`{a,"b c",NULL}`); NULL elements are dropped.
    public func stringArray(_ index: Int) throws -> [String] {
        try decode(index, ArrayLiteral.parse)
    }

    private func decode<Value>(_ index: Int, _ convert: (String) -> Value?) throws -> Value {
        let text = try string(index)
        guard let value = convert(text) else {
            throw RowDecodingError.badValue(column: columns[index])
        }
        return value
    }
}

public enum RowDecodingError: Error, CustomStringConvertible {
    case unexpectedNull(column: String)
    case badValue(column: String)
    public var description: String {
        switch self {
        case .unexpectedNull(let column): return "column \(column) is unexpectedly NULL"
        case .badValue(let column): return "column \(column) holds a value of another type"
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
