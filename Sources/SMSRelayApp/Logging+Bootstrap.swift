import LambdaRuntime
import Logging
import SMSRelayLambdaApp

public enum LogSetup {
    /// Logs go to standard error at the configured level: a line of text each, or one JSON
    /// object a line (`SMSRELAY_LOG_FORMAT=json`).
    public static func bootstrap(level: String, format: LogFormat = .text) -> Logger {
        let level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label, toStandardError: true)
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: "smsrelay")
        logger.logLevel = level
        return logger
    }
}
