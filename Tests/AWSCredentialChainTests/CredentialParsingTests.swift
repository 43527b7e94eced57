import Foundation
import SigV4
import Testing

@testable import AWSCredentialChain

@Suite("Reading credential answers, and when to renew")
struct CredentialParsingTests {
    @Test(
        "expiry times with and without fractions, with Z or an offset",
        arguments: [
            ("2026-02-25T06:03:31Z", 1_771_999_411.0),
            ("2026-02-25T06:03:31.094363Z", 1_771_999_411.094363),
            ("2026-02-25T06:03:31.5+00:00", 1_771_999_411.5),
            ("2026-02-25T08:03:31+02:00", 1_771_999_411.0),
        ]
    )
    func timestamps(text: String, seconds: Double) throws {
        let date = try #require(AWSTimestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_01)
    }

    @Test("what is not an ISO 8601 time is refused", arguments: ["", "2026-02-25", "2026-02-25T06:03:31", "2026-13-25T06:03:31Z", "2026-02-25T06:03:31.Z", "tomorrow"])
    func badTimestamps(text: String) {
        #expect(AWSTimestamp.parse(text) == nil)
    }

    @Test("STS's answer gives the credentials; its error gives the code, the words and a hint")
    func stsAnswers() throws {
        let answer = """
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>system:serviceaccount:relay:smsrelay</SubjectFromWebIdentityToken>
                <Credentials>
                  <SessionToken>IQoJb3JpZ2luX2Vj&amp;token</SessionToken>
                  <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
                  <Expiration>2026-02-25T06:03:31Z</Expiration>
                  <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
                </Credentials>
              </AssumeRoleWithWebIdentityResult>
            </AssumeRoleWithWebIdentityResponse>
            """
        let credentials = try STSAnswer.credentials(in: answer, from: "STS")
        #expect(credentials == AWSCredentials(
            accessKeyID: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            sessionToken: "IQoJb3JpZ2luX2Vj&token", expiration: AWSTimestamp.parse("2026-02-25T06:03:31Z")))

        let error = STSAnswer.refusal(
            status: 403,
            text: """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                <Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message></Error><RequestId>r-1</RequestId></ErrorResponse>
                """,
            role: "arn:aws:iam::123456789012:role/smsrelay")
        #expect(error.code == .refused)
        #expect(error.message.hasPrefix(
            "web identity: STS refused AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role/smsrelay with HTTP 403 "
                + "(AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity); check that the role's trust policy"))

        #expect(throws: AWSCredentialError.self) { try STSAnswer.credentials(in: "<html>proxy error</html>", from: "STS") }
    }

    @Test("the JSON of the container endpoint and the metadata service")
    func documents() throws {
        let body = Array(#"{"Code":"Success","AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret","Token":"token","Expiration":"2026-02-25T06:03:31Z"}"#.utf8)
        let credentials = try #require(CredentialDocument.decode(body)).credentials(source: .instanceMetadata, answer: "the answer")
        #expect(credentials.accessKeyID == "ASIAEXAMPLE" && credentials.sessionToken == "token" && credentials.expiration != nil)

        let failed = Array(#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role"}"#.utf8)
        let error = #expect(throws: AWSCredentialError.self) {
            try #require(CredentialDocument.decode(failed)).credentials(source: .instanceMetadata, answer: "the answer")
        }
        #expect(error?.message == "instance metadata: the answer says AssumeRoleUnauthorizedAccess: EC2 cannot assume the role")
        #expect(CredentialDocument.refusal(status: 401, body: Array(#"{"code":"AccessDenied","message":"no"}"#.utf8)) == "401 (AccessDenied: no)")
    }

    @Test("renewal five minutes before expiry, or at half the lifetime of shorter-lived credentials")
    func renewalSchedule() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func cached(lifetime: TimeInterval?) -> CachedCredentials {
            CachedCredentials(
                AWSCredentials(accessKeyID: "ASIA", secretAccessKey: "s", sessionToken: "t", expiration: lifetime.map { start.addingTimeInterval($0) }),
                fetchedAt: start)
        }
        let hour = cached(lifetime: 3600)
        #expect(hour.refreshAt == start.addingTimeInterval(3300))
        #expect(hour.isFresh(at: start.addingTimeInterval(3299)) && !hour.isFresh(at: start.addingTimeInterval(3300)))
        #expect(hour.isUsable(at: start.addingTimeInterval(3599)) && !hour.isUsable(at: start.addingTimeInterval(3600)))
        #expect(cached(lifetime: 240).refreshAt == start.addingTimeInterval(120))
        let unknown = cached(lifetime: nil)
        #expect(unknown.refreshAt == start.addingTimeInterval(900))
        #expect(unknown.isUsable(at: start.addingTimeInterval(86_400)))
        #expect(!cached(lifetime: -5).isUsable(at: start))
    }
}
