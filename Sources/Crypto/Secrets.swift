/// Bearer secrets: random, shown once, stored only as a SHA-256 digest.
public enum Secrets {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A session token: 256 random bits in base62.
    public static func sessionToken() -> String {
        "prs_" + base62(Sodium.randomBytes(32))
    }

    /// An API token: `prx_`, 192 random bits in base62, then a 6-character CRC32 checksum of
    /// what precedes it, so that secret scanners can tell a real token from a lookalike offline.
    public static func apiToken() -> String {
        let body = "prx_" + base62(Sodium.randomBytes(24))
        return body + checksum(body)
    }

    /// A one-time token for account activation or password reset: 256 random bits.
    public static func oneTimeToken() -> String {
        "pra_" + base62(Sodium.randomBytes(32))
    }

    /// Whether an API token's checksum matches (a cheap refusal before any database lookup).
    public static func hasValidChecksum(_ token: String) -> Bool {
        guard token.hasPrefix("prx_"), token.utf8.count > 10 else { return false }
        let body = String(token.dropLast(6))
        return checksum(body) == String(token.suffix(6))
    }

    /// The digest stored in place of a secret.
    public static func digest(_ secret: String) -> String {
        Sodium.sha256(Array(secret.utf8)).hexString
    }

    static func checksum(_ text: String) -> String {
        var value = UInt64(CRC32.checksum(Array(text.utf8)))
        var digits: [UInt8] = []
        for _ in 0..<6 {
            digits.append(alphabet[Int(value % 62)])
            value /= 62
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    static func base62(_ bytes: [UInt8]) -> String {
        var number = bytes
        var digits: [UInt8] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            var quotient: [UInt8] = []
            for byte in number {
                let accumulator = remainder * 256 + Int(byte)
                let digit = accumulator / 62
                remainder = accumulator % 62
                if !quotient.isEmpty || digit != 0 { quotient.append(UInt8(digit)) }
            }
            digits.append(alphabet[remainder])
            number = quotient
        }
        // Fixed width, so that every token of a kind has the same length.
        let width = Int((Double(bytes.count * 8) / 5.954).rounded(.up))
        while digits.count < width { digits.append(alphabet[0]) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}

/// CRC-32 (IEEE 802.3), as secret scanners compute it.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
