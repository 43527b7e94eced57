import Hummingbird
import NIOCore

/// The request context of the public port: Hummingbird's basic one and the address the
/// connection came from (for `SMSRELAY_VOIPMS_ALLOWED_CIDRS`).
struct CallbackRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer of the connection.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
