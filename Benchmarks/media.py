"""Driver of Benchmarks/media.sh: see there. Prints one table row per mode and the ratio."""
import http.server
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

binary, count = sys.argv[1], int(sys.argv[2])
size = int(os.environ.get("MEDIA_BYTES", 1 << 20))
token = "media-benchmark-token-0123456789"


def jpeg(length):
    """A JPEG-looking body of `length` bytes: the start of a JPEG, then filler."""
    head = bytes([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + b"JFIF\x00"
    return (head + os.urandom(length - len(head) - 2) + bytes([0xFF, 0xD9]))[:length]


PICTURE = jpeg(size)


class Media(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(PICTURE)))
        self.end_headers()
        self.wfile.write(PICTURE)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def callback(index, url):
    return json.dumps({
        "included": [{"type": "media", "id": "m", "attributes": {
            "url": url, "file_name": "photo.jpg", "mime_type": "image/jpeg", "file_size": size}}],
        "data": {"type": "message", "id": f"bench-{index}",
                 "relationships": {"media": {"data": [{"type": "media", "id": "m"}]}},
                 "attributes": {"to": "12065550100", "from": "12065550199", "body": "a picture",
                                "direction": "inbound", "is_mms": True,
                                "timestamp": "2026-11-25T06:30:00Z"}}}).encode()


def run(mode, media_url, trusted):
    work = tempfile.mkdtemp(prefix=f"media-bench-{mode}-")
    port = free_port()
    env = dict(os.environ, SMSRELAY_WEBHOOK_TOKEN=token, SMSRELAY_MEDIA_TRUSTED_HOSTS=trusted,
               SMSRELAY_MEDIA_FETCH="true" if mode == "attached" else "false", SMSRELAY_LOG_LEVEL="warning")
    relay = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", work],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline:
                    sys.exit(f"the relay ({mode}) did not start")
                time.sleep(0.05)
        new = os.path.join(work, "mail", "new")
        times = []
        for index in range(count):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/flowroute/{token}", data=callback(index, media_url),
                headers={"Content-Type": "application/json"})
            start = time.perf_counter()
            urllib.request.urlopen(request, timeout=10).read()
            while not (os.path.isdir(new) and len(os.listdir(new)) > index):
                time.sleep(0.0005)
            times.append(time.perf_counter() - start)
        sizes = [os.path.getsize(os.path.join(new, name)) for name in os.listdir(new)]
        return times, statistics.mean(sizes)
    finally:
        relay.terminate()
        relay.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Media)
threading.Thread(target=server.serve_forever, daemon=True).start()
host = f"127.0.0.1:{server.server_address[1]}"
url = f"http://{host}/photo.jpg?Expires=1&Signature=x"
try:
    results = {mode: run(mode, url, host) for mode in ("links", "attached")}
finally:
    server.shutdown()

print(f"{count} emails per mode, picture {size} bytes")
print("| mode | mean | p50 | p90 | email size |")
print("|---|---|---|---|---|")
for mode, (times, email_size) in results.items():
    ordered = sorted(times)
    print(f"| {mode} | {statistics.mean(times) * 1000:.1f} ms | {ordered[len(ordered) // 2] * 1000:.1f} ms"
          f" | {ordered[int(len(ordered) * 0.9)] * 1000:.1f} ms | {email_size / 1024:.0f} KiB |")
links, attached = (statistics.median(results[m][0]) for m in ("links", "attached"))
print(f"added per email (p50): {(attached - links) * 1000:.1f} ms; ratio attached/links {attached / links:.2f}x")
