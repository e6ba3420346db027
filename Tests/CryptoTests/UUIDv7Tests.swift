import Crypto
import Foundation
import Testing

@Suite struct UUIDv7Tests {
    @Test func carriesVersionVariantAndTime() {
        let date = Date(timeIntervalSince1970: 1_795_972_718.120)
        let id = UUIDv7.make(at: date)
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_795_972_718_120)
    }

    /// The API's text form is Foundation's, lowercased: for every byte value in every position.
    @Test func theLowercaseFormIsFoundationsLowercased() {
        var ids = [UUID(), UUIDv7.make(), UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))]
        for value in 0...255 {
            let byte = UInt8(value)
            ids.append(
                UUID(
                    uuid: (
                        byte, byte &+ 1, byte &+ 2, byte &+ 3, byte &+ 4, byte &+ 5, byte &+ 6, byte &+ 7, byte &+ 8,
                        byte &+ 9, byte &+ 10, byte &+ 11, byte &+ 12, byte &+ 13, byte &+ 14, byte &+ 15
                    )))
        }
        for id in ids { #expect(id.lowercasedString == id.uuidString.lowercased()) }
    }

    @Test func laterIdsSortAfterEarlierOnes() {
        let earlier = UUIDv7.make(at: Date(timeIntervalSince1970: 1_000))
        let later = UUIDv7.make(at: Date(timeIntervalSince1970: 1_000.002))
        #expect(earlier.uuidString.lowercased() < later.uuidString.lowercased())
        #expect(UUIDv7.make() != UUIDv7.make())
    }

    @Test func sha256AndHMACMatchKnownVectors() {
        #expect(
            Sodium.sha256(Array("abc".utf8)).hexString
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231, test case 2.
        #expect(
            Sodium.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)).hexString
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Sodium.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Sodium.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(Sodium.randomBytes(32) != Sodium.randomBytes(32))
    }
}
