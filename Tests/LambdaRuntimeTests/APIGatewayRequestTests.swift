import Foundation
import LambdaRuntime
import Testing

@Suite("API Gateway events")
struct APIGatewayRequestTests {
    static let seedBody = #"{"to": "12066418000", "body": "Hello there from Flowroute!", "from": "18553569768", "id": "mdr1-febb118b9b034338adfc662a8c02fd88" }"#

    /// The Lambda console test event of the original deployment, exactly as written.
    static let consoleEvent = #"""
        {
          "body": "{\"to\": \"12066418000\", \"body\": \"Hello there from Flowroute!\", \"from\": \"18553569768\", \"id\": \"mdr1-febb118b9b034338adfc662a8c02fd88\" }",
          "resource": "/{proxy+}",
          "httpMethod": "POST"
        }
        """#

    static func restEvent(path: String, body: String, base64: Bool = false, headers: [String: String] = ["Content-Type": "application/json"]) -> [UInt8] {
        let object: [String: Any] = [
            "resource": "/flowroute/{token}", "path": path, "httpMethod": "POST", "headers": headers,
            "multiValueHeaders": headers.mapValues { [$0] }, "queryStringParameters": NSNull(),
            "body": base64 ? Data(body.utf8).base64EncodedString() : body, "isBase64Encoded": base64,
            "requestContext": ["stage": "prod", "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"],
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    static func httpEvent(rawPath: String, body: String, base64: Bool = false, query: String = "", method: String = "POST") -> [UInt8] {
        let object: [String: Any] = [
            "version": "2.0", "routeKey": "POST /flowroute/{token}", "rawPath": rawPath, "rawQueryString": query,
            "headers": ["content-type": "application/json", "host": "abc.lambda-url.us-east-1.on.aws"],
            "queryStringParameters": query.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: query.split(separator: "&").map {
                let pair = $0.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), String(pair.count > 1 ? pair[1] : ""))
            }),
            "requestContext": ["http": ["method": method, "path": rawPath, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"]],
            "body": base64 ? Data(body.utf8).base64EncodedString() : body, "isBase64Encoded": base64,
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    @Test("the seed's console test event decodes as written")
    func consoleEventDecodes() throws {
        let request = try APIGatewayRequest.decode(Array(Self.consoleEvent.utf8))
        #expect(request.format == .restV1)
        #expect(request.method == "POST")
        #expect(request.path == nil)
        #expect(request.headers.isEmpty)
        #expect(request.body == Array(Self.seedBody.utf8))
    }

    @Test("a REST v1 proxy event gives method, path, headers in lower case, and its body")
    func restV1() throws {
        let request = try APIGatewayRequest.decode(Self.restEvent(path: "/flowroute/tok123", body: "{}", headers: ["Content-TYPE": "application/json"]))
        #expect(request.format == .restV1)
        #expect(request.lastPathSegment == "tok123")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.body == Array("{}".utf8))
    }

    @Test("base64 bodies are decoded, in both formats")
    func base64() throws {
        let rest = try APIGatewayRequest.decode(Self.restEvent(path: "/x", body: "Grüße 👋", base64: true))
        #expect(rest.body == Array("Grüße 👋".utf8))
        let http = try APIGatewayRequest.decode(Self.httpEvent(rawPath: "/x", body: "שלום", base64: true))
        #expect(http.body == Array("שלום".utf8))
    }

    @Test("an HTTP API 2.0 or Function URL event gives its method, raw path and query")
    func httpV2() throws {
        let request = try APIGatewayRequest.decode(Self.httpEvent(rawPath: "/", body: "{}", query: "token=abc", method: "GET"))
        #expect(request.format == .httpV2)
        #expect(request.method == "GET")
        #expect(request.query["token"] == "abc")
        #expect(request.lastPathSegment == nil)
    }

    @Test("events that are not HTTP requests are refused with a reason", arguments: [
        "not json", "[]", #"{"key": "value"}"#, #"{"httpMethod": "POST", "body": 12}"#,
        #"{"httpMethod": "POST", "body": "%%%", "isBase64Encoded": true}"#, #"{"version": "2.0", "body": "{}"}"#,
    ])
    func refused(event: String) {
        #expect(throws: APIGatewayRequest.DecodingError.self) { try APIGatewayRequest.decode(Array(event.utf8)) }
    }
}
