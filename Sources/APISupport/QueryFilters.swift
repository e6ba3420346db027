import Foundation
import HTTP

// Query parameters read one way everywhere: enumerations, booleans, ids and times.

/// A filter value of a list: one of an enumeration's values, or 400 naming the allowed ones.
public func filter<Value: RawRepresentable & CaseIterable>(_ type: Value.Type, _ request: Request, _ name: String)
    throws
    -> Value?
where Value.RawValue == String {
    guard try request.queryValue(name) != nil else { return nil }
    return try filters(type, request, name).first
}

/// Every value of a repeated filter (OR), each one of an enumeration's values, or 400.
public func filters<Value: RawRepresentable & CaseIterable>(_ type: Value.Type, _ request: Request, _ name: String)
    throws
    -> [Value]
where Value.RawValue == String {
    try request.queryValues(name).map {
        guard let value = Value(rawValue: $0) else {
            throw Problem.malformed("\(name) must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return value
    }
}

/// A filter that is `true` or `false` (false when absent), or 400.
public func boolFilter(_ request: Request, _ name: String) throws -> Bool {
    switch try request.queryValue(name) {
    case nil, "false": return false
    case "true": return true
    default: throw Problem.malformed("\(name) must be true or false.")
    }
}

/// A filter value that must be a UUID, or 400.
public func uuidFilter(_ request: Request, _ name: String) throws -> UUID? {
    guard let text = try request.queryValue(name) else { return nil }
    guard let id = UUID(uuidString: text) else { throw Problem.malformed("\(name) must be a UUID.") }
    return id
}

/// Every value of a repeated filter of ids (OR), each a UUID, or 400.
public func uuidFilters(_ request: Request, _ name: String) throws -> [UUID] {
    try request.queryValues(name).map {
        guard let id = UUID(uuidString: $0) else { throw Problem.malformed("\(name) must be a UUID.") }
        return id
    }
}

/// Every value of a repeated country filter (OR), each an ISO 3166-1 alpha-2 code, or 400.
public func countryFilters(_ request: Request, _ name: String) throws -> [String] {
    try request.queryValues(name).map {
        guard $0.count == 2, $0.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw Problem.malformed("\(name) must be an ISO 3166-1 alpha-2 code such as KE.")
        }
        return $0
    }
}

/// A filter value that must be an RFC 3339 time, or 400.
public func timeFilter(_ request: Request, _ name: String) throws -> Date? {
    guard let text = try request.queryValue(name) else { return nil }
    guard let date = Timestamp.parse(text) else {
        throw Problem.malformed("\(name) must be an RFC 3339 time such as 2026-11-29T17:18:38.120Z.")
    }
    return date
}

/// A value of an enumeration named in a request body, or a 422 that lists the allowed values.
public func choice<Value: RawRepresentable & CaseIterable>(_ type: Value.Type, _ text: String, field: String) throws
    -> Value
where Value.RawValue == String {
    guard let value = Value(rawValue: text) else {
        throw Problem.validation(
            field: field, "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
}
