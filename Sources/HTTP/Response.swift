import Foundation

public struct Response: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static let jsonContentType = "application/json; charset=utf-8"

    /// A JSON response encoded with the one time format every response uses.
    public static func json<Body: Encodable>(_ value: Body, status: Int = 200) throws -> Response {
        Response(
            status: status, headers: HTTPHeaders([("Content-Type", jsonContentType)]),
            body: try JSONCoding.encode(value))
    }

    /// A JSON response whose body was built elsewhere (for example by PostgreSQL).
    public static func rawJSON(_ bytes: [UInt8], status: Int = 200) -> Response {
        Response(status: status, headers: HTTPHeaders([("Content-Type", jsonContentType)]), body: bytes)
    }

    public static func text(_ text: String, contentType: String, status: Int = 200) -> Response {
        Response(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: Array(text.utf8))
    }

    public static func noContent() -> Response { Response(status: 204) }
}
