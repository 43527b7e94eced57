// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "smsrelay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "smsrelay", targets: ["smsrelay"]),
        .executable(name: "smsrelay-lambda", targets: ["smsrelay-lambda"]),
        .library(name: "SMSRelayCore", targets: ["SMSRelayCore"]),
        .library(name: "MailKit", targets: ["MailKit"]),
        // For the microbenchmarks (Benchmarks/Micro, a package of its own that depends on this one by path).
        .library(name: "MailRender", targets: ["MailRender"]),
        .library(name: "SigV4", targets: ["SigV4"]),
        .library(name: "SMTPTransport", targets: ["SMTPTransport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        // Carrier payloads, the provider-neutral message and routing rules. Foundation only.
        .target(name: "SMSRelayCore", swiftSettings: swiftSettings),
        // The email model, MIME writer, header encoding, the MailTransport seam; the received-email
        // parser and a reply's new text (ReplyText). Nothing of ours.
        .target(name: "MailKit", swiftSettings: swiftSettings),
        // A message and its route made into an email: Mustache templates, the built-in ones.
        .target(
            name: "MailRender",
            dependencies: [
                "SMSRelayCore",
                "MailKit",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // A component's scoped part of the configuration and the naming of its settings.
        .target(
            name: "ComponentConfig",
            dependencies: [.product(name: "Configuration", package: "swift-configuration")],
            swiftSettings: swiftSettings
        ),
        // Mail transports: maildir (embedded default).
        .target(
            name: "Transports",
            dependencies: [
                "MailKit",
                "ComponentConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // AWS Signature Version 4, on swift-crypto only.
        .target(
            name: "SigV4",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Amazon SES v2 SendEmail with raw content.
        .target(
            name: "SESTransport",
            dependencies: [
                "SigV4",
                "MailKit",
                "ComponentConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // SMTP client on SwiftNIO: a pure conversation state machine, STARTTLS or TLS, AUTH, reuse.
        .target(
            name: "SMTPTransport",
            dependencies: [
                "MailKit",
                "ComponentConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // An embedded ESMTP server for inbound mail: a pure session state machine, STARTTLS, limits.
        // Nothing of ours: the app plugs in through SMTPReceiverDelegate.
        .target(
            name: "SMTPReceiver",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // One media item from a carrier-chosen URL, safely: https, every address checked, bounded size and time.
        .target(
            name: "MediaFetch",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // AWS credentials from the platform: the settings, a web identity (STS), the container
        // endpoint or the EC2 instance metadata service, cached and renewed before they expire.
        .target(
            name: "AWSCredentialChain",
            dependencies: [
                "SigV4",
                "ComponentConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // S3 objects and their tags, signed with SigV4: how mail received through SES is read.
        .target(
            name: "S3Objects",
            dependencies: [
                "SigV4",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Single DynamoDB items (PutItem, GetItem, UpdateItem, DeleteItem) on the JSON API, signed with SigV4.
        .target(
            name: "DynamoDBItems",
            dependencies: [
                "SigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Reply addresses: a texter's and our number in an address that cannot be forged (HMAC).
        .target(
            name: "ReplyAddress",
            dependencies: ["SMSRelayCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Flowroute Messaging API v2.1: sends one SMS, within the account's rate; SMS segment counting.
        .target(
            name: "FlowrouteAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Replies by SMS through the carrier a text came in on: the TextSender protocol, the Twilio
        // (and SignalWire), Telnyx, Bandwidth and VoIP.ms clients, and Flowroute's behind it.
        .target(
            name: "CarrierAPI",
            dependencies: [
                "FlowrouteAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The durable outbox: the OutboxStore protocol and its SQLite store (GRDB).
        .target(
            name: "Outbox",
            dependencies: [
                "SMSRelayCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The outbox in PostgreSQL, shared by several relays (postgres-nio's connection pool).
        .target(
            name: "PostgresOutbox",
            dependencies: [
                "Outbox",
                "SMSRelayCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The carrier callback checks and outcomes, and the CallbackSink seam. No HTTP codes.
        .target(
            name: "SMSRelayIntake",
            dependencies: [
                "SMSRelayCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Lambda custom runtime: Runtime API client, API Gateway events, the callback handler.
        .target(
            name: "LambdaRuntime",
            dependencies: [
                "SMSRelayIntake",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP edge: Hummingbird routes, connection limits, health.
        .target(
            name: "SMSRelayServer",
            dependencies: [
                "SMSRelayIntake",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Lambda function's wiring, and the settings and components the server shares with it:
        // settings → components, the transport factory, the send-now sink, idempotency, SES replies.
        // No HTTP server, no outbox store, no SMTP receiver, no YAML: what the lean `bootstrap` links.
        .target(
            name: "SMSRelayLambdaApp",
            dependencies: [
                "SMSRelayCore",
                "MailKit",
                "MailRender",
                "ComponentConfig",
                "Transports",
                "SESTransport",
                "SMTPTransport",
                "SMSRelayIntake",
                "LambdaRuntime",
                "MediaFetch",
                "ReplyAddress",
                "FlowrouteAPI",
                "CarrierAPI",
                "S3Objects",
                "DynamoDBItems",
                "SigV4",
                "AWSCredentialChain",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The server's wiring: the outbox, the delivery worker, the HTTP and SMTP services, the
        // YAML config file, the commands' apps; the Lambda function's through SMSRelayLambdaApp.
        .target(
            name: "SMSRelayApp",
            dependencies: [
                "SMSRelayLambdaApp",
                "SMSRelayCore",
                "MailKit",
                "MailRender",
                "ComponentConfig",
                "Transports",
                "SESTransport",
                "SMTPTransport",
                "Outbox",
                "PostgresOutbox",
                "SMSRelayIntake",
                "SMSRelayServer",
                "LambdaRuntime",
                "MediaFetch",
                "ReplyAddress",
                "FlowrouteAPI",
                "CarrierAPI",
                "S3Objects",
                "DynamoDBItems",
                "SigV4",
                "AWSCredentialChain",
                "SMTPReceiver",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Lets the Lambda package built on a newer glibc run on Amazon Linux 2023.
        .target(name: "GlibcCompat"),
        // The command line: parses arguments and calls the app.
        .executableTarget(
            name: "smsrelay",
            dependencies: [
                "GlibcCompat",
                "SMSRelayApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Lambda function alone (scripts/package-lambda.sh makes it `bootstrap`): links no
        // Hummingbird, GRDB, PostgresNIO, SMTP receiver or YAML parser.
        .executableTarget(
            name: "smsrelay-lambda",
            dependencies: ["GlibcCompat", "SMSRelayLambdaApp"],
            swiftSettings: swiftSettings
        ),
        // SMTP throughput with and without connection reuse (Benchmarks/smtp.sh).
        .executableTarget(
            name: "smtp-bench",
            dependencies: ["SMTPTransport", "MailKit", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/SMTPBench",
            swiftSettings: swiftSettings
        ),
        // A bare Hummingbird route answering 200: the baseline for the intake benchmark.
        .executableTarget(
            name: "smsrelay-baseline",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/BaselineServer"
        ),
        .testTarget(
            name: "SMSRelayCoreTests",
            dependencies: ["SMSRelayCore", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        // ReplyCorpus: reply emails as mail clients write them, each with its expected new text.
        .testTarget(
            name: "MailKitTests",
            dependencies: ["MailKit", "MailRender", "SMSRelayCore", "TestSupport"],
            exclude: ["ReplyCorpus"]
        ),
        .testTarget(name: "TransportsTests", dependencies: ["Transports", "MailKit", "ComponentConfig", "TestSupport"]),
        .testTarget(
            name: "LambdaRuntimeTests",
            dependencies: [
                "LambdaRuntime", "SMSRelayApp", "SMSRelayLambdaApp", "SMSRelayIntake", "MailKit", "MailRender", "SMSRelayCore", "Transports", "TestSupport", "GlibcCompat",
                "ReplyAddress",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "SMTPTransportTests",
            dependencies: [
                "SMTPTransport", "MailKit", "ComponentConfig", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // smtp_client.py: Python's smtplib, the real client of the socket tests.
        .testTarget(
            name: "SMTPReceiverTests",
            dependencies: [
                "SMTPReceiver", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
        ),
        .testTarget(
            name: "MediaFetchTests",
            dependencies: ["MediaFetch", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "FlowrouteAPITests",
            dependencies: ["FlowrouteAPI", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "CarrierAPITests",
            dependencies: ["CarrierAPI", "FlowrouteAPI", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "S3ObjectsTests",
            dependencies: ["S3Objects", "SigV4", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "DynamoDBItemsTests",
            dependencies: [
                "DynamoDBItems", "SigV4", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AWSCredentialChainTests",
            dependencies: [
                "AWSCredentialChain", "SigV4", "ComponentConfig", "SESTransport", "MailKit", "TestSupport",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "SESTransportTests", dependencies: ["SESTransport", "SigV4", "MailKit", "MailRender", "ComponentConfig", "SMSRelayCore", "TestSupport",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Real peers for the tests: moto (SES), the media server, the fake Flowroute and carrier APIs and the Python scripts that drive them.
        .target(
            name: "TestSupport",
            dependencies: [
                "SigV4",
                "SMSRelayCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            exclude: [
                "moto_setup.py", "moto_messages.py", "smtp_server.py", "postfix_server.py", "mime_parts.py", "media_server.py",
                "reply_text.py", "flowroute_api.py", "reply_writer.py", "moto_s3.py", "smtp_client.py", "Media",
                "moto_server.py", "credential_server.py", "moto_dynamodb.py", "admin_browser.py", "seccomp_exec.py",
                "postgres_cluster.py", "ses_throttle_proxy.py", "sqlite_write_lock.py", "carrier_apis.py",
            ]
        ),
        // Mutated callbacks through the parser, the outbox and the MIME writer; the callback corpus.
        .testTarget(
            name: "FuzzTests",
            dependencies: ["SMSRelayCore", "MailKit", "MailRender", "Outbox", "TestSupport"],
            exclude: ["Corpus"]
        ),
        .testTarget(
            name: "SMSRelayAppTests",
            dependencies: [
                "SMSRelayApp", "SMSRelayLambdaApp", "SMSRelayCore", "MailKit", "MailRender", "Outbox", "ComponentConfig", "TestSupport", "FlowrouteAPI", "CarrierAPI", "ReplyAddress", "SMSRelayIntake",
                "SMTPTransport", "SESTransport", "SigV4",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "SMSRelayIntakeTests",
            dependencies: [
                "SMSRelayIntake", "SMSRelayCore", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ReplyAddressTests",
            dependencies: ["ReplyAddress", "SMSRelayCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        // Reads Package.swift and ARCHITECTURE.md: the import graph is the documented one.
        .testTarget(name: "ArchitectureTests"),
        .testTarget(
            name: "OutboxTests",
            dependencies: [
                "Outbox", "PostgresOutbox", "MailKit", "MailRender", "SMSRelayCore", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SMSRelayServerTests",
            dependencies: [
                "SMSRelayServer", "SMSRelayApp", "SMSRelayLambdaApp", "SMSRelayIntake", "Outbox", "Transports", "MailKit", "MailRender", "SMSRelayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                "TestSupport",
            ]
        ),
    ]
)
