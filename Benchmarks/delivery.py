#!/usr/bin/env python3
"""Helpers of Benchmarks/delivery.sh. Standard library only.

  delivery.py post URL COUNT SENDERS   post COUNT Flowroute v1 callbacks from SENDERS senders, round robin
  delivery.py wait URL FIELD COUNT SECONDS   wait until /healthz's outbox FIELD reaches COUNT
  delivery.py span DATABASE          "<sent> <seconds from first to last sentAt>" of the SQLite outbox
  delivery.py port                   a free TCP port on 127.0.0.1
"""

import http.client
import json
import socket
import sqlite3
import sys
import time
from urllib.parse import urlsplit


def post(url, count, senders):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for n in range(count):
        body = json.dumps({
            "id": f"mdr2-bench-{n:06d}",
            "from": f"1206555{n % senders:04d}",
            "to": "12065550100",
            "body": f"benchmark message {n}",
        })
        connection.request("POST", parts.path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"callback {n} answered {response.status}")


def outbox(url):
    with urllib_open(url + "/healthz") as response:
        return json.load(response)["outbox"]


def urllib_open(url):
    import urllib.request
    return urllib.request.urlopen(url, timeout=10)


def wait(url, field, count, seconds):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = outbox(url)
            if last[field] >= count:
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"/healthz did not reach {field}={count} within {seconds} s: {last}")


def span(database):
    with sqlite3.connect(database) as db:
        sent, first, last = db.execute(
            "SELECT count(*), min(sentAt), max(sentAt) FROM message WHERE status = 'sent'").fetchone()
    print(sent, f"{(last or 0) - (first or 0):.3f}")


def port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "post":
        post(arguments[0], int(arguments[1]), int(arguments[2]))
    elif command == "wait":
        wait(arguments[0], arguments[1], int(arguments[2]), float(arguments[3]))
    elif command == "span":
        span(arguments[0])
    elif command == "port":
        port()
    else:
        sys.exit(__doc__)
