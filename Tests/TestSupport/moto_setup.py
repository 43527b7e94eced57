"""Prepares a moto server for the SES transport tests, then leaves it enforcing SigV4.

Usage: moto_setup.py ENDPOINT SENDER EXPECTED_CALLS

moto lets the first INITIAL_NO_AUTH_ACTION_COUNT requests through unsigned and
checks the signature of every request after them. This script makes exactly
EXPECTED_CALLS requests (it fails if that number is wrong, so the Swift test and
this script cannot drift apart):

  1. iam.create_user            a user for the transport
  2. iam.put_user_policy        allowing ses:*, s3:* and dynamodb:* to that user
  3. iam.create_access_key      long-term credentials (AKIA...)
  4. iam.create_role            a role the same account may assume
  5. iam.put_role_policy        allowing ses:*, s3:* and dynamodb:* to that role
  6. sts.assume_role            temporary credentials (ASIA... and a session token)
  7. sesv2.create_email_identity  verifies SENDER

It first waits (up to 30 s) for the server to answer /moto-api/data.json, which moto
serves without counting it as an action. It prints one JSON object: the user's key and
the role's temporary credentials.
"""

import json
import sys
import time
import urllib.request

import boto3
from botocore.config import Config

endpoint, sender, expected_calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
region = "us-east-1"
calls = 0

deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=2):
            break
    except OSError as error:
        if time.monotonic() > deadline:
            sys.exit(f"moto did not answer at {endpoint} within 30 s: {error}")
        time.sleep(0.1)


def count(**_):
    global calls
    calls += 1


def client(name):
    made = boto3.client(
        name,
        endpoint_url=endpoint,
        region_name=region,
        # Any key will do while moto is not yet checking signatures.
        aws_access_key_id="setup",
        aws_secret_access_key="setup",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    made.meta.events.register("before-send", count)
    return made


# SES for the transport, S3 for the reply emails SES receiving stores, DynamoDB for the
# exactly-once Lambda mode's table.
ses_everything = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["ses:*", "s3:*", "dynamodb:*"], "Resource": "*"}],
})
trust_the_account = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole",
    }],
})

iam = client("iam")
iam.create_user(UserName="smsrelay")
iam.put_user_policy(UserName="smsrelay", PolicyName="ses-send", PolicyDocument=ses_everything)
key = iam.create_access_key(UserName="smsrelay")["AccessKey"]
role = iam.create_role(RoleName="smsrelay-lambda", AssumeRolePolicyDocument=trust_the_account)["Role"]
iam.put_role_policy(RoleName="smsrelay-lambda", PolicyName="ses-send", PolicyDocument=ses_everything)
session = client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="smsrelay-test")["Credentials"]
client("sesv2").create_email_identity(EmailIdentity=sender)

if calls != expected_calls:
    sys.exit(f"moto_setup.py made {calls} requests but moto was told to allow {expected_calls} unsigned ones")

json.dump({
    "accessKeyID": key["AccessKeyId"],
    "secretAccessKey": key["SecretAccessKey"],
    "session": {
        "accessKeyID": session["AccessKeyId"],
        "secretAccessKey": session["SecretAccessKey"],
        "sessionToken": session["SessionToken"],
    },
}, sys.stdout)
