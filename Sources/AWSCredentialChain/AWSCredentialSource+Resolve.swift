import ComponentConfig
import Foundation
import SigV4

extension AWSCredentialSource {
    /// The first configured source of the chain, read from the AWS scope of the settings (`aws`,
    /// whose keys are the variables the AWS SDKs read: `role_arn` is `AWS_ROLE_ARN`).
    ///
    /// - Parameter instanceMetadata: whether the EC2 instance metadata service is the last resort
    ///   (a server; not a Lambda function, which has none).
    /// - Returns: nil when no source is configured and the metadata service is not to be asked.
    /// - Throws: ``AWSCredentialError`` (``AWSCredentialError/Code/invalidSetting``) when a
    ///   source is configured but incomplete or wrong, naming the setting.
    public static func resolve(config aws: ComponentConfig, instanceMetadata: Bool = true) throws(AWSCredentialError) -> AWSCredentialSource? {
        if let key = try environmentKey(aws) { return .environment(key) }
        if let settings = try webIdentity(aws) { return .webIdentity(settings) }
        if let settings = try container(aws) { return .container(settings) }
        guard instanceMetadata, aws.string("ec2_metadata_disabled")?.lowercased() != "true" else { return nil }
        var endpoint = InstanceMetadataSettings.defaultEndpoint
        if let text = aws.string("ec2_metadata_service_endpoint") {
            endpoint = try CredentialEndpoint.url(text, setting: aws.name("ec2_metadata_service_endpoint"), source: .instanceMetadata)
        }
        return .instanceMetadata(InstanceMetadataSettings(endpoint: endpoint, disabledSetting: aws.name("ec2_metadata_disabled")))
    }

    /// Both halves of a key, or neither.
    static func environmentKey(_ aws: ComponentConfig) throws(AWSCredentialError) -> AWSCredentials? {
        let keyID = aws.string("access_key_id")
        let secret = aws.string("secret_access_key", isSecret: true)
        switch (keyID, secret) {
        case (let keyID?, let secret?):
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: aws.string("session_token", isSecret: true))
        case (nil, nil):
            return nil
        default:
            let (set, unset) = keyID == nil
                ? (aws.name("secret_access_key"), aws.name("access_key_id"))
                : (aws.name("access_key_id"), aws.name("secret_access_key"))
            throw AWSCredentialError(
                .invalidSetting, .environment,
                "\(set) is set but \(unset) is not; set both (and \(aws.name("session_token")) for temporary credentials), "
                    + "or neither to take the platform's credentials")
        }
    }

    static func webIdentity(_ aws: ComponentConfig) throws(AWSCredentialError) -> WebIdentitySettings? {
        let tokenFile = aws.string("web_identity_token_file")
        let role = aws.string("role_arn")
        guard tokenFile != nil || role != nil else { return nil }
        guard let tokenFile, let role else {
            let (set, unset) = tokenFile == nil
                ? (aws.name("role_arn"), aws.name("web_identity_token_file"))
                : (aws.name("web_identity_token_file"), aws.name("role_arn"))
            throw AWSCredentialError(
                .invalidSetting, .webIdentity,
                "\(set) is set but \(unset) is not; a web identity needs both (EKS sets them for a service account with an IAM role)")
        }
        guard role.hasPrefix("arn:"), role.split(separator: ":", omittingEmptySubsequences: false).count >= 6 else {
            throw AWSCredentialError(
                .invalidSetting, .webIdentity, "\(aws.name("role_arn"))=\"\(role)\" is not a role ARN such as arn:aws:iam::123456789012:role/smsrelay")
        }
        guard FileManager.default.isReadableFile(atPath: tokenFile) else {
            throw AWSCredentialError(
                .invalidSetting, .webIdentity, "\(aws.name("web_identity_token_file"))=\(tokenFile) is not a file this process can read")
        }
        let sessionName = aws.string("role_session_name") ?? "smsrelay-\(Int(Date().timeIntervalSince1970))"
        guard WebIdentitySettings.isSessionName(sessionName) else {
            throw AWSCredentialError(
                .invalidSetting, .webIdentity,
                "\(aws.name("role_session_name"))=\"\(sessionName)\" is not a session name: 2 to 64 letters, digits and _+=,.@-")
        }
        let endpoint: URL
        if let text = aws.string("endpoint_url_sts") {
            endpoint = try CredentialEndpoint.url(text, setting: aws.name("endpoint_url_sts"), source: .webIdentity)
        } else {
            let regionKey = aws.string("region") != nil ? "region" : "default_region"
            let region = aws.string(regionKey)
            if let region, !CredentialEndpoint.isRegionName(region) {
                throw AWSCredentialError(
                    .invalidSetting, .webIdentity, "\(aws.name(regionKey))=\"\(region)\" is not an AWS region name such as eu-west-1")
            }
            endpoint = WebIdentitySettings.defaultEndpoint(region: region)
        }
        return WebIdentitySettings(
            tokenFile: tokenFile, roleARN: role, sessionName: sessionName, endpoint: endpoint,
            tokenFileSetting: aws.name("web_identity_token_file"))
    }

    static func container(_ aws: ComponentConfig) throws(AWSCredentialError) -> ContainerEndpointSettings? {
        let url: URL
        if let relative = aws.string("container_credentials_relative_uri") {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            guard let parsed = URL(string: ContainerEndpointSettings.ecsOrigin + path), parsed.host == "169.254.170.2" else {
                throw AWSCredentialError(
                    .invalidSetting, .container, "\(aws.name("container_credentials_relative_uri"))=\"\(relative)\" is not a URL path")
            }
            url = parsed
        } else if let full = aws.string("container_credentials_full_uri") {
            let setting = aws.name("container_credentials_full_uri")
            url = try CredentialEndpoint.url(full, setting: setting, source: .container, allowingQuery: true)
            guard url.scheme?.lowercased() == "https" || CredentialEndpoint.isAllowedContainerHost(url) else {
                throw AWSCredentialError(
                    .invalidSetting, .container,
                    "\(setting)=\(full) must be https, or http to a loopback address or the ECS or EKS container endpoint "
                        + "(169.254.170.2, 169.254.170.23, fd00:ec2::23), as the AWS SDKs require")
            }
        } else {
            return nil
        }
        var authorization = ContainerEndpointSettings.Authorization.none
        if let file = aws.string("container_authorization_token_file") {
            let setting = aws.name("container_authorization_token_file")
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw AWSCredentialError(.invalidSetting, .container, "\(setting)=\(file) is not a file this process can read")
            }
            authorization = .tokenFile(file, setting: setting)
        } else if let token = aws.string("container_authorization_token", isSecret: true) {
            guard CredentialEndpoint.isHeaderValue(token) else {
                throw AWSCredentialError(
                    .invalidSetting, .container, "\(aws.name("container_authorization_token")) holds characters a header cannot carry")
            }
            authorization = .token(token)
        }
        return ContainerEndpointSettings(url: url, authorization: authorization)
    }
}
