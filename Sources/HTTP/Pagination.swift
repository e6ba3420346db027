import Foundation

/// `?limit=&cursor=` of a list request. Cursors are opaque keyset positions bound to the filters
/// they were made with: a cursor sent with other filters answers 400.
public struct PageRequest: Sendable {
    public static let defaultLimit = 20
    public static let maximumLimit = 100

    public let limit: Int
    /// The keyset position after which the page starts, as the list query wrote it. Cursors are
    /// not signed: read the values through `position(_:as:)`, which refuses what does not parse.
    public let after: [String]?
    /// A digest of the filters, so that a cursor cannot be replayed against another list.
    public let filterKey: String

    /// Value `index` of the cursor's position (nil on the first page); a value that does not
    /// parse as the list expects answers 400, so a forged cursor never reaches SQL as garbage.
    public func position<Value>(_ index: Int, as parse: (String) -> Value?) throws -> Value? {
        guard let after else { return nil }
        guard index < after.count, let value = parse(after[index]) else {
            throw Problem.malformed("cursor is not a cursor this server issued.")
        }
        return value
    }

    /// How many rows to ask the keyset query for: one past the page, so that a full page tells
    /// whether another follows.
    public var fetchLimit: Int { limit + 1 }

    /// The answer to the list request: `rows` (fetched with `fetchLimit`) as a page of `item`s,
    /// with `next_cursor` and the `Link` header when another page follows.
    public func response<Row, Item: Encodable & Sendable>(
        _ rows: [Row], for request: Request, position: (Row) -> [String], item: (Row) throws -> Item
    ) throws -> Response {
        try Page(rows: rows, request: self, position: position, item: item).response(for: request)
    }

    /// - Parameter filterKey: a stable text form of the list's filters (without limit and cursor).
    public init(_ request: Request, filterKey: String = "") throws {
        self.filterKey = filterKey
        if let text = try request.queryValue("limit") {
            guard let value = Int(text), value >= 1, value <= PageRequest.maximumLimit else {
                throw Problem.malformed("limit must be an integer from 1 to \(PageRequest.maximumLimit).")
            }
            limit = value
        } else {
            limit = PageRequest.defaultLimit
        }
        if let cursor = try request.queryValue("cursor") {
            guard let decoded = Cursor.decode(cursor) else {
                throw Problem.malformed("cursor is not a cursor this server issued.")
            }
            guard decoded.filterKey == filterKey else {
                throw Problem.malformed("cursor was made for other filters; send it with the filters it came with.")
            }
            after = decoded.position
        } else {
            after = nil
        }
    }
}

/// The opaque text of a cursor: base64url of a small JSON document.
public enum Cursor {
    private struct Body: Codable {
        var p: [String]
        var f: String
    }

    public static func encode(position: [String], filterKey: String) -> String {
        let data = (try? JSONEncoder().encode(Body(p: position, f: filterKey))) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> (position: [String], filterKey: String)? {
        guard text.utf8.count <= 1024 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let body = try? JSONDecoder().decode(Body.self, from: data)
        else { return nil }
        return (body.p, body.f)
    }
}

/// A page of a list: `{"data": [...], "next_cursor": "..." | null}` with a `Link: rel="next"`.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public let data: [Item]
    public let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }

    /// `next_cursor` is always present: `null` on the last page.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
    }

    /// - Parameters:
    ///   - rows: up to `request.fetchLimit` rows, as the keyset query returned them; the extra one
    ///     tells that another page exists.
    ///   - position: the keyset position of a row (what the next page starts after).
    ///   - item: how a row is shown.
    public init<Row>(
        rows: [Row], request: PageRequest, position: (Row) -> [String], item: (Row) throws -> Item
    ) rethrows {
        let shown = rows.prefix(request.limit)
        data = try shown.map(item)
        if rows.count > request.limit, let last = shown.last {
            nextCursor = Cursor.encode(position: position(last), filterKey: request.filterKey)
        } else {
            nextCursor = nil
        }
    }

    public init(rows: [Item], request: PageRequest, position: (Item) -> [String]) {
        self.init(rows: rows, request: request, position: position, item: { $0 })
    }

    public func response(for request: Request) throws -> Response {
        var response = try Response.json(self)
        if let nextCursor {
            var query = request.query.filter { $0.name != "cursor" }
            query.append((name: "cursor", value: nextCursor))
            let encoded = query.map { "\(percentEncode($0.name))=\(percentEncode($0.value))" }.joined(separator: "&")
            response.headers.add("Link", "<\(request.path)?\(encoded)>; rel=\"next\"")
        }
        return response
    }

    private func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
