@testable import FlowrouteAPI
import Foundation
import Testing

@Suite("Flowroute credentials")
struct FlowrouteCredentialsTests {
    static let credentials = FlowrouteCredentials(accessKey: "12345678", secretKey: "s3cr3t-0123456789abcdef")

    @Test("neither description, debug description nor dump shows the secret")
    func secretHidden() {
        var dumped = ""
        dump(Self.credentials, to: &dumped)
        for shown in ["\(Self.credentials)", String(reflecting: Self.credentials), dumped] {
            #expect(!shown.contains("s3cr3t"), "\(shown)")
            #expect(shown.contains("12345678"))
        }
    }

    @Test("the Authorization header is Basic with access key and secret")
    func authorization() {
        #expect(Self.credentials.authorization == "Basic MTIzNDU2Nzg6czNjcjN0LTAxMjM0NTY3ODlhYmNkZWY=")
    }
}
