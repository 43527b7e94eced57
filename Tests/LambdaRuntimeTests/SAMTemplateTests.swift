import Foundation
import Testing
import TestSupport

@Suite("AWS SAM template")
struct SAMTemplateTests {
    static let template = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("template.yaml").path

    /// Python that loads the template into `t`, each `!Tag` as a one-key mapping.
    static let loadTemplate = """
        import json, sys, yaml
        class Loader(yaml.SafeLoader): pass
        Loader.add_multi_constructor("!", lambda loader, suffix, node: {suffix: (
            loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else
            loader.construct_mapping(node) if isinstance(node, yaml.MappingNode) else loader.construct_scalar(node))})
        t = yaml.load(open(sys.argv[1]), Loader=Loader)

        """

    @Test("cfn-lint finds nothing to report")
    func lint() async throws {
        // cfn-lint exits non-zero on any error or warning; PythonScript.run fails the test then, with its report.
        _ = try await PythonScript.run(executable: "cfn-lint", [Self.template], timeout: .seconds(120))
    }

    @Test("the function is a provided.al2023 bootstrap with a secret token and SES scoped to the sender")
    func shape() async throws {
        let script = Self.loadTemplate + """
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

extension SAMTemplateTests {
    @Test("with ReplyDomain the stack adds a private, encrypted, expiring bucket, the receipt rule and the MX output; without it nothing")
    func replies() async throws {
        let script = Self.loadTemplate + """
            r = t["Resources"]
            conditional = sorted(name for name, res in r.items() if res.get("Condition") == "HasReplyDomain")
            bucket = r["ReplyBucket"]["Properties"]
            rule = r["ReplyRule"]["Properties"]["Rule"]
            print(json.dumps({
                "conditional": conditional,
                "unconditional": sorted(name for name, res in r.items() if "Condition" not in res),
                "encryption": bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
                "publicBlocked": all(bucket["PublicAccessBlockConfiguration"].values()),
                "expiry": bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"],
                "actions": [list(action)[0] for action in rule["Actions"]],
                "prefix": rule["Actions"][0]["S3Action"]["ObjectKeyPrefix"],
                "invocation": rule["Actions"][1]["LambdaAction"]["InvocationType"],
                "secretNoEcho": t["Parameters"]["ReplySecret"].get("NoEcho"),
                "flowrouteNoEcho": t["Parameters"]["FlowrouteSecretKey"].get("NoEcho"),
                "outputs": sorted(name for name, out in t["Outputs"].items() if out.get("Condition") == "HasReplyDomain"),
                "env": t["Resources"]["RelayFunction"]["Properties"]["Environment"]["Variables"]["SMSRELAY_REPLY_S3_PREFIX"],
            }))
            """
        let printed = try await PythonScript.run(executable: "python3", ["-c", script, Self.template], timeout: .seconds(60))
        let shape = try #require(try JSONSerialization.jsonObject(with: printed) as? [String: Any])
        #expect(shape["conditional"] as? [String] == [
            "ReplyBucket", "ReplyBucketPolicy", "ReplyInvokePermission", "ReplyRule", "ReplyRuleSet",
        ])
        #expect(shape["unconditional"] as? [String] == ["RelayFunction", "RelayFunctionLogGroup"])
        #expect(shape["encryption"] as? String == "AES256")
        #expect(shape["publicBlocked"] as? Bool == true)
        #expect(shape["expiry"] as? Int == 7)
        #expect(shape["actions"] as? [String] == ["S3Action", "LambdaAction"])
        #expect(shape["prefix"] as? String == "replies/")
        #expect(shape["invocation"] as? String == "Event")
        #expect(shape["secretNoEcho"] as? Bool == true && shape["flowrouteNoEcho"] as? Bool == true)
        #expect(shape["outputs"] as? [String] == ["ReplyMXRecord", "ReplyRuleSetName"])
        #expect((shape["env"] as? [String: Any])?["If"] != nil)
    }
}
