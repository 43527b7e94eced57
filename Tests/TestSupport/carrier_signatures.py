"""Signs carrier callbacks the way the carriers do, with the carriers' own or standard code.

    carrier_signatures.py twilio AUTH_TOKEN URL BODY_FILE
        prints X-Twilio-Signature for a form POST of BODY_FILE to URL, computed by the official
        twilio package's RequestValidator.
    carrier_signatures.py telnyx-keys
        prints {"seed": base64, "public_key": base64}: a fresh Ed25519 key pair (PyNaCl).
    carrier_signatures.py telnyx SEED TIMESTAMP BODY_FILE
        prints the base64 Ed25519 signature of "TIMESTAMP|body", as telnyx-signature-ed25519.
"""
import base64
import json
import sys
from urllib.parse import parse_qs


def twilio(token, url, body_file):
    from twilio.request_validator import RequestValidator

    with open(body_file, "rb") as f:
        fields = parse_qs(f.read().decode("utf-8"), keep_blank_values=True)
    params = {name: values[0] for name, values in fields.items()}
    print(RequestValidator(token).compute_signature(url, params))


def telnyx_keys():
    from nacl.signing import SigningKey

    key = SigningKey.generate()
    print(json.dumps({
        "seed": base64.b64encode(bytes(key)).decode(),
        "public_key": base64.b64encode(bytes(key.verify_key)).decode(),
    }))


def telnyx(seed, timestamp, body_file):
    from nacl.signing import SigningKey

    with open(body_file, "rb") as f:
        body = f.read()
    signed = SigningKey(base64.b64decode(seed)).sign(timestamp.encode() + b"|" + body)
    print(base64.b64encode(signed.signature).decode())


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"twilio": twilio, "telnyx-keys": telnyx_keys, "telnyx": telnyx}[command](*arguments)
