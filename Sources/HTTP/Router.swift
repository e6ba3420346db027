import Foundation

public typealias Handler = @Sendable (Request) throws -> Response

/// Method + path pattern routing. Patterns name typed parameters: `{id:uuid}`, `{version:int}`,
/// `{slug}` (any one segment). A value that does not fit its type is treated as an unknown path (404).
public struct Router: Sendable {
    public struct Route: Sendable {
        public let method: String
        /// The pattern as written, types included.
        public let pattern: String
        /// The pattern without types, as OpenAPI and metrics name it (`/v1/communities/{id}`).
        public let template: String
        /// Whether its handler may block (on the database, a password hash). In the
        /// suspend-resume mode only such requests wait for a worker; the others are answered on
        /// the I/O thread at once.
        public let waits: Bool
        fileprivate let segments: [Segment]
        fileprivate let handler: Handler
    }

    public enum Match: Sendable {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    fileprivate enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(name: String, type: ParameterType)
    }

    fileprivate enum ParameterType: String, Sendable {
        case uuid, int, string

        func accepts(_ value: String) -> Bool {
            switch self {
            case .uuid: return value.count == 36 && UUID(uuidString: value) != nil
            case .int:
                return !value.isEmpty && value.count <= 9 && value.allSatisfy(\.isASCII) && Int(value) != nil
                    && !value.hasPrefix("-") && !value.hasPrefix("+")
            case .string: return !value.isEmpty
            }
        }
    }

    public private(set) var routes: [Route] = []
    /// Positions in `routes` by path length and first two literal segments, in the order added,
    /// so that a request is matched against the few routes of its shape rather than all of them.
    private var positions: [Shape: [Int]] = [:]

    private struct Shape: Hashable {
        var length: Int
        /// The first two segments when both are literals (`v1`, `communities`), else nil.
        var prefix: [String]?
    }

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, waits: Bool = true, _ handler: @escaping Handler) {
        let segments = Router.split(pattern).map { part -> Segment in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return .literal(part) }
            let inner = part.dropFirst().dropLast().split(separator: ":", maxSplits: 1).map(String.init)
            let type = inner.count == 2 ? ParameterType(rawValue: inner[1]) : .string
            precondition(type != nil, "unknown parameter type in route pattern \(pattern)")
            return .parameter(name: inner[0], type: type!)
        }
        let template =
            "/"
            + segments.map { segment -> String in
                switch segment {
                case .literal(let text): return text
                case .parameter(let name, _): return "{\(name)}"
                }
            }.joined(separator: "/")
        precondition(
            !routes.contains { $0.method == method && $0.segments == segments }, "duplicate route \(method) \(pattern)")
        let literals = segments.prefix(2).compactMap { segment -> String? in
            if case .literal(let text) = segment { return text }
            return nil
        }
        let shape = Shape(length: segments.count, prefix: literals.count == min(2, segments.count) ? literals : nil)
        positions[shape, default: []].append(routes.count)
        routes.append(
            Route(
                method: method, pattern: pattern, template: template, waits: waits, segments: segments,
                handler: handler))
    }

    /// Matches a raw (still percent-encoded) path; a path that does not decode to text is unknown.
    public func match(method: String, path: String) -> Match {
        guard let segments = PercentEncoding.segments(of: path) else { return .notFound }
        return match(method: method, segments: segments)
    }

    /// Matches decoded path segments.
    public func match(method: String, segments parts: [String]) -> Match {
        var allowed: [String] = []
        let exact = positions[Shape(length: parts.count, prefix: Array(parts.prefix(2)))] ?? []
        let parameterised = positions[Shape(length: parts.count, prefix: nil)] ?? []
        for position in parameterised.isEmpty ? exact : (exact + parameterised).sorted() {
            let route = routes[position]
            guard let parameters = route.bind(parts) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route, parameters: parameters)
            }
            allowed.append(route.method)
        }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET") { allowed.append("HEAD") }
        allowed.append("OPTIONS")
        return .methodNotAllowed(allowed: Array(Set(allowed)).sorted())
    }

    /// The methods a path answers, or nil for an unknown path.
    public func allowedMethods(segments: [String]) -> [String]? {
        if case .methodNotAllowed(let allowed) = match(method: "OPTIONS", segments: segments) { return allowed }
        return nil
    }

    private static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}

extension Router.Route {
    fileprivate func bind(_ parts: [String]) -> [String: String]? {
        guard parts.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                guard text == part else { return nil }
            case .parameter(let name, let type):
                guard type.accepts(part) else { return nil }
                parameters[name] = type == .uuid ? part.lowercased() : part
            }
        }
        return parameters
    }

    public func handle(_ request: Request) throws -> Response {
        try handler(request)
    }
}
