import Foundation
import TestSupport
import Testing

/// The Postfix test peer itself: a real MTA that takes a message over STARTTLS and AUTH.
@Suite("Postfix test peer")
struct PostfixPeerTests {
    @Test("a message sent with STARTTLS and AUTH PLAIN lands in the Maildir, and Postfix logs no warning")
    func deliversToMaildir() async throws {
        try await PostfixTestServer.with(["--mailbox", "inbox@example.com"]) { server in
            let marker = UUID().uuidString
            // Python's smtplib as the client: verifies the certificate for 127.0.0.1 against the CA.
            let client = """
            import smtplib, ssl, sys
            port, ca, user, password, marker = sys.argv[1:]
            context = ssl.create_default_context(cafile=ca)
            with smtplib.SMTP("127.0.0.1", int(port), local_hostname="client.example.net", timeout=30) as smtp:
                smtp.starttls(context=context)
                smtp.login(user, password)
                message = "From: sender@example.net\\r\\nTo: inbox@example.com\\r\\nSubject: " + marker + "\\r\\n\\r\\nHello.\\r\\n"
                smtp.sendmail("sender@example.net", ["inbox@example.com"], message.encode())
            """
            _ = try await PythonScript.run(
                executable: "python3",
                ["-c", client, String(server.port), server.caFile.path, server.authUser ?? "", server.authPassword ?? "", marker],
                timeout: .seconds(60)
            )

            let messages = try await server.waitForDelivery(count: 1, to: "inbox@example.com")
            #expect(messages.count == 1)
            let text = String(decoding: messages.first ?? Data(), as: UTF8.self)
            #expect(text.contains("Subject: \(marker)"))
            #expect(text.contains("with ESMTPSA"))  // Postfix's Received: TLS and authenticated
            #expect(!server.log().contains("warning:"), "maillog:\n\(server.log())")
        }
    }
}
