import Foundation
import SigV4

/// AWS's Signature Version 4 test suite, as copied into `Fixtures/aws-sigv4-testsuite`.
///
/// Each case is a folder holding `NAME.req` (the request), `NAME.creq` (its canonical request),
/// `NAME.sts` (the string to sign), `NAME.authz` (the `Authorization` header) and `NAME.sreq`
/// (the signed request). Cases may be nested (`normalize-path/get-space`).
enum SigV4TestSuite {
    static let accessKeyID = "AKIDEXAMPLE"
    static let secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let region = "us-east-1"
    static let service = "service"
    /// 2015-08-30T12:36:00Z, the time of every case.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)

    /// Cases signed with temporary credentials: the file that holds the token, and where the
    /// token goes. The suite gives no separate input for `get-vanilla-with-session-token`, so its
    /// token is read from the header its signed request carries.
    static let temporaryCredentialCases: [String: (tokenFile: String, placement: SigV4Signer.Options.SessionTokenPlacement)] = [
        "get-vanilla-with-session-token": ("get-vanilla-with-session-token/get-vanilla-with-session-token.sreq", .signed),
        "post-sts-token/post-sts-header-before": ("post-sts-token/readme.txt", .signed),
        "post-sts-token/post-sts-header-after": ("post-sts-token/readme.txt", .appendedAfterSigning),
    ]

    /// Checks of a case's `.sreq` that are skipped, and why. Each entry is itself tested: the
    /// reason must still hold, so the entry goes once the fixture is fixed.
    static let knownIssues: [String: String] = [
        "get-vanilla-with-session-token":
            "its .sreq carries the Signature of normalize-path/get-relative-relative, not the one in its own .authz; the .authz, .creq and .sts agree with each other and are checked",
    ]

    static var root: URL {
        get throws {
            guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw SuiteError("the Fixtures folder is not in the test bundle; the SigV4Tests target needs resources: [.copy(\"Fixtures\")]")
            }
            return fixtures.appendingPathComponent("aws-sigv4-testsuite")
        }
    }

    /// Every case in the suite, found by walking its folders: a folder named `X` that holds `X.req`.
    static let caseNames: [String] = {
        guard let root = try? root,
            let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        else { return [] }
        var names: [String] = []
        for case let url as URL in walker where url.pathExtension == "req" {
            let folder = url.deletingLastPathComponent()
            guard url.deletingPathExtension().lastPathComponent == folder.lastPathComponent else { continue }
            names.append(String(folder.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)))
        }
        return names.sorted()
    }()

    /// One case's files.
    struct Case {
        let name: String
        let folder: URL

        init(_ name: String) throws {
            self.name = name
            folder = try SigV4TestSuite.root.appendingPathComponent(name)
        }

        func file(_ suffix: String) throws -> String {
            let url = folder.appendingPathComponent(folder.lastPathComponent + "." + suffix)
            return String(decoding: try Data(contentsOf: url), as: UTF8.self)
        }

        var request: RawRequest { get throws { try RawRequest(parsing: file("req")) } }
        var signedRequest: RawRequest { get throws { try RawRequest(parsing: file("sreq")) } }

        /// The credentials the case is signed with, and the signer's options for it.
        func signer() throws -> SigV4Signer {
            var options = SigV4Signer.Options.standard
            var token: String?
            if let temporary = SigV4TestSuite.temporaryCredentialCases[name] {
                let text = String(decoding: try Data(contentsOf: SigV4TestSuite.root.appendingPathComponent(temporary.tokenFile)), as: UTF8.self)
                token = temporary.tokenFile.hasSuffix(".sreq")
                    ? try RawRequest(parsing: text).headers.first { $0.name.lowercased() == "x-amz-security-token" }?.value
                    : text.split(whereSeparator: \.isNewline).last.map(String.init)
                options.sessionTokenPlacement = temporary.placement
            }
            let credentials = AWSCredentials(accessKeyID: SigV4TestSuite.accessKeyID, secretAccessKey: SigV4TestSuite.secretAccessKey, sessionToken: token)
            return SigV4Signer(credentials: credentials, region: SigV4TestSuite.region, service: SigV4TestSuite.service, options: options)
        }
    }

    struct SuiteError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A request in the suite's text form: a request line, header lines (a line starting with
/// white space continues the previous value), an empty line and the body. The suite's files
/// use LF line ends and are not valid HTTP (a path may hold a space or raw UTF-8), so this is
/// read by hand rather than by an HTTP parser.
struct RawRequest {
    var method: String
    var path: String
    var query: String
    var headers: [(name: String, value: String)]
    var body: String

    init(parsing text: String) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), requestLine.hasSuffix(" HTTP/1.1") else {
            throw SigV4TestSuite.SuiteError("not a request line: \(requestLine)")
        }
        method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)...].dropLast(" HTTP/1.1".count)
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = String(target)
            query = ""
        }

        headers = []
        while !lines.isEmpty {
            let line = lines.removeFirst()
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                // An obsolete line fold: RFC 9112 replaces it with a space.
                headers[headers.count - 1].value += " " + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw SigV4TestSuite.SuiteError("not a header line: \(line)")
            }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        body = lines.joined(separator: "\n")
    }

    var sigV4Request: SigV4Request {
        SigV4Request(method: method, path: path, query: query, headers: headers, payload: .bytes(Array(body.utf8)))
    }
}
