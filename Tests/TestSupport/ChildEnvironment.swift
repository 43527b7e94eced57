import Foundation

/// The environment a test gives a program it starts (`smsrelay`, the Lambda emulator): the
/// runner's own, less every variable the relay reads as a setting, so that a developer's or a
/// CI machine's `SMSRELAY_*`, `AWS_*` or systemd variables never reach the program under test;
/// then the test's own `settings`.
public enum ChildEnvironment {
    /// Variables systemd sets for a service, which the relay reads.
    public static let systemdVariables: Set<String> = ["CREDENTIALS_DIRECTORY", "NOTIFY_SOCKET"]

    /// Whether the relay would read `name` as one of its settings.
    public static func isRelaySetting(_ name: String) -> Bool {
        name.hasPrefix("SMSRELAY_") || name.hasPrefix("AWS_") || systemdVariables.contains(name)
    }

    /// `base` (the runner's environment by default) without the relay's settings, then `settings`.
    public static func make(
        _ settings: [String: String], base: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String: String] {
        base.filter { !isRelaySetting($0.key) }.merging(settings) { $1 }
    }
}
