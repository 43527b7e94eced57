import Foundation
import MailKit
import Mustache

/// Which part of the email a template renders, and so how its values are escaped.
public enum TemplateKind: String, Sendable, Hashable, CaseIterable {
    /// The `Subject`; values are not escaped, and white space (line breaks included) is
    /// collapsed to single spaces after rendering.
    case subject
    /// The `text/plain` part; values are not escaped.
    case text
    /// The `text/html` part; every `{{value}}` is HTML-escaped (`<`, `>`, `&`, `"`, `'`), so it is
    /// safe in element content and in quoted attributes. `{{{value}}}` and a
    /// `{{%CONTENT_TYPE: TEXT}}` pragma bypass escaping: never use them for message values.
    case html
}

/// A compiled Mustache template for one part of the email.
struct EmailTemplate: Sendable {
    let kind: TemplateKind
    /// Where the template came from, for error messages: a path or `built-in`.
    let origin: String
    private let template: MustacheTemplate

    /// Compiles `source`. Subject and text templates are compiled in Mustache's `TEXT` content
    /// type (no escaping) so a template author cannot forget it; HTML ones in `HTML`.
    init(source: String, kind: TemplateKind, origin: String) throws(MailKitError) {
        self.kind = kind
        self.origin = origin
        // A standalone pragma line is dropped by the parser with its line break, so the author's
        // text renders exactly as written; error line numbers are shifted back by one.
        let contentType = kind == .html ? "HTML" : "TEXT"
        do {
            template = try MustacheTemplate(string: "{{%CONTENT_TYPE: \(contentType)}}\n" + source)
        } catch let error as MustacheTemplate.ParserError {
            let context = error.context
            throw MailKitError(
                .templateSyntax,
                "\(kind.rawValue) template \(origin) is not valid Mustache: \(Self.describe(error.error)) "
                    + "at line \(max(1, context.lineNumber - 1)), column \(context.columnNumber) "
                    + "(\(HeaderText.quotedForMessage(context.line))); fix the template"
            )
        } catch {
            throw MailKitError(.templateSyntax, "\(kind.rawValue) template \(origin) is not valid Mustache: \(error)")
        }
    }

    /// Reads and compiles the template file at `path`.
    init(path: String, kind: TemplateKind) throws(MailKitError) {
        let origin = "'\(path)'"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MailKitError(
                .templateNotFound,
                "\(kind.rawValue) template file \(origin) does not exist; check the path in the template settings"
            )
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw MailKitError(
                .templateUnreadable,
                "\(kind.rawValue) template \(origin) cannot be read; it must be a readable file"
            )
        }
        guard let source = String(validating: data, as: UTF8.self) else {
            throw MailKitError(.templateUnreadable, "\(kind.rawValue) template \(origin) is not valid UTF-8 text")
        }
        try self.init(source: source, kind: kind, origin: origin)
    }

    func render(_ context: [String: Any]) -> String {
        template.render(context)
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else {
            // The parser's own (internal) error type has a single case: running out of text.
            let text = String(describing: error)
            return text == "overflow" ? "the template ends in the middle of a tag" : text
        }
        return switch error {
        case .sectionCloseNameIncorrect: "a section is closed with a name other than the one it was opened with"
        case .unfinishedName: "a tag is not closed"
        case .expectedSectionEnd: "a section is not closed"
        case .invalidSetDelimiter: "a set-delimiter tag is malformed"
        case .transformAppliedToInheritanceSection: "a transform is applied to an inheritance section"
        case .illegalTokenInsideInheritSection: "an inheritance section holds a tag it may not hold"
        case .textInsideInheritSection: "an inheritance section holds text"
        case .invalidConfigVariableSyntax: "a {{% pragma}} tag is malformed"
        case .unrecognisedConfigVariable: "a {{% pragma}} tag names an unknown setting"
        }
    }
}
