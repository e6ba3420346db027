/// Decoding of `%XX` escapes in paths and query strings, which the server does itself (see the
/// libmicrohttpd shim): after splitting, and refusing what is not text.
public enum PercentEncoding {
    /// The decoded text, or nil for a broken escape, bytes that are not UTF-8, or a NUL.
    public static func decode(_ text: String) -> String? {
        // Most paths and values hold no escape: they are already what decoding would give.
        if !text.utf8.contains(UInt8(ascii: "%")) { return text.utf8.contains(0) ? nil : text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        guard !bytes.contains(0) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Whether a path is written the one way the router reads it: `/` alone, or `/`-separated
    /// segments none of which is empty (no `//`, no trailing `/`), `.` or `..`, or holds a `/`
    /// once decoded (`%2F`). Every step of the pipeline sees the same path, so another spelling
    /// of a path is not a way around one of them.
    public static func isCanonical(_ path: String) -> Bool {
        if path == "/" { return true }
        guard path.hasPrefix("/") else { return false }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            guard let decoded = decode(String(part)) else { return true }  // refused as not text elsewhere
            return !decoded.isEmpty && decoded != "." && decoded != ".." && !decoded.utf8.contains(UInt8(ascii: "/"))
        }
    }

    /// The decoded segments of a path (`/v1/a%2Fb` → `["v1", "a/b"]`), or nil if one is not text.
    public static func segments(of path: String) -> [String]? {
        var segments: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = decode(String(part)) else { return nil }
            segments.append(decoded)
        }
        return segments
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
