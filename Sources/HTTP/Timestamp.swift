import Foundation

/// The one time format of every response: RFC 3339, UTC, milliseconds, `Z`.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds.floorDiv(1000))
        let fraction = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Written digit by digit: `String(format:)` cost a tenth of a list's answer.
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int, then separator: Character?) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
            if let separator { text.append(separator.asciiValue!) }
        }
        digits(Int(parts.tm_year) + 1900, 4, then: "-")
        digits(Int(parts.tm_mon) + 1, 2, then: "-")
        digits(Int(parts.tm_mday), 2, then: "T")
        digits(Int(parts.tm_hour), 2, then: ":")
        digits(Int(parts.tm_min), 2, then: ":")
        digits(Int(parts.tm_sec), 2, then: ".")
        digits(fraction, 3, then: "Z")
        return String(decoding: text, as: UTF8.self)
    }

    /// The times the API accepts: from 1900 (before the Gregorian reform, calendars disagree)
    /// to the last instant of year 9999 (four-digit years, as RFC 3339 and PostgreSQL's text have).
    public static let earliest = Date(timeIntervalSince1970: -2_208_988_800)
    public static let latest = Date(timeIntervalSince1970: 253_402_300_799.999)

    /// Parses an RFC 3339 time with an offset or `Z`, with or without fractional seconds; nil
    /// for anything else, and for a time outside `earliest...latest`. Kept to the millisecond the
    /// API shows, so that what a client sends compares exactly with what it reads back (cursors too).
    public static func parse(_ text: String) -> Date? {
        guard hasRFC3339Shape(text), namesARealInstant(text) else { return nil }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        guard let date = withFraction.date(from: text) ?? plain.date(from: text), (earliest...latest).contains(date)
        else {
            return nil
        }
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    /// A date that exists (no 30 February) and a time of day within 00:00:00...23:59:59, with an
    /// offset under 24 hours: the formatter would otherwise roll `T24:00` into the next day.
    /// Runs on text of the RFC 3339 shape.
    private static func namesARealInstant(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) } }
        let (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...days[month - 1]).contains(day), number(11..<13) < 24,
            number(14..<16) < 60, number(17..<19) < 60
        else { return false }
        guard let sign = bytes.lastIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }), sign > 18
        else { return true }
        return number(sign + 1..<sign + 3) < 24 && number(sign + 4..<sign + 6) < 60
    }

    /// `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z` or `±HH:MM`, and nothing more.
    private static func hasRFC3339Shape(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.allSatisfy { $0 < bytes.count && (48...57).contains(bytes[$0]) }
        }
        func byte(_ index: Int, _ allowed: String) -> Bool {
            index < bytes.count && allowed.utf8.contains(bytes[index])
        }
        guard digits(0..<4), byte(4, "-"), digits(5..<7), byte(7, "-"), digits(8..<10), byte(10, "Tt"), digits(11..<13),
            byte(13, ":"), digits(14..<16), byte(16, ":"), digits(17..<19)
        else { return false }
        var index = 19
        if byte(index, ".") {
            index += 1
            let start = index
            while digits(index..<index + 1) { index += 1 }
            guard index > start else { return false }
        }
        if byte(index, "Zz") { return index + 1 == bytes.count }
        return byte(index, "+-") && digits(index + 1..<index + 3) && byte(index + 3, ":")
            && digits(index + 4..<index + 6)
            && index + 6 == bytes.count
    }
}

extension Int64 {
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
