import Foundation
import SigV4
import Testing

/// Every case of AWS's Signature Version 4 test suite.
@Suite("AWS Signature Version 4 test suite")
struct SigV4TestSuiteTests {
    @Test("the suite's folder holds every case we expect")
    func discovery() {
        #expect(SigV4TestSuite.caseNames.count == 34)
        #expect(SigV4TestSuite.caseNames.contains("normalize-path/get-space"))
        #expect(SigV4TestSuite.caseNames.contains("post-sts-token/post-sts-header-after"))
        for name in SigV4TestSuite.temporaryCredentialCases.keys.sorted() + SigV4TestSuite.knownIssues.keys.sorted() {
            #expect(SigV4TestSuite.caseNames.contains(name), "\(name) is listed but not in the suite")
        }
    }

    @Test("the canonical request is the one in the .creq file", arguments: SigV4TestSuite.caseNames)
    func canonicalRequest(_ name: String) throws {
        let (suiteCase, signed) = try signedCase(name)
        #expect(signed.canonicalRequest == (try suiteCase.file("creq")))
    }

    @Test("the string to sign is the one in the .sts file", arguments: SigV4TestSuite.caseNames)
    func stringToSign(_ name: String) throws {
        let (suiteCase, signed) = try signedCase(name)
        #expect(signed.stringToSign == (try suiteCase.file("sts")))
    }

    @Test("the Authorization header is the one in the .authz file", arguments: SigV4TestSuite.caseNames)
    func authorization(_ name: String) throws {
        let (suiteCase, signed) = try signedCase(name)
        #expect(signed.authorization == (try suiteCase.file("authz")))
    }

    @Test("the signed request's headers are those of the .sreq file, in order", arguments: SigV4TestSuite.caseNames)
    func signedRequest(_ name: String) throws {
        let suiteCase = try SigV4TestSuite.Case(name)
        let request = try suiteCase.request
        let signed = try suiteCase.signer().sign(request.sigV4Request, at: SigV4TestSuite.date)
        var expected = try suiteCase.signedRequest
        if SigV4TestSuite.knownIssues[name] != nil {
            // Compare all but the Authorization header, which that file has wrong.
            expected.headers.removeAll { $0.name == "Authorization" }
            let ours = signed.headers.filter { $0.name != "Authorization" }
            #expect(ours.map(\.name) == expected.headers.map(\.name))
            #expect(ours.map { trimmed($0.value) } == expected.headers.map { trimmed($0.value) })
            return
        }
        #expect(signed.headers.map(\.name) == expected.headers.map(\.name))
        #expect(signed.headers.map { trimmed($0.value) } == expected.headers.map { trimmed($0.value) })
        #expect(expected.method == request.method && expected.path == request.path && expected.query == request.query)
        #expect(expected.body == request.body)
    }

    @Test("each known issue is still there in the fixture", arguments: SigV4TestSuite.knownIssues.keys.sorted())
    func knownIssueStillHolds(_ name: String) throws {
        let suiteCase = try SigV4TestSuite.Case(name)
        let sreqAuthorization = try suiteCase.signedRequest.headers.first { $0.name == "Authorization" }?.value
        let authz = try suiteCase.file("authz")
        #expect(sreqAuthorization.map(trimmed) != authz, "the fixture is fixed: drop \(name) from SigV4TestSuite.knownIssues")
    }

    private func trimmed(_ value: String) -> String {
        value.trimmingCharacters(in: .whitespaces)
    }
}

/// A case of the suite and its request as our signer signs it, at the suite's time.
private func signedCase(_ name: String) throws -> (SigV4TestSuite.Case, SigV4Signature) {
    let suiteCase = try SigV4TestSuite.Case(name)
    return (suiteCase, try suiteCase.signer().sign(suiteCase.request.sigV4Request, at: SigV4TestSuite.date))
}
