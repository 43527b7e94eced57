import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SMSRelayApp
import TestSupport
import Testing

/// The admin page of a real `smsrelay serve`: in headless Chromium (Selenium), and refusals
/// over plain HTTP.
@Suite("Admin page", .serialized)
struct AdminPageProcessTests {
    static let password = "correct horse battery staple"

    /// A relay with the admin page on, its password hashed by `smsrelay admin-password`.
    static func withAdminRelay(
        _ extra: [String: String] = [:], _ body: (ServeProcess, String, URL) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { dir in
            let hashing = try await CommandRun(["admin-password"], input: Data((password + "\n").utf8))
            #expect(hashing.status == 0, "\(hashing.stderr)")
            let hash = hashing.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(hash.hasPrefix("$2b$12$") && !hash.contains(password))
            let passwordFile = dir.appendingPathComponent("admin-password")
            try Data(hash.utf8).write(to: passwordFile)
            let server = try await ServeProcess(
                environment: [
                    "SMSRELAY_DATA_DIR": dir.appendingPathComponent("data").path, "SMSRELAY_ADMIN_LISTEN": "127.0.0.1:0",
                    "SMSRELAY_ADMIN_PASSWORD_FILE": passwordFile.path,
                ].merging(extra) { $1 })
            defer { _ = server.terminate() }
            let admin = try await MetricsProcessTests.adminURL(server)
            try await body(server, admin, dir.appendingPathComponent("data"))
        }
    }

    @Test("in Chromium: log in, see a stored text, retry a dead one and see it sent, reveal the callback URL, log out; no CSP violation")
    func browser() async throws {
        try await Self.withAdminRelay(["SMSRELAY_MAX_ATTEMPTS": "1"]) { server, admin, data in
            // A text that dies: the maildir cannot be written for its one attempt.
            let tmp = data.appendingPathComponent("mail/tmp")
            try FileManager.default.removeItem(at: tmp)
            try Data("not a folder".utf8).write(to: tmp)
            #expect(try await server.post(MetricsProcessTests.callback("admin-dead")) == 200)
            let deadline = ContinuousClock.now + .seconds(20)
            while !server.standardError.contains("message is dead"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try FileManager.default.removeItem(at: tmp)
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            // And one that is delivered, with markup that must show as text.
            let stored = #"{"to": "12066418000", "body": "Lunch at <b>noon</b> & then?", "from": "18553569768", "id": "admin-ok"}"#
            #expect(try await server.post(stored) == 200)

            let shots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/test-artifacts/admin-page")
            let output = try await PythonScript.run(
                "admin_browser.py", [admin, Self.password, shots.path, "Lunch at <b>noon</b> & then?", "1"], timeout: .seconds(120))
            let report = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any], "\(String(decoding: output, as: UTF8.self))")
            #expect(report["unauthenticated_url"] as? String == admin + "/login")
            #expect(report["after_login_url"] as? String == admin + "/")
            #expect(report["recent_has_stored_text"] as? Bool == true, "the text shows as typed, markup and all")
            #expect((report["dead_row"] as? String)?.contains("Not a directory") == true, "\(report["dead_row"] ?? "")")
            #expect(report["callback_visible_before_click"] as? Bool == false)
            #expect(report["notice"] as? String == "Message 1 is pending again and will be delivered shortly.")
            #expect(report["status_after_retry"] as? String == "sent")
            #expect(report["dead_rows_after_retry"] as? Int == 0)
            #expect(report["callback_visible_after_click"] as? Bool == true)
            #expect(report["callback_text"] as? String == server.callbackURL)
            #expect(report["after_logout_then_home_url"] as? String == admin + "/login")
            #expect((report["csp_violations"] as? [String])?.isEmpty == true, "\(report["csp_violations"] ?? "")")
            let screenshots = try #require(report["screenshots"] as? [String])
            #expect(screenshots.count == 5)
            for path in screenshots {
                let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
                #expect(size > 1000, "\(path) is a picture")
            }
            #expect(try maildirMessages(data.appendingPathComponent("mail")).count == 2, "the retried text was emailed")
        }
    }

    @Test("refused: a wrong password (401, then 429 after five), a login or retry without its form token, anything without a session")
    func refusals() async throws {
        try await Self.withAdminRelay { server, admin, _ in
            var client = CookieClient(base: admin)
            // Logged out: the page sends to the login form, a POST is refused.
            #expect(try await client.get("/").status == 303)
            #expect(try await client.get("/").location == "/login")
            #expect(try await client.post("/retry/1", ["csrf": "x"]).status == 403)
            #expect(try await client.post("/logout", [:]).status == 403)

            // The login form's token is bound to its cookie.
            var login = try await client.get("/login")
            #expect(login.status == 200)
            #expect(login.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
            #expect(login.setCookies.contains { $0.hasPrefix("smsrelay_login=") && $0.contains("HttpOnly") && $0.contains("Secure") && $0.contains("SameSite=Strict") })
            let token = try #require(login.formToken)
            #expect(try await client.post("/login", ["password": Self.password]).status == 403, "no form token")
            #expect(try await client.post("/login", ["password": Self.password, "csrf": String(token.reversed())]).status == 403)

            // Wrong passwords: 401 each, then 429 even for the right one.
            for attempt in 1...5 {
                login = try await client.get("/login")
                let answer = try await client.post("/login", ["password": "wrong \(attempt)", "csrf": try #require(login.formToken)])
                #expect(answer.status == 401 && answer.body.contains("Wrong password."))
            }
            login = try await client.get("/login")
            let throttled = try await client.post("/login", ["password": Self.password, "csrf": try #require(login.formToken)])
            #expect(throttled.status == 429 && throttled.body.contains("Too many wrong passwords"))
            #expect(client.cookies["smsrelay_session"] == nil)
            #expect(!server.standardError.contains(Self.password) && !server.standardError.contains("wrong 1"), "no password in the log")
        }
    }

    @Test("logged in, a retry needs the session's form token; a phone number shows only to a logged-in user")
    func csrfOnActions() async throws {
        try await Self.withAdminRelay { server, admin, _ in
            #expect(try await server.post(MetricsProcessTests.callback("admin-csrf")) == 200)
            var client = CookieClient(base: admin)
            let login = try await client.get("/login")
            #expect(!login.body.contains("855-356-9768"))
            let answer = try await client.post("/login", ["password": Self.password, "csrf": try #require(login.formToken)])
            #expect(answer.status == 303 && answer.location == "/")
            let session = try #require(answer.setCookies.first { $0.hasPrefix("smsrelay_session=") })
            #expect(session.contains("HttpOnly") && session.contains("Secure") && session.contains("SameSite=Strict"))
            let page = try await client.get("/")
            #expect(page.status == 200 && page.body.contains("+1 855-356-9768"), "numbers as the emails show them")
            #expect(try await client.post("/retry/1", [:]).status == 403, "no form token")
            #expect(try await client.post("/retry/1", ["csrf": "0" + (page.formToken ?? "")]).status == 403, "a wrong one")
            let retried = try await client.post("/retry/1", ["csrf": try #require(page.formToken)])
            #expect(retried.status == 303 && retried.location == "/?notice=not-dead-1", "message 1 was sent, not dead")
            #expect(try await client.post("/logout", ["csrf": try #require(page.formToken)]).status == 303)
            #expect(try await client.get("/").status == 303, "the session is over")
        }
    }

    @Test("the password file must hold a bcrypt hash: a password in clear is refused at start-up, with the command to run")
    func clearPasswordRefused() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("admin-password")
            try Data("hunter2hunter2\n".utf8).write(to: file)
            let run = try await CommandRun(
                ["serve", "--port", "0"],
                environment: [
                    "SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_ADMIN_LISTEN": "127.0.0.1:0", "SMSRELAY_ADMIN_PASSWORD_FILE": file.path,
                ])
            #expect(run.status == 64)
            #expect(run.stderr.contains("does not hold a bcrypt hash") && run.stderr.contains("smsrelay admin-password"), "\(run.stderr)")
            #expect(!run.stderr.contains("hunter2"))
            let short = try await CommandRun(["admin-password"], input: Data("short\n".utf8))
            #expect(short.status == 64 && short.stderr.contains("at least 12"))
        }
    }
}

/// An HTTP client that keeps cookies, as a browser does, and reads the admin page's form token.
struct CookieClient {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var setCookies: [String]
        var body: String
        var location: String? { headers["Location"] }
        /// The `csrf` hidden field of the page's first form.
        var formToken: String? {
            guard let range = body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    let base: String
    var cookies: [String: String] = [:]

    /// Redirects are answers to check, not to follow; one client for the whole run, as
    /// `HTTPClient.shared` is.
    static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    mutating func get(_ path: String) async throws -> Answer {
        try await send(HTTPClientRequest(url: base + path))
    }

    mutating func post(_ path: String, _ form: [String: String]) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request)
    }

    private mutating func send(_ request: HTTPClientRequest) async throws -> Answer {
        var request = request
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let setCookies = response.headers["Set-Cookie"]
        for line in setCookies {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            let value = pair.count > 1 ? String(pair[1]) : ""
            if line.contains("Max-Age=0") || value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
        }
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name] = header.value }
        return Answer(status: Int(response.status.code), headers: headers, setCookies: setCookies, body: String(buffer: body))
    }
}
