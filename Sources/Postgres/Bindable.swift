import Crypto
import Foundation

/// A Swift value sent as a bound parameter, in PostgreSQL's text format (nil is NULL).
public protocol PostgresBindable: Sendable {
    var postgresText: String? { get }
}

extension String: PostgresBindable {
    public var postgresText: String? { self }
}

extension Int: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Double: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresBindable {
    public var postgresText: String? { self ? "t" : "f" }
}

extension UUID: PostgresBindable {
    public var postgresText: String? { lowercasedString }
}

extension Date: PostgresBindable {
    public var postgresText: String? { PostgresTime.format(self) }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: String? { self?.postgresText }
}

extension Array: PostgresBindable where Element: PostgresBindable {
    /// An array literal (`{"a","b"}`); every element quoted, NULL for nil.
    public var postgresText: String? {
        "{"
            + map { element in
                guard let text = element.postgresText else { return "NULL" }
                let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                    of: "\"", with: "\\\"")
                return "\"\(escaped)\""
            }.joined(separator: ",") + "}"
    }
}

/// JSON text bound to a `jsonb` parameter.
public struct JSONText: PostgresBindable {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var postgresText: String? { text }
}

/// Timestamps to and from the text format of a session that runs with `TimeZone=UTC`.
public enum PostgresTime {
    public static func format(_ date: Date) -> String {
        // Far beyond what PostgreSQL stores, the value is pinned (and refused by the database)
        // rather than trapping in the conversion.
        let micros = Int64(exactly: (date.timeIntervalSince1970 * 1_000_000).rounded(.down)) ?? Int64.max / 2
        var seconds = time_t((micros - ((micros % 1_000_000) + 1_000_000) % 1_000_000) / 1_000_000)
        let fraction = Int(micros - Int64(seconds) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }

    /// Parses `2026-11-29 18:07:33.123456+00` (the `+00` may carry minutes: `+05:30`).
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 22 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 6 { micros = micros * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in min(digits, 6)..<6 { micros *= 10 }
        }
        var offsetSeconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number((index + 1)..<(index + 3)) else { return nil }
            var minutes = 0
            if index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":") {
                minutes = number((index + 4)..<(index + 6)) ?? 0
            }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(Int(epoch) - offsetSeconds) + Double(micros) / 1_000_000)
    }
}
