import AccessControl
import App
import Email
import Foundation
import Mail
import Postgres
import ServerTestSupport
import TestSupport
import Testing

/// Mail through a real SMTP server (aiosmtpd, started by the test command). The suite has a
/// database of its own, so that its senders never take another suite's queued messages, and runs
/// one test at a time, so that each test's servers send only what it queued.
@Suite(.serialized) struct EmailTests {
    static let database: (app: String, owner: String) = {
        let name = try! TestEnvironment.createScratchDatabase(prefix: "email")
        let owner = TestEnvironment.url(TestEnvironment.ownerURL, database: name)
        var configuration = Configuration(databaseURL: owner)
        configuration.migrationsDirectory = TestEnvironment.migrationsDirectory
        _ = try! Application.migrate(configuration: configuration)
        return (TestEnvironment.url(TestEnvironment.databaseURL, database: name), owner)
    }()

    /// A server on the suite's database; with a sink, it sends there quickly.
    func server(sendingTo sink: MailSink? = .plain, _ adjust: (inout Configuration) -> Void = { _ in }) throws
        -> TestServer
    {
        try TestServer(databaseURL: Self.database.app) { configuration in
            configuration.migrationDatabaseURL = Self.database.owner
            if let sink {
                configuration.mail.smtp = try! SMTPSettings(url: sink.url, caFile: sink.caFile)
                configuration.mail.from = try! Mailbox(address: "praxis@example.org", displayName: "Praxis Test")
            }
            configuration.mail.links = MailLinks(web: "https://app.example.org", api: "https://api.example.org")
            configuration.mail.pollSeconds = 0.1
            configuration.mail.retryBaseSeconds = 0.3
            adjust(&configuration)
        }
    }

    static func address(_ prefix: String = "person") -> String {
        "\(prefix)-\(CommunityFixture.suffix())@example.org"
    }

    /// An account without a password: its activation message is queued.
    func openAccount(
        _ email: String, named name: String, locale: String = "en", by admin: String, on server: TestServer
    )
        throws
    {
        let created = try server.send(
            "POST", "/v1/accounts", token: admin,
            json: #"{"email":"\#(email)","display_name":"\#(name)","member_kind":"official","locale":"\#(locale)"}"#)
        try #require(created.status == 201, "\(created.text)")
    }

    /// The outbox rows for `address` once the first has been tried (or the time is up).
    func outboxAfterAnAttempt(to address: String, on server: TestServer) throws -> [(
        status: String, attempts: Int, error: String?
    )] {
        let deadline = Date().addingTimeInterval(20)
        var rows = try outbox(to: address, on: server)
        while rows.first.map({ $0.status == "queued" && $0.error == nil }) ?? true, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            rows = try outbox(to: address, on: server)
        }
        return rows
    }

    func outbox(to address: String, on server: TestServer) throws -> [(status: String, attempts: Int, error: String?)] {
        try server.application.pool.withConnection { connection in
            try connection.query(
                "SELECT status, attempts, last_error FROM outbox_messages WHERE recipient = \(address) ORDER BY created_at"
            ).map { (try $0["status"], try $0["attempts"], try $0["last_error"]) }
        }
    }

    @Test func anInvitationByEmailSendsOneMessageWhoseLinksWork() throws {
        let server = try server()
        let cop = try CommunityFixture(server)
        let email = Self.address("ada")
        let invited = try cop.send(
            "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
            json: #"{"email":"\#(email)","display_name":"Ada Lovelace","member_kind":"official","message":"Join us"}"#)
        #expect(invited.status == 201)
        #expect(!invited.text.contains("pra_"))
        let received = MailSink.plain.waitForMessages(to: email)
        try #require(received.count == 1)
        let mail = received[0]
        #expect(mail.recipients == [email] && mail.mailFrom == "praxis@example.org")
        #expect(mail.header("To") == "Ada Lovelace <\(email)>")
        #expect(mail.header("From") == "Praxis Test <praxis@example.org>")
        #expect(mail.subject.hasSuffix("invites you to EdTech Reform CoP"))
        #expect(mail.header("Message-ID")?.hasSuffix("@example.org>") == true && mail.header("Date") != nil)
        #expect(mail.raw.contains("Content-Type: multipart/alternative"))
        #expect(mail.text.contains("1. Chatham House.") && mail.text.contains("Join us"))
        #expect(mail.html.contains("<blockquote"))
        // The link a web client serves chooses the password; the person then answers.
        let token = try #require(MailLink.token(in: mail.text))
        #expect(mail.text.contains("https://app.example.org/activate?token=\(token)&invitation="))
        #expect(
            try server.send(
                "POST", "/v1/account-activations", json: #"{"token":"\#(token)","password":"correct horse battery"}"#
            ).status == 204)
        let session = try server.send(
            "POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"correct horse battery"}"#)
        let person = Person(id: "", token: try #require(session.json["token"] as? String))
        let invitation = try #require(invited.json["id"] as? String)
        #expect(try cop.send("POST", "/v1/invitations/\(invitation)/accept", as: person).status == 200)
        // Sent, the message no longer holds the secrets it carried.
        let stored = try server.application.pool.withConnection {
            try $0.single("SELECT parameters::text AS p FROM outbox_messages WHERE recipient = \(email)")["p"] as String
        }
        #expect(!stored.contains("pra_"))
        #expect(try outbox(to: email, on: server).map(\.status) == ["sent"])
    }

    @Test func theDeclineLinkNeedsNoAccount() throws {
        let server = try server()
        let cop = try CommunityFixture(server)
        let email = Self.address("decliner")
        let invited = try cop.send(
            "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
            json: #"{"email":"\#(email)","display_name":"D","member_kind":"official"}"#)
        let mail = try #require(MailSink.plain.waitForMessages(to: email).first)
        let decline = try #require(MailLink.query("token", ofLinkTo: "/invitations/decline", in: mail.text))
        #expect(try server.send("POST", "/v1/invitation-declines", json: #"{"token":"\#(decline)"}"#).status == 204)
        let again = try server.send("POST", "/v1/invitation-declines", json: #"{"token":"\#(decline)"}"#)
        #expect(again.status == 409)
        #expect(try server.send("POST", "/v1/invitation-declines", json: #"{"token":"pra_forged"}"#).status == 422)
        let listed = try cop.send(
            "GET", "/v1/invitations/\(try #require(invited.json["id"] as? String))", as: cop.convenor)
        #expect(listed.json["status"] as? String == "declined")
    }

    @Test func aRolledBackInvitationSendsNothing() throws {
        let server = try server()
        let cop = try CommunityFixture(server)
        let email = Self.address("twice")
        let body = #"{"email":"\#(email)","display_name":"T","member_kind":"official"}"#
        #expect(
            try cop.send("POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor, json: body).status == 201)
        // The second is refused after it had written its token and message: all of it rolls back.
        let second = try cop.send("POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor, json: body)
        #expect(second.status == 409 && problemKind(second) == "invitation-pending")
        let first = MailSink.plain.waitForMessages(to: email)
        Thread.sleep(forTimeInterval: 1)
        try #require(first.count == 1)
        #expect(MailSink.plain.messages(to: email).count == 1)
        #expect(try outbox(to: email, on: server).count == 1)
        // The token the first message carries still works: the rolled-back one replaced nothing.
        let token = try #require(MailLink.token(in: first[0].text))
        #expect(
            try server.send(
                "POST", "/v1/account-activations", json: #"{"token":"\#(token)","password":"correct horse battery"}"#
            ).status == 204)
    }

    @Test func twoInstancesSendEachMessageOnce() throws {
        let addresses = (0..<24).map { _ in Self.address("once") }
        do {
            // Queued while nobody sends, then raced for by two instances that start together.
            let queuer = try server(sendingTo: nil)
            let admin = try queuer.admin().token
            for address in addresses { try openAccount(address, named: "Once", by: admin, on: queuer) }
        }
        let first = try server()
        let second = try server()
        for address in addresses { _ = MailSink.plain.waitForMessages(to: address) }
        Thread.sleep(forTimeInterval: 1)
        for address in addresses {
            #expect(MailSink.plain.messages(to: address).count == 1, "\(address)")
            #expect(try outbox(to: address, on: first).map { "\($0.status) \($0.attempts)" } == ["sent 1"])
        }
        _ = second
    }

    @Test func aTransientRefusalIsRetriedUntilItPasses() throws {
        let server = try server()
        let (_, admin) = try server.admin()
        let email = Self.address("tempfail")
        try openAccount(email, named: "Later", by: admin, on: server)
        let received = MailSink.plain.waitForMessages(to: email, timeout: 30)
        #expect(received.count == 1)
        let row = try #require(try outbox(to: email, on: server).first)
        #expect(row.status == "sent" && row.attempts == 3)
    }

    @Test func aPermanentRefusalFailsAndSuppressesTheAddress() throws {
        let server = try server()
        let (_, admin) = try server.admin()
        let email = Self.address("bounce")
        try openAccount(email, named: "Gone", by: admin, on: server)
        let rows = try outboxAfterAnAttempt(to: email, on: server)
        #expect(rows.first?.status == "failed" && rows.first?.error?.hasPrefix("550") == true)
        let listed = try server.send("GET", "/v1/admin/email-suppressions?email=\(email)", token: admin)
        let suppression = try #require((listed.json["data"] as? [[String: Any]])?.first)
        #expect(
            suppression["source"] as? String == "bounce" && (suppression["reason"] as? String)?.contains("550") == true)
        // A suppressed address is not mailed again: the next message is marked, not sent.
        let account = try #require(
            try server.application.pool.withConnection {
                try $0.single("SELECT id FROM accounts WHERE email = \(email)")["id"] as UUID?
            })
        #expect(
            try server.send("POST", "/v1/accounts/\(account.lowercasedString)/password-reset", token: admin).status
                == 202)
        Thread.sleep(forTimeInterval: 1)
        #expect(try outbox(to: email, on: server).map(\.status) == ["failed", "suppressed"])
        #expect(MailSink.plain.messages(to: email).isEmpty)
    }

    @Test func adminsSuppressAndLiftAddresses() throws {
        let server = try server(sendingTo: nil)
        let (_, admin) = try server.admin()
        let email = Self.address("complaint")
        let created = try server.send(
            "POST", "/v1/admin/email-suppressions", token: admin,
            json: #"{"email":"\#(email.uppercased())","reason":"asked us to stop"}"#)
        #expect(created.status == 201 && created.json["email"] as? String == email)
        #expect(created.json["source"] as? String == "admin")
        let again = try server.send(
            "POST", "/v1/admin/email-suppressions", token: admin, json: #"{"email":"\#(email)","reason":"again"}"#)
        #expect(again.status == 409 && problemKind(again) == "already-suppressed")
        let id = try #require(created.json["id"] as? String)
        #expect(try server.send("GET", "/v1/admin/email-suppressions/\(id)", token: admin).status == 200)
        // Nobody but an admin sees or changes them.
        let cop = try CommunityFixture(server)
        #expect(try cop.send("GET", "/v1/admin/email-suppressions", as: cop.convenor).status == 403)
        #expect(try server.send("GET", "/v1/admin/email-suppressions").status == 401)
        #expect(try server.send("DELETE", "/v1/admin/email-suppressions/\(id)", token: admin).status == 204)
        #expect(try server.send("GET", "/v1/admin/email-suppressions/\(id)", token: admin).status == 404)
    }

    @Test func aDisplayNameThatWouldAddAHeaderIsRefused() throws {
        let server = try server()
        let cop = try CommunityFixture(server)
        let email = Self.address("inject")
        let refused = try cop.send(
            "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
            json: #"{"email":"\#(email)","display_name":"Eve\r\nBcc: eve@example.org","member_kind":"official"}"#)
        #expect(refused.status == 422)
        let patched = try cop.send(
            "PATCH", "/v1/me", as: cop.member, json: #"{"display_name":"Eve\nBcc: eve@example.org"}"#,
            headers: [("Content-Type", "application/merge-patch+json"), ("If-Match", "*")])
        #expect(patched.status == 422 && (patched.text.contains("display_name")))
        Thread.sleep(forTimeInterval: 0.5)
        #expect(MailSink.plain.messages(to: email).isEmpty && MailSink.plain.messages(to: "eve@example.org").isEmpty)
    }

    @Test func theHTMLPartEscapesWhatPeopleWrote() throws {
        let server = try server()
        let cop = try CommunityFixture(server)
        let email = Self.address("escape")
        #expect(
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
                json:
                    #"{"email":"\#(email)","display_name":"S","member_kind":"official","message":"<script>alert(1)</script> & more"}"#
            ).status == 201)
        let mail = try #require(MailSink.plain.waitForMessages(to: email).first)
        #expect(!mail.html.contains("<script>"))
        #expect(mail.html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
        #expect(mail.text.contains("<script>alert(1)</script> & more"))
    }

    @Test func aFrenchAccountGetsTheFrenchTemplate() throws {
        let server = try server()
        let (_, admin) = try server.admin()
        let email = Self.address("francoise")
        try openAccount(email, named: "Françoise Élan", locale: "fr-FR", by: admin, on: server)
        let mail = try #require(MailSink.plain.waitForMessages(to: email).first)
        #expect(mail.subject == "Choisissez votre mot de passe Praxis")
        #expect(mail.header("To") == "Françoise Élan <\(email)>")
        // Not ASCII: the name travels as RFC 2047 encoded words.
        #expect(mail.raw.contains("To: =?UTF-8?B?"))
        #expect(mail.text.contains("Un compte Praxis a été ouvert pour vous."))
    }

    @Test func startTLSWithAuthenticationAgainstAPrivateCA() throws {
        let sink = MailSink.secure
        let server = try server(sendingTo: sink)
        let (_, admin) = try server.admin()
        let email = Self.address("tls")
        try openAccount(email, named: "Secure", by: admin, on: server)
        let mail = try #require(sink.waitForMessages(to: email).first)
        #expect(mail.tls && mail.authenticated)
    }

    @Test func aServerWhoseCertificateIsNotTrustedGetsNothing() throws {
        var sink = MailSink.secure
        sink = MailSink(
            port: sink.port, directory: sink.directory, caFile: nil, user: sink.user, password: sink.password)
        let server = try server(sendingTo: sink) { $0.mail.retryBaseSeconds = 60 }
        let (_, admin) = try server.admin()
        let email = Self.address("untrusted")
        try openAccount(email, named: "U", by: admin, on: server)
        let rows = try outboxAfterAnAttempt(to: email, on: server)
        // Transient (a configuration to fix), so still queued, with the reason kept.
        #expect(rows.first?.status == "queued" && rows.first?.error != nil)
        #expect(sink.messages(to: email).isEmpty)
        // Withdrawn so that the next test's server does not try it again.
        try server.application.pool.withConnection {
            _ = try $0.query("UPDATE outbox_messages SET status = 'withdrawn' WHERE recipient = \(email)")
        }
    }

    @Test func readinessSaysWhetherMailLeaves() throws {
        let sending = try server()
        #expect(try sending.send("GET", "/readyz").json["mail"] as? String == "sending")
        let queuing = try server(sendingTo: nil)
        #expect((try queuing.send("GET", "/readyz").json["mail"] as? String)?.hasPrefix("not sending") == true)
    }

    func email(of person: Person, on server: TestServer) throws -> String {
        try #require(try server.send("GET", "/v1/me", token: person.token).json["email"] as? String)
    }

    @Test func anApprovedApplicantIsWelcomedByMail() throws {
        let server = try server()
        let cop = try CommunityFixture(server)
        let email = try email(of: cop.applicant, on: server)
        #expect(try cop.send("POST", "/v1/applications/\(cop.applicationID)/approve", as: cop.convenor).status == 200)
        let mail = try #require(MailSink.plain.waitForMessages(to: email).first)
        #expect(mail.subject == "Welcome to EdTech Reform CoP")
        #expect(mail.text.contains("https://app.example.org/communities/\(cop.id)"))
    }

    @Test func aDigestListsOnlyWhatThePersonMayStillSeeAndUnsubscribesInOneClick() throws {
        let server = try server { $0.mail.digestPollSeconds = 0.2 }
        let cop = try CommunityFixture(server)
        let elsewhere = try CommunityFixture(server)
        let email = try email(of: cop.member, on: server)
        let chosen = try cop.send(
            "PATCH", "/v1/me", as: cop.member, json: #"{"digest":"daily"}"#,
            headers: [("Content-Type", "application/merge-patch+json"), ("If-Match", "*")])
        #expect(chosen.status == 200 && chosen.json["digest"] as? String == "daily")
        let wrong = try cop.send(
            "PATCH", "/v1/me", as: cop.member, json: #"{"digest":"hourly"}"#,
            headers: [("Content-Type", "application/merge-patch+json"), ("If-Match", "*")])
        #expect(wrong.status == 422)
        let member = try #require(UUID(uuidString: cop.member.id))
        try server.application.pool.withTransaction { connection in
            // A day since the last digest; one notification about a community the member is in,
            // one about a community they are not in (as if they had left it).
            _ = try connection.query(
                "UPDATE accounts SET digest_sent_at = now() - interval '25 hours' WHERE id = \(member)")
            for community in [cop.id, elsewhere.id] {
                try Notifications.notify(
                    [member], kind: "application.approved", subjectType: "community",
                    subject: try #require(UUID(uuidString: community)), community: UUID(uuidString: community),
                    summary: #"{"community_id":"\#(community)"}"#, on: connection)
            }
        }
        // The invitation that made them a member came first.
        let mail = try #require(MailSink.plain.waitForMessages(to: email, count: 2).last)
        #expect(mail.subject == "1 unread notification on Praxis")
        #expect(
            mail.text.contains("You joined EdTech Reform CoP")
                && mail.text.contains("https://app.example.org/notifications"))
        #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
        let unsubscribe = try #require(mail.header("List-Unsubscribe"))
        #expect(unsubscribe.hasPrefix("<https://api.example.org/v1/digest-unsubscriptions?token="))
        // Written once: the next is a day away.
        Thread.sleep(forTimeInterval: 1)
        #expect(MailSink.plain.messages(to: email).count == 2)
        // A mail client's one-click POST (RFC 8058), without credentials.
        let path = String(unsubscribe.dropFirst("<https://api.example.org".count).dropLast())
        let done = try server.send(
            "POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            json: "List-Unsubscribe=One-Click")
        #expect(done.status == 204)
        #expect(try cop.send("GET", "/v1/me", as: cop.member).json["digest"] as? String == "off")
        #expect(try server.send("POST", "/v1/digest-unsubscriptions?token=pra_forged").status == 422)
    }
}
