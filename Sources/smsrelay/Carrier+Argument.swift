import ArgumentParser
import SMSRelayCore

/// `--carrier twilio` (any case), with the carriers listed in `--help` and in the error for
/// another name.
extension Carrier: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(named: argument)
    }
}
