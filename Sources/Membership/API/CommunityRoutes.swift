import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Membership

/// `/v1/communities`: parse, call the service, encode.
struct CommunityRoutes {
    let communities: CommunityService

    static let settingKeys: Set<String> = [
        "slug", "name", "purpose", "visibility", "join_policy", "criteria", "allowed_member_kinds", "observers_allowed",
        "observer_history", "chatham_house", "recording_policy", "min_cell_size", "needs_visible_to_vendors",
    ]

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/communities",
            signedIn({ _ in .createCommunity }) { request, caller in
                let patch = try MergePatch(request, allowedKeys: CommunityRoutes.settingKeys)
                guard let slug = try patch.string("slug") else {
                    throw Problem.validation(field: "slug", "is required")
                }
                guard let name = try patch.string("name") else {
                    throw Problem.validation(field: "name", "is required")
                }
                var settings = CommunitySettings(slug: slug, name: name)
                try CommunityRoutes.apply(patch, to: &settings)
                let community = try communities.create(settings, by: caller, from: origin(request))
                return try created(
                    CommunityBody(community), at: "/v1/communities/\(community.id.lowercasedString)",
                    tag: tag(community.id, community.version))
            })
        router.add(
            "GET", "/v1/communities",
            signedIn({ _ in .readCommunities }) { request, caller in
                let memberOnly = try boolFilter(request, "member")
                let page = try PageRequest(request, filterKey: "member=\(memberOnly)")
                let rows = try communities.communities(
                    for: caller, memberOnly: memberOnly, after: try page.position(0, as: { UUID(uuidString: $0) }),
                    limit: page.fetchLimit)
                return try page.response(
                    rows, for: request, position: { [$0.id.uuidString] }, item: CommunityBody.init)
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}",
            signedIn({ _ in .readCommunities }) { request, caller in
                let community = try communities.community(try id(request), for: caller)
                return try single(
                    CommunityBody(community), tag: tag(community.id, community.version), request)
            })
        router.add(
            "PATCH", "/v1/communities/{id:uuid}",
            signedIn({ _ in .manageCommunity }) { request, caller in
                let communityID = try id(request)
                let community = try communities.update(
                    communityID, ifVersion: { try EntityTag.requireMatch(request, current: tag(communityID, $0)) },
                    by: caller,
                    from: origin(request)
                ) { settings in
                    try CommunityRoutes.apply(
                        try MergePatch(request, allowedKeys: CommunityRoutes.settingKeys), to: &settings)
                }
                return try changed(CommunityBody(community), tag: tag(community.id, community.version))
            })
    }

    /// Copies the members present in `patch` onto `settings`; a wrong type or value answers 422.
    static func apply(_ patch: MergePatch, to settings: inout CommunitySettings) throws {
        if let slug = try patch.string("slug") { settings.slug = slug }
        if let name = try patch.string("name") { settings.name = name }
        if let purpose = try patch.string("purpose") { settings.purpose = purpose }
        if let text = try patch.string("visibility") {
            settings.visibility = try choice(CommunityVisibility.self, text, field: "visibility")
        }
        if let text = try patch.string("join_policy") {
            settings.joinPolicy = try choice(JoinPolicy.self, text, field: "join_policy")
        }
        if let criteria = try patch.string("criteria") { settings.criteria = criteria }
        if let kinds = try patch.strings("allowed_member_kinds") {
            settings.allowedMemberKinds = try kinds.enumerated().map {
                try choice(MemberKind.self, $0.element, field: "allowed_member_kinds[\($0.offset)]")
            }
        }
        if let value = try patch.bool("observers_allowed") { settings.observersAllowed = value }
        if let text = try patch.string("observer_history") {
            settings.observerHistory = try choice(ObserverHistory.self, text, field: "observer_history")
        }
        if let value = try patch.bool("chatham_house") { settings.chathamHouse = value }
        if let text = try patch.string("recording_policy") {
            settings.recordingPolicy = try choice(RecordingPolicy.self, text, field: "recording_policy")
        }
        if let value = try patch.integer("min_cell_size") { settings.minCellSize = value }
        if let value = try patch.bool("needs_visible_to_vendors") { settings.needsVisibleToVendors = value }
    }
}
