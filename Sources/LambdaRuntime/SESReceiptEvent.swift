import Foundation

/// The event an SES receipt rule's Lambda action delivers: one email SES received, what it
/// found when it checked it, and (an earlier S3 action having stored it) where its bytes are.
///
/// Only what the relay needs is read: the SES message id (the S3 object's name), the envelope
/// sender and recipients, the email's Message-ID, and the verdicts.
public struct SESReceiptEvent: Sendable, Equatable {
    /// SES's id for the email; the S3 action stores it under `<prefix><messageId>`.
    public var messageID: String
    /// The envelope sender (`MAIL FROM`); empty for a bounce.
    public var source: String
    /// The envelope recipients the receipt rule matched.
    public var recipients: [String]
    /// The email's own Message-ID header, when SES reports it.
    public var emailMessageID: String?
    /// `spfVerdict`, `dkimVerdict`, `dmarcVerdict`, `spamVerdict`, `virusVerdict`, by name without
    /// `Verdict`: `PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED` or `DISABLED`.
    public var verdicts: [String: String]

    public init(messageID: String, source: String, recipients: [String], emailMessageID: String? = nil, verdicts: [String: String] = [:]) {
        self.messageID = messageID
        self.source = source
        self.recipients = recipients
        self.emailMessageID = emailMessageID
        self.verdicts = verdicts
    }

    /// The verdict of a check (`spf`, `dkim`, `dmarc`, `spam`, `virus`), uppercased; nil when absent.
    public func verdict(_ check: String) -> String? { verdicts[check] }

    /// Why SES's checks refuse the email: DMARC failed, SPF and DKIM both failed, or it is spam or
    /// carries a virus. Nil when they let it through.
    public var verdictRefusal: String? {
        if verdict("virus") == "FAIL" { return "SES found a virus (virusVerdict FAIL)" }
        if verdict("spam") == "FAIL" { return "SES found it to be spam (spamVerdict FAIL)" }
        if verdict("dmarc") == "FAIL" { return "the sender's domain fails DMARC (dmarcVerdict FAIL)" }
        if verdict("spf") == "FAIL", verdict("dkim") == "FAIL" { return "both SPF and DKIM fail (spfVerdict and dkimVerdict FAIL)" }
        return nil
    }

    /// The SES event in `event`, or nil when the event is of another kind (an HTTP request).
    /// - Throws: ``APIGatewayRequest/DecodingError`` when it says it is an SES event but lacks what one must have.
    public static func decodeIfSES(_ event: [UInt8]) throws(APIGatewayRequest.DecodingError) -> SESReceiptEvent? {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(event))) as? [String: Any],
              let records = root["Records"] as? [[String: Any]], let record = records.first,
              record["eventSource"] as? String == "aws:ses"
        else { return nil }
        guard records.count == 1 else {
            throw APIGatewayRequest.DecodingError(description: "an SES event carries one record; this one has \(records.count)")
        }
        let ses = record["ses"] as? [String: Any]
        let mail = ses?["mail"] as? [String: Any]
        let receipt = ses?["receipt"] as? [String: Any]
        guard let messageID = mail?["messageId"] as? String, !messageID.isEmpty else {
            throw APIGatewayRequest.DecodingError(description: "the SES event has no ses.mail.messageId")
        }
        let recipients = receipt?["recipients"] as? [String] ?? mail?["destination"] as? [String] ?? []
        var verdicts: [String: String] = [:]
        for check in ["spf", "dkim", "dmarc", "spam", "virus"] {
            if let status = (receipt?["\(check)Verdict"] as? [String: Any])?["status"] as? String {
                verdicts[check] = status.uppercased()
            }
        }
        let common = mail?["commonHeaders"] as? [String: Any]
        return SESReceiptEvent(
            messageID: messageID, source: mail?["source"] as? String ?? "", recipients: recipients,
            emailMessageID: common?["messageId"] as? String, verdicts: verdicts)
    }
}
