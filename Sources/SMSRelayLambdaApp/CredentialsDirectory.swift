import Foundation

/// The secrets systemd hands a service (`LoadCredential=`, `LoadCredentialEncrypted=`,
/// `SetCredential=`): one file a secret in the folder `$CREDENTIALS_DIRECTORY` names, readable by
/// the service alone and never part of its environment or command line.
///
/// A credential stands for its setting (``SettingKey/credentialName``) only where that setting is
/// not given otherwise: a flag, the environment and the config file all win over it.
package struct CredentialsDirectory: Sendable {
    package static let environmentName = "CREDENTIALS_DIRECTORY"

    /// The folder, as systemd gave it (`/run/credentials/smsrelay.service`).
    package let path: String

    /// The folder `environment` names, or nil when it names none.
    package init?(environment: [String: String]) {
        guard let path = environment[Self.environmentName], !path.isEmpty else { return nil }
        self.path = path
    }

    /// The path of credential `name`, when the folder holds it.
    package func file(_ name: String) -> String? {
        let file = URL(fileURLWithPath: path).appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: file) ? file : nil
    }

    /// The secret credential `name` holds, without surrounding blanks and line ends; nil when the
    /// folder does not hold it.
    /// - Throws: ``ConfigError`` naming the file (never its contents) when it cannot be read or is empty.
    package func secret(_ name: String) throws -> String? {
        guard let file = file(name) else { return nil }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(
                "cannot read the credential \(name) in \(file) (\(Self.environmentName)); check its LoadCredential= line, its owner and its permissions")
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else {
            throw ConfigError("the credential \(name) in \(file) (\(Self.environmentName)) is empty")
        }
        return secret
    }
}
