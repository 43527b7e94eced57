/// The bodies of the carrier-specific answers to an accepted callback.
public enum CarrierAcknowledgement {
    /// An empty TwiML response: Twilio takes the message as handled and sends nothing back.
    public static let emptyTwiML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"
    /// What VoIP.ms's URL callback looks for before it stops retrying.
    public static let plainOK = "ok"
}
