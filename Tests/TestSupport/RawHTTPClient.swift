import Foundation

/// An HTTP/1.1 client over a plain socket, so that tests control every byte sent (malformed
/// requests, chunked bodies, slow clients) and see every header received.
public struct HTTPResult: Sendable {
    public let status: Int
    public let headers: [(String, String)]
    public let body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
}

public enum RawHTTPClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Sends one request with `Connection: close` and reads the whole answer.
    public static func send(
        port: UInt16, method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = [],
        timeout: TimeInterval = 30
    ) throws -> HTTPResult {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) {
            if !headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) {
                head += "Content-Length: \(body.count)\r\n"
            }
        }
        head += "\r\n"
        return try exchange(port: port, bytes: Array(head.utf8) + body, timeout: timeout)
    }

    /// Writes raw bytes and parses what comes back until the server closes the connection.
    public static func exchange(port: UInt16, bytes: [UInt8], timeout: TimeInterval = 30) throws -> HTTPResult {
        let socket = try connect(port: port, timeout: timeout)
        defer { close(socket) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            if written <= 0 { break }  // the server may answer early and close (413)
            offset += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(socket, &buffer, buffer.count)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return try parse(received)
    }

    public static func connect(port: UInt16, timeout: TimeInterval = 30) throws -> Int32 {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socket)
            throw Failure(description: "cannot connect to port \(port)")
        }
        return socket
    }

    static func parse(_ bytes: [UInt8]) throws -> HTTPResult {
        var data = bytes
        // Skip interim answers (100 Continue).
        while true {
            guard let end = find(data, Array("\r\n\r\n".utf8)) else {
                throw Failure(description: "no complete response head in \(data.count) bytes")
            }
            let head = String(decoding: data[0..<end], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
                throw Failure(description: "bad status line")
            }
            let rest = Array(data[(end + 4)...])
            if status == 100 {
                data = rest
                continue
            }
            let headers = lines.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            var body = rest
            if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased() == "chunked" }) {
                body = dechunk(rest)
            } else if let length = headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }
            ) {
                body = Array(rest.prefix(length))
            }
            return HTTPResult(status: status, headers: headers, body: body)
        }
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while let lineEnd = find(Array(bytes[index...]), Array("\r\n".utf8)) {
            let sizeText = String(decoding: bytes[index..<(index + lineEnd)], as: UTF8.self)
            guard let size = Int(sizeText, radix: 16), size > 0 else { break }
            let start = index + lineEnd + 2
            output.append(contentsOf: bytes[start..<min(bytes.count, start + size)])
            index = start + size + 2
            if index >= bytes.count { break }
        }
        return output
    }

    private static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
