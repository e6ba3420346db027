import Foundation

/// Strong ETags from a row version, and the conditional-request rules built on them.
public enum EntityTag {
    /// `"<id>.<version>"`: changes whenever the row's version does.
    public static func make(id: String, version: Int64) -> String {
        "\"\(id).\(version)\""
    }

    /// True when `If-None-Match` names the current tag (or `*`): answer 304.
    public static func isNotModified(_ request: Request, current: String) -> Bool {
        guard let header = request.headers["If-None-Match"] else { return false }
        return matches(header, current)
    }

    /// For updates: 428 without `If-Match`, 412 when it names another version.
    public static func requireMatch(_ request: Request, current: String) throws {
        guard let header = request.headers["If-Match"] else { throw Problem.preconditionRequired() }
        guard matches(header, current) else { throw Problem.preconditionFailed() }
    }

    /// For actions, where `If-Match` is optional: 412 only when sent and stale.
    public static func checkOptionalMatch(_ request: Request, current: String) throws {
        guard let header = request.headers["If-Match"] else { return }
        guard matches(header, current) else { throw Problem.preconditionFailed() }
    }

    /// The 304 answer: no body, the tag repeated.
    public static func notModified(current: String) -> Response {
        Response(status: 304, headers: HTTPHeaders([("ETag", current)]))
    }

    /// Compared weakly (RFC 9110 §8.8.3.2): `W/"x"` names the same version as `"x"`, since a
    /// gzip-encoded answer carries its tag as weak.
    private static func matches(_ header: String, _ current: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || opaque(trimmed) == opaque(current)
        }
    }

    private static func opaque(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
    }
}
