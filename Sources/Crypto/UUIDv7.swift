import Foundation

/// Time-ordered identifiers (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits.
/// Ordered ids keep B-tree inserts at the right edge and make `id` a usable keyset for pagination.
public enum UUIDv7 {
    public static func make(at date: Date = Date()) -> UUID {
        var bytes = Sodium.randomBytes(16)
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index)))
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x70
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}

extension UUID {
    /// The one text form of an id that the API shows (bodies, locations, tags): lowercase, as
    /// PostgreSQL prints it. Foundation's `uuidString` is uppercase and costs an `snprintf`; ids
    /// are written several times per request, so the hex digits are written here.
    public var lowercasedString: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                func digit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    text[position] = digit(byte >> 4)
                    text[position + 1] = digit(byte & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }
}
