import Crypto
import Foundation
import HTTP
import Postgres

/// `Idempotency-Key` on POST. The key row is written in the same transaction as the change it
/// records, so that a crash cannot keep one without the other and every instance sees it.
struct Idempotency: Sendable {
    static func lock(_ scope: String) -> SQL {
        "SELECT pg_try_advisory_xact_lock(hashtextextended(\(scope), 0)) AS locked"
    }
    static func find(_ scope: String) -> SQL {
        """
        SELECT request_hash, replayable, status, headers, body FROM idempotency_keys
        WHERE scope = \(scope) AND expires_at > now()
        """
    }
    static func save(
        _ scope: String, requestHash: String, replayable: Bool, status: Int, headers: String, body: String
    ) -> SQL {
        """
        INSERT INTO idempotency_keys (scope, request_hash, replayable, status, headers, body, expires_at)
        VALUES (\(scope), \(requestHash), \(replayable), \(status), \(headers)::jsonb, \(body),
                now() + interval '24 hours')
        ON CONFLICT (scope) DO UPDATE SET
            request_hash = EXCLUDED.request_hash, replayable = EXCLUDED.replayable, status = EXCLUDED.status,
            headers = EXCLUDED.headers, body = EXCLUDED.body, expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at <= now()
        """
    }

    /// The response headers worth replaying; the rest are added anew on every answer.
    static let replayedHeaders = ["Content-Type", "Location", "ETag"]

    let pool: ConnectionPool

    static func key(of request: Request) throws -> String? {
        guard let key = request.headers["Idempotency-Key"] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7e }) else {
            throw Problem.malformed("Idempotency-Key must be 1 to 255 visible ASCII characters.")
        }
        return key
    }

    /// Runs `handle` once per (caller, method, path, query, key); a retry gets the first answer
    /// back. The caller is the credential, or for an anonymous request the client address.
    func run(key: String, caller: String, request: Request, handle: (Request) throws -> Response) throws -> Response {
        // The query is part of what was asked: `?dry_run=true` and the real run are two requests.
        let query = request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "\u{0}")
        let scope = Sodium.sha256(
            Array("\(caller)\u{0}\(request.method)\u{0}\(request.path)\u{0}\(query)\u{1}\(key)".utf8)
        ).hexString
        // Salted with the scope: bodies may hold passwords, and this digest is kept for a day.
        let requestHash = Sodium.sha256(Array(scope.utf8) + request.body).hexString
        return try pool.withTransaction { connection in
            guard try connection.single(Idempotency.lock(scope))["locked"] as Bool else {
                throw Problem.conflict(
                    kind: "idempotency-key-in-use", "A request with this Idempotency-Key is still being processed.")
            }
            if let stored = try connection.query(Idempotency.find(scope)).first {
                guard try stored["replayable"] as Bool else {
                    throw Problem.conflict(
                        kind: "idempotency-secret-not-replayable",
                        "The first response to this key carried a secret, which is shown only once.")
                }
                guard try stored["request_hash"] as String == requestHash else {
                    throw Problem(
                        kind: "idempotency-key-reused", title: "Idempotency key reused", status: 422,
                        detail: "This Idempotency-Key was used with another request body.")
                }
                return try replay(stored)
            }
            let response = try handle(request)
            // "Try again later" is no answer to keep: the retry must run.
            if response.status < 500 && response.status != 429 {
                let secret = response.headers["Cache-Control"]?.contains("no-store") ?? false
                let headers = Idempotency.replayedHeaders.compactMap { name in
                    response.headers[name].map { [name, $0] }
                }
                let headersJSON = String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
                try connection.query(
                    Idempotency.save(
                        scope, requestHash: secret ? "" : requestHash, replayable: !secret, status: response.status,
                        headers: headersJSON, body: secret ? "" : String(decoding: response.body, as: UTF8.self)))
            }
            return response
        }
    }

    private func replay(_ row: Row) throws -> Response {
        var response = Response(status: try row["status"], body: Array((try row["body"] as String).utf8))
        let pairs = (try? JSONSerialization.jsonObject(with: Data(try row.json("headers")))) as? [[String]] ?? []
        for pair in pairs where pair.count == 2 { response.headers.add(pair[0], pair[1]) }
        response.headers.add("Idempotent-Replayed", "true")
        return response
    }
}
