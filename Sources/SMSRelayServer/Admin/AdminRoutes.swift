import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import SMSRelayCore

/// The admin page on the admin listener: log in with the password, see recent and dead
/// messages and the last day's volume, retry a dead message, reveal the callback URL.
///
/// Sessions are a random cookie (`HttpOnly; Secure; SameSite=Strict`); every form carries a
/// per-session token (the login form a per-visit one, matched against its own cookie); wrong
/// passwords are throttled (five a minute); pages are sent with a strict Content-Security-Policy.
struct AdminRoutes: Sendable {
    let data: any AdminData
    let settings: AdminPageSettings
    let sessions: AdminSessions
    let version: String

    static let sessionCookie = "smsrelay_session"
    static let loginCookie = "smsrelay_login"
    /// Forms are small: a password, a token.
    static let maxFormBytes = 8 * 1024

    init(data: any AdminData, settings: AdminPageSettings, version: String) {
        self.data = data
        self.settings = settings
        self.sessions = AdminSessions(idleTimeout: settings.idleTimeout)
        self.version = version
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/admin.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: AdminPages.css)))
        }
        router.get("/login") { request, _ in
            if sessions.session(request.cookies[Self.sessionCookie]?.value) != nil { return Self.redirect("/") }
            return loginPage(status: .ok, error: nil)
        }
        router.post("/login") { request, context in
            await login(request, context: context)
        }
        router.get("/") { request, context in
            guard let session = sessions.session(request.cookies[Self.sessionCookie]?.value) else { return Self.redirect("/login") }
            return await dashboard(session, notice: request.uri.queryParameters["notice"].map(String.init), logger: context.logger)
        }
        router.post("/retry/:id") { request, context in
            if let refusal = await refusalOfForm(request) { return refusal }
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { return Self.refusal(.badRequest, "no such message") }
            let revived = try await data.retry(id: id)
            context.logger.notice("admin page: retry", metadata: ["outbox_id": "\(id)", "revived": "\(revived)"])
            return Self.redirect(revived ? "/?notice=retry-\(id)" : "/?notice=not-dead-\(id)")
        }
        router.post("/logout") { request, _ in
            if let refusal = await refusalOfForm(request) { return refusal }
            if let cookie = request.cookies[Self.sessionCookie]?.value { sessions.end(cookie) }
            var response = Self.redirect("/login")
            response.setCookie(Self.cookie(Self.sessionCookie, "", maxAge: 0))
            return response
        }
    }

    // MARK: - Login

    private func login(_ request: Request, context: BasicRequestContext) async -> Response {
        guard let form = try? await Self.form(request) else { return Self.refusal(.badRequest, "The form could not be read.") }
        // The login form's token must match the cookie set with it: a page elsewhere cannot log
        // a browser in, and the cookie is SameSite=Strict.
        guard let nonce = request.cookies[Self.loginCookie]?.value, !nonce.isEmpty,
              AdminSessions.formTokenMatches(form["csrf"], nonce)
        else {
            return Self.refusal(.forbidden, "The form's token is missing or stale: reload the login page and try again.")
        }
        guard sessions.mayTryLogin() else {
            context.logger.warning("admin page: login refused, too many wrong passwords")
            return loginPage(status: .tooManyRequests, error: "Too many wrong passwords: wait a minute and try again.")
        }
        let password = form["password"] ?? ""
        let hash = settings.passwordHash
        // bcrypt is slow on purpose: off the event loops.
        let matches = (try? await NIOThreadPool.singleton.runIfActive { AdminPasswordHasher.verify(password, hash: hash) }) ?? false
        guard matches else {
            sessions.recordFailure()
            context.logger.notice("admin page: wrong password")
            return loginPage(status: .unauthorized, error: "Wrong password.")
        }
        let (cookie, _) = sessions.start()
        context.logger.notice("admin page: logged in")
        var response = Self.redirect("/")
        // A browser-session cookie: the server ends the session after its idle time, the browser when it closes.
        response.setCookie(Self.cookie(Self.sessionCookie, cookie, maxAge: nil))
        response.setCookie(Self.cookie(Self.loginCookie, "", maxAge: 0))
        return response
    }

    private func loginPage(status: HTTPResponse.Status, error: String?) -> Response {
        let nonce = AdminSessions.randomToken()
        var context: [String: Any] = ["title": "Log in", "csrf": nonce]
        if let error { context["error"] = error }
        var response = Self.page(status, AdminPages.render("login", context))
        response.setCookie(Self.cookie(Self.loginCookie, nonce, maxAge: 3600))
        return response
    }

    // MARK: - Dashboard

    private func dashboard(_ session: AdminSessions.Session, notice: String?, logger: Logger) async -> Response {
        do {
            async let recent = data.recent(limit: 50)
            async let dead = data.dead(limit: 50)
            async let volume = data.volume(now: Date())
            let (recentRows, deadRows, counts) = try await (recent, dead, volume)
            let formatter = Self.timestampFormatter()
            let rows = { (messages: [AdminMessage]) in messages.map { Self.row($0, csrf: session.csrfToken, formatter: formatter) } }
            var context: [String: Any] = [
                "title": "Messages",
                "version": version,
                "csrf": session.csrfToken,
                "recent": rows(recentRows),
                "hasRecent": !recentRows.isEmpty,
                "dead": rows(deadRows),
                "hasDead": !deadRows.isEmpty,
                "deadCount": deadRows.count == 50 ? "50 newest" : "\(deadRows.count)",
                "chart": AdminChart.svg(counts),
                "totalIn": counts.inbound.reduce(0, +),
                "totalOut": counts.outbound.reduce(0, +),
            ]
            let urls = settings.callbackURLs()
            if !urls.isEmpty {
                context["hasCallbackURLs"] = true
                context["callbackURLs"] = urls.map { ["carrier": $0.carrier, "url": $0.url] }
            }
            if let notice { context["notice"] = Self.describe(notice) }
            return Self.page(.ok, AdminPages.render("dashboard", context))
        } catch {
            logger.error("admin page cannot read the outbox", metadata: ["error": "\(error)"])
            return Self.refusal(.serviceUnavailable, "The outbox cannot be read just now; the log says why.")
        }
    }

    static func row(_ message: AdminMessage, csrf: String, formatter: DateFormatter) -> [String: Any] {
        [
            "id": "\(message.id)",
            "direction": message.direction.rawValue,
            "created": formatter.string(from: message.createdAt),
            "from": message.from,
            "to": message.to,
            "body": message.body.count > 300 ? String(message.body.prefix(300)) + "…" : message.body,
            "status": message.status,
            "attempts": "\(message.attempts)",
            "lastError": message.lastError ?? "",
            "csrf": csrf,
        ]
    }

    /// `2026-12-07 20:14:47`, in UTC: one formatter for a whole page, not one a row.
    static func timestampFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }

    /// The words for a `?notice=` the page set itself; anything else is not shown.
    static func describe(_ notice: String) -> String? {
        if notice.hasPrefix("retry-"), let id = Int64(notice.dropFirst(6)) {
            return "Message \(id) is pending again and will be delivered shortly."
        }
        if notice.hasPrefix("not-dead-"), let id = Int64(notice.dropFirst(9)) {
            return "Message \(id) is not dead (already retried or delivered): nothing to do."
        }
        return nil
    }

    // MARK: - Forms and answers

    /// Why a POST is refused, or nil when it comes from a live session with that session's form
    /// token: without a session, or with a missing or wrong token, 403.
    private func refusalOfForm(_ request: Request) async -> Response? {
        guard let session = sessions.session(request.cookies[Self.sessionCookie]?.value) else {
            return Self.refusal(.forbidden, "Not logged in: log in and try again.")
        }
        guard let form = try? await Self.form(request), AdminSessions.formTokenMatches(form["csrf"], session.csrfToken) else {
            return Self.refusal(.forbidden, "The form's token is missing or stale: reload the page and try again.")
        }
        return nil
    }

    /// An `application/x-www-form-urlencoded` body, at most ``maxFormBytes``.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: maxFormBytes)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0])] = parts.count == 2 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }

    static func page(_ status: HTTPResponse.Status, _ html: String) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        for (name, value) in AdminPages.securityHeaders {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String) -> Response {
        var response = page(.seeOther, "")
        response.headers[.location] = location
        return response
    }

    /// A refusal as a small page, in words.
    static func refusal(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        page(status, AdminPages.render("refusal", ["title": status.reasonPhrase, "error": reason]))
    }
}
