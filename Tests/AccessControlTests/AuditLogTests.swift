import AccessControl
import App
import Foundation
import Postgres
import ServerTestSupport
import TestSupport
import Testing

@Suite struct AuditLogTests {
    @Test func theChainVerifiesAndTamperingIsFound() throws {
        let name = try TestEnvironment.createScratchDatabase(prefix: "audit")
        let ownerURL = TestEnvironment.url(TestEnvironment.ownerURL, database: name)
        let server = try TestServer(
            databaseURL: TestEnvironment.url(TestEnvironment.databaseURL, database: name), withTestRoutes: false
        ) {
            $0.migrationDatabaseURL = ownerURL
        }
        _ = try server.application.migrate()
        let (admin, token) = try server.admin()
        for index in 0..<3 {
            _ = try server.send(
                "POST", "/v1/organisations", token: token,
                json: #"{"name":"Org \#(index)","kind":"other","country":"FR"}"#)
        }
        let intact = try server.send("GET", "/v1/audit-events/verify", token: token)
        #expect(intact.json["intact"] as? Bool == true)
        #expect(intact.json["checked"] as? Int == 5)
        let events = try server.send("GET", "/v1/audit-events?action=organisation.created", token: token)
        #expect((events.json["data"] as? [[String: Any]])?.count == 3)
        let firstOrganisation = (events.json["data"] as! [[String: Any]]).last!
        let byTarget = try server.send(
            "GET", "/v1/audit-events?target_type=organisation&target_id=\(firstOrganisation["target_id"] as! String)",
            token: token)
        #expect((byTarget.json["data"] as? [[String: Any]])?.count == 1)
        let future = try server.send("GET", "/v1/audit-events?since=2999-01-01T00:00:00Z", token: token)
        #expect((future.json["data"] as? [Any])?.isEmpty == true)
        let past = try server.send(
            "GET", "/v1/audit-events?until=2999-01-01T00:00:00Z&action=organisation.created", token: token)
        #expect((past.json["data"] as? [Any])?.count == 3)
        #expect(try server.send("GET", "/v1/audit-events?since=yesterday", token: token).status == 400)
        #expect(
            (events.json["data"] as? [[String: Any]])?.first?["actor_id"] as? String == admin.id.uuidString.lowercased()
        )
        let anchor = try #require(try server.application.pool.withConnection { try AuditLog().anchor(on: $0) })

        // The application role cannot change history.
        let app = try Connection(
            settings: ConnectionSettings(url: TestEnvironment.url(TestEnvironment.databaseURL, database: name)))
        #expect(throws: PostgresError.self) { try app.execute(script: "UPDATE audit_events SET action = 'x'") }
        #expect(throws: PostgresError.self) { try app.execute(script: "DELETE FROM audit_events") }
        #expect(throws: PostgresError.self) {
            try app.execute(script: "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        }

        // A superuser edits row 3: verify names it.
        let superuser = try Connection(
            settings: ConnectionSettings(url: TestEnvironment.url(TestEnvironment.superuserURL, database: name)))
        try superuser.execute(
            script: """
                ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
                UPDATE audit_events SET action = 'organisation.renamed' WHERE seq = 3;
                """)
        let broken = try server.send("GET", "/v1/audit-events/verify", token: token)
        #expect(broken.json["intact"] as? Bool == false)
        #expect(broken.json["first_broken_sequence"] as? Int == 3)

        // Rewriting every hash from row 3 on makes the chain consistent again, but not with the anchor.
        try superuser.execute(
            script: """
                DO $$
                DECLARE r record; previous text;
                BEGIN
                    SELECT hash INTO previous FROM audit_events WHERE seq = 2;
                    FOR r IN SELECT * FROM audit_events WHERE seq >= 3 ORDER BY seq LOOP
                        UPDATE audit_events SET previous_hash = previous,
                            hash = audit_event_hash(previous, r.id, r.occurred_at, r.actor_id, r.action, r.target_type,
                                                    r.target_id, r.request_id, r.details)
                        WHERE seq = r.seq RETURNING hash INTO previous;
                    END LOOP;
                END $$;
                ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
                """)
        #expect(try server.send("GET", "/v1/audit-events/verify", token: token).json["intact"] as? Bool == true)
        let against = try server.send("GET", "/v1/audit-events/verify?anchor=\(anchor)", token: token)
        #expect(against.json["intact"] as? Bool == false)
        #expect(against.json["anchor_matches"] as? Bool == false)
    }
}
