import Foundation
import SigV4

/// One fetch of temporary credentials from a source; ``RefreshingCredentialProvider`` decides when.
protocol CredentialFetcher: Sendable {
    var kind: AWSCredentialSourceKind { get }
    func fetch() async throws(AWSCredentialError) -> AWSCredentials
}

/// A token kept in a file that is rotated under the process: read whole for each use.
enum TokenFile {
    static func read(_ path: String, setting: String, source: AWSCredentialSourceKind) throws(AWSCredentialError) -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AWSCredentialError(.unreadableToken, source, "cannot read the token file \(setting)=\(path): \(error.localizedDescription)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw AWSCredentialError(.unreadableToken, source, "the token file \(setting)=\(path) is empty")
        }
        return token
    }
}
