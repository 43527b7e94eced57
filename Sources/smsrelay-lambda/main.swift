#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SMSRelayLambdaApp

// The Lambda function's `bootstrap`: the provided.al2023 runtime starts it with no arguments and
// AWS_LAMBDA_RUNTIME_API set. Settings come from the environment only (no YAML file); the full
// `smsrelay lambda` does the same work with every other command beside it.

/// Writes to standard error without Foundation's FileHandle.
func printError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

let arguments = CommandLine.arguments.dropFirst()
if let first = arguments.first {
    let usage = """
        Usage: smsrelay-lambda   (as the Lambda function's bootstrap, with AWS_LAMBDA_RUNTIME_API set)
        Runs the SMSRelay Lambda function: settings from the environment (SMSRELAY_*), as for
        `smsrelay lambda`; `smsrelay config check --mode lambda` checks them.

        """
    if first == "--help" || first == "-h" {
        print(usage, terminator: "")
        exit(0)
    }
    printError("Error: unexpected argument '\(first)'\n" + usage)
    exit(64)
}
do {
    try await LambdaApp.run(environment: ProcessInfo.processInfo.environment)
} catch {
    // The Runtime API was told already (init/error); this is for the log.
    printError("Error: \(error)\n")
    exit(1)
}
