import Foundation

/// A fully received HTTP request. The body is complete and within the size cap.
public struct Request: Sendable {
    public var method: String
    /// The path as sent (percent-encoded), without the query string.
    public var path: String
    /// The path's decoded segments; nil when one is not UTF-8 text or holds a NUL.
    public var pathSegments: [String]?
    /// Query parameters in order; a repeated name appears once per occurrence.
    public var query: [(name: String, value: String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The address of the immediate peer, or the client named by a trusted proxy.
    public var clientAddress: String
    /// The address of the immediate peer, whatever a proxy says.
    public let peerAddress: String
    public var id: String
    /// Values captured by the route pattern, set by the router.
    public var parameters: [String: String] = [:]
    /// The route template that matched (`/v1/communities/{id}`), set by the router.
    public var route: String?
    /// Set when a query name or value is not UTF-8 text or holds a NUL: answered 400.
    public var queryIsMalformed = false
    /// Set when a header field name holds whitespace (`Name : value`): answered 400.
    public var headersAreMalformed = false
    /// Who is calling, as the application identified them; this layer never reads it.
    public var principal: (any Sendable)?

    public init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], clientAddress: String = "",
        id: String = ""
    ) {
        self.method = method
        self.path = path
        self.pathSegments = PercentEncoding.segments(of: path)
        self.query = query
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.peerAddress = clientAddress
        self.id = id
    }

    /// The value of a parameter that takes one: given twice, it is refused (400) rather than
    /// read one way here and another by a cache or proxy.
    public func queryValue(_ name: String) throws -> String? {
        let values = queryValues(name)
        guard values.count <= 1 else {
            throw Problem.malformed("\(name) takes one value; it was given \(values.count).")
        }
        return values.first
    }

    /// Every value of a repeated parameter, in order (a repeated filter means OR).
    public func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }
}
