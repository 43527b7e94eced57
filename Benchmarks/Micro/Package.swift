// swift-tools-version: 6.2
import Foundation
import PackageDescription

// Microbenchmarks of SMSRelay's hot paths with ordo-one's package-benchmark. A package of its own,
// so that building the relay and its tests never builds package-benchmark.
// Run from this folder: `swift package benchmark` (see README.md).

// The relay is the package two folders up. A package reached by path is known by its folder's
// name (`smsrelay`, `main`, a CI clone's), so the products name it by that.
let relayPath = "../.."
let relay = URL(fileURLWithPath: Context.packageDirectory)
    .appendingPathComponent(relayPath).standardizedFileURL.lastPathComponent

let package = Package(
    name: "smsrelay-micro",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: relayPath),
        // The malloc interposer gives the allocation counts; the runtime interposer is left out.
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "SMSRelayMicro",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "SMSRelayCore", package: relay),
                .product(name: "MailKit", package: relay),
                .product(name: "MailRender", package: relay),
                .product(name: "SigV4", package: relay),
                .product(name: "SMTPTransport", package: relay),
            ],
            path: "Benchmarks/SMSRelayMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
