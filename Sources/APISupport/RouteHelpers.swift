import AccessControl
import Crypto
import Foundation
import HTTP

// What every route module's handlers share: the signed-in caller, ids, ETags and the shapes of
// created, read and changed answers.

/// A handler that needs a signed-in caller (401 otherwise). With an action, the policy is
/// checked before the body is read, so that an invalid body never answers before a refusal.
public func signedIn(
    _ action: (@Sendable (Request) throws -> Policy.Action)? = nil,
    _ handler: @escaping @Sendable (Request, Caller) throws -> Response
) -> Handler {
    { request in
        guard let caller = request.principal as? Caller else { throw AccessError.unauthenticated }
        if let action { try Policy.authorize(caller, try action(request)) }
        return try handler(request, caller)
    }
}

/// A UUID path parameter (`{id:uuid}` unless named otherwise).
public func id(_ request: Request, _ name: String = "id") throws -> UUID {
    guard let text = request.parameters[name], let id = UUID(uuidString: text) else { throw Problem.notFound() }
    return id
}

/// The optional body of an action: a JSON object when sent, the defaults when empty.
public func actionBody<Body: RequestBody>(_ type: Body.Type, _ request: Request, empty: Body) throws -> Body {
    request.body.isEmpty ? empty : try JSONCoding.decode(type, from: request)
}

public func origin(_ request: Request) -> RequestOrigin {
    RequestOrigin(requestID: request.id, address: request.clientAddress)
}

public func tag(_ id: UUID, _ version: Int64) -> String {
    EntityTag.make(id: id.lowercasedString, version: version)
}

/// An action's optional `If-Match` against the version of resource `id` (412 when stale).
public func optionalMatch(_ request: Request, _ id: UUID) -> (Int64) throws -> Void {
    { try EntityTag.checkOptionalMatch(request, current: tag(id, $0)) }
}

public func created<Body: Encodable>(_ body: Body, at location: String, tag: String) throws -> Response {
    var response = try Response.json(body, status: 201)
    response.headers.add("Location", location)
    response.headers.add("ETag", tag)
    return response
}

/// A single resource with its ETag, or 304 when the client holds the current version.
public func single<Body: Encodable>(_ body: Body, tag: String, _ request: Request) throws -> Response {
    if EntityTag.isNotModified(request, current: tag) { return EntityTag.notModified(current: tag) }
    var response = try Response.json(body)
    response.headers.add("ETag", tag)
    return response
}

/// The answer to a change: the new state and its ETag (never 304, whatever If-None-Match says).
public func changed<Body: Encodable>(_ body: Body, tag: String) throws -> Response {
    var response = try Response.json(body)
    response.headers.add("ETag", tag)
    return response
}

/// An answer that carries a secret: never cached, never stored for idempotent replay.
public func secret<Body: Encodable>(_ body: Body) throws -> Response {
    var response = try Response.json(body, status: 201)
    response.headers.add("Cache-Control", "no-store")
    return response
}
