"""DynamoDB on a moto server, for the tests of the exactly-once Lambda mode.

    moto_dynamodb.py create ENDPOINT KEY_ID SECRET TABLE        creates TABLE (partition key `id`, a string; TTL on `expires`)
    moto_dynamodb.py put ENDPOINT KEY_ID SECRET TABLE ITEM      writes ITEM, DynamoDB JSON ({"id": {"S": "..."}, ...})
    moto_dynamodb.py get ENDPOINT KEY_ID SECRET TABLE ID        prints the item with `id` ID as DynamoDB JSON, or null

Requests are signed with the given credentials (boto3), as moto checks them after its setup."""
import json
import sys

import boto3
from botocore.config import Config

command, endpoint, key_id, secret, table = sys.argv[1:6]
dynamodb = boto3.client(
    "dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key_id, aws_secret_access_key=secret,
    config=Config(retries={"max_attempts": 1, "mode": "standard"}))
if command == "create":
    dynamodb.create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST")
    dynamodb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    print("{}")
elif command == "put":
    dynamodb.put_item(TableName=table, Item=json.loads(sys.argv[6]))
    print("{}")
elif command == "get":
    answer = dynamodb.get_item(TableName=table, Key={"id": {"S": sys.argv[6]}}, ConsistentRead=True)
    print(json.dumps(answer.get("Item")))
else:
    sys.exit(f"unknown command {command}")
