import Foundation
import Testing

@testable import HTTP

@Suite struct JSONCodingTests {
    struct Input: Decodable {
        let name: String
        let count: Int
        let when: Date?
    }

    private func request(_ body: String, contentType: String = "application/json") -> Request {
        Request(
            method: "POST", path: "/x", headers: HTTPHeaders([("Content-Type", contentType)]), body: Array(body.utf8))
    }

    private func problem(_ body: [UInt8], contentType: String = "application/json") -> Problem? {
        let request = Request(
            method: "POST", path: "/x", headers: HTTPHeaders([("Content-Type", contentType)]), body: body)
        do {
            _ = try JSONCoding.decode(Input.self, from: request, allowedKeys: ["name", "count", "when"])
            return nil
        } catch let problem as Problem {
            return problem
        } catch {
            return nil
        }
    }

    @Test func decodesValidBodies() throws {
        let input = try JSONCoding.decode(
            Input.self, from: request(#"{"name":"a","count":2,"when":"2026-11-29T17:18:38.120Z"}"#))
        #expect(input.name == "a")
        #expect(input.count == 2)
        #expect(input.when.map(Timestamp.format) == "2026-11-29T17:18:38.120Z")
    }

    @Test func malformedInputIs400() {
        #expect(problem(Array("{\"name\":".utf8))?.status == 400)
        #expect(problem([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])?.detail == "The body is not valid UTF-8.")
        #expect(problem(Array(#"{"name":"a\u0000b","count":1}"#.utf8))?.detail == "NUL characters are not accepted.")
        #expect(problem([])?.status == 400)
    }

    @Test func nestingIsCappedAt32() {
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        #expect(problem(Array(deep.utf8))?.kind == "malformed-request")
        let fine = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect((try? JSONCoding.checkStructure(Array(fine.utf8))) != nil)
        // Brackets inside strings do not count.
        let quoted = #"{"name":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[","count":1}"#
        #expect(problem(Array(quoted.utf8)) == nil)
    }

    /// A member named twice in one object is refused, however the second spelling escapes it;
    /// the same name in two objects, or as a value, is fine.
    @Test func repeatedMembersAre400() {
        for body in [
            #"{"name":"a","count":1,"name":"b"}"#, #"{"name":"a","count":1,"n\u0061me":"b"}"#,
            #"{"name":"a","count":1,"nested":{"x":1,"x":2}}"#,
        ] {
            #expect(problem(Array(body.utf8))?.status == 400, "\(body)")
        }
        #expect(problem(Array(#"{"name":"name","count":1}"#.utf8)) == nil)
        #expect((try? JSONCoding.checkStructure(Array(#"[{"x":1},{"x":2}]"#.utf8))) != nil)
    }

    /// A value of the right JSON type but the wrong shape is named in the API's words, not the
    /// decoder's.
    @Test func malformedValuesAreNamedPlainly() {
        struct Identified: Decodable { let id: UUID }
        let request = Request(
            method: "POST", path: "/x", headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: Array(#"{"id":"not-a-uuid"}"#.utf8))
        do {
            _ = try JSONCoding.decode(Identified.self, from: request, allowedKeys: ["id"])
        } catch let problem as Problem {
            #expect(problem.errors == [.init(field: "id", message: "must be a UUID")])
        } catch {
            Issue.record("\(error)")
        }
        // Foundation names no field for a fraction where a whole number goes; it is still no
        // "invalid JSON".
        let fraction = problem(Array(#"{"name":"a","count":1.5}"#.utf8))
        #expect(fraction?.status == 422 && fraction?.errors.first?.message.contains("JSON") == false)
    }

    @Test func wrongValuesAre422NamingTheField() {
        let missing = problem(Array(#"{"name":"a"}"#.utf8))
        #expect(missing?.status == 422)
        #expect(missing?.errors == [.init(field: "count", message: "is required")])
        let mistyped = problem(Array(#"{"name":"a","count":"two"}"#.utf8))
        #expect(mistyped?.errors.first?.field == "count")
        let badTime = problem(Array(#"{"name":"a","count":1,"when":"yesterday"}"#.utf8))
        #expect(badTime?.errors.first?.field == "when")
        let unknown = problem(Array(#"{"name":"a","count":1,"admin":true}"#.utf8))
        #expect(unknown?.errors == [.init(field: "admin", message: "is not a field that can be set here")])
    }

    @Test func nonJSONContentTypeIs415() {
        #expect(problem(Array("name=a".utf8), contentType: "application/x-www-form-urlencoded")?.status == 415)
        #expect(problem(Array(#"{"name":"a","count":1}"#.utf8), contentType: "application/merge-patch+json") == nil)
    }

    @Test func timestampsHaveMillisecondsAndZ() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_972_718.1209)) == "2026-11-29T17:18:38.120Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(Timestamp.parse("2026-11-29T19:18:38.120+02:00").map(Timestamp.format) == "2026-11-29T17:18:38.120Z")
        #expect(Timestamp.parse("2026-11-29T17:18:38Z").map(Timestamp.format) == "2026-11-29T17:18:38.000Z")
    }

    /// Only RFC 3339 with a four-digit year from 1900 on: what PostgreSQL and the Gregorian
    /// calendar agree on, with nothing after the offset.
    @Test func timestampsOutsideTheAcceptedShapeOrRangeDoNotParse() {
        for text in [
            "300000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z",
            "9999-12-31T23:00:00-05:00", "2026-11-29T17:18:38Zjunk", "2026-11-29 17:18:38Z", "2026-11-29T17:18:38.Z",
            "2026-11-29T17:18:38+0200", "2026-13-01T00:00:00Z", "2020-02-30T00:00:00Z", "2021-02-29T00:00:00Z",
            "2020-04-31T00:00:00Z", "2020-01-01T24:00:00Z", "2020-01-01T23:60:00Z", "2020-01-01T23:59:60Z",
            "2020-01-01T00:00:00+24:00", "2020-01-01T00:00:00-01:60", "2020-00-10T00:00:00Z", "2020-01-00T00:00:00Z",
        ] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
        #expect(Timestamp.parse("9999-12-31T23:59:59.999Z") != nil && Timestamp.parse("1900-01-01T00:00:00Z") != nil)
        #expect(Timestamp.parse("2020-02-29T23:59:59-12:30") != nil && Timestamp.parse("2000-02-29T00:00:00Z") != nil)
    }

    @Test func problemBodiesFollowRFC9457() throws {
        let response = Problem.validation(field: "name", "is required").response(instance: "/v1/x", requestID: "r-1")
        #expect(response.status == 422)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(object?["type"] as? String == "https://praxis.dev/problems/validation")
        #expect(object?["instance"] as? String == "/v1/x")
        #expect(object?["request_id"] as? String == "r-1")
        #expect((object?["errors"] as? [[String: String]])?.first?["field"] == "name")
    }
}

/// The server's encoder writes the bytes Foundation's `JSONEncoder` writes with the same settings,
/// for generated values of every shape a body has.
@Suite struct SortedJSONEncoderTests {
    indirect enum Sample: Encodable {
        case object([String: Sample])
        case array([Sample])
        case text(String)
        case integer(Int)
        case number(Double)
        case flag(Bool)
        case date(Date)
        case null

        func encode(to encoder: any Encoder) throws {
            var single = encoder.singleValueContainer()
            switch self {
            case .object(let members): try single.encode(members)
            case .array(let elements): try single.encode(elements)
            case .text(let text): try single.encode(text)
            case .integer(let number): try single.encode(number)
            case .number(let number): try single.encode(number)
            case .flag(let flag): try single.encode(flag)
            case .date(let date): try single.encode(date)
            case .null: try single.encodeNil()
            }
        }
    }

    /// A body as route modules write them: optionals left out or written as null, nested types.
    struct Body: Encodable {
        struct Part: Encodable {
            let id: UUID
            let name: String?
        }
        let title: String
        let parts: [Part]
        let count: Int64
        let ratio: Float
        let missing: String?
        let at: Date

        enum CodingKeys: String, CodingKey { case title, parts, count, ratio, missing, at, explicit }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(title, forKey: .title)
            try container.encode(parts, forKey: .parts)
            try container.encode(count, forKey: .count)
            try container.encode(ratio, forKey: .ratio)
            try container.encodeIfPresent(missing, forKey: .missing)
            try container.encode(at, forKey: .at)
            try container.encodeNil(forKey: .explicit)
        }
    }

    private func foundation<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func ours<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try SortedJSONEncoder().encode(value), as: UTF8.self)
    }

    @Test func generatedValuesAreWrittenAsFoundationWritesThem() throws {
        var random = SplitMix(seed: 15)
        let names = ["a", "ab", "a_b", "aB", "A", "_x", "a1", "a10", "a2", "id", "created_at", "é", "z"]
        let texts = [
            "", "plain", "quote \" and \\ backslash", "a/b", "line\nbreak\ttab\r", "\u{1}\u{1F}\u{7F}",
            "\u{2028}", "naïve 東京 🎉", "</script>",
        ]
        let numbers = [0, 2, -0.0, 10.75, 0.1, 1e21, 1e-7, 123_456_789_012.5, -3.25, Double.ulpOfOne]
        func sample(depth: Int) -> Sample {
            switch random.next(depth > 3 ? 6 : 8) {
            case 0: return .text(texts[random.next(texts.count)])
            case 1: return .integer(random.next(2) == 0 ? random.next(1000) : Int.min + random.next(10))
            case 2: return .number(numbers[random.next(numbers.count)])
            case 3: return .flag(random.next(2) == 0)
            case 4: return .date(Date(timeIntervalSince1970: Double(random.next(2_000_000_000)) + 0.123))
            case 5: return .null
            case 6:
                return .object(
                    Dictionary(
                        (0..<random.next(6)).map { _ in (names[random.next(names.count)], sample(depth: depth + 1)) },
                        uniquingKeysWith: { first, _ in first }))
            default: return .array((0..<random.next(5)).map { _ in sample(depth: depth + 1) })
            }
        }
        for _ in 0..<500 {
            let value = Sample.object(["root": sample(depth: 0)])
            #expect(try ours(value) == foundation(value))
        }
        let body = Body(
            title: "Devices / schools", parts: [.init(id: UUID(), name: nil), .init(id: UUID(), name: "b")],
            count: Int64.max, ratio: 0.1, missing: nil, at: Date(timeIntervalSince1970: 1_800_000_000.5))
        #expect(try ours(body) == foundation(body))
        #expect(throws: EncodingError.self) { try SortedJSONEncoder().encode([Double.nan]) }
    }
}

/// A small seeded generator, so that a failure can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ below: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(below))
    }
}
