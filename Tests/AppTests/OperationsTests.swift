import AccessControl
import Foundation
import HTTP
import Locking
import Postgres
import ServerTestSupport
import TestSupport
import Testing

@testable import App

@Suite struct OperationsTests {
    @Test func readinessFollowsTheDatabaseAndRecoversWithoutRestart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "praxis-outage-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        let cluster = folder.appendingPathComponent("cluster").path
        let port = String(TestEnvironment.freePort())
        try TestEnvironment.pgcluster("init", cluster, port)
        defer {
            try? TestEnvironment.pgcluster("stop", cluster)
            try? FileManager.default.removeItem(at: folder)
        }
        let ownerURL = "postgresql://praxis@127.0.0.1:\(port)/praxis"
        let appURL = "postgresql://praxis_app@127.0.0.1:\(port)/praxis"
        let server = try TestServer(databaseURL: appURL, withTestRoutes: false) {
            $0.migrationDatabaseURL = ownerURL
        }
        // Not migrated yet: alive but not ready.
        #expect(try server.send("GET", "/healthz").status == 200)
        let unmigrated = try server.send("GET", "/readyz")
        #expect(unmigrated.status == 503)
        #expect(unmigrated.json["type"] as? String == "https://praxis.dev/problems/not-ready")
        _ = try server.application.migrate()
        #expect(try server.send("GET", "/readyz").status == 200)
        let (_, token) = try server.admin()

        try TestEnvironment.pgcluster("stop", cluster)
        let started = Date()
        let down = try server.send("GET", "/readyz")
        #expect(down.status == 503)
        #expect(down.header("Retry-After") != nil)
        // The index needs no database; a signed-in request does.
        #expect(try server.send("GET", "/v1").status == 200)
        let api = try server.send("GET", "/v1/me", token: token)
        #expect(api.status == 503)
        #expect(api.json["type"] as? String == "https://praxis.dev/problems/unavailable")
        #expect(api.header("Retry-After") != nil)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(!api.text.contains("5432") && !api.text.lowercased().contains("postgres"))

        try TestEnvironment.pgcluster("start", cluster, port)
        var ready = false
        for _ in 0..<50 where !ready {
            ready = try server.send("GET", "/readyz").status == 200
            if !ready { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(ready)
        #expect(try server.send("GET", "/v1/me", token: token).status == 200)
    }

    @Test func aNewerSchemaKeepsAnOlderInstanceReady() throws {
        let name = try TestEnvironment.createScratchDatabase(prefix: "rolling")
        let ownerURL = TestEnvironment.url(TestEnvironment.ownerURL, database: name)
        let owner = try Connection(settings: ConnectionSettings(url: ownerURL))
        let server = try TestServer(
            databaseURL: TestEnvironment.url(TestEnvironment.databaseURL, database: name), withTestRoutes: false
        ) {
            $0.migrationDatabaseURL = ownerURL
        }
        try owner.execute(script: "GRANT CONNECT ON DATABASE \(name) TO praxis_app")
        _ = try server.application.migrate()
        try owner.execute(
            script: "INSERT INTO schema_migrations (version, checksum) VALUES ('9999_from_a_newer_release', 'x')")
        #expect(try server.send("GET", "/readyz").status == 200)
        try owner.execute(script: "UPDATE schema_migrations SET checksum = 'edited' WHERE version = '0001_foundation'")
        #expect(try server.send("GET", "/readyz").status == 503)
    }

    @Test(arguments: ThreadingMode.allCases)
    func gracefulStopFinishesRequestsInFlight(mode: ThreadingMode) throws {
        let server = try TestServer { $0.server.mode = mode }
        let slow = Locked<HTTPResult?>(nil)
        let thread = Thread {
            let answer = try? server.send("GET", "/v1/test-slow?ms=800")
            slow.withLock { $0 = answer }
        }
        thread.start()
        Thread.sleep(forTimeInterval: 0.3)
        let port = server.port
        server.application.stop()
        for _ in 0..<100 where slow.withLock { $0 } == nil { Thread.sleep(forTimeInterval: 0.05) }
        #expect(slow.withLock { $0 }?.status == 200)
        #expect(slow.withLock { $0 }?.json["slept"] as? Int == 800)
        #expect(throws: (any Error).self) { try RawHTTPClient.send(port: port, method: "GET", path: "/healthz") }
    }

    @Test func configurationNamesTheBadSetting() {
        func failure(_ environment: [String: String]) -> String? {
            do {
                _ = try Configuration.fromEnvironment(environment)
                return nil
            } catch {
                return String(describing: error)
            }
        }
        let url = "postgresql://praxis_app@127.0.0.1:5432/praxis"
        #expect(failure([:])?.hasPrefix("DATABASE_URL:") == true)
        #expect(failure(["DATABASE_URL": "mysql://x"])?.hasPrefix("DATABASE_URL:") == true)
        #expect(failure(["DATABASE_URL": url, "PORT": "eighty"])?.hasPrefix("PORT:") == true)
        #expect(failure(["DATABASE_URL": url, "POOL_SIZE": "0"])?.hasPrefix("POOL_SIZE:") == true)
        #expect(failure(["DATABASE_URL": url, "CORS_ORIGINS": "*"])?.hasPrefix("CORS_ORIGINS:") == true)
        #expect(failure(["DATABASE_URL": url, "HTTP_MODE": "fast"])?.hasPrefix("HTTP_MODE:") == true)
        #expect(failure(["DATABASE_URL": url, "LOG_LEVEL": "loud"])?.hasPrefix("LOG_LEVEL:") == true)
        #expect(failure(["DATABASE_URL": url, "HOST": "999.1.1.1"])?.hasPrefix("HOST:") == true)
        #expect(
            failure(["DATABASE_URL": url, "TRUSTED_PROXIES": "10.0.0.0/33"])?.hasPrefix("TRUSTED_PROXIES:") == true)
        #expect(failure(["DATABASE_URL": url, "TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"]) == nil)
        let configuration = try? Configuration.fromEnvironment(
            [
                "DATABASE_URL": url, "PORT": "9000", "POOL_SIZE": "8",
                "CORS_ORIGINS": "https://a.example, https://b.example",
            ])
        #expect(configuration?.server.port == 9000)
        #expect(configuration?.server.workerThreads == 8)
        #expect(configuration?.migrationDatabaseURL == url)
        #expect(configuration?.corsOrigins == ["https://a.example", "https://b.example"])
    }
}

/// One maintenance lock for the whole database: these tests take turns.
@Suite(.serialized) struct MaintenanceTests {
    @Test func maintenanceDeletesExpiredKeysAndDepartedInstances() throws {
        let server = try TestServer()
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        let marker = UUID().uuidString
        try owner.query(
            """
            WITH a AS (INSERT INTO idempotency_keys (scope, request_hash, replayable, status, headers, body, expires_at)
                       VALUES (\(marker) || '-old', 'h', true, 201, '[]', '', now() - interval '1 second'),
                              (\(marker) || '-new', 'h', true, 201, '[]', '', now() + interval '1 hour'))
            INSERT INTO server_instances (id, quota_group, seen_at)
            VALUES (gen_random_uuid(), \(marker) || '-old', now() - interval '2 hours'),
                   (gen_random_uuid(), \(marker) || '-new', now() - interval '1 minute')
            """)
        let maintenance = Maintenance(
            pool: server.application.pool, tasks: Maintenance.tasks(addressRetentionDays: 90), interval: 3600,
            logger: .init(label: "test"))
        #expect(maintenance.runOnce())
        let left = try owner.query(
            """
            SELECT scope AS key FROM idempotency_keys WHERE scope LIKE \(marker) || '%'
            UNION ALL SELECT quota_group FROM server_instances WHERE quota_group LIKE \(marker) || '%' ORDER BY 1
            """
        ) { try $0["key"] as String }
        #expect(left == ["\(marker)-new", "\(marker)-new"])
    }

    @Test func auditAddressesArePurgedAfterRetentionAndTheChainStaysIntact() throws {
        let server = try TestServer()
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        let marker = "maintenance-\(UUID().uuidString)"
        try server.application.pool.withTransaction { connection in
            try AuditLog().record(AuditEntry(actorID: nil, action: marker, address: "192.0.2.7"), on: connection)
            try AuditLog().record(AuditEntry(actorID: nil, action: marker, address: "192.0.2.8"), on: connection)
        }
        try owner.query(
            """
            UPDATE audit_event_addresses SET recorded_at = now() - interval '91 days'
            WHERE address = '192.0.2.7' AND event_id IN (SELECT id FROM audit_events WHERE action = \(marker))
            """)
        let maintenance = Maintenance(
            pool: server.application.pool, tasks: Maintenance.tasks(addressRetentionDays: 90), interval: 3600,
            logger: .init(label: "test"))
        #expect(maintenance.runOnce())
        let left = try owner.query(
            """
            SELECT x.address FROM audit_events e LEFT JOIN audit_event_addresses x ON x.event_id = e.id
            WHERE e.action = \(marker) ORDER BY e.seq
            """
        ) { try $0["address"] as String? }
        #expect(left == [nil, "192.0.2.8"])
    }

    @Test func maintenanceRunsOnOneInstanceAtATime() throws {
        let server = try TestServer()
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.databaseURL))
        try owner.query("SELECT pg_advisory_lock(\(Maintenance.lockKey))")
        let maintenance = Maintenance(
            pool: server.application.pool, tasks: Maintenance.tasks(addressRetentionDays: 90), interval: 3600,
            logger: .init(label: "test"))
        #expect(!maintenance.runOnce())
        try owner.query("SELECT pg_advisory_unlock(\(Maintenance.lockKey))")
        #expect(maintenance.runOnce())
    }
}
