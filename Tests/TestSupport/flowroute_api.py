#!/usr/bin/env python3
"""A fake of Flowroute's Messaging API v2.1, as far as sending an SMS goes, for the client's tests.

Binds 127.0.0.1 on the port given (0: any free one) and prints `READY <port>`.

`POST /v2.1/messages` answers as Flowroute documents it: HTTP Basic authentication with the
`--access-key` and `--secret-key` given (401 otherwise), a JSON:API document
`{"data": {"type": "message", "attributes": {"to", "from", "body", "dlr_callback"?}}}` (400 when
the body is not JSON, 422 when `to`, `from` or `body` is missing or empty), and on success
`202 Accepted` with `{"data": {"id": "mdr2-<32 hex>", "type": "message", "links": {"self": …}}}`.
Errors are `{"errors": [{"id", "status", "title", "detail"}]}`, as `application/vnd.api+json`.

Control endpoints, for the tests:
- `POST /__control/script` with a JSON list: the answers to the next requests, in order, before
  any check. An entry is a status (`[429, 500]`: a 429, then a 500, then normal answers); a
  success status answers as a success would, `0` reads the request and never answers.
- `GET /__control/requests`: every other request so far, oldest first: method, path, headers,
  body (text) and time (this process's monotonic clock, in seconds).
Standard library only.
"""

import argparse
import base64
import json
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CONTROL = "/__control/"
MESSAGES = "/v2.1/messages"
JSON_API = "application/vnd.api+json"
TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
}
LOCK = threading.Lock()
SCRIPT = []      # answers still to give, oldest first
REQUESTS = []    # every request outside /__control/
STOPPING = threading.Event()
CREDENTIALS = {"access": "", "secret": ""}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "flowroute-api-fake"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def do_PUT(self):
        self.handle_request()

    def do_DELETE(self):
        self.handle_request()

    def handle_request(self):
        received = time.monotonic()
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(length) if length > 0 else b""
        if url.path.startswith(CONTROL):
            self.control(url.path, body)
            return
        with LOCK:
            REQUESTS.append({
                "method": self.command,
                "path": url.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", errors="replace"),
                "time": received,
            })
            scripted = SCRIPT.pop(0) if SCRIPT else None
        if scripted == 0:
            STOPPING.wait()
            self.close_connection = True
            return
        if scripted is not None and not 200 <= scripted < 300:
            self.error(scripted, f"Scripted answer {scripted}.")
            return
        if url.path != MESSAGES:
            self.error(404, f"No resource at {url.path}.")
            return
        if self.command != "POST":
            self.error(405, f"{self.command} is not supported on {MESSAGES}.")
            return
        if not self.authorised():
            self.error(401, "There was an issue with your API credentials.")
            return
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in (JSON_API, "application/json"):
            self.error(415, f"Content-Type {content_type or 'none'} is not supported; use {JSON_API}.")
            return
        try:
            document = json.loads(body)
        except ValueError:
            self.error(400, "The request body is not valid JSON.")
            return
        problem = check(document)
        if problem:
            self.error(422, problem)
            return
        message_id = "mdr2-" + uuid.uuid4().hex
        host = self.headers.get("Host", "127.0.0.1")
        self.answer(scripted or 202, {
            "data": {"id": message_id, "type": "message", "links": {"self": f"http://{host}{MESSAGES}/{message_id}"}}
        })

    def authorised(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == CREDENTIALS["access"] and password == CREDENTIALS["secret"]

    def error(self, status, detail):
        self.answer(status, {"errors": [{
            "id": str(uuid.uuid4()), "status": status, "title": TITLES.get(status, "Error"), "detail": detail,
        }]})

    def answer(self, status, document, content_type=JSON_API):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def control(self, path, body):
        try:
            if self.command == "POST" and path == CONTROL + "script":
                statuses = json.loads(body)
                if not isinstance(statuses, list) or not all(isinstance(s, int) for s in statuses):
                    raise ValueError("the script is a JSON list of statuses")
                with LOCK:
                    SCRIPT.extend(statuses)
                reply = {"ok": True}
            elif self.command == "GET" and path == CONTROL + "requests":
                with LOCK:
                    reply = {"requests": list(REQUESTS)}
            else:
                self.answer(404, {"error": "no such control"}, "application/json")
                return
            self.answer(200, reply, "application/json")
        except ValueError as error:
            self.answer(400, {"error": str(error)}, "application/json")


def check(document):
    """What Flowroute would refuse in a message document with 422, or None."""
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        return "The request must be a JSON:API document with a data object."
    if data.get("type") != "message":
        return f"data.type must be 'message', not {data.get('type')!r}."
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        return "data.attributes is missing."
    for name in ("to", "from", "body"):
        value = attributes.get(name)
        if not isinstance(value, str) or not value:
            return f"Missing required attribute: {name}."
    for name in ("to", "from"):
        if not attributes[name].isdigit():
            return f"{name} must be an 11-digit North American number, e.g. 12065551234."
    callback = attributes.get("dlr_callback")
    if callback is not None and not isinstance(callback, str):
        return "dlr_callback must be a URL."
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    arguments = parser.parse_args()
    # The test process may run with SIGTERM blocked, and children inherit the mask: unblock it,
    # and stop at once when it comes.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    CREDENTIALS["access"] = arguments.access_key
    CREDENTIALS["secret"] = arguments.secret_key
    ThreadingHTTPServer.request_queue_size = 64  # a burst of connections must not wait for a SYN retry
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True  # an answer that never comes must not keep the process from stopping
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        STOPPING.set()


if __name__ == "__main__":
    sys.exit(main())
