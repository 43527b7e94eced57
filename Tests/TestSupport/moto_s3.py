"""S3 on a moto server, for the tests of reading reply emails that SES receiving stored.

    moto_s3.py put ENDPOINT KEY_ID SECRET BUCKET KEY FILE   creates BUCKET if needed, stores FILE as KEY
    moto_s3.py tags ENDPOINT KEY_ID SECRET BUCKET KEY       prints the object's tags as JSON

Requests are signed with the given credentials (boto3), as moto checks them after its setup."""
import json
import sys

import boto3
from botocore.config import Config

command, endpoint, key_id, secret, bucket, key = sys.argv[1:7]
s3 = boto3.client(
    "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key_id, aws_secret_access_key=secret,
    config=Config(retries={"max_attempts": 1, "mode": "standard"}, s3={"addressing_style": "path"}))
if command == "put":
    existing = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket)
    with open(sys.argv[7], "rb") as handle:
        s3.put_object(Bucket=bucket, Key=key, Body=handle.read())
    print("{}")
elif command == "tags":
    tags = s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
    print(json.dumps({tag["Key"]: tag["Value"] for tag in tags}))
else:
    sys.exit(f"unknown command {command}")
