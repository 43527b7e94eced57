#!/usr/bin/env python3
"""A proxy in front of moto's SES that throttles: answers the first N SendEmail requests as SES
does when the sending rate is exceeded (HTTP 429, TooManyRequestsException), then passes every
request on to the upstream unchanged, Host header included (the client signed it).

Binds 127.0.0.1 on a free port and prints `READY <port>`. `GET /__proxy/state` answers
{"throttled": n, "forwarded": m}. Standard library only.
"""

import argparse
import json
import signal
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"throttled": 0, "forwarded": 0}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upstream", required=True, help="moto's endpoint, e.g. http://127.0.0.1:5000")
    parser.add_argument("--throttle", type=int, default=1, help="how many SendEmail requests to answer 429")
    return parser.parse_args()


def make_handler(options):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def answer(self, status, body, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/__proxy/state":
                with LOCK:
                    body = json.dumps(STATE).encode()
                self.answer(200, body, [("Content-Type", "application/json")])
            else:
                self.forward(None)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self.path.endswith("/v2/email/outbound-emails"):
                with LOCK:
                    throttle = STATE["throttled"] < options.throttle
                    if throttle:
                        STATE["throttled"] += 1
                if throttle:
                    self.answer(
                        429, json.dumps({"message": "Maximum sending rate exceeded."}).encode(),
                        [("Content-Type", "application/json"), ("x-amzn-ErrorType", "TooManyRequestsException"),
                         ("x-amzn-RequestId", "throttle-proxy")])
                    return
            self.forward(body)

        def forward(self, body):
            request = urllib.request.Request(options.upstream + self.path, data=body, method=self.command)
            for name, value in self.headers.items():
                if name.lower() not in ("content-length", "connection"):
                    request.add_header(name, value)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, headers, data = response.status, response.getheaders(), response.read()
            except urllib.error.HTTPError as error:
                status, headers, data = error.code, error.headers.items(), error.read()
            with LOCK:
                STATE["forwarded"] += 1
            kept = [(n, v) for n, v in headers if n.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date")]
            self.answer(status, data, kept)

    return Handler


def main():
    options = parse_arguments()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(options))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
