import Foundation

/// A request body whose members are its coding keys: a member it does not name answers 422
/// (rather than being ignored), so the list of what a body accepts is written once.
public protocol RequestBody: Decodable {
    associatedtype CodingKeys: CodingKey & CaseIterable
    static var allowedKeys: Set<String> { get }
}

extension RequestBody {
    public static var allowedKeys: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }
}

/// JSON in and out: the checks every request body passes before decoding, and the one encoder.
public enum JSONCoding {
    public static let maximumDepth = 32

    public static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        try SortedJSONEncoder().encode(value)
    }

    /// Decodes a request body that accepts its coding keys and no other member.
    public static func decode<Value: RequestBody>(_ type: Value.Type, from request: Request) throws -> Value {
        try decode(type, from: request, allowedKeys: Value.allowedKeys)
    }

    /// Decodes a request body. Malformed JSON, bad UTF-8, NUL characters and deep nesting answer 400;
    /// a well-formed body with wrong or missing values answers 422 naming the field;
    /// a member outside `allowedKeys` (when given) answers 422 too.
    public static func decode<Value: Decodable>(
        _ type: Value.Type, from request: Request, allowedKeys: Set<String>? = nil
    ) throws -> Value {
        try requireJSONContentType(request)
        let body = request.body
        guard !body.isEmpty else { throw Problem.malformed("A JSON body is required.") }
        try checkStructure(body)
        let data = Data(body)
        if let allowedKeys {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw Problem.validation(field: "", "The body must be a JSON object.")
            }
            let unknown = object.keys.filter { !allowedKeys.contains($0) }.sorted()
            if !unknown.isEmpty {
                throw Problem.validation(
                    unknown.map { .init(field: $0, message: "is not a field that can be set here") })
            }
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "must be an RFC 3339 time such as 2026-01-31T09:00:00.000Z")
            }
            return date
        }
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw Problem.validation([fieldError(error)])
        } catch {
            throw Problem.malformed("The body is not valid JSON.")
        }
    }

    public static func requireJSONContentType(_ request: Request) throws {
        guard !request.body.isEmpty else { return }
        let mediaType =
            (request.headers["Content-Type"] ?? "")
            .split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            ?? ""
        guard mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
        else { throw Problem.unsupportedMediaType() }
    }

    /// One pass over the bytes: valid UTF-8, no NUL (raw or escaped), nesting within `maximumDepth`,
    /// and well-formed JSON. Foundation's parser accepts some of these, PostgreSQL would not.
    public static func checkStructure(_ body: [UInt8]) throws {
        guard String(validating: body, as: UTF8.self) != nil else {
            throw Problem.malformed("The body is not valid UTF-8.")
        }
        // One frame per open object or array: an object's member names, to refuse a repeated one
        // (I-JSON, RFC 7493: which of two values would count is anyone's guess).
        struct Frame {
            let isObject: Bool
            var expectingName = true
            var names: Set<String> = []
        }
        var frames: [Frame] = []
        var stringStart: Int?
        var index = 0
        while index < body.count {
            let byte = body[index]
            if byte == 0 { throw Problem.malformed("NUL characters are not accepted.") }
            if let start = stringStart {
                if byte == UInt8(ascii: "\\") {
                    if index + 5 < body.count, body[index + 1] == UInt8(ascii: "u"),
                        body[(index + 2)...(index + 5)].elementsEqual(Array("0000".utf8))
                    {
                        throw Problem.malformed("NUL characters are not accepted.")
                    }
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    stringStart = nil
                    if let last = frames.indices.last, frames[last].isObject, frames[last].expectingName {
                        frames[last].expectingName = false
                        let name =
                            (try? JSONSerialization.jsonObject(
                                with: Data(body[start...index]), options: [.fragmentsAllowed])) as? String
                        if let name, !frames[last].names.insert(name).inserted {
                            throw Problem.malformed("The member \(name) appears twice in one object.")
                        }
                    }
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): stringStart = index
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    frames.append(Frame(isObject: byte == UInt8(ascii: "{")))
                    if frames.count > maximumDepth {
                        throw Problem.malformed("JSON nested deeper than \(maximumDepth) levels is not accepted.")
                    }
                case UInt8(ascii: "]"), UInt8(ascii: "}"): _ = frames.popLast()
                case UInt8(ascii: ","): if let last = frames.indices.last { frames[last].expectingName = true }
                default: break
                }
            }
            index += 1
        }
        guard (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) != nil else {
            throw Problem.malformed("The body is not valid JSON.")
        }
    }

    private static func fieldError(_ error: DecodingError) -> Problem.FieldError {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .init(field: path(context.codingPath + [key]), message: "is required")
        case .typeMismatch(let type, let context):
            return .init(field: path(context.codingPath), message: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return .init(field: path(context.codingPath), message: "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            // Our own decoders say what they want ("must be ..."); Foundation's words are not for clients.
            let said = context.debugDescription
            let message =
                said.hasPrefix("must be")
                ? said
                : said.contains("UUID")
                    ? "must be a UUID"
                    : said.contains("number") ? "must be a whole number within range" : "is not a valid value"
            return .init(field: path(context.codingPath), message: message)
        @unknown default:
            return .init(field: "", message: "is invalid")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "an array"
        default: return "a value of another type"
        }
    }
}

/// Any member name, to read the names a nested object holds.
struct MemberName: CodingKey {
    let stringValue: String
    let intValue: Int? = nil
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension JSONCoding {
    /// For a nested object of a request body, inside its `init(from:)`: a member outside `keys`
    /// answers 422 naming it, as the top level's do.
    public static func refuseUnknownMembers<Key: CodingKey & CaseIterable>(of decoder: any Decoder, _ keys: Key.Type)
        throws
    {
        let container = try decoder.container(keyedBy: MemberName.self)
        let allowed = Set(Key.allCases.map(\.stringValue))
        if let unknown = container.allKeys.first(where: { !allowed.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: container,
                debugDescription: "must be left out: it is not a field that can be set here")
        }
    }
}
