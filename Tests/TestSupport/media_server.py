#!/usr/bin/env python3
"""An HTTP server for the media fetcher's tests: routes are added at run time, hits counted.

Binds 127.0.0.1 on the port given (0: any free one) and prints `READY <port>`; with --tls-cert
and --tls-key it also serves the same routes over TLS on a second port: `READY <port> <tls port>`.
The tests add
routes with `POST /__control/route` (a JSON object, see `add_route`) and read what happened with
`GET /__control/state?path=…` and `GET /__control/requests`. Only requests outside `/__control/`
are counted and recorded. Standard library only.
"""

import argparse
import base64
import json
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CONTROL = "/__control/"
LOCK = threading.Lock()
ROUTES = {}      # path -> route (a dict, see add_route)
HITS = {}        # path -> requests received
WRITTEN = {}     # path -> body bytes written by the last slow answer
FINISHED = {}    # path -> whether the last slow answer has ended (done or client gone)
REQUESTS = []    # every request: method, path, headers
STOPPING = threading.Event()


def add_route(spec):
    """kind: serve (body base64, content_type, fail_first, fail_status), redirect (location,
    status), hang, slow (total, declare_length, chunk, interval_ms) or status (status)."""
    path = spec["path"]
    if not path.startswith("/") or path.startswith(CONTROL):
        raise ValueError(f"bad route path {path!r}")
    if spec.get("kind") not in ("serve", "redirect", "hang", "slow", "status"):
        raise ValueError(f"unknown route kind {spec.get('kind')!r}")
    with LOCK:
        ROUTES[path] = spec


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "media-test-server"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.handle_request()

    def do_HEAD(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def handle_request(self):
        url = urlsplit(self.path)
        if url.path.startswith(CONTROL):
            self.control(url)
            return
        with LOCK:
            HITS[url.path] = HITS.get(url.path, 0) + 1
            hit = HITS[url.path]
            REQUESTS.append({"method": self.command, "path": url.path, "headers": [[k, v] for k, v in self.headers.items()]})
            route = ROUTES.get(url.path)
        if route is None:
            self.answer(404, b"no such route\n", "text/plain")
            return
        kind = route["kind"]
        if kind == "serve":
            if hit <= route.get("fail_first", 0):
                self.answer(route.get("fail_status", 500), b"failing on purpose\n", "text/plain")
            else:
                self.answer(200, base64.b64decode(route["body"]), route.get("content_type"))
        elif kind == "status":
            self.answer(route["status"], b"status on purpose\n", "text/plain")
        elif kind == "redirect":
            self.send_response(route.get("status", 302))
            self.send_header("Location", route["location"])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif kind == "hang":
            STOPPING.wait()
        elif kind == "slow":
            self.slow(url.path, route)

    def answer(self, status, body, content_type):
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def slow(self, path, route):
        total = route["total"]
        chunk = route.get("chunk", 65536)
        interval = route.get("interval_ms", 50) / 1000
        declare = route.get("declare_length", True)
        with LOCK:
            WRITTEN[path] = 0
            FINISHED[path] = False
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if declare:
                self.send_header("Content-Length", str(total))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            sent = 0
            while sent < total and not STOPPING.is_set():
                size = min(chunk, total - sent)
                data = bytes(size)
                if declare:
                    self.wfile.write(data)
                else:
                    self.wfile.write(b"%x\r\n" % size + data + b"\r\n")
                self.wfile.flush()
                sent += size
                with LOCK:
                    WRITTEN[path] = sent
                time.sleep(interval)
            if not declare:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with LOCK:
                FINISHED[path] = True

    def control(self, url):
        try:
            if self.command == "POST" and url.path == CONTROL + "route":
                length = int(self.headers.get("Content-Length", "0"))
                add_route(json.loads(self.rfile.read(length)))
                reply = {"ok": True}
            elif self.command == "GET" and url.path == CONTROL + "state":
                path = parse_qs(url.query).get("path", [""])[0]
                with LOCK:
                    reply = {
                        "hits": HITS.get(path, 0),
                        "bytes_written": WRITTEN.get(path, 0),
                        "finished": FINISHED.get(path, False),
                    }
            elif self.command == "GET" and url.path == CONTROL + "requests":
                with LOCK:
                    reply = {"requests": list(REQUESTS)}
            else:
                self.answer(404, b"no such control\n", "text/plain")
                return
            self.answer(200, json.dumps(reply).encode(), "application/json")
        except (ValueError, KeyError) as error:
            self.answer(400, f"{error}\n".encode(), "text/plain")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert", help="PEM certificate: also serve over TLS on a port of its own")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    arguments = parser.parse_args()
    # The test process may run with SIGTERM blocked, and children inherit the mask: unblock it,
    # and stop at once when it comes.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True  # a hanging answer must not keep the process from stopping
    ports = [server.server_address[1]]
    if arguments.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
        tls_server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        tls_server.daemon_threads = True
        tls_server.socket = context.wrap_socket(tls_server.socket, server_side=True)
        ports.append(tls_server.server_address[1])
        threading.Thread(target=tls_server.serve_forever, daemon=True).start()
    print("READY " + " ".join(map(str, ports)), flush=True)
    try:
        server.serve_forever()
    finally:
        STOPPING.set()


if __name__ == "__main__":
    sys.exit(main())
