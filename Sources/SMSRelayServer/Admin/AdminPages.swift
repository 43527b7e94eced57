import Foundation
import Mustache

/// The admin page's HTML, rendered with Mustache (which escapes every `{{value}}`): no script,
/// no external asset, no inline style, so that the Content-Security-Policy can forbid them all.
enum AdminPages {
    /// Sent with every admin page.
    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy",
         "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]

    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        // The templates are ours and fixed: a mistake in them is a programming error.
        try! library.register("{{> head}}" + login + foot, named: "login")
        try! library.register("{{> head}}" + dashboard + foot, named: "dashboard")
        try! library.register("{{> head}}" + refusal + foot, named: "refusal")
        try! library.register(head, named: "head")
        return library
    }()

    static func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }

    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · SMSRelay</title>
        <link rel="stylesheet" href="/admin.css">
        </head>
        <body>

        """

    static let foot = """

        </body>
        </html>

        """

    static let login = """
        <main class="login">
        <h1>SMSRelay</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/login">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required autofocus>
        <button type="submit" id="login">Log in</button>
        </form>
        </main>
        """

    static let refusal = """
        <main class="login">
        <h1>SMSRelay</h1>
        <p class="error" role="alert">{{error}}</p>
        <p><a href="/login">To the login page</a></p>
        </main>
        """

    static let dashboard = """
        <header>
        <h1>SMSRelay <span class="version">{{version}}</span></h1>
        <form method="post" action="/logout" class="logout">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" id="logout">Log out</button>
        </form>
        </header>
        <main>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <section>
        <h2>Last 24 hours</h2>
        <p class="legend"><span class="key in"></span> texts in: {{totalIn}} <span class="key out"></span> replies out: {{totalOut}}</p>
        {{{chart}}}
        </section>
        <section>
        <h2>Callback URLs</h2>
        {{#hasCallbackURLs}}<details id="callback"><summary>Show the callback URLs (they hold the secret token)</summary>{{#callbackURLs}}<p>{{carrier}}: <code>{{url}}</code></p>{{/callbackURLs}}</details>{{/hasCallbackURLs}}
        {{^hasCallbackURLs}}<p>Not listening yet.</p>{{/hasCallbackURLs}}
        </section>
        <section>
        <h2>Dead messages ({{deadCount}})</h2>
        {{^dead}}<p>None: every message was delivered or is still being tried.</p>{{/dead}}
        {{#hasDead}}
        <table id="dead">
        <thead><tr><th>id</th><th>kind</th><th>stored (UTC)</th><th>from</th><th>to</th><th>text</th><th>attempts</th><th>last error</th><th></th></tr></thead>
        <tbody>
        {{#dead}}
        <tr id="dead-{{id}}"><td>{{id}}</td><td>{{direction}}</td><td>{{created}}</td><td>{{from}}</td><td>{{to}}</td><td class="body">{{body}}</td><td>{{attempts}}</td><td class="error">{{lastError}}</td>
        <td><form method="post" action="/retry/{{id}}"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="retry-{{id}}">Retry</button></form></td></tr>
        {{/dead}}
        </tbody>
        </table>
        {{/hasDead}}
        </section>
        <section>
        <h2>Recent messages</h2>
        {{^recent}}<p>No message yet.</p>{{/recent}}
        {{#hasRecent}}
        <table id="recent">
        <thead><tr><th>id</th><th>kind</th><th>stored (UTC)</th><th>from</th><th>to</th><th>text</th><th>status</th><th>attempts</th><th>last error</th></tr></thead>
        <tbody>
        {{#recent}}
        <tr id="message-{{id}}" class="{{status}}"><td>{{id}}</td><td>{{direction}}</td><td>{{created}}</td><td>{{from}}</td><td>{{to}}</td><td class="body">{{body}}</td><td class="status">{{status}}</td><td>{{attempts}}</td><td class="error">{{lastError}}</td></tr>
        {{/recent}}
        </tbody>
        </table>
        {{/hasRecent}}
        </section>
        </main>
        """

    static let css = """
        :root { font-family: system-ui, sans-serif; color: #1d1d1f; background: #fafafa; }
        body { margin: 0 auto; max-width: 72rem; padding: 1rem; }
        header { display: flex; justify-content: space-between; align-items: center; }
        h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
        .version { font-size: 0.8rem; color: #666; font-weight: normal; }
        table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
        th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
        td.body { max-width: 24rem; overflow-wrap: anywhere; }
        td.error, p.error { color: #a40000; }
        tr.dead td.status { color: #a40000; font-weight: bold; }
        tr.sent td.status { color: #196c2e; }
        p.notice { background: #e8f4ea; padding: 0.5rem; }
        .login { max-width: 20rem; margin: 4rem auto; }
        .login input, .login button { display: block; width: 100%; margin: 0.5rem 0; padding: 0.4rem; box-sizing: border-box; }
        svg.chart { width: 100%; height: auto; background: #fff; border: 1px solid #ddd; }
        svg.chart rect.in, .key.in { fill: #2f6fb5; background: #2f6fb5; }
        svg.chart rect.out, .key.out { fill: #e08a1e; background: #e08a1e; }
        svg.chart .axis { stroke: #999; }
        svg.chart text { font-size: 11px; fill: #555; }
        .key { display: inline-block; width: 0.8rem; height: 0.8rem; }
        code { overflow-wrap: anywhere; }

        """
}
