import Foundation
import Testing
import TestSupport

@Suite("AWS SAM template")
struct SAMTemplateTests {
    static let template = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("template.yaml").path

    @Test("cfn-lint finds nothing to report")
    func lint() async throws {
        // cfn-lint exits non-zero on any error or warning; PythonScript.run fails the test then, with its report.
        _ = try await PythonScript.run(executable: "cfn-lint", [Self.template], timeout: .seconds(120))
    }

    @Test("the function is a provided.al2023 bootstrap with a secret token and SES scoped to the sender")
    func shape() async throws {
        let script = """
            import json, sys, yaml
            class Loader(yaml.SafeLoader): pass
            Loader.add_multi_constructor("!", lambda loader, suffix, node: {suffix: (
                loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else
                loader.construct_mapping(node) if isinstance(node, yaml.MappingNode) else loader.construct_scalar(node))})
            t = yaml.load(open(sys.argv[1]), Loader=Loader)
            f = t["Resources"]["RelayFunction"]["Properties"]
            print(json.dumps({
                "runtime": f["Runtime"], "handler": f["Handler"],
                "architectures": t["Parameters"]["Architecture"]["AllowedValues"],
                "noEcho": t["Parameters"]["WebhookToken"].get("NoEcho"),
                "actions": f["Policies"][0]["Statement"][0]["Action"],
                "resource": json.dumps(f["Policies"][0]["Statement"][0]["Resource"]),
                "event": f["Events"]["FlowrouteCallback"]["Properties"],
                "outputs": sorted(t["Outputs"]),
            }))
            """
        let printed = try await PythonScript.run(executable: "python3", ["-c", script, Self.template], timeout: .seconds(60))
        let shape = try #require(try JSONSerialization.jsonObject(with: printed) as? [String: Any])
        #expect(shape["runtime"] as? String == "provided.al2023")
        #expect(shape["handler"] as? String == "bootstrap")
        #expect(shape["architectures"] as? [String] == ["x86_64", "arm64"])
        #expect(shape["noEcho"] as? Bool == true)
        #expect(shape["actions"] as? [String] == ["ses:SendEmail", "ses:SendRawEmail"])
        #expect((shape["resource"] as? String)?.contains("identity/${SenderIdentity}") == true)
        #expect(shape["event"] as? [String: String] == ["Path": "/flowroute/{token}", "Method": "POST"])
        #expect((shape["outputs"] as? [String])?.contains("CallbackUrl") == true)
    }
}
