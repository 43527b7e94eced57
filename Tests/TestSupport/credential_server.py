#!/usr/bin/env python3
"""The two local AWS credential services, for the credential chain's tests.

Binds 127.0.0.1 on the port given (0: any free one) and prints `READY <port>`.

`--mode container` is the container credentials endpoint (ECS, EKS Pod Identity): `GET` on any
path outside `/__control/` answers `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration",
"RoleArn"}`. With `--token`, the `Authorization` header must be that token, else `401` with
`{"code": "AccessDenied", "message": …}`.

`--mode imds` is the EC2 instance metadata service, IMDSv2 only: `PUT /latest/api/token` with
`X-aws-ec2-metadata-token-ttl-seconds` (1 to 21600; else 400) gives a session token; every `GET`
must carry one in `X-aws-ec2-metadata-token` (else 401).
`GET /latest/meta-data/iam/security-credentials/` names the `--role` (404 without one), and
`…/<role>` answers `{"Code": "Success", "LastUpdated", "Type": "AWS-HMAC", "AccessKeyId",
"SecretAccessKey", "Token", "Expiration"}`.

Every credentials answer is new: `ASIA…` keys numbered in order, random secrets and tokens,
expiring `lifetime` seconds from now (3600 unless set; negative: already expired).

Control endpoints, for the tests:
- `POST /__control/script` with a JSON list of statuses: the next credentials answers, in order
  (a 2xx status answers normally).
- `POST /__control/lifetime` with `{"seconds": N}`.
- `POST /__control/token` with `{"token": T}`: the container token required from now on.
- `POST /__control/hold`: credentials answers wait until `POST /__control/release`, or at most
  `{"seconds": N}` when the body gives it.
- `GET /__control/requests`: every other request so far, oldest first: method, path, headers,
  status answered, and the access key handed out (if any).
Standard library only.
"""

import argparse
import datetime
import json
import secrets
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CONTROL = "/__control/"
CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/"
LOCK = threading.Lock()
RELEASED = threading.Event()
RELEASED.set()
STATE = {"mode": "container", "token": None, "role": "", "lifetime": 3600, "issued": 0}
SCRIPT = []
REQUESTS = []
SESSION_TOKENS = set()


def issue():
    with LOCK:
        STATE["issued"] += 1
        number = STATE["issued"]
        lifetime = STATE["lifetime"]
    expiration = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=lifetime)
    return {
        "AccessKeyId": f"ASIATEST{number:012d}",
        "SecretAccessKey": secrets.token_urlsafe(30),
        "Token": secrets.token_urlsafe(60),
        "Expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "credential-server"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.handle_request()

    def do_PUT(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def handle_request(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(length) if length > 0 else b""
        if url.path.startswith(CONTROL):
            self.control(url.path, body)
            return
        record = {"method": self.command, "path": url.path, "headers": [[k, v] for k, v in self.headers.items()]}
        with LOCK:
            REQUESTS.append(record)
        if STATE["mode"] == "container":
            self.container(record)
        else:
            self.imds(url.path, record)

    def container(self, record):
        if self.command != "GET":
            return self.answer(record, 405, {"code": "MethodNotAllowed", "message": "GET only"})
        required = STATE["token"]
        if required is not None and self.headers.get("Authorization") != required:
            return self.answer(record, 401, {"code": "AccessDenied", "message": "Authorization token is missing or wrong."})
        self.credentials(record, {"RoleArn": "arn:aws:iam::123456789012:role/smsrelay-task"})

    def imds(self, path, record):
        if path == "/latest/api/token":
            if self.command != "PUT":
                return self.answer(record, 405, "", "text/plain")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
            if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return self.answer(record, 400, "", "text/plain")
            token = secrets.token_urlsafe(40)
            with LOCK:
                SESSION_TOKENS.add(token)
            return self.answer(record, 200, token, "text/plain")
        if self.command != "GET":
            return self.answer(record, 405, "", "text/plain")
        with LOCK:
            authorised = self.headers.get("X-aws-ec2-metadata-token") in SESSION_TOKENS
        if not authorised:
            return self.answer(record, 401, "", "text/plain")
        role = STATE["role"]
        if path == CREDENTIALS_PATH:
            if not role:
                return self.answer(record, 404, "", "text/plain")
            return self.answer(record, 200, role, "text/plain")
        if role and path == CREDENTIALS_PATH + role:
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            return self.credentials(record, {"Code": "Success", "LastUpdated": now, "Type": "AWS-HMAC"})
        return self.answer(record, 404, "", "text/plain")

    def credentials(self, record, extra):
        RELEASED.wait(STATE.get("hold_seconds"))
        with LOCK:
            scripted = SCRIPT.pop(0) if SCRIPT else None
        if scripted is not None and not 200 <= scripted < 300:
            return self.answer(record, scripted, {"code": "Scripted", "message": f"Scripted answer {scripted}."})
        document = dict(extra)
        document.update(issue())
        record["issued"] = document["AccessKeyId"]
        self.answer(record, 200, document)

    def answer(self, record, status, document, content_type="application/json"):
        record["status"] = status
        data = (json.dumps(document) if content_type == "application/json" else document).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def control(self, path, body):
        reply = {"ok": True}
        try:
            if self.command == "POST" and path == CONTROL + "script":
                statuses = json.loads(body)
                if not isinstance(statuses, list) or not all(isinstance(s, int) for s in statuses):
                    raise ValueError("the script is a JSON list of statuses")
                with LOCK:
                    SCRIPT.extend(statuses)
            elif self.command == "POST" and path == CONTROL + "lifetime":
                STATE["lifetime"] = int(json.loads(body)["seconds"])
            elif self.command == "POST" and path == CONTROL + "token":
                STATE["token"] = json.loads(body)["token"]
            elif self.command == "POST" and path == CONTROL + "hold":
                STATE["hold_seconds"] = json.loads(body or "{}").get("seconds")
                RELEASED.clear()
            elif self.command == "POST" and path == CONTROL + "release":
                RELEASED.set()
            elif self.command == "GET" and path == CONTROL + "requests":
                with LOCK:
                    reply = {"requests": list(REQUESTS)}
            else:
                return self.send_json(404, {"error": "no such control"})
            self.send_json(200, reply)
        except (ValueError, KeyError) as error:
            self.send_json(400, {"error": str(error)})

    def send_json(self, status, document):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=["container", "imds"], required=True)
    parser.add_argument("--token")
    parser.add_argument("--role", default="")
    arguments = parser.parse_args()
    # The test process may run with SIGTERM blocked, and children inherit the mask: unblock it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    STATE["mode"] = arguments.mode
    STATE["token"] = arguments.token
    STATE["role"] = arguments.role
    ThreadingHTTPServer.request_queue_size = 64
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True  # a held answer must not keep the process from stopping
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
