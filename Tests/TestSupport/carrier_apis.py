#!/usr/bin/env python3
"""Fakes of four carriers' send-a-text APIs, as far as a relay's reply goes, for the clients' tests.

Binds 127.0.0.1 on the port given (0: any free one) and prints `READY <port>`. One server, the
API chosen by the path, each answering as its carrier documents it, for the credentials given
in `--credentials` (a JSON object: twilio_account_sid, twilio_auth_token, telnyx_api_key,
bandwidth_account_id, bandwidth_username, bandwidth_password, voipms_username, voipms_password):

- Twilio (and SignalWire, under `/api/laml`): `POST /2010-04-01/Accounts/{sid}/Messages.json`, a
  form (`To`, `From`, `Body`, `StatusCallback`), HTTP Basic `sid:token`; `201` with the message
  (`sid` `SM…`); errors `{"code", "message", "more_info", "status"}` (20003 for credentials,
  21211/21212 for numbers not in E.164, 21604/21602 for a missing To/Body).
- Telnyx: `POST /v2/messages` (`to` a string) and `POST /v2/messages/group_mms` (`to` a list of
  2 to 8), JSON with `from`, `to`, `text`, `webhook_url`?, `Authorization: Bearer <key>`; `200`
  with `{"data": {"id", …}}`; errors `{"errors": [{"code", "title", "detail"}]}` (10009 for the
  key, 10016 for a number not in +E.164, 10004 for a missing parameter).
- Bandwidth: `POST /api/v2/users/{accountId}/messages`, JSON with `applicationId`, `to` (a list),
  `from`, `text`, HTTP Basic; `202` with the message (`id`); errors `{"type", "description",
  "fieldErrors"?}` (401 for credentials, 403 for another account, 400 `request-validation`).
- VoIP.ms: `GET /api/v1/rest.php?api_username&api_password&method=sendSMS|sendMMS&did&dst&message`,
  always HTTP 200 with `{"status": "success", "sms"|"mms": <number>}` or `{"status": <error word>}`
  (`invalid_credentials`, `invalid_did`, `invalid_dst`, `missing_message`, `sms_toolong` past 160
  characters, `mms_toolong` past 2048).

Control endpoints, for the tests:
- `POST /__control/script` with `{"match": <text or null>, "answers": [{"status", "body"?,
  "content_type"?}, …]}`: the answers to the next requests whose path, query or body contains
  `match` (any request when null), in order, before any check. A success status without a body
  answers as a success would; an error status without a body gets the API's error document;
  status 0 reads the request and never answers.
- `GET /__control/requests?match=<text>`: the other requests so far (those containing the text,
  when given), oldest first: method, path, query, headers, body (text) and time (this process's
  monotonic clock, in seconds).
Standard library only.
"""

import argparse
import base64
import itertools
import json
import re
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlsplit

CONTROL = "/__control/"
TWILIO = re.compile(r"^(/api/laml)?/2010-04-01/Accounts/([^/]+)/Messages\.json$")
BANDWIDTH = re.compile(r"^/api/v2/users/([^/]+)/messages$")
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
NANP = re.compile(r"^[2-9][0-9]{9}$")
LOCK = threading.Lock()
SCRIPT = []      # [match, answer] still to give, oldest first
REQUESTS = []    # every request outside /__control/
STOPPING = threading.Event()
CREDENTIALS = {}
COUNTER = itertools.count(23434)


def api_of(path):
    if TWILIO.match(path):
        return "twilio"
    if path in ("/v2/messages", "/v2/messages/group_mms"):
        return "telnyx"
    if BANDWIDTH.match(path):
        return "bandwidth"
    if path == "/api/v1/rest.php":
        return "voipms"
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "carrier-apis-fake"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def do_PUT(self):
        self.handle_request()

    def handle_request(self):
        received = time.monotonic()
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(length) if length > 0 else b""
        if url.path.startswith(CONTROL):
            self.control(url, body)
            return
        record = {
            "method": self.command,
            "path": url.path,
            "query": url.query,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("utf-8", errors="replace"),
            "time": received,
        }
        with LOCK:
            REQUESTS.append(record)
            scripted = None
            for index, (match, answer) in enumerate(SCRIPT):
                if match is None or contains(record, match):
                    scripted = SCRIPT.pop(index)[1]
                    break
        api = api_of(url.path)
        if scripted is not None:
            status = scripted["status"]
            if status == 0:
                STOPPING.wait()
                self.close_connection = True
                return
            if "body" in scripted and scripted["body"] is not None:
                self.answer(status, scripted["body"].encode(), scripted.get("content_type", "application/json"))
                return
            if not 200 <= status < 300:
                self.scripted_error(api, status)
                return
        if api is None:
            self.send_json(404, {"error": f"no API at {url.path}"})
            return
        getattr(self, api)(url, body, scripted["status"] if scripted else None)

    # Twilio ---------------------------------------------------------------------------------

    def twilio(self, url, body, status):
        sid = TWILIO.match(url.path).group(2)
        if self.command != "POST":
            return self.twilio_error(405, 20004, "Method not allowed")
        user, password = self.basic()
        if user != CREDENTIALS["twilio_account_sid"] or password != CREDENTIALS["twilio_auth_token"]:
            return self.twilio_error(401, 20003, "Authenticate")
        if sid != user:
            return self.twilio_error(404, 20404, f"The requested resource /2010-04-01/Accounts/{sid}/Messages.json was not found")
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self.twilio_error(400, 20001, "The request must be a form")
        form = {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        to, sender, text = form.get("To"), form.get("From"), form.get("Body")
        if not to:
            return self.twilio_error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(to):
            return self.twilio_error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if not sender or not E164.match(sender):
            return self.twilio_error(400, 21212, f"The 'From' number {sender} is not a valid phone number, shortcode, or alphanumeric sender ID.")
        if not text:
            return self.twilio_error(400, 21602, "Message body is required.")
        message_sid = "SM" + uuid.uuid4().hex
        self.send_json(status or 201, {
            "sid": message_sid, "account_sid": sid, "to": to, "from": sender, "body": text, "status": "queued",
            "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
        })

    def twilio_error(self, status, code, message):
        self.send_json(status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status})

    # Telnyx ---------------------------------------------------------------------------------

    def telnyx(self, url, body, status):
        if self.command != "POST":
            return self.telnyx_error(405, "10015", "Bad Request", "Method not allowed.")
        if self.headers.get("Authorization", "") != "Bearer " + CREDENTIALS["telnyx_api_key"]:
            return self.telnyx_error(401, "10009", "Authentication failed", "The API key provided is invalid or missing.")
        try:
            document = json.loads(body)
        except ValueError:
            return self.telnyx_error(400, "10015", "Bad Request", "The request body is not valid JSON.")
        group = url.path.endswith("/group_mms")
        to, sender, text = document.get("to"), document.get("from"), document.get("text")
        if not to or not sender:
            return self.telnyx_error(400, "10004", "Missing required parameter", "'to' and 'from' are required.")
        numbers = to if group else [to]
        if group and (not isinstance(to, list) or not 2 <= len(to) <= 8):
            return self.telnyx_error(400, "10015", "Bad Request", "A group MMS goes to 2 to 8 numbers.")
        if not group and not isinstance(to, str):
            return self.telnyx_error(400, "10015", "Bad Request", "'to' must be a single number; use /v2/messages/group_mms for a group.")
        for number in numbers + [sender]:
            if not isinstance(number, str) or not E164.match(number):
                return self.telnyx_error(400, "10016", "Phone number must be in +E.164 format", f"Invalid number: {number}")
        if not text:
            return self.telnyx_error(400, "10004", "Missing required parameter", "'text' or 'media_urls' is required.")
        self.send_json(status or 200, {"data": {
            "record_type": "message", "direction": "outbound", "id": str(uuid.uuid4()), "type": "MMS" if group else "SMS",
            "from": {"phone_number": sender}, "to": [{"phone_number": n, "status": "queued"} for n in numbers],
            "text": text, "webhook_url": document.get("webhook_url"), "messaging_profile_id": document.get("messaging_profile_id"),
        }})

    def telnyx_error(self, status, code, title, detail):
        self.send_json(status, {"errors": [{"code": code, "title": title, "detail": detail}]})

    # Bandwidth ------------------------------------------------------------------------------

    def bandwidth(self, url, body, status):
        account = BANDWIDTH.match(url.path).group(1)
        if self.command != "POST":
            return self.bandwidth_error(405, "method-not-allowed", "Method not allowed")
        user, password = self.basic()
        if user != CREDENTIALS["bandwidth_username"] or password != CREDENTIALS["bandwidth_password"]:
            return self.bandwidth_error(401, "unauthorized", "Authentication Failed")
        if account != CREDENTIALS["bandwidth_account_id"]:
            return self.bandwidth_error(403, "forbidden", f"The user is not authorized to access account {account}")
        try:
            document = json.loads(body)
        except ValueError:
            return self.bandwidth_error(400, "request-validation", "Your request could not be parsed")
        problems = []
        to, sender = document.get("to"), document.get("from")
        if not document.get("applicationId"):
            problems.append({"fieldName": "applicationId", "description": "'applicationId' is required"})
        if not isinstance(to, list) or not to or not all(isinstance(n, str) and E164.match(n) for n in to):
            problems.append({"fieldName": "to", "description": "'to' must be a list of E164 numbers"})
        if not isinstance(sender, str) or not E164.match(sender):
            problems.append({"fieldName": "from", "description": "'from' must be an E164 number"})
        if not document.get("text") and not document.get("media"):
            problems.append({"fieldName": "text", "description": "'text' or 'media' is required"})
        if problems:
            return self.send_json(400, {"type": "request-validation", "description": "Your request could not be accepted", "fieldErrors": problems})
        self.send_json(status or 202, {
            "id": f"{int(time.time() * 1000)}{uuid.uuid4().hex[:6]}", "owner": sender, "applicationId": document["applicationId"],
            "time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()), "segmentCount": 1, "direction": "out",
            "to": to, "from": sender, "text": document.get("text", ""),
        })

    def bandwidth_error(self, status, type_, description):
        self.send_json(status, {"type": type_, "description": description})

    # VoIP.ms --------------------------------------------------------------------------------

    def voipms(self, url, body, status):
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if self.command == "POST":
            query.update({k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()})
        if query.get("api_username") != CREDENTIALS["voipms_username"] or query.get("api_password") != CREDENTIALS["voipms_password"]:
            return self.send_json(200, {"status": "invalid_credentials"})
        method = query.get("method")
        if method not in ("sendSMS", "sendMMS"):
            return self.send_json(200, {"status": "invalid_method"})
        if not query.get("did"):
            return self.send_json(200, {"status": "missing_did"})
        if not NANP.match(query["did"]):
            return self.send_json(200, {"status": "invalid_did"})
        if not query.get("dst"):
            return self.send_json(200, {"status": "missing_dst"})
        if not NANP.match(query["dst"]):
            return self.send_json(200, {"status": "invalid_dst"})
        message = query.get("message", "")
        if not message:
            return self.send_json(200, {"status": "missing_message"})
        if method == "sendSMS" and len(message) > 160:
            return self.send_json(200, {"status": "sms_toolong"})
        if len(message) > 2048:
            return self.send_json(200, {"status": "mms_toolong"})
        key = "sms" if method == "sendSMS" else "mms"
        self.send_json(status or 200, {"status": "success", key: next(COUNTER)})

    # Shared ---------------------------------------------------------------------------------

    def scripted_error(self, api, status):
        words = f"Scripted answer {status}."
        if api == "twilio":
            self.twilio_error(status, 20429 if status == 429 else 20500, words)
        elif api == "telnyx":
            self.telnyx_error(status, "10011" if status == 429 else "10007", "Scripted", words)
        elif api == "bandwidth":
            self.bandwidth_error(status, "too-many-requests" if status == 429 else "internal-server-error", words)
        else:
            self.answer(status, f"<html><body>{words}</body></html>".encode(), "text/html")

    def basic(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None, None
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, None
        return user, password

    def send_json(self, status, document):
        self.answer(status, json.dumps(document).encode(), "application/json")

    def answer(self, status, data, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def control(self, url, body):
        try:
            if self.command == "POST" and url.path == CONTROL + "script":
                document = json.loads(body)
                match, answers = document.get("match"), document.get("answers")
                if not isinstance(answers, list) or not all(isinstance(a, dict) and isinstance(a.get("status"), int) for a in answers):
                    raise ValueError("answers is a JSON list of {status, body?, content_type?}")
                with LOCK:
                    SCRIPT.extend([match, answer] for answer in answers)
                reply = {"ok": True}
            elif self.command == "GET" and url.path == CONTROL + "requests":
                match = parse_qs(url.query).get("match", [None])[-1]
                with LOCK:
                    reply = {"requests": [r for r in REQUESTS if match is None or contains(r, match)]}
            else:
                self.send_json(404, {"error": "no such control"})
                return
            self.send_json(200, reply)
        except ValueError as error:
            self.send_json(400, {"error": str(error)})


def contains(record, text):
    """Whether a request's path, query or body holds `text`, as sent or decoded."""
    for part in (record["path"], record["query"], record["body"]):
        if text in part or text in unquote_plus(part):
            return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--credentials", required=True, help="a JSON object of the accounts' credentials")
    arguments = parser.parse_args()
    # The test process may run with SIGTERM blocked, and children inherit the mask: unblock it,
    # and stop at once when it comes.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    CREDENTIALS.update(json.loads(arguments.credentials))
    ThreadingHTTPServer.request_queue_size = 64
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True  # an answer that never comes must not keep the process from stopping
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        STOPPING.set()


if __name__ == "__main__":
    sys.exit(main())
