import Foundation

/// An RFC 9457 problem: the only shape an error takes on the wire.
public struct Problem: Error, Sendable, Equatable {
    public struct FieldError: Sendable, Equatable, Codable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// The last segment of the stable type URI (`validation` → `https://praxis.dev/problems/validation`).
    public var kind: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var errors: [FieldError]
    /// Extra members for particular kinds, such as `required_scope`.
    public var extensions: [String: String]
    /// Headers the answer needs (`Allow`, `Retry-After`, `WWW-Authenticate`).
    public var headers: [String: String]

    public init(
        kind: String, title: String, status: Int, detail: String? = nil, errors: [FieldError] = [],
        extensions: [String: String] = [:], headers: [String: String] = [:]
    ) {
        self.kind = kind
        self.title = title
        self.status = status
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
        self.headers = headers
    }

    public static let typeBase = "https://praxis.dev/problems/"
    public var type: String { Problem.typeBase + kind }

    public func response(instance: String, requestID: String) -> Response {
        let body = (try? JSONCoding.encode(Members(problem: self, instance: instance, requestID: requestID))) ?? []
        var response = Response(status: status, body: body)
        response.headers.add("Content-Type", "application/problem+json")
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { response.headers.add(name, value) }
        return response
    }
}

extension Problem {
    /// The members as written: the fixed ones and `extensions` side by side (an extension of the
    /// same name wins). Typed, not `[String: Any]` through JSONSerialization: error answers (401,
    /// 404, 429) are the ones scanners make by the thousand.
    private struct Members: Encodable {
        let problem: Problem
        let instance: String
        let requestID: String

        struct Key: CodingKey {
            let stringValue: String
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.init(stringValue) }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            func fixed<Value: Encodable>(_ name: String, _ value: Value) throws {
                if problem.extensions[name] == nil { try container.encode(value, forKey: Key(name)) }
            }
            try fixed("type", problem.type)
            try fixed("title", problem.title)
            try fixed("status", problem.status)
            try fixed("instance", instance)
            try fixed("request_id", requestID)
            if let detail = problem.detail { try fixed("detail", detail) }
            if !problem.errors.isEmpty { try fixed("errors", problem.errors) }
            for (name, value) in problem.extensions { try container.encode(value, forKey: Key(name)) }
        }
    }
}

/// An error that knows which problem it is. Anything else that escapes a handler becomes a 500.
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}

extension Problem {
    public static func notFound() -> Problem {
        Problem(
            kind: "not-found", title: "Not found", status: 404,
            detail: "There is no resource at this address, or you may not see it.")
    }

    public static func methodNotAllowed(allowed: [String]) -> Problem {
        Problem(
            kind: "method-not-allowed", title: "Method not allowed", status: 405,
            detail: "This resource answers \(allowed.joined(separator: ", ")).",
            headers: ["Allow": allowed.joined(separator: ", ")])
    }

    public static func malformed(_ detail: String) -> Problem {
        Problem(kind: "malformed-request", title: "Malformed request", status: 400, detail: detail)
    }

    public static func validation(_ errors: [FieldError]) -> Problem {
        Problem(
            kind: "validation", title: "Invalid values", status: 422,
            detail: "One or more fields are invalid.", errors: errors)
    }

    public static func validation(field: String, _ message: String) -> Problem {
        validation([FieldError(field: field, message: message)])
    }

    public static func payloadTooLarge(limit: Int) -> Problem {
        Problem(
            kind: "payload-too-large", title: "Payload too large", status: 413,
            detail: "The request body exceeds \(limit) bytes.")
    }

    /// A body of another media type than `expected` (named in the detail).
    public static func unsupportedMediaType(expected: String = "application/json") -> Problem {
        Problem(
            kind: "unsupported-media-type", title: "Unsupported media type", status: 415,
            detail: "Send the body as \(expected).")
    }

    public static func conflict(kind: String = "conflict", _ detail: String) -> Problem {
        Problem(kind: kind, title: "Conflict", status: 409, detail: detail)
    }

    /// Visible, but not for this caller to do.
    public static func forbidden(kind: String, _ detail: String) -> Problem {
        Problem(kind: kind, title: "Forbidden", status: 403, detail: detail)
    }

    public static func preconditionFailed() -> Problem {
        Problem(
            kind: "precondition-failed", title: "Precondition failed", status: 412,
            detail: "The resource changed since the version named in If-Match. Fetch it again.")
    }

    public static func preconditionRequired() -> Problem {
        Problem(
            kind: "precondition-required", title: "Precondition required", status: 428,
            detail: "Send If-Match with the resource's ETag (or *) to change it.")
    }

    public static func tooManyRequests(retryAfter: Int) -> Problem {
        Problem(
            kind: "rate-limited", title: "Too many requests", status: 429,
            detail: "Slow down; try again in \(retryAfter) \(retryAfter == 1 ? "second" : "seconds").",
            headers: ["Retry-After": String(retryAfter)])
    }

    public static func unavailable(retryAfter: Int) -> Problem {
        Problem(
            kind: "unavailable", title: "Service unavailable", status: 503,
            detail: "The database cannot be reached right now.",
            headers: ["Retry-After": String(retryAfter)])
    }

    public static func internalError() -> Problem {
        Problem(
            kind: "internal", title: "Internal error", status: 500,
            detail: "Something went wrong on our side. Quote the request id when reporting it.")
    }
}
