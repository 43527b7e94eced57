import Foundation
import SMSRelayCore
import Synchronization

/// The admin page's logged-in sessions, in memory (a restart logs everyone out), and the
/// throttle on wrong passwords.
final class AdminSessions: Sendable {
    struct Session: Sendable, Equatable {
        /// Sent back in every form; a POST without it is refused.
        let csrfToken: String
        var lastSeen: ContinuousClock.Instant
    }

    /// At most this many sessions are kept; a new login beyond it ends the least recent one.
    static let maxSessions = 64
    /// Wrong passwords allowed in ``failureWindow`` before logins are refused for its rest.
    static let maxFailures = 5
    static let failureWindow: Duration = .seconds(60)

    private struct State {
        var sessions: [String: Session] = [:]
        var failures: [ContinuousClock.Instant] = []
    }

    private let state = Mutex(State())
    let idleTimeout: Duration

    init(idleTimeout: Duration) {
        self.idleTimeout = idleTimeout
    }

    /// 32 random bytes in hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// A new session: its cookie value and its form token.
    func start(now: ContinuousClock.Instant = .now) -> (cookie: String, session: Session) {
        let cookie = Self.randomToken()
        let session = Session(csrfToken: Self.randomToken(), lastSeen: now)
        state.withLock { state in
            state.sessions = state.sessions.filter { now - $0.value.lastSeen < idleTimeout }
            if state.sessions.count >= Self.maxSessions, let oldest = state.sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                state.sessions[oldest.key] = nil
            }
            state.sessions[cookie] = session
        }
        return (cookie, session)
    }

    /// The live session of a cookie value, its idle time restarted; nil when there is none.
    func session(_ cookie: String?, now: ContinuousClock.Instant = .now) -> Session? {
        guard let cookie, !cookie.isEmpty else { return nil }
        return state.withLock { state in
            // Looked up by exact key: the dictionary compares whole strings, and the value is 256 random bits.
            guard var session = state.sessions[cookie] else { return nil }
            guard now - session.lastSeen < idleTimeout else {
                state.sessions[cookie] = nil
                return nil
            }
            session.lastSeen = now
            state.sessions[cookie] = session
            return session
        }
    }

    func end(_ cookie: String) {
        _ = state.withLock { $0.sessions.removeValue(forKey: cookie) }
    }

    /// Whether a login may be tried now: fewer than ``maxFailures`` wrong passwords in the last minute.
    func mayTryLogin(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            state.failures = state.failures.filter { now - $0 < Self.failureWindow }
            return state.failures.count < Self.maxFailures
        }
    }

    func recordFailure(now: ContinuousClock.Instant = .now) {
        state.withLock { $0.failures.append(now) }
    }

    /// Whether a form's token is the session's, compared in constant time.
    static func formTokenMatches(_ presented: String?, _ expected: String) -> Bool {
        guard let presented else { return false }
        return ConstantTime.equals(presented, expected)
    }
}
