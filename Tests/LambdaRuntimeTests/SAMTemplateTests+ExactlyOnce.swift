import Foundation
import Testing
import TestSupport

extension SAMTemplateTests {
    @Test("ExactlyOnce=true adds an on-demand table with TTL and recovery, its env var and a policy on that table only; false adds nothing")
    func exactlyOnce() async throws {
        let script = Self.loadTemplate + """
            r = t["Resources"]
            table = r["IdempotencyTable"]["Properties"]
            f = r["RelayFunction"]["Properties"]
            policy = [p for p in f["Policies"] if "If" in p and p["If"][0] == "IsExactlyOnce"]
            statement = policy[0]["If"][1]["Statement"][0] if policy else {}
            print(json.dumps({
                "parameter": t["Parameters"]["ExactlyOnce"],
                "condition": json.dumps(t["Conditions"]["IsExactlyOnce"], sort_keys=True),
                "conditional": sorted(name for name, res in r.items() if res.get("Condition") == "IsExactlyOnce"),
                "billing": table["BillingMode"],
                "key": table["KeySchema"],
                "attributes": table["AttributeDefinitions"],
                "ttl": table["TimeToLiveSpecification"],
                "recovery": table["PointInTimeRecoverySpecification"],
                "env": json.dumps(f["Environment"]["Variables"]["SMSRELAY_IDEMPOTENCY_TABLE"], sort_keys=True),
                "actions": statement.get("Action"),
                "resource": statement.get("Resource"),
                "policyElse": policy[0]["If"][2] if policy else None,
                "outputs": sorted(name for name, out in t["Outputs"].items() if out.get("Condition") == "IsExactlyOnce"),
            }))
            """
        let printed = try await PythonScript.run(executable: "python3", ["-c", script, Self.template], timeout: .seconds(60))
        let shape = try #require(try JSONSerialization.jsonObject(with: printed) as? [String: Any])
        let parameter = try #require(shape["parameter"] as? [String: Any])
        #expect(parameter["AllowedValues"] as? [String] == ["true", "false"])
        #expect(parameter["Default"] as? String == "false")
        #expect(shape["condition"] as? String == #"{"Equals": [{"Ref": "ExactlyOnce"}, "true"]}"#)
        #expect(shape["conditional"] as? [String] == ["IdempotencyTable"])
        #expect(shape["billing"] as? String == "PAY_PER_REQUEST")
        #expect(shape["key"] as? [[String: String]] == [["AttributeName": "id", "KeyType": "HASH"]])
        #expect(shape["attributes"] as? [[String: String]] == [["AttributeName": "id", "AttributeType": "S"]])
        let ttl = try #require(shape["ttl"] as? [String: Any])
        #expect(ttl["AttributeName"] as? String == "expires" && ttl["Enabled"] as? Bool == true)
        #expect((shape["recovery"] as? [String: Bool])?["PointInTimeRecoveryEnabled"] == true)
        #expect(shape["env"] as? String == #"{"If": ["IsExactlyOnce", {"Ref": "IdempotencyTable"}, {"Ref": "AWS::NoValue"}]}"#)
        #expect(shape["actions"] as? [String] == ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:GetItem"])
        #expect(shape["resource"] as? [String: String] == ["GetAtt": "IdempotencyTable.Arn"])
        #expect(shape["policyElse"] as? [String: String] == ["Ref": "AWS::NoValue"])
        #expect(shape["outputs"] as? [String] == ["IdempotencyTableName"])
    }
}
