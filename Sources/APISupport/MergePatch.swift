import Foundation
import HTTP

/// A JSON Merge Patch (RFC 7396) body: a member left out changes nothing, `null` clears.
public struct MergePatch {
    private let members: [String: Any]

    public init(_ request: Request, allowedKeys: Set<String>) throws {
        try JSONCoding.requireJSONContentType(request)
        guard !request.body.isEmpty else { throw Problem.malformed("A JSON body is required.") }
        try JSONCoding.checkStructure(request.body)
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
            throw Problem.validation(field: "", "The body must be a JSON object.")
        }
        let unknown = object.keys.filter { !allowedKeys.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw Problem.validation(unknown.map { .init(field: $0, message: "is not a field that can be set here") })
        }
        members = object
    }

    /// A member that cannot be cleared: absent → nil; null or another type → 422.
    public func string(_ name: String) throws -> String? {
        guard let value = members[name] else { return nil }
        guard let text = value as? String else { throw Problem.validation(field: name, "must be a string") }
        return text
    }

    public func bool(_ name: String) throws -> Bool? {
        guard let value = members[name] else { return nil }
        // Numbers bridge to Bool too; only JSON true and false have the `c` (char) encoding.
        guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else {
            throw Problem.validation(field: name, "must be true or false")
        }
        return number.boolValue
    }

    public func integer(_ name: String) throws -> Int? {
        guard let value = members[name] else { return nil }
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
            let integer = Int(exactly: number.doubleValue)
        else { throw Problem.validation(field: name, "must be an integer") }
        return integer
    }

    /// An RFC 3339 time (`Timestamp.parse`): absent → nil; anything else → 422.
    public func time(_ name: String) throws -> Date? {
        try string(name).map {
            guard let date = Timestamp.parse($0) else {
                throw Problem.validation(field: name, "must be an RFC 3339 time")
            }
            return date
        }
    }

    public func strings(_ name: String) throws -> [String]? {
        guard let value = members[name] else { return nil }
        guard let texts = value as? [String] else {
            throw Problem.validation(field: name, "must be an array of strings")
        }
        return texts
    }

    /// A member of a structured type (an array of objects, say): absent → nil; null, or a value
    /// that is not a `Value`, → 422.
    public func decoded<Value: Decodable>(_ name: String, as type: Value.Type) throws -> Value? {
        guard let member = members[name] else { return nil }
        guard !(member is NSNull),
            let data = try? JSONSerialization.data(withJSONObject: member, options: .fragmentsAllowed),
            let value = try? JSONDecoder().decode(Value.self, from: data)
        else { throw Problem.validation(field: name, "has the wrong shape") }
        return value
    }

    /// A member that can be cleared: absent → nil, null → `.some(nil)`, else the converted value.
    public func nullable<Value>(_ name: String, _ convert: (Any) -> Value?) throws -> Value?? {
        guard let value = members[name] else { return nil }
        if value is NSNull { return .some(nil) }
        guard let converted = convert(value) else {
            throw Problem.validation(field: name, "has the wrong type or format")
        }
        return .some(converted)
    }
}
