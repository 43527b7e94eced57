import Logging
import SMSRelayLambdaApp

public enum LogSetup {
    /// Logs go to standard error, one line each, at the configured level.
    public static func bootstrap(level: String) -> Logger {
        let level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "smsrelay")
        logger.logLevel = level
        return logger
    }
}
