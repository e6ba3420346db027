import Foundation
import Locking
import Postgres

/// Request counts and latencies by route, kept in memory and rendered in Prometheus text format.
final class Metrics: Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct Series: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private struct Histogram {
        var counts = [Int](repeating: 0, count: Metrics.buckets.count)
        var sum = 0.0
        var total = 0
    }

    private struct Recorded {
        var requests: [Series: Int] = [:]
        var latency: [String: Histogram] = [:]
    }

    private let recorded = Locked(Recorded())

    /// Methods get a series of their own; any other (a client may send anything) counts as OTHER.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    func record(method: String, route: String, status: Int, seconds: Double) {
        let method = Metrics.knownMethods.contains(method) ? method : "OTHER"
        recorded.withLock { recorded in
            recorded.requests[Series(method: method, route: route, status: status), default: 0] += 1
            var histogram = recorded.latency[route] ?? Histogram()
            for (index, bound) in Metrics.buckets.enumerated() where seconds <= bound {
                histogram.counts[index] += 1
            }
            histogram.sum += seconds
            histogram.total += 1
            recorded.latency[route] = histogram
        }
    }

    func render(pool: ConnectionPool.Statistics, instances: Int) -> String {
        let (requests, latency) = recorded.withLock { ($0.requests, $0.latency) }
        var lines: [String] = []
        lines.append("# HELP praxis_http_requests_total HTTP requests answered, by route template and status.")
        lines.append("# TYPE praxis_http_requests_total counter")
        for (series, count) in requests.sorted(by: {
            ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status)
        }) {
            lines.append(
                "praxis_http_requests_total{method=\"\(series.method)\",route=\"\(escape(series.route))\",status=\"\(series.status)\"} \(count)"
            )
        }
        lines.append("# HELP praxis_http_request_duration_seconds Time from a complete request to its response.")
        lines.append("# TYPE praxis_http_request_duration_seconds histogram")
        for (route, histogram) in latency.sorted(by: { $0.key < $1.key }) {
            let label = "route=\"\(escape(route))\""
            for (index, bound) in Metrics.buckets.enumerated() {
                lines.append(
                    "praxis_http_request_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(histogram.counts[index])")
            }
            lines.append("praxis_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(histogram.total)")
            lines.append("praxis_http_request_duration_seconds_sum{\(label)} \(histogram.sum)")
            lines.append("praxis_http_request_duration_seconds_count{\(label)} \(histogram.total)")
        }
        lines.append("# HELP praxis_db_pool_connections Database connections of this process, by state.")
        lines.append("# TYPE praxis_db_pool_connections gauge")
        lines.append("praxis_db_pool_connections{state=\"in_use\"} \(pool.inUse)")
        lines.append("praxis_db_pool_connections{state=\"idle\"} \(pool.idle)")
        lines.append("# HELP praxis_db_pool_size Maximum database connections of this process.")
        lines.append("# TYPE praxis_db_pool_size gauge")
        lines.append("praxis_db_pool_size \(pool.size)")
        lines.append("# HELP praxis_db_pool_waits_total Times a request waited for a free database connection.")
        lines.append("# TYPE praxis_db_pool_waits_total counter")
        lines.append("praxis_db_pool_waits_total \(pool.waits)")
        lines.append(
            "# HELP praxis_instances Instances of this one's group sharing each rate-limit quota, itself included.")
        lines.append("# TYPE praxis_instances gauge")
        lines.append("praxis_instances \(instances)")
        return lines.joined(separator: "\n") + "\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
