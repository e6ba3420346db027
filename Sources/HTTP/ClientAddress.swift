import Foundation

/// The peers whose `X-Forwarded-For` is believed: addresses and CIDR ranges, IPv4 or IPv6
/// (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`), since load balancers in a cluster change addresses.
public struct TrustedProxies: Sendable, Equatable, ExpressibleByArrayLiteral {
    struct Range: Sendable, Equatable {
        let network: [UInt8]
        let prefixLength: Int
    }

    private(set) var ranges: [Range] = []

    public var isEmpty: Bool { ranges.isEmpty }

    /// Nil when an entry is neither an address nor a range.
    public init?(_ entries: [String]) {
        for entry in entries {
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let network = Self.bytes(parts[0]) else { return nil }
            let prefixLength = parts.count == 2 ? Int(parts[1]) : network.count * 8
            guard let prefixLength, (0...network.count * 8).contains(prefixLength) else { return nil }
            ranges.append(Range(network: network, prefixLength: prefixLength))
        }
    }

    public init(arrayLiteral entries: String...) {
        self = Self(entries)!
    }

    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return ranges.contains { range in
            guard range.network.count == bytes.count else { return false }
            var remaining = range.prefixLength
            for (network, byte) in zip(range.network, bytes) where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if network & mask != byte & mask { return false }
                remaining -= 8
            }
            return true
        }
    }

    /// The address's bytes (4 for IPv4, 16 for IPv6), or nil when it is not one.
    static func bytes(_ text: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &buffer) == 1 { return Array(buffer.prefix(4)) }
        if inet_pton(AF_INET6, text, &buffer) == 1 { return buffer }
        return nil
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy, in which case the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy. Every
/// `X-Forwarded-For` line counts, in order, as one list: a proxy that appends its own line
/// after the client's leaves the client's lines on the left, where they are not believed.
public enum ClientAddress {
    public static func resolve(peer: String, forwardedFor: [String], trustedProxies: TrustedProxies) -> String {
        guard trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty && !trustedProxies.contains(hop) {
            return hop
        }
        return peer
    }
}
