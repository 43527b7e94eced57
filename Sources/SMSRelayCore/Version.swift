/// The release of SMSRelay, reported by `/healthz` and `smsrelay --version`.
public enum SMSRelayVersion {
    public static let current = "0.1.0"
}
