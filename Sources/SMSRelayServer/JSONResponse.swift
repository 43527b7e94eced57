import Foundation
import Hummingbird

/// JSON answers with the shape every endpoint uses: `{"error": "…"}` for failures.
///
/// The intake's answers are flat objects of strings and integers, written here directly:
/// every accepted callback gets one, and Foundation's `JSONSerialization` (bridging a
/// dictionary of `Any`) cost more than the rest of the answer. Only `/healthz`, whose body has
/// nested counts, goes through `JSONSerialization`.
enum JSONResponse {
    /// A value in a flat answer.
    enum Scalar: Sendable, Equatable {
        case string(String)
        case integer(Int64)
    }

    /// `fields` as one JSON object, in the order given (callers list them sorted by key, as
    /// `JSONSerialization`'s `.sortedKeys` did).
    static func object(_ fields: KeyValuePairs<String, Scalar>) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(64)
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch value {
            case .string(let text): appendString(text, to: &out)
            case .integer(let number): out.append(contentsOf: String(number).utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `text` as a JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped,
    /// everything else as its UTF-8 bytes.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func make(_ status: HTTPResponse.Status, _ fields: KeyValuePairs<String, Scalar>, headers: HTTPFields = [:]) -> Response {
        respond(status, object(fields), headers: headers)
    }

    /// An answer whose body may nest (the health report).
    static func make(_ status: HTTPResponse.Status, _ object: [String: any Sendable], headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return respond(status, Array(data), headers: headers)
    }

    private static func respond(_ status: HTTPResponse.Status, _ body: [UInt8], headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The bytes of `{"error": reason}`, for answers written below Hummingbird.
    static func errorBody(_ reason: String) -> [UInt8] {
        object(["error": .string(reason)])
    }

    static func error(_ status: HTTPResponse.Status, _ reason: String, field: String? = nil, headers: HTTPFields = [:]) -> Response {
        if let field {
            return make(status, ["error": .string(reason), "field": .string(field)], headers: headers)
        }
        return make(status, ["error": .string(reason)], headers: headers)
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
