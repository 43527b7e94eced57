/// What the email does with one media item when it carries the downloaded files: the
/// renderer's decision, which the templates describe.
enum MediaDelivery: Sendable, Equatable {
    /// The file is attached (and maybe shown inline).
    case attached(MediaAttachment)
    /// The file is not attached; the email keeps the link and gives the reason.
    case notAttached(reason: String)
}
