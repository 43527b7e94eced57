"""Reads one email (file path argument) with Python's own `email` package and prints its MIME
tree as JSON: each part's content type, and for leaf parts their disposition, file name,
Content-ID, size and SHA-256 of the decoded bytes, and the text of text parts. The tests check
SMSRelay's emails with it: an independent parser, not ours."""
import email
import email.policy
import hashlib
import json
import sys


def describe(part):
    node = {"type": part.get_content_type()}
    if part.is_multipart():
        node["parts"] = [describe(child) for child in part.iter_parts()]
        return node
    payload = part.get_payload(decode=True) or b""
    node.update({
        "disposition": part.get_content_disposition(),
        "filename": part.get_filename(),
        "content_id": part.get("Content-ID"),
        "size": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "defects": [type(d).__name__ for d in part.defects],
    })
    if part.get_content_maintype() == "text":
        node["text"] = part.get_content()
    return node


with open(sys.argv[1], "rb") as handle:
    message = email.message_from_binary_file(handle, policy=email.policy.default)
tree = describe(message)
tree["subject"] = str(message["Subject"])
tree["message_defects"] = [type(d).__name__ for d in message.defects]
tree["headers"] = {name: str(message[name]) for name in
                   ("From", "To", "Reply-To", "Message-ID", "In-Reply-To", "References", "Auto-Submitted")
                   if message[name] is not None}
print(json.dumps(tree))
