import ArgumentParser
import Foundation
import SMSRelayApp

struct AdminPasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-password",
        abstract: "Hash a password for the admin page and print its bcrypt hash.",
        discussion: """
            The admin page (on SMSRELAY_ADMIN_LISTEN) asks for a password whose bcrypt hash is in the \
            file SMSRELAY_ADMIN_PASSWORD_FILE names; the password itself is never stored. At a terminal \
            it asks for the password without echo; otherwise it reads the first line of standard input. \
            Either way the password (at least 12 characters) stays out of the shell's history and the \
            process list:

              smsrelay admin-password > /etc/smsrelay/admin-password
              chmod 600 /etc/smsrelay/admin-password
            """
    )

    func run() throws {
        let line: String?
        if isatty(STDIN_FILENO) == 1 {
            // At a terminal: asked for without echo.
            line = getpass("Password (at least \(AdminPassword.minimumLength) characters): ").map { String(cString: $0) }
        } else {
            line = readLine(strippingNewline: true)
        }
        guard let line, !line.isEmpty else {
            throw ValidationError("no password on standard input")
        }
        do {
            print(try AdminPasswordCommandSupport.hash(line))
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
    }
}
