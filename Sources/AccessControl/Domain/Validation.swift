import Foundation

/// Field checks shared by the domain services; each failure names its field.
public struct Validation {
    public private(set) var issues: [AccessError.FieldIssue] = []

    public init() {}

    static let countries: Set<String> = Set(
        Locale.Region.isoRegions.map(\.identifier).filter {
            $0.count == 2 && $0.allSatisfy(\.isUppercase)
        })

    /// A one-line text, or with `multiline` a text that may hold line breaks and tabs.
    public mutating func text(_ value: String, _ field: String, length: ClosedRange<Int>, multiline: Bool = false) {
        // Counted as PostgreSQL's length() counts: in code points.
        let count = value.unicodeScalars.count
        let allowed: Set<Unicode.Scalar> = multiline ? ["\n", "\r", "\t"] : []
        if !length.contains(count) {
            issues.append(.init(field, "must be \(length.lowerBound) to \(length.upperBound) characters"))
        } else if value.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control && !allowed.contains($0)
        }) {
            issues.append(
                .init(
                    field,
                    multiline
                        ? "must not contain control characters other than line breaks and tabs"
                        : "must not contain control characters"))
        } else if value.unicodeScalars.contains(where: {
            Self.reordering.contains($0.value) || (!multiline && Self.invisible.contains($0.value))
        }) {
            issues.append(.init(field, "must not contain bidirectional controls or invisible characters"))
        }
    }

    /// Bidirectional embeddings, overrides and isolates: they make text display as other text.
    static let reordering: Set<UInt32> = Set(0x202A...0x202E).union(0x2066...0x2069)
    /// Characters that show nothing, refused in names and titles (a zero-width joiner and
    /// non-joiner stay: scripts and emoji need them): zero-width space, word joiner and
    /// invisible operators, byte-order mark, and the direction marks.
    static let invisible: Set<UInt32> = Set([0x200B, 0xFEFF, 0x200E, 0x200F, 0x061C]).union(0x2060...0x2064)

    /// An address of the RFC 5321 shape `local@example.org` (ASCII, a dot-separated domain).
    public mutating func email(_ value: String, _ field: String = "email") {
        let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        let labelCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let valid =
            value.utf8.count <= 254 && parts.count == 2 && (1...64).contains(parts[0].count)
            && parts[0].allSatisfy(localCharacters.contains) && !parts[0].hasPrefix(".") && !parts[0].hasSuffix(".")
            && !parts[0].contains("..")
            && {
                let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
                return labels.count >= 2
                    && labels.allSatisfy { label in
                        (1...63).contains(label.count) && label.allSatisfy(labelCharacters.contains)
                            && !label.hasPrefix("-") && !label.hasSuffix("-")
                    }
            }()
        if !valid { issues.append(.init(field, "must be an email address")) }
    }

    public mutating func password(_ value: String, _ field: String = "password") {
        if !(12...256).contains(value.count) { issues.append(.init(field, "must be 12 to 256 characters")) }
    }

    public mutating func country(_ value: String?, _ field: String = "country") {
        if let value, !Validation.countries.contains(value) {
            issues.append(.init(field, "must be an ISO 3166-1 alpha-2 code such as KE"))
        }
    }

    public mutating func timeZone(_ value: String?, _ field: String = "time_zone") {
        if let value, TimeZone(identifier: value) == nil || value.isEmpty {
            issues.append(.init(field, "must be an IANA time zone such as Africa/Nairobi"))
        }
    }

    public mutating func locale(_ value: String?, _ field: String = "locale") {
        guard let value else { return }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        let valid =
            (2...3).contains(parts[0].count) && parts[0].allSatisfy { $0.isASCII && $0.isLowercase }
            && parts.dropFirst().allSatisfy {
                (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            }
        if !valid { issues.append(.init(field, "must be a language tag such as en or fr-CA")) }
    }

    public mutating func tags(_ values: [String], _ field: String) {
        if values.count > 20 { issues.append(.init(field, "must hold at most 20 entries")) }
        for (index, value) in values.enumerated() { text(value, "\(field)[\(index)]", length: 1...50) }
    }

    public mutating func add(_ field: String, _ message: String) {
        issues.append(.init(field, message))
    }

    public func check() throws {
        if !issues.isEmpty { throw AccessError.invalid(issues) }
    }
}
