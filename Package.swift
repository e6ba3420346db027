// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "praxis",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "praxis", targets: ["praxis"]),
        .executable(name: "praxis-bench", targets: ["praxis-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // C libraries, imported as they are.
        .systemLibrary(
            name: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CSodium", pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // What Swift cannot call in libmicrohttpd: its variadic functions.
        .target(name: "CMicroHTTPDShim", dependencies: ["CMicroHTTPD"]),

        // Generic layers: they know no domain.
        .target(
            name: "HTTP",
            dependencies: ["CMicroHTTPD", "CMicroHTTPDShim", "CZlib", "Crypto", "Locking"]),
        .target(name: "Locking"),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", "Crypto", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Crypto", dependencies: ["CSodium"]),
        .target(name: "Mail", dependencies: ["CCurl"]),

        // Pure code: no database, no HTTP.
        .target(name: "Disclosure"),
        .target(name: "CSV"),
        .target(name: "SVG"),

        // One folder per domain: its models, rules and SQL (no HTTP), and its API (routes and
        // bodies, no SQL).
        .target(name: "AccessControl", dependencies: ["Postgres", "Crypto"], path: "Sources/AccessControl/Domain"),
        .target(
            name: "AccessControlAPI", dependencies: ["AccessControl", "APISupport", "HTTP", "Crypto"],
            path: "Sources/AccessControl/API"),
        .target(
            name: "Membership", dependencies: ["AccessControl", "Disclosure", "CSV", "Postgres", "Crypto"],
            path: "Sources/Membership/Domain"),
        .target(
            name: "MembershipAPI",
            dependencies: ["Membership", "AccessControl", "APISupport", "Disclosure", "HTTP", "Crypto"],
            path: "Sources/Membership/API"),
        .target(
            name: "Needs",
            dependencies: ["AccessControl", "Membership", "Disclosure", "Postgres", "Crypto", "Locking"],
            path: "Sources/Needs/Domain"),
        .target(
            name: "NeedsAPI",
            dependencies: ["Needs", "AccessControl", "APISupport", "Disclosure", "CSV", "SVG", "HTTP", "Crypto"],
            path: "Sources/Needs/API"),

        .target(
            name: "Threads",
            dependencies: ["AccessControl", "Membership", "Needs", "Disclosure", "Postgres", "Crypto"],
            path: "Sources/Threads/Domain"),
        .target(
            name: "ThreadsAPI",
            dependencies: ["Threads", "AccessControl", "APISupport", "Disclosure", "SVG", "HTTP", "Crypto"],
            path: "Sources/Threads/API"),

        .target(
            name: "Email",
            dependencies: [
                "AccessControl", "Mail", "Postgres", "Crypto", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Email/Domain"),
        .target(
            name: "EmailAPI", dependencies: ["Email", "AccessControl", "APISupport", "HTTP"],
            path: "Sources/Email/API"),

        // What every domain's API shares: route modules, the signed-in caller, paging, merge-patch,
        // conditional requests.
        .target(
            name: "APISupport",
            dependencies: [
                "HTTP", "AccessControl", "Postgres", "Crypto", .product(name: "Logging", package: "swift-log"),
            ]),

        // Composition root and the executables.
        .target(
            name: "App",
            dependencies: [
                "HTTP", "Locking", "Postgres", "Crypto", "AccessControl", "APISupport", "AccessControlAPI",
                "MembershipAPI", "NeedsAPI", "ThreadsAPI", "Email", "EmailAPI", "Mail",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "praxis",
            dependencies: [
                "App", "AccessControl", "Email", "Crypto", "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The load-test server of bench/: the application plus a route that waits in PostgreSQL.
        .executableTarget(name: "praxis-bench", dependencies: ["App", "HTTP", "Postgres"]),

        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "MailTests", dependencies: ["Mail"]),
        .testTarget(name: "DisclosureTests", dependencies: ["Disclosure", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(
            name: "AccessControlTests",
            dependencies: ["AccessControl", "App", "HTTP", "ServerTestSupport", "TestSupport"]),
        .testTarget(
            name: "MembershipTests",
            dependencies: ["Membership", "AccessControl", "Postgres", "ServerTestSupport", "TestSupport"]),
        .testTarget(
            name: "NeedsTests",
            dependencies: ["Needs", "ServerTestSupport", "TestSupport", "AccessControl", "HTTP", "Disclosure", "CSV"]),
        .testTarget(
            name: "ThreadsTests",
            dependencies: ["Threads", "ServerTestSupport", "TestSupport", "AccessControl", "HTTP"]),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App", "AccessControl", "Email", "Mail", "HTTP", "Postgres", "ServerTestSupport", "TestSupport",
            ]),
        // What tests share: the test database, a raw HTTP client, the permission-matrix runner and
        // readers of openapi.yaml; then a running server and a community fixture built on it.
        .target(name: "TestSupport", dependencies: ["Locking", "Postgres", "Disclosure"], path: "Tests/TestSupport"),
        .target(
            name: "ServerTestSupport",
            dependencies: [
                "App", "AccessControl", "HTTP", "Postgres", "Crypto", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ServerTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
