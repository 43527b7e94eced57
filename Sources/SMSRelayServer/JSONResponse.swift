import Foundation
import Hummingbird

/// JSON answers with the shape every endpoint uses: `{"error": "…"}` for failures.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ object: [String: any Sendable], headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The bytes of `{"error": reason}`, for answers written below Hummingbird.
    static func errorBody(_ reason: String) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: ["error": reason], options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data)
    }

    static func error(_ status: HTTPResponse.Status, _ reason: String, field: String? = nil, headers: HTTPFields = [:]) -> Response {
        var object: [String: any Sendable] = ["error": reason]
        if let field { object["field"] = field }
        return make(status, object, headers: headers)
    }
}

/// Turns any error that escapes a route, or a path no route matches, into a JSON answer
/// that reveals nothing internal.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let reason = error.body ?? error.status.reasonPhrase.lowercased()
            return JSONResponse.error(error.status, reason, headers: error.headers)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            return JSONResponse.error(.internalServerError, "internal error")
        }
    }
}
