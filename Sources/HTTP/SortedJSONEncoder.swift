import Foundation

/// Encodes `Encodable` values as compact JSON with members sorted by the bytes of their names,
/// slashes unescaped and dates as `Timestamp` text: the bytes Foundation's `JSONEncoder` writes
/// with `.sortedKeys` and `.withoutEscapingSlashes`, at a fraction of its cost (it was a third
/// of a signed-in request's instructions; bench/README.md).
struct SortedJSONEncoder {
    func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let root = JSONNode()
        try root.store(value, codingPath: [])
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        root.write(to: &output)
        return output
    }
}

/// A value being encoded: containers fill it in place, so a nested container handed out before
/// its parent is finished still writes into the tree.
final class JSONNode {
    enum Content {
        case empty
        case literal([UInt8])
        case string(String)
        case object([(name: String, value: JSONNode)])
        case array([JSONNode])
    }

    var content = Content.empty

    func store<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws {
        if Value.self == String.self {
            content = .string(value as! String)
        } else if let literal = try JSONNode.literal(value, codingPath: codingPath) {
            content = .literal(literal)
        } else {
            try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
        }
    }

    /// The JSON of a value written as one literal, or nil for a value that encodes itself. Types
    /// are compared rather than cast: a failed cast to a protocol costs a conformance search.
    static func literal<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws -> [UInt8]? {
        let type = Value.self
        if type == Int.self { return Array(String(value as! Int).utf8) }
        if type == Bool.self { return Array(((value as! Bool) ? "true" : "false").utf8) }
        if type == Double.self { return try number(value as! Double, codingPath: codingPath) }
        if type == Date.self { return quoted(Timestamp.format(value as! Date)) }
        if type == Int64.self || type == Int32.self || type == Int16.self || type == Int8.self || type == UInt.self
            || type == UInt64.self || type == UInt32.self || type == UInt16.self || type == UInt8.self
        {
            return Array("\(value)".utf8)
        }
        if type == Float.self { return try number(value as! Float, codingPath: codingPath) }
        if type == URL.self { return quoted((value as! URL).absoluteString) }
        if type == Decimal.self { return Array((value as! Decimal).description.utf8) }
        if type == Data.self { return quoted((value as! Data).base64EncodedString()) }
        return nil
    }

    /// An object member, added or (as Foundation does) replaced.
    func member(_ name: String) -> JSONNode {
        let child = JSONNode()
        var members: [(name: String, value: JSONNode)]
        if case .object(let existing) = content { members = existing } else { members = [] }
        content = .empty  // keeps the array uniquely referenced while it grows
        if let index = members.firstIndex(where: { $0.name == name }) {
            members[index].value = child
        } else {
            members.append((name, child))
        }
        content = .object(members)
        return child
    }

    func element() -> JSONNode {
        let child = JSONNode()
        var elements: [JSONNode]
        if case .array(let existing) = content { elements = existing } else { elements = [] }
        content = .empty
        elements.append(child)
        content = .array(elements)
        return child
    }

    func becomeObject() {
        if case .object = content { return }
        content = .object([])
    }

    func becomeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func write(to output: inout [UInt8]) {
        switch content {
        case .empty:
            output.append(contentsOf: "{}".utf8)
        case .literal(let bytes):
            output.append(contentsOf: bytes)
        case .string(let text):
            JSONNode.write(quoted: text, to: &output)
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) })
                .enumerated()
            {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONNode.write(quoted: member.name, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        }
    }

    static let null = Array("null".utf8)

    static func quoted(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        write(quoted: text, to: &bytes)
        return bytes
    }

    /// A JSON string: quotes, backslashes and control characters escaped, all else copied as it is
    /// (runs without an escape in one copy).
    static func write(quoted text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
                case 0x0A: output.append(contentsOf: #"\n"#.utf8)
                case 0x0D: output.append(contentsOf: #"\r"#.utf8)
                case 0x09: output.append(contentsOf: #"\t"#.utf8)
                case 0x08: output.append(contentsOf: #"\b"#.utf8)
                case 0x0C: output.append(contentsOf: #"\f"#.utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: #"\u00"#.utf8)
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 0xF)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Shortest text that reads back as the same number, without a trailing `.0`.
    static func number<Number: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: Number, codingPath: [any CodingKey]
    ) throws -> [UInt8] {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "\(value) is not a JSON number."))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return Array(text.utf8)
    }
}

private struct NodeEncoder: Encoder {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        node.member(key.stringValue).content = .literal(JSONNode.null)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try node.member(key.stringValue).store(value, codingPath: codingPath + [key])
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        node.member(key.stringValue).content = .string(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        node.member(key.stringValue).content = .literal(Array(String(value).utf8))
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        node.member(key.stringValue).content = .literal(Array((value ? "true" : "false").utf8))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = node.member(key.stringValue)
        child.becomeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.member(key.stringValue)
        child.becomeArray()
        return UnkeyedNodeContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.member("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let elements) = node.content { return elements.count }
        return 0
    }

    mutating func encodeNil() throws {
        node.element().content = .literal(JSONNode.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [IndexKey(intValue: count)]
        try node.element().store(value, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [IndexKey(intValue: count)]
        let child = node.element()
        child.becomeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(intValue: count)]
        let child = node.element()
        child.becomeArray()
        return UnkeyedNodeContainer(node: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [IndexKey(intValue: count)]
        return NodeEncoder(node: node.element(), codingPath: path)
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        node.content = .literal(JSONNode.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try node.store(value, codingPath: codingPath)
    }
}
