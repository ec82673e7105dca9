// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "WhatsAppCloud", targets: ["WhatsAppCloud"]),
        .library(name: "Switchboard", targets: ["Switchboard"]),
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.115.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.10.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.32.0"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.1.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "WhatsAppCloud",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Switchboard",
            dependencies: [
                "WhatsAppCloud",
                "Sandbox",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Plot", package: "Plot"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: ["Switchboard"]
        ),
        .executableTarget(
            name: "AccountListBenchmark",
            dependencies: ["Switchboard"],
            path: "Benchmarks/AccountListBenchmark"
        ),
        .executableTarget(
            name: "WebhookLoad",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/WebhookLoad"
        ),
        .target(
            name: "Sandbox",
            dependencies: [
                "WhatsAppCloud",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "WhatsAppFixtures",
            dependencies: ["WhatsAppCloud"],
            path: "Tests/WhatsAppFixtures",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "WhatsAppCloudTests",
            dependencies: ["WhatsAppCloud", "WhatsAppFixtures"]
        ),
        .testTarget(
            name: "SandboxTests",
            dependencies: [
                "Sandbox", "WhatsAppCloud", "WhatsAppFixtures",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
        .testTarget(
            name: "SwitchboardTests",
            dependencies: [
                "Switchboard", "WhatsAppFixtures",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer target builds only when asked (scripts/fuzz-webhooks.sh sets SWITCHBOARD_FUZZ), because it has
// no `main` of its own: libFuzzer provides it, and a normal build would not link.
if ProcessInfo.processInfo.environment["SWITCHBOARD_FUZZ"] != nil {
    package.products.append(.executable(name: "WebhookFuzzer", targets: ["WebhookFuzzer"]))
    package.targets.append(.executableTarget(name: "WebhookFuzzer", dependencies: ["WhatsAppCloud"], path: "Fuzz/WebhookFuzzer"))
}
