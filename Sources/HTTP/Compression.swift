import CZlib
import Foundation

/// gzip (RFC 1952) through zlib, for clients that accept it (`Accept-Encoding`, RFC 9110 §12.5.3).
public enum Compression {
    /// Bodies shorter than this go as they are: compressing them saves less than it costs.
    public static let threshold = 1024

    /// The gzip form of `bytes`, or nil if zlib fails. Level 1 is zlib's fastest; 9 its smallest.
    public static func gzip(_ bytes: [UInt8], level: Int32 = 1) -> [UInt8]? {
        var stream = z_stream()
        // 15 bits of window, plus 16: a gzip header and trailer rather than zlib's.
        guard
            deflateInit2_(
                &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))))
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { buffer in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = buffer.baseAddress
                stream.avail_out = UInt32(buffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    /// Whether the request's `Accept-Encoding` takes gzip: named (or `*`) with a q-value above 0.
    public static func acceptsGzip(_ request: Request) -> Bool {
        guard let header = request.headers["Accept-Encoding"] else { return false }
        var gzip: Double?
        var any: Double?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if coding == "gzip" || coding == "x-gzip" { gzip = quality } else if coding == "*" { any = quality }
        }
        return (gzip ?? any ?? 0) > 0
    }

    /// Media types worth compressing: text, JSON, SVG, YAML.
    static func isCompressible(_ contentType: String?) -> Bool {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        else { return false }
        return type.hasPrefix("text/") || type.hasSuffix("json") || type.hasSuffix("+xml") || type.hasSuffix("yaml")
    }
}

extension Response {
    /// This answer as the client takes it: gzip-encoded when it accepts gzip (from `gzipped`,
    /// compressed once beforehand, when given), else as it is. Never an answer that holds a
    /// secret (`Cache-Control: no-store`), where compression could let a page that reflects
    /// guesses read it by its length. A compressed answer's ETag is weak, as the same version
    /// in another coding; `EntityTag` compares tags weakly.
    public func encoded(for request: Request, gzipped: [UInt8]? = nil) -> Response {
        guard body.count >= Compression.threshold, headers["Content-Encoding"] == nil,
            Compression.isCompressible(headers["Content-Type"]),
            !(headers["Cache-Control"] ?? "").contains("no-store")
        else { return self }
        var response = self
        response.headers.vary("Accept-Encoding")
        guard Compression.acceptsGzip(request), let compressed = gzipped ?? Compression.gzip(body) else {
            return response
        }
        response.body = compressed
        response.headers.set("Content-Encoding", "gzip")
        if let tag = headers["ETag"], !tag.hasPrefix("W/") { response.headers.set("ETag", "W/" + tag) }
        return response
    }
}
