import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP

/// Organisations, accounts, sessions, tokens, `/v1/me` and the audit log: parse, call a
/// service, encode.
struct AccessControlRoutes {
    let accounts: AccountService
    let authentication: AuthenticationService
    let tokens: TokenService
    let profiles: ProfileService
    let onboarding: Onboarding
    let audit: AuditService

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/organisations",
            signedIn({ _ in .manageOrganisations }) { request, caller in
                let body = try JSONCoding.decode(NewOrganisationBody.self, from: request)
                let organisation = try accounts.createOrganisation(
                    NewOrganisation(
                        name: body.name, kind: try choice(OrganisationKind.self, body.kind, field: "kind"),
                        country: body.country,
                        sector: try body.sector.map { try choice(Sector.self, $0, field: "sector") }),
                    by: caller, from: origin(request))
                return try created(
                    OrganisationBody(organisation), at: "/v1/organisations/\(organisation.id.lowercasedString)",
                    tag: tag(organisation.id, organisation.version))
            })
        router.add(
            "GET", "/v1/organisations",
            signedIn({ _ in .readOrganisations }) { request, caller in
                let kind = try filter(OrganisationKind.self, request, "kind")
                let country = try request.queryValue("country")
                let page = try PageRequest(request, filterKey: "kind=\(kind?.rawValue ?? "")&country=\(country ?? "")")
                let rows = try accounts.organisations(
                    for: caller, kind: kind, country: country,
                    after: try page.position(0, as: { UUID(uuidString: $0) }),
                    limit: page.fetchLimit)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: OrganisationBody.init)
            })
        router.add(
            "GET", "/v1/organisations/{id:uuid}",
            signedIn { request, caller in
                let organisation = try accounts.organisation(try id(request), for: caller)
                return try single(
                    OrganisationBody(organisation), tag: tag(organisation.id, organisation.version), request)
            })

        router.add(
            "POST", "/v1/accounts",
            signedIn({ _ in .manageAccounts }) { request, caller in
                let body = try JSONCoding.decode(NewAccountBody.self, from: request)
                var input = NewAccount(
                    email: body.email, displayName: body.displayName, password: body.password,
                    memberKind: try choice(MemberKind.self, body.memberKind, field: "member_kind"))
                input.organisationID = body.organisationID
                input.jobTitle = body.jobTitle
                input.country = body.country
                input.expertise = body.expertise ?? []
                input.locale = body.locale
                input.timeZone = body.timeZone
                input.platformRole =
                    try body.platformRole.map { try choice(PlatformRole.self, $0, field: "platform_role") } ?? .user
                input.canCreateCommunities = body.canCreateCommunities ?? false
                let account = try accounts.createAccount(input, by: caller, from: origin(request))
                return try created(
                    AccountBody(account), at: "/v1/accounts/\(account.id.lowercasedString)",
                    tag: tag(account.id, account.version))
            })
        router.add(
            "GET", "/v1/accounts",
            signedIn({ _ in .manageAccounts }) { request, caller in
                let status = try filter(AccountStatus.self, request, "status")
                let kind = try filter(MemberKind.self, request, "member_kind")
                let page = try PageRequest(
                    request, filterKey: "status=\(status?.rawValue ?? "")&kind=\(kind?.rawValue ?? "")")
                let rows = try accounts.accounts(
                    for: caller, status: status, memberKind: kind,
                    after: try page.position(0, as: { UUID(uuidString: $0) }),
                    limit: page.fetchLimit)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: { AccountBody($0) })
            })
        router.add(
            "GET", "/v1/accounts/{id:uuid}",
            signedIn { request, caller in
                let account = try accounts.account(try id(request), for: caller)
                return try single(AccountBody(account), tag: tag(account.id, account.version), request)
            })
        router.add(
            "PATCH", "/v1/accounts/{id:uuid}",
            signedIn({ _ in .manageAccounts }) { request, caller in
                let accountID = try id(request)
                _ = try accounts.account(accountID, for: caller)  // 404 before the body is looked at
                let patch = try MergePatch(
                    request,
                    allowedKeys: [
                        "display_name", "organisation_id", "job_title", "country", "member_kind", "expertise", "locale",
                        "time_zone",
                        "platform_role", "can_create_communities", "status",
                    ])
                var change = AccountChange()
                change.profile = try profileChange(patch)
                change.organisationID = try patch.nullable("organisation_id") { UUID(uuidString: $0 as? String ?? "") }
                change.memberKind = try patch.string("member_kind").map {
                    try choice(MemberKind.self, $0, field: "member_kind")
                }
                change.platformRole = try patch.string("platform_role").map {
                    try choice(PlatformRole.self, $0, field: "platform_role")
                }
                change.canCreateCommunities = try patch.bool("can_create_communities")
                change.status = try patch.string("status").map { try choice(AccountStatus.self, $0, field: "status") }
                let account = try accounts.updateAccount(
                    accountID, change, ifVersion: { try EntityTag.requireMatch(request, current: tag(accountID, $0)) },
                    by: caller,
                    from: origin(request))
                return try changed(AccountBody(account), tag: tag(account.id, account.version))
            })

        router.add(
            "POST", "/v1/accounts/{id:uuid}/password-reset",
            signedIn({ _ in .resetPassword }) { request, caller in
                let expiresAt = try onboarding.issueReset(for: try id(request), by: caller, from: origin(request))
                return try Response.json(ResetQueuedBody(expiresAt: expiresAt), status: 202)
            })
        router.add(
            "POST", "/v1/accounts/{id:uuid}/verification",
            signedIn({ _ in .manageAccounts }) { request, caller in
                let account = try accounts.verify(try id(request), by: caller, from: origin(request))
                return try changed(AccountBody(account), tag: tag(account.id, account.version))
            })
        router.add(
            "POST", "/v1/accounts/{id:uuid}/erase",
            signedIn({ _ in .manageAccounts }) { request, caller in
                try onboarding.erase(try id(request), by: caller, from: origin(request))
                return .noContent()
            })
        router.add("POST", "/v1/account-activations") { request in
            let body = try JSONCoding.decode(RedeemBody.self, from: request)
            try onboarding.redeem(.activation, token: body.token, password: body.password, from: origin(request))
            return .noContent()
        }
        router.add("POST", "/v1/password-resets") { request in
            let body = try JSONCoding.decode(RedeemBody.self, from: request)
            try onboarding.redeem(.reset, token: body.token, password: body.password, from: origin(request))
            return .noContent()
        }

        router.add(
            "GET", "/v1/me",
            signedIn { request, caller in
                let account = try accounts.me(caller)
                return try single(AccountBody(account), tag: tag(account.id, account.version), request)
            })
        router.add(
            "PATCH", "/v1/me",
            signedIn({ _ in .editOwnProfile }) { request, caller in
                let patch = try MergePatch(
                    request,
                    allowedKeys: [
                        "display_name", "job_title", "country", "expertise", "list_job_title", "list_expertise",
                        "locale", "time_zone", "digest",
                    ])
                let account = try profiles.update(
                    try profileChange(patch),
                    ifVersion: { try EntityTag.requireMatch(request, current: tag(caller.accountID, $0)) }, by: caller,
                    from: origin(request))
                return try changed(AccountBody(account), tag: tag(account.id, account.version))
            })
        router.add(
            "POST", "/v1/me/password",
            signedIn({ _ in .manageOwnSecurity }) { request, caller in
                let body = try JSONCoding.decode(PasswordChangeBody.self, from: request)
                if let refusal = try profiles.changePassword(
                    current: body.currentPassword, new: body.newPassword, by: caller, from: origin(request))
                {
                    return refusal.problem.response(instance: request.path, requestID: request.id)
                }
                return .noContent()
            })
        router.add(
            "GET", "/v1/me/sessions",
            signedIn({ _ in .manageOwnSecurity }) { request, caller in
                let page = try PageRequest(request)
                let rows = try profiles.sessions(
                    of: caller, after: try page.position(0, as: { UUID(uuidString: $0) }), limit: page.fetchLimit)
                return try page.response(
                    rows, for: request, position: { [$0.id.lowercasedString] }, item: SessionInfoBody.init)
            })
        router.add(
            "DELETE", "/v1/me/sessions",
            signedIn({ _ in .manageOwnSecurity }) { request, caller in
                try profiles.revokeOtherSessions(by: caller, from: origin(request))
                return .noContent()
            })
        router.add(
            "DELETE", "/v1/me/sessions/{id:uuid}",
            signedIn({ _ in .manageOwnSecurity }) { request, caller in
                try profiles.revokeSession(try id(request), by: caller, from: origin(request))
                return .noContent()
            })
        router.add(
            "GET", "/v1/me/export",
            signedIn({ _ in .manageOwnSecurity }) { request, caller in
                var response = Response.rawJSON(Array(try profiles.export(for: caller, from: origin(request)).utf8))
                response.headers.add("Content-Disposition", "attachment; filename=\"praxis-export.json\"")
                response.headers.add("Cache-Control", "no-store")
                return response
            })

        router.add("POST", "/v1/sessions") { request in
            let body = try JSONCoding.decode(LoginBody.self, from: request)
            switch try authentication.logIn(email: body.email, password: body.password, from: origin(request)) {
            case .signedIn(let session):
                return try secret(SessionBody(session))
            case .refused(let refusal):
                return refusal.problem.response(instance: request.path, requestID: request.id)
            }
        }
        router.add(
            "DELETE", "/v1/sessions/current",
            signedIn { request, caller in
                try authentication.logOut(caller, from: origin(request))
                return .noContent()
            })

        router.add(
            "POST", "/v1/tokens",
            signedIn({ _ in .manageOwnTokens }) { request, caller in
                let body = try JSONCoding.decode(NewTokenBody.self, from: request)
                var input = NewToken(
                    name: body.name,
                    scopes: try body.scopes.enumerated().map {
                        try choice(Scope.self, $0.element, field: "scopes[\($0.offset)]")
                    })
                input.communityIDs = body.communityIDs
                input.expiresAt = body.expiresAt
                input.organisationID = body.organisationID
                input.accountID = body.accountID
                let issued = try tokens.create(input, by: caller, from: origin(request))
                var response = try secret(TokenBody(issued))
                response.headers.add("Location", "/v1/tokens/\(issued.token.id.lowercasedString)")
                return response
            })
        router.add(
            "GET", "/v1/tokens",
            signedIn({ _ in .manageOwnTokens }) { request, caller in
                let accountID = try uuidFilter(request, "account_id")
                let page = try PageRequest(request, filterKey: "account=\(accountID?.uuidString ?? "")")
                let rows = try tokens.tokens(
                    of: accountID, for: caller, after: try page.position(0, as: { UUID(uuidString: $0) }),
                    limit: page.fetchLimit)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: { TokenBody($0) })
            })
        router.add(
            "GET", "/v1/tokens/current",
            signedIn { request, caller in
                try Response.json(TokenBody(try tokens.current(caller)))
            })
        router.add(
            "POST", "/v1/tokens/{id:uuid}/rotate",
            signedIn({ _ in .manageOwnTokens }) { request, caller in
                let body = try actionBody(RotationBody.self, request, empty: RotationBody(overlapSeconds: nil))
                let issued = try tokens.rotate(
                    try id(request), overlapSeconds: body.overlapSeconds ?? 3600, by: caller, from: origin(request))
                var response = try secret(TokenBody(issued))
                response.headers.add("Location", "/v1/tokens/\(issued.token.id.lowercasedString)")
                return response
            })
        router.add(
            "GET", "/v1/tokens/{id:uuid}",
            signedIn({ _ in .manageOwnTokens }) { request, caller in
                try Response.json(TokenBody(try tokens.token(try id(request), for: caller)))
            })
        router.add(
            "DELETE", "/v1/tokens/{id:uuid}",
            signedIn({ _ in .manageOwnTokens }) { request, caller in
                try tokens.revoke(try id(request), by: caller, from: origin(request))
                return .noContent()
            })

        router.add(
            "GET", "/v1/audit-events",
            signedIn({ _ in .readAuditLog }) { request, caller in
                let (filter, page) = try auditQuery(request)
                let rows = try audit.events(
                    for: caller, filter: filter, before: try page.position(0, as: { Int64($0) }), limit: page.fetchLimit
                )
                return try page.response(
                    rows, for: request, position: { [String($0.sequence)] }, item: AuditEventBody.init)
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/audit-events",
            signedIn({ _ in .readCommunityAuditLog }) { request, caller in
                let (filter, page) = try auditQuery(request)
                let rows = try audit.events(
                    in: try id(request), for: caller, filter: filter,
                    before: try page.position(0, as: { Int64($0) }), limit: page.fetchLimit)
                return try page.response(
                    rows, for: request, position: { [String($0.sequence)] }, item: AuditEventBody.init)
            })
        router.add(
            "GET", "/v1/audit-events/verify",
            signedIn({ _ in .readAuditLog }) { request, caller in
                let anchor = try request.queryValue("anchor")
                if let anchor {
                    let parts = anchor.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                    let digits = Set("0123456789")
                    guard parts.count == 2, (1...19).contains(parts[0].count), parts[0].allSatisfy(digits.contains),
                        parts[1].count == 64, parts[1].allSatisfy({ digits.contains($0) || ("a"..."f").contains($0) })
                    else { throw Problem.malformed("anchor must be SEQ:HASH as printed by praxis admin audit-anchor.") }
                }
                return try Response.json(VerificationBody(try audit.verify(for: caller, anchor: anchor)))
            })
    }
}

/// The members of a merge patch that a person may change about themselves.
private func profileChange(_ patch: MergePatch) throws -> ProfileChange {
    var change = ProfileChange()
    change.displayName = try patch.string("display_name")
    change.jobTitle = try patch.nullable("job_title") { $0 as? String }
    change.country = try patch.nullable("country") { $0 as? String }
    change.expertise = try patch.strings("expertise")
    change.listJobTitle = try patch.bool("list_job_title")
    change.listExpertise = try patch.bool("list_expertise")
    change.locale = try patch.string("locale")
    change.timeZone = try patch.string("time_zone")
    change.digest = try patch.string("digest").map { try choice(DigestFrequency.self, $0, field: "digest") }
    return change
}

/// The audit log's filters and page, as both of its lists read them.
private func auditQuery(_ request: Request) throws -> (AuditService.Filter, PageRequest) {
    var filter = AuditService.Filter()
    filter.action = try request.queryValue("action")
    filter.actorID = try uuidFilter(request, "actor_id")
    filter.targetType = try request.queryValue("target_type")
    filter.targetID = try request.queryValue("target_id")
    filter.since = try timeFilter(request, "since")
    filter.until = try timeFilter(request, "until")
    let filterKey = try ["action", "actor_id", "target_type", "target_id", "since", "until"]
        .map { "\($0)=\(try request.queryValue($0) ?? "")" }.joined(separator: "&")
    return (filter, try PageRequest(request, filterKey: filterKey))
}
