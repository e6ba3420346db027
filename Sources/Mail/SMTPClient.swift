import CCurl
import Foundation

/// Where mail goes: `smtp://[user:password@]host[:port]` (STARTTLS, required unless the host is
/// a loopback relay, where it is used when offered) or `smtps://...` (TLS from the first byte).
public struct SMTPSettings: Sendable {
    public let url: String
    /// A CA bundle to verify the server with, for a relay with a private certificate.
    public let caFile: String?
    public let connectTimeoutSeconds: Int
    public let timeoutSeconds: Int
    /// The URL without its credentials, for logs and `/readyz`.
    public let server: String
    let requiresTLS: Bool

    public init(url: String, caFile: String? = nil, connectTimeoutSeconds: Int = 10, timeoutSeconds: Int = 60) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "smtp" || scheme == "smtps", let host = components.host, !host.isEmpty,
            components.path.isEmpty || components.path == "/"
        else { throw SMTPSettingsError(url: url) }
        self.url = url
        self.caFile = caFile
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.timeoutSeconds = timeoutSeconds
        self.server = "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
        let loopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        self.requiresTLS = scheme == "smtps" || !loopback
    }
}

public struct SMTPSettingsError: Error, CustomStringConvertible {
    let url: String
    public var description: String { "SMTP_URL must look like smtp://host:587 or smtps://user:password@host:465" }
}

/// What became of one attempt. A permanent failure is the server refusing the recipient or the
/// message (a 5xx reply to RCPT or to the message itself); anything else that went wrong
/// (a 4xx reply, no connection, TLS, authentication, the sender refused) may pass on a later try.
public enum SMTPOutcome: Sendable, Equatable {
    case sent
    case transient(String)
    case permanent(String)
}

/// Sends one message per connection through libcurl.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings

    public init(settings: SMTPSettings) {
        _ = Self.globalInitialisation
        self.settings = settings
    }

    private static let globalInitialisation: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public func send(_ message: MailMessage) -> SMTPOutcome {
        let bytes: [UInt8]
        do { bytes = Array(try message.rendered().utf8) } catch {
            return .permanent("the message has a malformed header")
        }
        guard let curl = curl_easy_init() else { return .transient("libcurl could not start a transfer") }
        defer { curl_easy_cleanup(curl) }
        let transfer = Transfer(bytes: bytes)
        let context = Unmanaged.passRetained(transfer)
        defer { context.release() }
        let recipients = curl_slist_append(nil, "<\(message.to.address)>")
        defer { curl_slist_free_all(recipients) }
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let result: CURLcode = errorText.withUnsafeMutableBufferPointer { errorBuffer in
            var code = CURLE_OK
            func set(_ option: CURLoption, _ value: Int) {
                if code == CURLE_OK { code = praxis_curl_set_long(curl, option, value) }
            }
            func set(_ option: CURLoption, _ value: String) {
                if code == CURLE_OK { code = value.withCString { praxis_curl_set_pointer(curl, option, $0) } }
            }
            func set(_ option: CURLoption, pointer: UnsafeRawPointer?) {
                if code == CURLE_OK { code = praxis_curl_set_pointer(curl, option, pointer) }
            }
            set(CURLOPT_URL, settings.url)
            set(CURLOPT_MAIL_FROM, "<\(message.from.address)>")
            set(CURLOPT_MAIL_RCPT, pointer: UnsafeRawPointer(recipients))
            set(CURLOPT_USE_SSL, Int(settings.requiresTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue))
            if let caFile = settings.caFile { set(CURLOPT_CAINFO, caFile) }
            set(CURLOPT_CONNECTTIMEOUT, settings.connectTimeoutSeconds)
            set(CURLOPT_TIMEOUT, settings.timeoutSeconds)
            set(CURLOPT_NOSIGNAL, 1)
            set(CURLOPT_UPLOAD, 1)
            set(CURLOPT_ERRORBUFFER, pointer: UnsafeRawPointer(errorBuffer.baseAddress))
            if code == CURLE_OK { code = praxis_curl_set_read_function(curl, readMessage) }
            set(CURLOPT_READDATA, pointer: context.toOpaque())
            // The dialogue is watched (not logged) to tell which command a refusal answered.
            if code == CURLE_OK { code = praxis_curl_set_debug_function(curl, watchDialogue) }
            set(CURLOPT_DEBUGDATA, pointer: context.toOpaque())
            set(CURLOPT_VERBOSE, 1)
            guard code == CURLE_OK else { return code }
            return curl_easy_perform(curl)
        }
        if result == CURLE_OK { return .sent }
        if let refusal = transfer.refusal {
            let permanent = refusal.reply.hasPrefix("5") && (refusal.command == "RCPT" || refusal.command == "DATA")
            return permanent ? .permanent(refusal.reply) : .transient(refusal.reply)
        }
        let cause = errorText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return .transient(cause.isEmpty ? String(cString: curl_easy_strerror(result)) : cause)
    }
}

/// One message on its way out, and what the server last said. Touched only by the thread that
/// runs the transfer, from its callbacks.
private final class Transfer {
    let bytes: [UInt8]
    var offset = 0
    var lastCommand: String?
    var refusal: (command: String, reply: String)?

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}

private func readMessage(buffer: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?)
    -> Int
{
    guard let buffer, let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = min(size * count, transfer.bytes.count - transfer.offset)
    guard length > 0 else { return 0 }
    transfer.bytes.withUnsafeBufferPointer { source in
        UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + transfer.offset, byteCount: length)
    }
    transfer.offset += length
    return length
}

private func watchDialogue(
    curl: UnsafeMutableRawPointer?, type: curl_infotype, data: UnsafeMutablePointer<CChar>?, size: Int,
    context: UnsafeMutableRawPointer?
) -> Int32 {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if type == CURLINFO_HEADER_OUT {
        // Only the command word is kept: an AUTH line carries credentials.
        let word = String(decoding: bytes.prefix(4), as: UTF8.self).uppercased()
        transfer.lastCommand = word
    } else if type == CURLINFO_HEADER_IN {
        // The first refusal counts, with the command it answered (QUIT follows it).
        let line = String(decoding: bytes.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if transfer.refusal == nil, let first = line.first, first == "4" || first == "5" {
            transfer.refusal = (command: transfer.lastCommand ?? "", reply: line)
        }
    } else if type == CURLINFO_DATA_OUT {
        transfer.lastCommand = "DATA"
    }
    return 0
}
