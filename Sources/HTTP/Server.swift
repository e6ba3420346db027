import CMicroHTTPD
import CMicroHTTPDShim
import Foundation
import Locking
import Synchronization

/// How requests are spread over threads; `bench/README.md` has the measurements behind the
/// default. No mode runs handlers on Swift concurrency's cooperative threads: handlers block on
/// libpq, and they do so on threads of their own.
public enum ThreadingMode: String, Sendable, CaseIterable {
    /// One libmicrohttpd thread per connection; handlers run on it and may block.
    case threadPerConnection = "thread-per-connection"
    /// A pool of epoll threads; handlers run on them, so a slow handler stalls its whole thread.
    case epollPool = "epoll-pool"
    /// A pool of epoll threads that do I/O and answer what needs no waiting; a request that may
    /// block is suspended and handled on a worker thread, then resumed with its response.
    case suspendResume = "suspend-resume"
}

public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port: UInt16 = 8080
    public var mode = ThreadingMode.suspendResume
    /// I/O threads of the epoll modes.
    public var ioThreads = 2
    /// Handler threads of `suspendResume`; match the database pool so that none waits for a connection.
    public var workerThreads = 16
    public var maxBodyBytes = 1 << 20
    public var connectionLimit = 10_000
    /// Connections one client address may hold at once; behind a proxy, raise it to the proxy's pool.
    public var connectionLimitPerAddress = 256
    /// Seconds a connection may stay idle before it is closed.
    public var connectionTimeout = 30
    /// libmicrohttpd's memory per connection (request line, headers, buffers), zeroed and so
    /// resident once used: an idle keep-alive connection costs this much. 24 KiB holds a 20 KB
    /// request line; 10,000 idle connections then need about 240 MiB.
    public var connectionMemoryLimit = 24 * 1024
    public var shutdownTimeout: TimeInterval = 10
    public init() {}
}

/// What the server hands requests to. It must answer every request; it never throws.
public protocol HTTPResponder: Sendable {
    func respond(to request: Request) -> Response
    /// Whether answering may block (on the database, say): in the suspend-resume mode such
    /// requests are handed to a worker, and the others answered on the I/O thread, so that they
    /// never queue behind slow ones.
    func waits(_ request: Request) -> Bool
    /// The answer to a request refused before its body was read (too large, say).
    func refuse(_ request: Request, with problem: Problem) -> Response
}

public enum ServerError: Error, CustomStringConvertible {
    case cannotStart(host: String, port: UInt16)
    public var description: String {
        switch self {
        case .cannotStart(let host, let port):
            return "cannot listen on \(host):\(port) (address in use, or not a local IP address)"
        }
    }
}

/// An HTTP/1.1 server over libmicrohttpd.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: ServerConfiguration
    let responder: any HTTPResponder
    // Set once in start() and cleared in stop(), both called from one controlling thread.
    private var daemon: OpaquePointer?
    private var workers: WorkerPool?
    // Requests being handled now, and the suspended exchanges; guarded by `state`.
    private let state = NSCondition()
    private var inFlight = 0
    /// Set when stopping: every answer then closes its connection, so that keep-alive clients
    /// (a load balancer's pool among them) go elsewhere and the requests in flight run out.
    private let stopping = Atomic(false)
    private var suspended: [ObjectIdentifier: Exchange] = [:]
    public private(set) var port: UInt16 = 0

    public init(configuration: ServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
    }

    public func start() throws {
        signal(SIGPIPE, SIG_IGN)
        HTTPServer.allowEveryDescriptor()
        var flags = UInt32(MHD_USE_INTERNAL_POLLING_THREAD.rawValue) | UInt32(MHD_USE_ITC.rawValue)
        var options: [MHD_OptionItem] = [
            option(optionConnectionTimeout, configuration.connectionTimeout),
            option(optionConnectionLimit, configuration.connectionLimit),
            option(optionConnectionMemoryLimit, configuration.connectionMemoryLimit),
            option(optionPerAddressConnectionLimit, configuration.connectionLimitPerAddress),
            // RFC 9112 as written: an HTTP/1.1 request without Host, or with a space in its
            // target, is 400. Laxness where two parsers may read a request differently is a
            // smuggling risk.
            option(optionStrictForClient, 1),
        ]
        switch configuration.mode {
        case .threadPerConnection:
            flags |= UInt32(MHD_USE_THREAD_PER_CONNECTION.rawValue) | UInt32(MHD_USE_AUTO.rawValue)
            // Up to CONNECTION_LIMIT threads: a modest stack keeps their reserved memory small.
            options.append(option(optionThreadStackSize, 512 * 1024))
        case .epollPool, .suspendResume:
            flags |= UInt32(MHD_USE_EPOLL.rawValue)
            options.append(option(optionThreadPoolSize, configuration.ioThreads))
        }
        if configuration.mode == .suspendResume {
            flags |= UInt32(MHD_ALLOW_SUSPEND_RESUME.rawValue)
            workers = WorkerPool(size: configuration.workerThreads, name: "praxis-worker")
        }
        options.append(MHD_OptionItem(option: optionEnd, value: 0, ptr_value: nil))

        // The daemon holds the server until it stops: released in stop(), after MHD_stop_daemon.
        let context = Unmanaged.passRetained(self).toOpaque()
        daemon = options.withUnsafeBufferPointer { buffer in
            praxis_mhd_start(
                flags, configuration.host, configuration.port, accessHandler, context, requestCompleted, context,
                buffer.baseAddress)
        }
        guard let daemon else {
            Unmanaged<HTTPServer>.fromOpaque(context).release()
            workers?.shutdown()
            throw ServerError.cannotStart(host: configuration.host, port: configuration.port)
        }
        port = praxis_mhd_bound_port(daemon)
    }

    /// Stops accepting, lets requests in flight finish (up to the shutdown timeout), then stops.
    public func stop() {
        guard let daemon else { return }
        // The listening socket is ours to close, but only once the daemon has stopped. Shut
        // down now, it refuses new connections at once (a load balancer then tries another
        // instance) rather than queueing them unanswered until the requests in flight finish.
        stopping.store(true, ordering: .relaxed)
        let listener = MHD_quiesce_daemon(daemon)
        if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)) }
        let deadline = Date().addingTimeInterval(configuration.shutdownTimeout)
        let abandoned = state.withLock {
            while inFlight > 0 && state.wait(until: deadline) {}
            return Array(suspended.values)
        }
        // libmicrohttpd must not stop with suspended connections: answer what is left with a 503.
        for exchange in abandoned {
            exchange.finish(
                responder.refuse(exchange.request, with: .unavailable(retryAfter: 5)), server: self)
        }
        if !abandoned.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        MHD_stop_daemon(daemon)
        if listener >= 0 { close(listener) }
        self.daemon = nil
        Unmanaged.passUnretained(self).release()
        workers?.shutdown()
        workers = nil
    }

    /// Every open connection holds a descriptor: raise the soft limit (often 1024) to the hard
    /// one, so that idle keep-alive clients are bounded by `connectionLimit`, not by it.
    private static func allowEveryDescriptor() {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
    }

    private func option(_ option: MHD_OPTION, _ value: Int) -> MHD_OptionItem {
        MHD_OptionItem(option: option, value: value, ptr_value: nil)
    }

    // MARK: Request life cycle

    /// A request counts as in flight from its handling until libmicrohttpd reports it completed,
    /// that is until its response has been sent (or the connection broke).
    fileprivate func begin(_ exchange: Exchange) {
        state.withLock {
            inFlight += 1
            exchange.counted = true
        }
    }

    fileprivate func completed(_ exchange: Exchange) {
        state.withLock {
            if exchange.counted {
                inFlight -= 1
                exchange.counted = false
            }
            suspended[ObjectIdentifier(exchange)] = nil
            state.broadcast()
        }
    }

    fileprivate func handle(_ exchange: Exchange, connection: OpaquePointer) -> MHD_Result {
        if let response = exchange.takeFinishedResponse() {
            return queue(response, on: connection)
        }
        if exchange.bodyLimitExceeded {
            return queue(
                responder.refuse(exchange.request, with: .payloadTooLarge(limit: configuration.maxBodyBytes)),
                on: connection)
        }
        guard let workers, responder.waits(exchange.request) else {
            begin(exchange)
            return queue(responder.respond(to: exchange.request), on: connection)
        }
        begin(exchange)
        state.withLock { suspended[ObjectIdentifier(exchange)] = exchange }
        exchange.connection = connection
        MHD_suspend_connection(connection)
        let responder = self.responder
        workers.submit { [self] in
            exchange.finish(responder.respond(to: exchange.request), server: self)
        }
        return mhdYes
    }

    fileprivate func resume(_ exchange: Exchange, connection: OpaquePointer) {
        state.withLock { suspended[ObjectIdentifier(exchange)] = nil }
        MHD_resume_connection(connection)
    }

    fileprivate func queue(_ response: Response, on connection: OpaquePointer) -> MHD_Result {
        let mhdResponse = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), mustCopy)
        }
        guard let mhdResponse else { return mhdNo }
        defer { MHD_destroy_response(mhdResponse) }
        for (name, value) in response.headers {
            _ = MHD_add_response_header(mhdResponse, name, value)
        }
        if stopping.load(ordering: .relaxed) { _ = MHD_add_response_header(mhdResponse, "Connection", "close") }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    }
}

/// One request on one connection, from its headers to its completion.
final class Exchange: @unchecked Sendable {
    // `request`, `bodyLimitExceeded` and `earlyResponseQueued` belong to the connection's I/O thread.
    // While suspended, the worker reads `request`; libmicrohttpd does not call back for a
    // suspended connection, so the two never overlap. The worker's answer crosses threads in `completion`.
    var request: Request
    var bodyLimitExceeded = false
    var droppedBytes = 0
    /// Counted in the server's in-flight total; guarded by the server's `state` lock.
    var counted = false
    var earlyResponseQueued = false
    var connection: OpaquePointer?
    private struct Completion {
        var finished: Response?
        var resumed = false
    }

    private let completion = Locked(Completion())

    init(request: Request) {
        self.request = request
    }

    /// Stores the response and resumes the connection, once; a second call (a late worker after
    /// shutdown answered already) does nothing.
    func finish(_ response: Response, server: HTTPServer) {
        // `connection` is set before the job that calls this is submitted.
        guard let connection else { return }
        let first = completion.withLock { completion in
            guard !completion.resumed else { return false }
            completion.resumed = true
            completion.finished = response
            return true
        }
        if first { server.resume(self, connection: connection) }
    }

    func takeFinishedResponse() -> Response? {
        completion.withLock { completion in
            defer { completion.finished = nil }
            return completion.finished
        }
    }
}

// MARK: libmicrohttpd callbacks

// libmicrohttpd's enums import without case names; these are their values from microhttpd.h.
private let mhdYes = MHD_Result(rawValue: 1)!
private let mhdNo = MHD_Result(rawValue: 0)!
private let mhdHeaderKind = MHD_ValueKind(rawValue: 1)!
private let mhdQueryKind = MHD_ValueKind(rawValue: 8)!
private let mustCopy = MHD_ResponseMemoryMode(rawValue: 2)!  // MHD_RESPMEM_MUST_COPY
private let optionEnd = MHD_OPTION(rawValue: 0)!
private let optionConnectionMemoryLimit = MHD_OPTION(rawValue: 1)!
private let optionConnectionLimit = MHD_OPTION(rawValue: 2)!
private let optionConnectionTimeout = MHD_OPTION(rawValue: 3)!
private let optionPerAddressConnectionLimit = MHD_OPTION(rawValue: 5)!
private let optionThreadPoolSize = MHD_OPTION(rawValue: 14)!
private let optionThreadStackSize = MHD_OPTION(rawValue: 19)!
private let optionStrictForClient = MHD_OPTION(rawValue: 29)!

private let accessHandler: MHD_AccessHandlerCallback = {
    context, connection, url, method, _, uploadData, uploadDataSize, connectionContext in
    guard let context, let connection, let connectionContext, let uploadDataSize else { return mhdNo }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()

    guard let existing = connectionContext.pointee, praxis_mhd_query_refused(existing) == 0 else {
        let queryRefused = connectionContext.pointee != nil
        let request = readRequestHead(
            connection: connection, url: url, method: method, trustedPeer: server)
        let exchange = Exchange(request: request)
        connectionContext.pointee = Unmanaged.passRetained(exchange).toOpaque()
        if queryRefused {
            exchange.earlyResponseQueued = true
            let response = server.responder.refuse(
                request,
                with: .malformed("The query holds more than \(PRAXIS_MAX_QUERY_PARAMETERS) parameters."))
            return server.queue(response, on: connection)
        }
        if let length = request.headers["Content-Length"].flatMap({ Int($0) }),
            length > server.configuration.maxBodyBytes
        {
            // Refused before a byte of the body is read.
            exchange.earlyResponseQueued = true
            let response = server.responder.refuse(
                request, with: .payloadTooLarge(limit: server.configuration.maxBodyBytes))
            return server.queue(response, on: connection)
        }
        return mhdYes
    }
    let exchange = Unmanaged<Exchange>.fromOpaque(existing).takeUnretainedValue()

    let size = uploadDataSize.pointee
    if size > 0 {
        defer { uploadDataSize.pointee = 0 }
        if exchange.earlyResponseQueued || exchange.bodyLimitExceeded {
            exchange.droppedBytes += size
            // A sender that keeps going far past the cap is cut off rather than read forever.
            return exchange.droppedBytes > 8 * server.configuration.maxBodyBytes ? mhdNo : mhdYes
        }
        if exchange.request.body.count + size > server.configuration.maxBodyBytes {
            // libmicrohttpd 0.9.75 accepts no response in the middle of an upload: the rest of a
            // chunked body is read and dropped, never buffered, and answered 413 at its end.
            exchange.bodyLimitExceeded = true
            exchange.request.body = []
            return mhdYes
        }
        if let uploadData {
            uploadData.withMemoryRebound(to: UInt8.self, capacity: size) { bytes in
                exchange.request.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: size))
            }
        }
        return mhdYes
    }
    if exchange.earlyResponseQueued { return mhdYes }
    return server.handle(exchange, connection: connection)
}

private let requestCompleted: MHD_RequestCompletedCallback = { context, _, connectionContext, _ in
    guard let context, let connectionContext, let existing = connectionContext.pointee,
        praxis_mhd_query_refused(existing) == 0
    else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    let exchange = Unmanaged<Exchange>.fromOpaque(existing).takeRetainedValue()
    connectionContext.pointee = nil
    server.completed(exchange)
}

private func readRequestHead(
    connection: OpaquePointer, url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?, trustedPeer server: HTTPServer
) -> Request {
    final class Collected {
        var pairs: [(String, String)] = []
        /// Set when a query name or value does not decode to text, or a header name holds whitespace.
        var invalidText = false
        /// Query strings arrive percent-encoded (see the shim); header fields do not.
        var percentEncoded = false
    }
    let iterator: MHD_KeyValueIteratorN = { context, _, key, keySize, value, valueSize in
        guard let context, let key else { return mhdYes }
        let collected = Unmanaged<Collected>.fromOpaque(context).takeUnretainedValue()
        func text(_ start: UnsafePointer<CChar>?, _ count: Int) -> String {
            let raw = String(
                decoding: UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : count), as: UTF8.self)
            guard collected.percentEncoded else { return raw }
            guard let decoded = PercentEncoding.decode(raw) else {
                collected.invalidText = true
                return ""
            }
            return decoded
        }
        let name = text(key, keySize)
        // A field name is a token: whitespace in it (`Name : value`) is how two parsers disagree.
        if !collected.percentEncoded && name.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 }) {
            collected.invalidText = true
        }
        collected.pairs.append((name, text(value, valueSize)))
        return mhdYes
    }
    let headers = Collected()
    let query = Collected()
    query.percentEncoded = true
    withExtendedLifetime(headers) {
        _ = MHD_get_connection_values_n(
            connection, mhdHeaderKind, iterator, Unmanaged.passUnretained(headers).toOpaque())
    }
    withExtendedLifetime(query) {
        _ = MHD_get_connection_values_n(connection, mhdQueryKind, iterator, Unmanaged.passUnretained(query).toOpaque())
    }
    var address = [CChar](repeating: 0, count: 64)
    let peer =
        praxis_mhd_client_address(connection, &address, address.count) == 0
        ? String(decoding: address.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    let headerFields = HTTPHeaders(headers.pairs)
    var request = Request(
        method: method.map { String(cString: $0) } ?? "GET",
        path: url.map { String(cString: $0) } ?? "/",
        query: query.pairs.map { (name: $0.0, value: $0.1) },
        headers: headerFields,
        clientAddress: peer,
        id: RequestID.accept(headerFields["X-Request-Id"]))
    request.queryIsMalformed = query.invalidText
    request.headersAreMalformed = headers.invalidText
    return request
}
