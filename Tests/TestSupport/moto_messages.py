"""Reads one message that moto's SES stored, and parses it with Python's email package.

Usage: moto_messages.py ENDPOINT MESSAGE_ID   (MESSAGE_ID "latest": the last message stored)

Prints one JSON object: what moto stored (source, destinations, the raw message) and what
email.message_from_bytes(policy=email.policy.default) understood of it.
"""

import email
import email.policy
import json
import sys
import urllib.request

endpoint, message_id = sys.argv[1], sys.argv[2]
with urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=10) as answer:
    data = json.load(answer)

messages = data.get("ses", {}).get("RawMessage", [])
if message_id == "latest":
    stored = messages[-1:]
else:
    stored = [m for m in messages if m.get("id") == message_id]
if len(stored) != 1:
    sys.exit(f"moto holds {len(stored)} raw messages with id {message_id}")
stored = stored[0]

message = email.message_from_bytes(stored["raw_data"].encode("utf-8"), policy=email.policy.default)


def addresses(name):
    header = message[name]
    return [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses] if header else []


def body(kind):
    part = message.get_body(preferencelist=(kind,))
    return part.get_content().replace("\r\n", "\n") if part is not None else None


json.dump({
    "source": stored["source"],
    "destinations": stored["destinations"],
    "rawData": stored["raw_data"],
    "subject": str(message["Subject"]),
    "from": addresses("From"),
    "to": addresses("To"),
    "messageID": str(message["Message-ID"]),
    "contentTypes": [part.get_content_type() for part in message.walk()],
    "charsets": [part.get_content_charset() for part in message.walk()],
    "text": body("plain"),
    "html": body("html"),
    "defects": [type(d).__name__ for part in message.walk() for d in part.defects],
}, sys.stdout, ensure_ascii=True)
