import AsyncHTTPClient
import Foundation
import NIOCore

extension PythonPeer {
    /// GETs `/__control/<endpoint>` of an HTTP peer listening on `port`, or POSTs the JSON `body`
    /// to it; the peers that take their script at run time (`media_server.py`,
    /// `flowroute_api.py`) answer there.
    public static func control(port: Int, _ endpoint: String, body: Data? = nil, peer name: String) async throws -> Data {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/__control/\(endpoint)")
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = Data(Array(buffer: try await response.body.collect(upTo: 1 << 24)))
        guard response.status == .ok else {
            throw TestFailure("\(name) refused /__control/\(endpoint): \(response.status) \(String(decoding: bytes, as: UTF8.self))")
        }
        return bytes
    }
}
