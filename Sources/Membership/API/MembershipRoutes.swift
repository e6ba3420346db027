import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Membership

/// Invitations, applications, memberships and the directory: parse, call the service, encode.
/// Bodies are read inside the service's closures, after the caller's right to the community is
/// checked, so that an invalid body never reveals a hidden community.
struct MembershipRoutes {
    let invitations: InvitationService
    let applications: ApplicationService
    let memberships: MembershipService
    let declarations: DeclarationService
    let participation: ParticipationService
    let imports: ImportService

    func register(in router: inout Router) {
        registerInvitations(in: &router)
        registerApplications(in: &router)
        registerMembers(in: &router)
        registerDeclarations(in: &router)
        registerImports(in: &router)
        router.add(
            "GET", "/v1/communities/{id:uuid}/participation",
            signedIn({ _ in .readMembers }) { request, caller in
                try Response.json(
                    ParticipationBody(try participation.participation(in: try id(request), for: caller)))
            })
    }

    private func registerImports(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/members/import",
            signedIn({ _ in .manageMembers }) { request, caller in
                let dryRun = try boolFilter(request, "dry_run")
                let started = try imports.start(in: try id(request), dryRun: dryRun, by: caller, from: origin(request))
                {
                    let mediaType = (request.headers["Content-Type"] ?? "").split(separator: ";").first
                        .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                    guard mediaType == "text/csv" else { throw Problem.unsupportedMediaType(expected: "text/csv") }
                    guard let text = String(validating: request.body, as: UTF8.self), !text.contains("\u{0}") else {
                        throw Problem.malformed("The CSV must be UTF-8 text without NUL characters.")
                    }
                    return text
                }
                switch started {
                case .finished(let results):
                    return try Response.json(ImportResultsBody(dryRun: dryRun, results: results))
                case .queued(let job):
                    var response = try Response.json(MemberImportBody(job), status: 202)
                    response.headers.add("Location", "/v1/member-imports/\(job.id.lowercasedString)")
                    return response
                }
            })
        router.add(
            "GET", "/v1/member-imports/{id:uuid}",
            signedIn({ _ in .reviewMembership }) { request, caller in
                try Response.json(MemberImportBody(try imports.memberImport(try id(request), for: caller)))
            })
    }

    private func registerDeclarations(in router: inout Router) {
        router.add(
            "POST", "/v1/me/declarations",
            signedIn({ _ in .manageOwnMembership }) { request, caller in
                let body = try JSONCoding.decode(NewDeclarationBody.self, from: request)
                let declaration = try declarations.declare(
                    NewDeclaration(
                        description: body.description, communityID: body.communityID, themeIDs: body.themeIDs ?? []),
                    by: caller, from: origin(request))
                var response = try Response.json(DeclarationBody(declaration), status: 201)
                response.headers.add("Location", "/v1/me/declarations/\(declaration.id.lowercasedString)")
                return response
            })
        router.add(
            "GET", "/v1/me/declarations",
            signedIn({ _ in .readOwnMembership }) { request, caller in
                let includingWithdrawn = try boolFilter(request, "include_withdrawn")
                let page = try PageRequest(request, filterKey: "include_withdrawn=\(includingWithdrawn)")
                let rows = try declarations.declarations(
                    includingWithdrawn: includingWithdrawn, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: DeclarationBody.init)
            })
        router.add(
            "GET", "/v1/me/declarations/{id:uuid}",
            signedIn({ _ in .readOwnMembership }) { request, caller in
                try Response.json(
                    DeclarationBody(try declarations.declaration(try id(request), for: caller)))
            })
        router.add(
            "POST", "/v1/me/declarations/{id:uuid}/withdraw",
            signedIn({ _ in .manageOwnMembership }) { request, caller in
                try Response.json(
                    DeclarationBody(try declarations.withdraw(try id(request), by: caller, from: origin(request))))
            })
    }

    private func registerInvitations(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/invitations",
            signedIn({ _ in .manageMembers }) { request, caller in
                let invitation = try invitations.invite(to: try id(request), by: caller, from: origin(request)) {
                    try MembershipRoutes.newInvitation(request)
                }
                return try created(
                    InvitationBody(invitation), at: "/v1/invitations/\(invitation.id.lowercasedString)",
                    tag: tag(invitation.id, invitation.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/invitations",
            signedIn({ _ in .reviewMembership }) { request, caller in
                let status = try filter(InvitationStatus.self, request, "status")
                let page = try PageRequest(request, filterKey: "status=\(status?.rawValue ?? "")")
                let rows = try invitations.invitations(
                    in: try id(request), status: status, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: { InvitationBody($0) })
            })
        router.add(
            "GET", "/v1/me/invitations",
            signedIn({ _ in .readOwnMembership }) { request, caller in
                let status = try filter(InvitationStatus.self, request, "status")
                let page = try PageRequest(request, filterKey: "status=\(status?.rawValue ?? "")")
                let rows = try invitations.myInvitations(
                    status: status, after: try page.position(0, as: UUID.init(uuidString:)), limit: page.fetchLimit,
                    for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: { InvitationBody($0) })
            })
        router.add(
            "GET", "/v1/invitations/{id:uuid}",
            signedIn({ _ in .readOwnMembership }) { request, caller in
                let invitation = try invitations.invitation(try id(request), for: caller)
                return try single(
                    InvitationBody(invitation), tag: tag(invitation.id, invitation.version), request)
            })
        router.add(
            "POST", "/v1/invitations/{id:uuid}/accept",
            signedIn({ _ in .manageOwnMembership }) { request, caller in
                let invitationID = try id(request)
                let member = try invitations.accept(
                    invitation: invitationID, ifVersion: optionalMatch(request, invitationID),
                    by: caller, from: origin(request))
                return try changed(MemberBody(member), tag: MembershipRoutes.memberTag(member))
            })
        // The decline link of an invitation's message: the token is the authority, no account needed.
        router.add("POST", "/v1/invitation-declines") { request in
            let body = try JSONCoding.decode(InvitationDeclineBody.self, from: request)
            try invitations.decline(withToken: body.token, from: origin(request))
            return .noContent()
        }
        router.add(
            "POST", "/v1/invitations/{id:uuid}/decline",
            signedIn({ _ in .manageOwnMembership }) { request, caller in
                let invitationID = try id(request)
                let invitation = try invitations.decline(
                    invitation: invitationID, ifVersion: optionalMatch(request, invitationID),
                    by: caller, from: origin(request))
                return try changed(InvitationBody(invitation), tag: tag(invitation.id, invitation.version))
            })
        router.add(
            "POST", "/v1/invitations/{id:uuid}/revoke",
            signedIn({ _ in .manageMembers }) { request, caller in
                let invitationID = try id(request)
                let invitation = try invitations.revoke(
                    invitation: invitationID, ifVersion: optionalMatch(request, invitationID),
                    by: caller, from: origin(request))
                return try changed(InvitationBody(invitation), tag: tag(invitation.id, invitation.version))
            })
    }

    private func registerApplications(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/applications",
            signedIn({ _ in .applyToJoin }) { request, caller in
                let application = try applications.apply(to: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(NewApplicationBody.self, from: request)
                    var validation = Validation()
                    if body.answers.count > 50 { validation.add("answers", "must hold at most 50 answers") }
                    for (question, answer) in body.answers.sorted(by: { $0.key < $1.key }) {
                        validation.text(question, "answers", length: 1...200)
                        validation.text(answer, "answers.\(question)", length: 0...5000, multiline: true)
                    }
                    try validation.check()
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = .sortedKeys
                    return String(decoding: try encoder.encode(body.answers), as: UTF8.self)
                }
                return try created(
                    ApplicationBody(application),
                    at: "/v1/applications/\(application.id.lowercasedString)",
                    tag: tag(application.id, application.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/applications",
            signedIn({ _ in .reviewMembership }) { request, caller in
                let status = try filter(ApplicationStatus.self, request, "status")
                let page = try PageRequest(request, filterKey: "status=\(status?.rawValue ?? "")")
                let rows = try applications.applications(
                    in: try id(request), status: status, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: ApplicationBody.init)
            })
        router.add(
            "GET", "/v1/applications/{id:uuid}",
            signedIn({ _ in .readOwnMembership }) { request, caller in
                let application = try applications.application(try id(request), for: caller)
                return try single(
                    ApplicationBody(application), tag: tag(application.id, application.version), request)
            })
        router.add(
            "POST", "/v1/applications/{id:uuid}/approve",
            signedIn({ _ in .manageMembers }) { request, caller in
                let applicationID = try id(request)
                let application = try applications.approve(
                    application: applicationID, ifVersion: optionalMatch(request, applicationID),
                    by: caller, from: origin(request)
                ) {
                    let body = try actionBody(ApprovalBody.self, request, empty: ApprovalBody(role: nil))
                    return try body.role.map { try choice(MembershipRole.self, $0, field: "role") } ?? .member
                }
                return try changed(
                    ApplicationBody(application), tag: tag(application.id, application.version))
            })
        router.add(
            "POST", "/v1/applications/{id:uuid}/reject",
            signedIn({ _ in .manageMembers }) { request, caller in
                let applicationID = try id(request)
                let application = try applications.reject(
                    application: applicationID, ifVersion: optionalMatch(request, applicationID),
                    by: caller, from: origin(request)
                ) {
                    try JSONCoding.decode(ReasonBody.self, from: request).reason
                }
                return try changed(
                    ApplicationBody(application), tag: tag(application.id, application.version))
            })
        router.add(
            "POST", "/v1/applications/{id:uuid}/withdraw",
            signedIn({ _ in .manageOwnMembership }) { request, caller in
                let applicationID = try id(request)
                let application = try applications.withdraw(
                    application: applicationID, ifVersion: optionalMatch(request, applicationID),
                    by: caller, from: origin(request))
                return try changed(
                    ApplicationBody(application), tag: tag(application.id, application.version))
            })
    }

    private func registerMembers(in router: inout Router) {
        router.add(
            "GET", "/v1/communities/{id:uuid}/members",
            signedIn({ _ in .readMembers }) { request, caller in
                let filter = try MembershipRoutes.directoryFilter(request)
                let key = ["country", "sector", "kind", "expertise", "role", "status"]
                    .map { "\($0)=\(request.queryValues($0).joined(separator: ","))" }.joined(separator: "&")
                let page = try PageRequest(request, filterKey: key)
                let rows = try memberships.directory(
                    of: try id(request), filter: filter, after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.account.id.uuidString] }, item: MemberBody.init)
            })
        router.add(
            "GET", "/v1/me/memberships",
            signedIn({ _ in .readOwnMembership }) { request, caller in
                let status = try filter(MembershipStatus.self, request, "status")
                let page = try PageRequest(request, filterKey: "status=\(status?.rawValue ?? "")")
                let rows = try memberships.myMemberships(
                    status: status, after: try page.position(0, as: UUID.init(uuidString:)), limit: page.fetchLimit,
                    for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.community.id.uuidString] }, item: MemberBody.init)
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/members/{account_id:uuid}",
            signedIn({ _ in .readMembers }) { request, caller in
                let member = try memberships.member(try id(request), try id(request, "account_id"), for: caller)
                return try single(MemberBody(member), tag: MembershipRoutes.memberTag(member), request)
            })
        router.add(
            "PATCH", "/v1/communities/{id:uuid}/members/{account_id:uuid}",
            signedIn({ _ in .manageMembers }) { request, caller in
                let communityID = try id(request)
                let accountID = try id(request, "account_id")
                let member = try memberships.change(
                    accountID, in: communityID,
                    ifMatches: { try EntityTag.requireMatch(request, current: MembershipRoutes.memberTag($0)) },
                    by: caller, from: origin(request)
                ) { change in
                    let patch = try MergePatch(request, allowedKeys: ["role", "expires_at", "commercial_interest"])
                    if let role = try patch.string("role") {
                        change.role = try choice(MembershipRole.self, role, field: "role")
                    }
                    change.expiresAt = try patch.time("expires_at")
                    change.commercialInterest = try patch.bool("commercial_interest")
                }
                return try changed(MemberBody(member), tag: MembershipRoutes.memberTag(member))
            })
        for (action, transition) in [
            ("suspend", MembershipService.suspend), ("reinstate", MembershipService.reinstate),
        ] {
            router.add(
                "POST", "/v1/communities/{id:uuid}/members/{account_id:uuid}/\(action)",
                signedIn({ _ in .manageMembers }) {
                    request, caller in
                    let member = try transition(memberships)(
                        try id(request, "account_id"), try id(request),
                        { try EntityTag.checkOptionalMatch(request, current: MembershipRoutes.memberTag($0)) }, caller,
                        origin(request))
                    return try changed(MemberBody(member), tag: MembershipRoutes.memberTag(member))
                })
        }
        router.add(
            "POST", "/v1/communities/{id:uuid}/members/{account_id:uuid}/leave",
            signedIn({ _ in .leaveCommunity }) {
                request, caller in
                let member = try memberships.leave(
                    try id(request), account: try id(request, "account_id"),
                    ifMatches: { try EntityTag.checkOptionalMatch(request, current: MembershipRoutes.memberTag($0)) },
                    by: caller,
                    from: origin(request))
                return try changed(MemberBody(member), tag: MembershipRoutes.memberTag(member))
            })
    }

    static func memberTag(_ member: Member) -> String {
        EntityTag.make(
            id: "\(member.community.id.lowercasedString)/\(member.account.id.lowercasedString)"
                + "/\(member.acceptedNormsVersion ?? 0)/\(member.commercialInterest)",
            version: member.version)
    }

    static func newInvitation(_ request: Request) throws -> NewInvitation {
        let body = try JSONCoding.decode(NewInvitationBody.self, from: request)
        let invitee: NewInvitation.Invitee
        switch (body.accountID, body.email) {
        case (let id?, nil):
            if body.displayName != nil || body.memberKind != nil {
                throw Problem.validation(field: "account_id", "display_name and member_kind go with email only")
            }
            invitee = .account(id)
        case (nil, let email?):
            let kind =
                try body.memberKind.map { try choice(MemberKind.self, $0, field: "member_kind") } ?? .practitioner
            invitee = .email(
                InviteeDetails(
                    email: email, displayName: body.displayName ?? String(email.prefix { $0 != "@" }), memberKind: kind
                ))
        default:
            throw Problem.validation(field: "account_id", "send exactly one of account_id and email")
        }
        let role = try body.role.map { try choice(MembershipRole.self, $0, field: "role") } ?? .member
        return NewInvitation(
            invitee: invitee, role: role, membershipExpiresAt: body.expiresAt, message: body.message ?? "")
    }

    static func directoryFilter(_ request: Request) throws -> DirectoryFilter {
        var filter = DirectoryFilter()
        filter.countries = try request.queryValues("country").map {
            guard $0.count == 2, $0.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw Problem.malformed("country must be an ISO 3166-1 alpha-2 code such as KE.")
            }
            return $0
        }
        filter.sectors = try filters(Sector.self, request, "sector")
        filter.kinds = try filters(MemberKind.self, request, "kind")
        filter.roles = try filters(MembershipRole.self, request, "role")
        filter.expertise = try request.queryValues("expertise").map {
            guard (1...50).contains($0.count) else { throw Problem.malformed("expertise must be 1 to 50 characters.") }
            return $0
        }
        let statuses = try filters(MembershipStatus.self, request, "status")
        guard statuses.count <= 1 else { throw Problem.malformed("status takes one value.") }
        filter.status = statuses.first ?? .active
        return filter
    }
}
