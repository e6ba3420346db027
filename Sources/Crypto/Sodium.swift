import CSodium

/// The only file that talks to libsodium.
public enum Sodium {
    /// Call once before anything else here; safe to call again.
    public static func initialize() {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
    }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    public static func sha256(_ input: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        _ = crypto_hash_sha256(&digest, input, UInt64(input.count))
        return digest
    }

    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var state = crypto_auth_hmacsha256_state()
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        _ = crypto_auth_hmacsha256_init(&state, key, key.count)
        _ = crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
        _ = crypto_auth_hmacsha256_final(&state, &mac)
        return mac
    }

    /// Argon2id parameters: OWASP's minimum (19 MiB, 2 passes), about 60 ms here.
    public static let passwordMemoryLimit = 19 * 1024 * 1024
    public static let passwordOperationsLimit: UInt64 = 2

    /// An Argon2id hash in the PHC string format (`$argon2id$v=19$m=...`), salt included.
    public static func hashPassword(_ password: String) -> String? {
        var output = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let bytes = Array(password.utf8CString)  // never empty: it ends in NUL, which is not hashed
        let result = crypto_pwhash_str(
            &output, bytes, UInt64(bytes.count - 1), passwordOperationsLimit, passwordMemoryLimit)
        guard result == 0 else { return nil }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func verifyPassword(_ password: String, hash: String) -> Bool {
        let bytes = Array(password.utf8CString)
        return crypto_pwhash_str_verify(hash, bytes, UInt64(bytes.count - 1)) == 0
    }

    /// True when `hash` was made with weaker parameters than today's (rehash at the next login).
    public static func passwordNeedsRehash(_ hash: String) -> Bool {
        crypto_pwhash_str_needs_rehash(hash, passwordOperationsLimit, passwordMemoryLimit) != 0
    }

    /// Compares in time independent of where the inputs differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && sodium_memcmp(a, b, a.count) == 0
    }
}

extension Array where Element == UInt8 {
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
