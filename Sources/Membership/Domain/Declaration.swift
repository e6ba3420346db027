import Foundation

/// A declaration of a commercial interest, in one community or (without one) in all.
public struct Declaration: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID?
    public var description: String
    public var themeIDs: [UUID]
    public var createdAt: Date
    public var withdrawnAt: Date?
}

public struct NewDeclaration: Sendable {
    public var description: String
    public var communityID: UUID?
    public var themeIDs: [UUID]
    public init(description: String, communityID: UUID?, themeIDs: [UUID]) {
        self.description = description
        self.communityID = communityID
        self.themeIDs = themeIDs
    }
}
