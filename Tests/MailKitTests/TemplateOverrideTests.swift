import Foundation
import MailKit
import MailRender
import SMSRelayCore
import Testing

@Suite("Template overrides")
struct TemplateOverrideTests {
    let message = EmailRendererTests.message(from: "1555 & <Co>", body: "Hi <b>there</b>\nbye")

    @Test("override files replace the built-in templates for a route that names them")
    func overrides() throws {
        let directory = try MIMETestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = TemplatePaths(
            subject: try write("SMS {{from}} → {{to}}\n", to: directory, named: "subject.mustache"),
            text: try write("From {{from}}: {{body}}\n{{#media}}{{url}}{{/media}}", to: directory, named: "text.mustache"),
            html: try write("<p>{{from}}</p><div>{{body}}</div><i>{{subject}}</i>", to: directory, named: "html.mustache")
        )
        let renderer = try EmailRenderer(templateSets: [paths])
        let route = Route(recipients: ["a@example.com"], sender: "relay@example.org", templates: paths)
        let email = try renderer.render(message, route: route)

        // Subject and text are not escaped, even though the files carry no pragma.
        #expect(email.subject == "SMS 1555 & <Co> → +1 206-641-8000")
        #expect(email.textBody == "From 1555 & <Co>: Hi <b>there</b>\nbye\n")
        #expect(email.htmlBody == "<p>1555 &amp; &lt;Co&gt;</p><div>Hi &lt;b&gt;there&lt;/b&gt;\nbye</div><i>SMS 1555 &amp; &lt;Co&gt; → +1 206-641-8000</i>")

        // A route without overrides still gets the built-in templates.
        let plain = try renderer.render(message, route: Route(recipients: ["a@example.com"], sender: "relay@example.org"))
        #expect(plain.subject == "Text message from 1555 & <Co> to +1 206-641-8000")
    }

    @Test("one overridden part leaves the others built in")
    func partialOverride() throws {
        let directory = try MIMETestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = TemplatePaths(subject: try write("Custom {{carrier}}", to: directory, named: "s.mustache"))
        let renderer = try EmailRenderer(templateSets: [TemplatePaths(), paths, paths])
        let email = try renderer.render(message, route: Route(recipients: ["a@example.com"], sender: "r@example.org", templates: paths))
        #expect(email.subject == "Custom flowroute")
        #expect(email.textBody.hasPrefix("Text message from 1555 & <Co> to +1 206-641-8000"))
    }

    @Test("a missing template file fails at start-up, naming the path")
    func missingFile() throws {
        let path = "/nonexistent/smsrelay/\(UUID().uuidString)/text.mustache"
        let error = try #require(throws: MailKitError.self) {
            try EmailRenderer(templateSets: [TemplatePaths(text: path)])
        }
        #expect(error.code == .templateNotFound)
        #expect(error.message.contains(path))
        #expect(error.message.contains("text template"))
    }

    @Test("a template with a syntax error fails at start-up, naming the path and line")
    func syntaxError() throws {
        let directory = try MIMETestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("<p>ok</p>\n{{#media}}\n<li>{{url}}</li>\n", to: directory, named: "broken.mustache")
        let error = try #require(throws: MailKitError.self) {
            try EmailRenderer(templateSets: [TemplatePaths(html: path)])
        }
        #expect(error.code == .templateSyntax)
        #expect(error.message.contains(path))
        #expect(error.message.contains("not closed"))

        let mismatched = try write("line one\nHello {{#from}}x{{/to}}\nline three\n", to: directory, named: "mismatch.mustache")
        let mismatchError = try #require(throws: MailKitError.self) {
            try EmailRenderer(templateSets: [TemplatePaths(subject: mismatched)])
        }
        #expect(mismatchError.code == .templateSyntax)
        #expect(mismatchError.message.contains("line 2"))
        #expect(mismatchError.message.contains("'Hello {{#from}}x{{/to}}'"))

        let unfinished = try write("line one\nHello {{from\n", to: directory, named: "tag.mustache")
        let unfinishedError = try #require(throws: MailKitError.self) {
            try EmailRenderer(templateSets: [TemplatePaths(text: unfinished)])
        }
        #expect(unfinishedError.code == .templateSyntax)
        #expect(unfinishedError.message.contains("ends in the middle of a tag"))
    }

    @Test("a file that is not UTF-8, or a directory, is unreadable")
    func unreadable() throws {
        let directory = try MIMETestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let latin1 = directory.appendingPathComponent("latin1.mustache")
        try Data([0x63, 0x61, 0x66, 0xE9, 0xFF]).write(to: latin1)
        let error = try #require(throws: MailKitError.self) {
            try EmailRenderer(templateSets: [TemplatePaths(text: latin1.path)])
        }
        #expect(error.code == .templateUnreadable)
        let directoryError = try #require(throws: MailKitError.self) {
            try EmailRenderer(templateSets: [TemplatePaths(html: directory.path)])
        }
        #expect(directoryError.code == .templateUnreadable)
    }

    @Test("a route naming a template the renderer was not given is an error, not a file read")
    func notLoaded() throws {
        let renderer = try EmailRenderer()
        let route = Route(recipients: ["a@example.com"], sender: "r@example.org", templates: TemplatePaths(html: "/tmp/x.mustache"))
        let error = try #require(throws: MailKitError.self) { try renderer.render(message, route: route) }
        #expect(error.code == .templateNotLoaded)
        #expect(error.message.contains("/tmp/x.mustache"))
    }

    private func write(_ text: String, to directory: URL, named name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
