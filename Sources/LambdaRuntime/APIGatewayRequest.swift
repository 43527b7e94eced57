import Foundation
import SMSRelayCore

/// An HTTP request as API Gateway (REST API v1 proxy, HTTP API payload 2.0) or a Lambda
/// Function URL delivers it, reduced to what the relay needs.
///
/// Decoding is lenient where the Lambda console is: a REST event with only `body`, `resource`
/// and `httpMethod` (no headers, no `isBase64Encoded`, no `requestContext`) is accepted.
public struct APIGatewayRequest: Sendable, Equatable {
    public enum Format: String, Sendable {
        /// REST API proxy integration (payload 1.0).
        case restV1
        /// HTTP API payload 2.0, which Function URLs use too.
        case httpV2
    }

    public var format: Format
    public var method: String
    /// The request path, e.g. `/flowroute/<token>`; nil when the event carries none.
    public var path: String?
    /// Header names in lower case.
    public var headers: [String: String]
    public var query: [String: String]
    /// The query as sent (HTTP API's `rawQueryString`), or for a REST event its parameters encoded
    /// again; nil when there is none.
    public var rawQuery: String?
    public var body: [UInt8]
    /// The caller's address as API Gateway saw it (`requestContext.identity.sourceIp`, or
    /// `requestContext.http.sourceIp`).
    public var sourceAddress: String?

    public init(
        format: Format, method: String, path: String?, headers: [String: String], query: [String: String], rawQuery: String? = nil,
        body: [UInt8], sourceAddress: String? = nil
    ) {
        self.format = format
        self.method = method
        self.path = path
        self.headers = headers
        self.query = query
        self.rawQuery = rawQuery
        self.body = body
        self.sourceAddress = sourceAddress
    }

    /// Why an event is not an API Gateway request.
    public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public static func decode(_ event: [UInt8]) throws(DecodingError) -> APIGatewayRequest {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(event), options: [.fragmentsAllowed])
        } catch {
            throw DecodingError(description: "the event is not valid JSON")
        }
        guard let root = object as? [String: Any] else {
            throw DecodingError(description: "the event is not a JSON object")
        }
        let format: Format
        let method: String?
        let path: String?
        let sourceAddress: String?
        let requestContext = root["requestContext"] as? [String: Any]
        if root["version"] as? String == "2.0" {
            format = .httpV2
            let http = requestContext?["http"] as? [String: Any]
            method = http?["method"] as? String
            path = root["rawPath"] as? String ?? http?["path"] as? String
            sourceAddress = http?["sourceIp"] as? String
        } else if let httpMethod = root["httpMethod"] as? String {
            format = .restV1
            method = httpMethod
            path = root["path"] as? String
            sourceAddress = (requestContext?["identity"] as? [String: Any])?["sourceIp"] as? String
        } else {
            throw DecodingError(
                description: "the event is not an API Gateway or Function URL request (no 'httpMethod', no 'version': '2.0')")
        }
        guard let method, !method.isEmpty else {
            throw DecodingError(description: "the event names no HTTP method")
        }

        var headers: [String: String] = [:]
        if let multi = root["multiValueHeaders"] as? [String: Any] {
            for (name, values) in multi {
                if let list = values as? [String] { headers[name.lowercased()] = list.joined(separator: ",") }
            }
        }
        if let single = root["headers"] as? [String: Any] {
            for (name, value) in single {
                if let value = value as? String { headers[name.lowercased()] = value }
            }
        }
        var query: [String: String] = [:]
        if let parameters = root["queryStringParameters"] as? [String: Any] {
            for (name, value) in parameters {
                if let value = value as? String { query[name] = value }
            }
        }
        var rawQuery = (root["rawQueryString"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        if query.isEmpty, let rawQuery {
            // An event with the raw query alone (written by hand, or by a proxy): its fields, first of each name.
            for field in FormFields(parsing: Array(rawQuery.utf8)).fields where query[field.name] == nil {
                query[field.name] = field.value
            }
        }
        if rawQuery == nil, !query.isEmpty {
            rawQuery = query.keys.sorted().map { Self.formEncoded($0) + "=" + Self.formEncoded(query[$0] ?? "") }.joined(separator: "&")
        }

        var body: [UInt8] = []
        switch root["body"] {
        case let text as String:
            if root["isBase64Encoded"] as? Bool == true {
                guard let data = Data(base64Encoded: text, options: [.ignoreUnknownCharacters]) else {
                    throw DecodingError(description: "the event's body is marked base64 but is not valid base64")
                }
                body = Array(data)
            } else {
                body = Array(text.utf8)
            }
        case nil, is NSNull:
            body = []
        default:
            throw DecodingError(description: "the event's 'body' must be a string")
        }
        return APIGatewayRequest(
            format: format, method: method, path: path, headers: headers, query: query, rawQuery: rawQuery, body: body,
            sourceAddress: sourceAddress)
    }

    /// `text` percent-encoded for a query: letters, digits and `-._~` as they are.
    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: "\u{0}"..."\u{7F}"))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The path's segments, percent-decoded, without empty ones.
    public var pathSegments: [String] {
        guard let path else { return [] }
        return path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
    }

    /// The last non-empty segment of the path, where the callback URL carries its token.
    public var lastPathSegment: String? {
        guard let path else { return nil }
        return path.split(separator: "/").last.map { String($0).removingPercentEncoding ?? String($0) }
    }
}

/// The answer to API Gateway or a Function URL: `statusCode`, `headers`, `body`.
public struct APIGatewayResponse: Sendable, Equatable {
    public var statusCode: Int
    public var headers: [String: String]
    public var body: String

    public init(statusCode: Int, json: [String: String]) {
        self.statusCode = statusCode
        self.headers = ["Content-Type": "application/json"]
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data("{}".utf8)
        self.body = String(decoding: data, as: UTF8.self)
    }

    public init(statusCode: Int, contentType: String, body: String) {
        self.statusCode = statusCode
        self.headers = ["Content-Type": contentType]
        self.body = body
    }

    /// The response as the JSON document the Runtime API passes back to API Gateway.
    public var encoded: [UInt8] {
        let object: [String: Any] = ["statusCode": statusCode, "headers": headers, "body": body, "isBase64Encoded": false]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
