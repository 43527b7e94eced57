import Foundation

/// `ses_throttle_proxy.py` in a child process: answers the first SendEmail requests 429
/// `TooManyRequestsException`, as SES does past the sending rate, and passes the rest to moto.
public struct SESThrottleProxy: Sendable {
    public struct State: Decodable, Sendable {
        /// SendEmail requests answered 429.
        public var throttled: Int
        /// Requests passed to moto.
        public var forwarded: Int
    }

    private let peer: PythonPeer
    public var endpoint: String { "http://127.0.0.1:\(peer.readyNumbers[0])" }

    /// Runs `body` with a proxy to `upstream` that throttles `throttle` sends, and stops it afterwards.
    public static func with<T>(upstream: String, throttle: Int, _ body: (SESThrottleProxy) async throws -> T) async throws -> T {
        let peer = try await PythonPeer.start("ses_throttle_proxy.py", prefix: "ses-throttle") { _ in
            ["--upstream", upstream, "--throttle", "\(throttle)"]
        }
        return try await using(SESThrottleProxy(peer: peer), stop: { await $0.peer.stop() }, body)
    }

    /// What the proxy did so far.
    public func state() async throws -> State {
        let script = "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + '/__proxy/state', timeout=10).read().decode())"
        let printed = try await PythonScript.run(executable: "python3", ["-c", script, endpoint], timeout: .seconds(30))
        return try JSONDecoder().decode(State.self, from: printed)
    }
}
