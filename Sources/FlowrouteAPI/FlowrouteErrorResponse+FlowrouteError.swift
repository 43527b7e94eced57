extension FlowrouteErrorResponse {
    /// How to treat this answer to sending `sms`, and what to tell the operator.
    ///
    /// A refused credential, number or message is permanent: the same request gets the same
    /// answer. The rate limit (429), a request timeout (408) and server errors (5xx) are transient.
    /// Each message quotes what Flowroute said and names what to check.
    func flowrouteError(sending sms: OutboundSMS, credentials: FlowrouteCredentials, endpoint: String) -> FlowrouteError {
        let said = "(\(saying)\(errorID.map { ", Flowroute error id \($0)" } ?? ""))"
        let names = credentials.settingNames
        func permanent(_ text: String) -> FlowrouteError { FlowrouteError(.permanent, status: status, text, errorID: errorID) }
        func transient(_ text: String) -> FlowrouteError { FlowrouteError(.transient, status: status, text, errorID: errorID) }

        switch status {
        case 401:
            return permanent(
                "Flowroute refused the API credentials \(said); check \(names.accessKey) and \(names.secretKey): they must be "
                    + "the access key and secret key shown under Preferences › API Control in Flowroute's Manage portal")
        case 403:
            return permanent(
                "Flowroute will not send from \(sms.from) \(said); the number must be on the account of access key "
                    + "\(credentials.accessKey) and enabled for SMS: check the sending number, or ask Flowroute Support to enable SMS on it")
        case 404:
            return permanent("Flowroute has no messages endpoint at \(endpoint) \(said); check the API base URL")
        case 422:
            return permanent(
                "Flowroute refused the message as invalid \(said); it cannot be sent as it is: both numbers must be digits "
                    + "with the country code and no +, such as 12065551234, and the text must not be empty")
        case 408:
            return transient("Flowroute timed out reading the request \(said); will retry later")
        case 429:
            return transient("Flowroute is limiting this account's sending rate \(said); will retry later")
        case 500...599:
            return transient("Flowroute failed to handle the request \(said); will retry later")
        case 400...499:
            return permanent("Flowroute refused the request \(said); the message cannot be sent as it is")
        default:
            return permanent("\(endpoint) gave an answer Flowroute's API does not give \(said); check the API base URL")
        }
    }
}
