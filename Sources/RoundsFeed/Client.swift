#if canImport(Glibc)
import Glibc
#endif
import HL7v2

/// A small blocking MLLP client (`rounds hl7 send`): one connection, each message framed and
/// sent whole, then its acknowledgements read as MLLP frames (never a bare `recv`), with a
/// time limit so a silent listener cannot hang it.
public final class MLLPClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }

    let fd: Int32
    var decoder = MLLPDecoder(maxFrameBytes: 1 << 20)
    var pending: [[UInt8]] = []
    public let timeoutMilliseconds: Int32

    public init(host: String, port: Int, timeoutSeconds: Int = 30) throws(Failure) {
        timeoutMilliseconds = Int32(max(1, min(timeoutSeconds, 3_600)) * 1_000)
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else { throw Failure("cannot resolve \(host): \(String(cString: gai_strerror(rc)))") }
        defer { freeaddrinfo(list) }
        var lastError = ECONNREFUSED
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let a = p {
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if s >= 0 {
                if connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    fd = s
                    return
                }
                lastError = errno
                close(s)
            }
            p = a.pointee.ai_next
        }
        throw Failure("cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    deinit { close(fd) }

    /// The socket (tests send from another thread).
    public var descriptor: Int32 { fd }

    /// Sends one message (unframed bytes), framed, in full.
    public func send(_ message: [UInt8]) throws(Failure) { try sendRaw(MLLP.frame(message)) }

    /// Sends bytes as they are (tests of what bad senders do).
    public func sendRaw(_ framed: [UInt8]) throws(Failure) {
        var sent = 0
        while sent < framed.count {
            let n = framed.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure("send failed: \(String(cString: strerror(errno)))")
            }
            sent += n
        }
    }

    /// The next frame from the listener, or nil when `timeout` (ms) passes without one.
    public func receive(timeout: Int32? = nil) throws(Failure) -> [UInt8]? {
        if !pending.isEmpty { return pending.removeFirst() }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, timeout ?? timeoutMilliseconds)
            if ready < 0 { if errno == EINTR { continue }; throw Failure("poll failed: \(String(cString: strerror(errno)))") }
            if ready == 0 { return nil }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { if errno == EINTR { continue }; throw Failure("receive failed: \(String(cString: strerror(errno)))") }
            if n == 0 { throw Failure("the listener closed the connection") }
            for event in decoder.feed(buffer[0..<n]) {
                if case .frame(let f) = event { pending.append(f) }
            }
            if !pending.isEmpty { return pending.removeFirst() }
        }
    }

    /// Sends a message and reads what answers it. Original mode: one ACK. Enhanced mode: the
    /// ACKs MSH-15 and MSH-16 ask for; one that is sent only on error (`ER`) or only on success
    /// (`SU`) may not come, so it is waited for two seconds at most, and silence is returned as
    /// no ACK (the message was accepted, as asked).
    public func exchange(_ message: [UInt8], accept: String = "", application: String = "") throws(Failure) -> [[UInt8]] {
        try send(message)
        let accept = accept.uppercased(), application = application.uppercased()
        if accept.isEmpty && application.isEmpty {
            guard let ack = try receive() else { throw Failure("no acknowledgement within \(timeoutMilliseconds / 1000) s") }
            return [ack]
        }
        var acks: [[UInt8]] = []
        // The commit ACK: always for AL (or empty MSH-15 with MSH-16 set: no commit ACK).
        if accept == "AL" {
            guard let ack = try receive() else { throw Failure("no commit acknowledgement within \(timeoutMilliseconds / 1000) s") }
            acks.append(ack)
        } else if accept == "ER" || accept == "SU", let ack = try receive(timeout: 2_000) {
            acks.append(ack)
        }
        // No application ACK follows a commit error or reject.
        if let first = acks.first, let code = MLLPClient.code(of: first), code == "CE" || code == "CR" { return acks }
        if application == "AL" || application.isEmpty {
            guard let ack = try receive() else { throw Failure("no application acknowledgement within \(timeoutMilliseconds / 1000) s") }
            acks.append(ack)
        } else if application == "ER" || application == "SU", let ack = try receive(timeout: 2_000) {
            acks.append(ack)
        }
        return acks
    }

    /// MSA-1 of an acknowledgement.
    public static func code(of ack: [UInt8]) -> String? {
        guard let m = try? HL7Message.parse(ack) else { return nil }
        return m.first("MSA")?.text(1)
    }
}
