import Foundation
import Hummingbird

// The baseline of the intake benchmark: the same framework and host, a route that answers 200
// without reading, checking or storing anything.
let port = Int(ProcessInfo.processInfo.environment["PORT"] ?? "") ?? 8081
let router = Router()
router.post("/flowroute/:token") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
