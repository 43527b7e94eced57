// SMTP transport benchmark: how many messages a second the transport hands to a server over one
// reused connection, and over one connection per message, in the same run.
//
//   smtp-bench --port PORT [--host 127.0.0.1] [--count 500] [--url smtp://…]
//
// Benchmarks/smtp.sh starts a server (aiosmtpd on loopback) and runs this.

import Foundation
import Logging
import MailKit
import SMTPTransport

struct Options {
    var url = ""
    var count = 500
    var warmUp = 20

    init(_ arguments: [String]) throws {
        var host = "127.0.0.1"
        var port: Int?
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--host": host = iterator.next() ?? host
            case "--port": port = iterator.next().flatMap(Int.init)
            case "--count": count = iterator.next().flatMap(Int.init) ?? count
            case "--warm-up": warmUp = iterator.next().flatMap(Int.init) ?? warmUp
            case "--url": url = iterator.next() ?? url
            default: throw UsageError(message: "unknown argument \(argument)")
            }
        }
        if url.isEmpty {
            guard let port else { throw UsageError(message: "give --port PORT or --url URL") }
            url = "smtp://\(host):\(port)?tls=none"
        }
        guard count > 0 else { throw UsageError(message: "--count must be positive") }
    }
}

struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { "smtp-bench: \(message)\nusage: smtp-bench --port PORT [--host HOST] [--count N] [--warm-up N] [--url URL]" }
}

/// A message like the relay sends: text and HTML parts, a short SMS body.
func email(_ number: Int) -> Email {
    Email(
        from: Mailbox(displayName: "+1 555 0100", address: "relay@example.org"),
        to: [Mailbox(address: "ann@example.com")],
        subject: "SMS from +1 555 0100",
        date: Date(timeIntervalSince1970: 1_800_000_000),
        messageID: "bench.\(number)@example.org",
        textBody: "Message \(number): running late, see you at 7 👋",
        htmlBody: "<p>Message \(number): running late, see you at 7 👋</p>"
    )
}

/// Sends `count` messages one after the other and returns messages per second.
func run(_ configuration: SMTPConfiguration, reuse: Bool, count: Int, warmUp: Int, logger: Logger) async throws -> Double {
    let transport = SMTPTransport(configuration: configuration, reuseConnections: reuse, logger: logger)
    do {
        for number in 0..<warmUp {
            _ = try await transport.send(email(-1 - number))
        }
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for number in 0..<count {
                _ = try await transport.send(email(number))
            }
        }
        await transport.shutdown()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(count) / seconds
    } catch {
        await transport.shutdown()
        throw error
    }
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    var logger = Logger(label: "smtp-bench")
    logger.logLevel = .warning
    let configuration = try SMTPConfiguration(url: options.url)
    let size = MIMEWriter.render(email(0)).count
    print("smtp-bench: \(options.count) messages of \(size) octets each way to \(configuration.redactedDescription), \(options.warmUp) warm-up, \(ProcessInfo.processInfo.activeProcessorCount) cores")
    let reused = try await run(configuration, reuse: true, count: options.count, warmUp: options.warmUp, logger: logger)
    let perMessage = try await run(configuration, reuse: false, count: options.count, warmUp: options.warmUp, logger: logger)
    print(String(format: "one reused connection:          %8.1f messages/s", reused))
    print(String(format: "one connection per message:     %8.1f messages/s", perMessage))
    print(String(format: "ratio reused/per-message:       %8.2f", reused / perMessage))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
