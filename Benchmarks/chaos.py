#!/usr/bin/env python3
"""Chaos driver for Benchmarks/chaos.sh: kill -9 the relay under load, then count what got through.

One run, one transport. Python 3 standard library only (aiosmtpd is needed for --transport smtp,
through Tests/TestSupport/smtp_server.py).

  1. Starts the real `smsrelay serve` on 127.0.0.1:<a free port, fixed for the whole run> with a
     fresh data folder, an explicit SMSRELAY_WEBHOOK_TOKEN and a clean environment (PATH and HOME
     only, no inherited SMSRELAY_* variable).
  2. --senders threads post Flowroute v1 callbacks {"to","from","body","id"}, each with its own
     id, one after another, --pace seconds apart. A callback that gets no answer (refused, reset,
     timed out) or any status but 200 is retried like Flowroute retries it: up to --retries more
     times, --retry-interval seconds apart (Flowroute waits 30 s; 1 s here keeps the run short).
     A callback still not answered 200 after that is given up, as the carrier would.
  3. Meanwhile the relay is killed with SIGKILL --kill-min..--kill-max seconds (uniform jitter)
     after each time it became ready, and restarted at once on the same port, --cycles times.
  4. After the last restart the senders stop taking new ids and finish their retries; the relay
     runs until its outbox has nothing pending or --drain-seconds pass, then gets SIGTERM.
  5. Counts, for this transport: posted, answered 200, stored (rows in <data>/outbox.sqlite,
     read-only), delivered (files in <data>/mail/new and cur, or messages aiosmtpd received),
     lost (answered 200, never delivered), duplicated (delivered more than once) and whether each
     duplicate's copies share the expected Message-ID <smsrelay.flowroute.<id>@...>.
     Each email is matched to its callback by a marker in the SMS body, not by its Message-ID,
     so the Message-ID check is an independent one.

Prints a report and one line `RESULT transport=... key=value ...`. Exit status: 0 when nothing
answered 200 was lost, 1 when something was (or answered 200 but not stored), 2 when the run
could not be carried out (the relay did not start, the drain deadline passed, ...).
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

TOKEN = "chaos-benchmark-token-0123456789"
MARKER = re.compile(r"chaos marker \[([A-Za-z0-9._-]+)\]")
MARKER_BYTES = re.compile(MARKER.pattern.encode())
EXPECTED_MESSAGE_ID = "<smsrelay.flowroute.{id}@"  # then the sender's domain and ">"


def parse_arguments():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", required=True, help="the smsrelay executable")
    p.add_argument("--transport", choices=["maildir", "smtp"], required=True)
    p.add_argument("--work", required=True, help="an empty folder for this run (data folder, logs)")
    p.add_argument("--smtp-server", default="Tests/TestSupport/smtp_server.py", help="aiosmtpd recorder script")
    p.add_argument("--senders", type=int, default=16)
    p.add_argument("--pace", type=float, default=0.1, help="seconds each sender waits between two new ids")
    p.add_argument("--retries", type=int, default=4, help="retries after the first attempt (Flowroute: 4)")
    p.add_argument("--retry-interval", type=float, default=1.0, help="seconds between attempts (Flowroute: 30)")
    p.add_argument("--request-timeout", type=float, default=5.0, help="seconds a sender waits for an answer")
    p.add_argument("--cycles", type=int, default=10, help="kill -9 and restart this many times")
    p.add_argument("--kill-min", type=float, default=2.0, help="shortest up-time before a kill, seconds")
    p.add_argument("--kill-max", type=float, default=4.0, help="longest up-time before a kill, seconds")
    p.add_argument("--drain-seconds", type=float, default=60.0,
                   help="after the last restart: how long the relay may take to deliver everything")
    p.add_argument("--start-timeout", type=float, default=30.0, help="seconds the relay may take to answer /healthz")
    p.add_argument("--seed", type=int, default=None, help="seed for the kill timing (default: random)")
    p.add_argument("--pids-file", help="append the pid of every process started here (for the caller's trap)")
    return p.parse_args()


class Clock:
    def __init__(self):
        self.start = time.monotonic()

    def now(self):
        return time.monotonic() - self.start


class Timeline:
    """Events of the run, with seconds since the start: kills, starts, readiness."""

    def __init__(self, clock, path):
        self.clock = clock
        self.events = []
        self.file = open(path, "w")
        self.lock = threading.Lock()

    def add(self, kind, **details):
        t = self.clock.now()
        with self.lock:
            self.events.append((t, kind, details))
            self.file.write(json.dumps({"t": round(t, 3), "event": kind, **details}) + "\n")
            self.file.flush()
        return t


class Relay:
    """The smsrelay process: started, killed and restarted on one port and one data folder."""

    def __init__(self, args, port, data_dir, log_path, timeline, extra_env):
        self.args = args
        self.port = port
        self.data_dir = data_dir
        self.log_path = log_path
        self.timeline = timeline
        self.process = None
        self.starts = 0
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "SMSRELAY_HOST": "127.0.0.1",
            "SMSRELAY_PORT": str(port),
            "SMSRELAY_DATA_DIR": data_dir,
            "SMSRELAY_WEBHOOK_TOKEN": TOKEN,
            "SMSRELAY_LOG_LEVEL": "info",
            **extra_env,
        }

    def start(self):
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"=== chaos: start #{self.starts} at t={self.timeline.clock.now():.3f}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [self.args.bin, "serve"], env=self.env, cwd=os.path.dirname(self.data_dir),
                stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        note_pid(self.args, self.process.pid)
        self.timeline.add("start", n=self.starts, pid=self.process.pid)

    def wait_ready(self):
        """Polls /healthz until it answers 200. Returns the outbox counts it reports."""
        deadline = time.monotonic() + self.args.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RunError(f"the relay exited with status {self.process.returncode} while starting "
                               f"(start #{self.starts}); see {self.log_path}")
            health = healthz(self.port)
            if health is not None:
                self.timeline.add("ready", n=self.starts)
                return health
            time.sleep(0.02)
        raise RunError(f"the relay did not answer /healthz within {self.args.start_timeout:.0f} s "
                       f"(start #{self.starts}); see {self.log_path}")

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.timeline.add("kill", n=self.starts)

    def terminate(self, grace=20.0):
        """SIGTERM, then SIGKILL after `grace` seconds. Returns (exit status, seconds taken, killed)."""
        if self.process is None or self.process.poll() is not None:
            return None, 0.0, False
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=grace)
            killed = False
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
            killed = True
        self.timeline.add("stopped", status=status, killed=killed)
        return status, time.monotonic() - began, killed


class RunError(Exception):
    pass


def note_pid(args, pid):
    if args.pids_file:
        with open(args.pids_file, "a") as f:
            f.write(f"{pid}\n")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthz(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status == 200:
            return json.loads(body)
    except (OSError, http.client.HTTPException, ValueError):
        pass
    return None


def start_smtp_server(args, output):
    out_path = os.path.join(args.work, "smtp-server.out")
    err_path = os.path.join(args.work, "smtp-server.err")
    # Without --quiet: each message is recorded with its parsed headers and text part.
    process = subprocess.Popen(
        [sys.executable, args.smtp_server, "--port", "0", "--output", output],
        stdin=subprocess.DEVNULL, stdout=open(out_path, "w"), stderr=open(err_path, "w"))
    note_pid(args, process.pid)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with open(out_path) as f:
            m = re.search(r"^READY (\d+)$", f.read(), re.M)
        if m:
            return process, int(m.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    with open(err_path) as f:
        raise RunError("smtp_server.py did not start:\n" + f.read())


# MARK: - Senders

class Ledger:
    """What the senders did, per carrier id."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempts = {}      # id -> [(t, outcome)]  outcome: "200 stored", "503", "no answer: ConnectionRefusedError"
        self.answered = set()   # ids answered 200
        self.gave_up = set()    # ids never answered 200 after every retry
        self.duplicate_answers = 0

    def note(self, mid, t, outcome):
        with self.lock:
            self.attempts.setdefault(mid, []).append((t, outcome))


def post_once(port, path, body, timeout):
    """One attempt, on a new connection. Returns (status or None, outcome text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        text = response.read()
        if response.status == 200:
            try:
                status = json.loads(text).get("status", "?")
            except ValueError:
                status = "unreadable body"
            return 200, f"200 {status}"
        return response.status, str(response.status)
    except (OSError, http.client.HTTPException) as error:
        return None, f"no answer: {type(error).__name__}"
    finally:
        conn.close()


def sender(index, args, port, ledger, clock, stop_new, run_tag):
    path = f"/flowroute/{TOKEN}"
    n = 0
    while not stop_new.is_set():
        mid = f"chaos-{run_tag}-s{index:02d}-{n:05d}"
        n += 1
        body = json.dumps({
            "to": "12066418000",
            "from": f"1855356{index:04d}",
            "body": f"Hello from the chaos benchmark, chaos marker [{mid}]",
            "id": mid,
        }).encode()
        for attempt in range(args.retries + 1):
            if attempt:
                time.sleep(args.retry_interval)
            status, outcome = post_once(port, path, body, args.request_timeout)
            ledger.note(mid, clock.now(), outcome)
            if status == 200:
                with ledger.lock:
                    ledger.answered.add(mid)
                    if outcome == "200 duplicate":
                        ledger.duplicate_answers += 1
                break
        else:
            with ledger.lock:
                ledger.gave_up.add(mid)
        time.sleep(args.pace)


# MARK: - Counting

def identify(raw):
    """(carrier id from the body's marker or None, Message-ID or None) of one email's bytes.

    A plain search, not Python's email parser (which takes ~9 ms a message): the marker is the
    first one in the message (the text part comes first), once quoted-printable soft line breaks
    are removed; the Message-ID is the header's value in the header section.
    """
    head, _, body = raw.partition(b"\r\n\r\n")
    m = re.search(rb"^Message-ID:[ \t]*(.*?)\r?$", head, re.M | re.I)
    marker = MARKER_BYTES.search(body.replace(b"=\r\n", b""))
    return (marker.group(1).decode() if marker else None, m.group(1).decode() if m else None)


def delivered_maildir(maildir):
    """[(carrier id or None, Message-ID, relay pid)] for every file in new/ and cur/ (the
    maildir file name holds the pid of the process that wrote it)."""
    found = []
    for sub in ("new", "cur"):
        folder = os.path.join(maildir, sub)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            with open(os.path.join(folder, name), "rb") as f:
                pid = re.search(r"P(\d+)R", name)
                found.append(identify(f.read()) + (pid.group(1) if pid else name,))
    return found


def delivered_smtp(events_path):
    found = []
    connections = 0
    if os.path.exists(events_path):
        with open(events_path) as f:
            for line in f:
                record = json.loads(line)
                if record.get("event") == "connect":
                    connections += 1
                if record.get("event") != "message":
                    continue
                parsed = record.get("parsed", {})
                m = MARKER.search(parsed.get("text") or "")
                found.append((m.group(1) if m else None, parsed.get("message_id"), record.get("connection")))
    return found, connections


def outbox_rows(db_path):
    """{carrier id: (outbox id, status, attempts, lastError)}, read-only."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT carrierMessageID, id, status, attempts, lastError FROM message WHERE carrier = 'flowroute'"
        ).fetchall()
    finally:
        conn.close()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


# MARK: - The run

def main():
    args = parse_arguments()
    if args.kill_max < args.kill_min:
        args.kill_max = args.kill_min
    clock = Clock()
    rng = random.Random(args.seed)
    run_tag = f"{args.transport[:2]}{os.getpid() % 10000:04d}"
    timeline = Timeline(clock, os.path.join(args.work, "timeline.jsonl"))
    data_dir = os.path.join(args.work, "data")
    log_path = os.path.join(args.work, "relay.log")
    port = free_port()

    smtp_process = None
    extra_env = {}
    events_path = os.path.join(args.work, "smtp-events.jsonl")
    if args.transport == "smtp":
        smtp_process, smtp_port = start_smtp_server(args, events_path)
        extra_env = {"SMSRELAY_TRANSPORT": "smtp", "SMSRELAY_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}?tls=none"}
    else:
        extra_env = {"SMSRELAY_TRANSPORT": "maildir"}

    relay = Relay(args, port, data_dir, log_path, timeline, extra_env)
    ledger = Ledger()
    stop_new = threading.Event()
    threads = []
    failure = None
    drained = False
    stop = (None, 0.0, False)
    downtimes = []

    # SIGTERM/SIGINT to this driver: stop everything it started (the finally below).
    def interrupted(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupted)

    print(f"chaos {args.transport}: relay on 127.0.0.1:{port}, {args.senders} senders, {args.cycles} kill -9 cycles "
          f"every {args.kill_min:g}-{args.kill_max:g} s, retries {args.retries} x {args.retry_interval:g} s, "
          f"work folder {args.work}", flush=True)
    try:
        relay.start()
        relay.wait_ready()
        for i in range(args.senders):
            thread = threading.Thread(target=sender, args=(i, args, port, ledger, clock, stop_new, run_tag), daemon=True)
            thread.start()
            threads.append(thread)
        for cycle in range(args.cycles):
            time.sleep(rng.uniform(args.kill_min, args.kill_max))
            killed_at = clock.now()
            relay.kill9()
            relay.start()
            relay.wait_ready()
            downtimes.append(clock.now() - killed_at)
        last_restart = clock.now()
        stop_new.set()
        timeline.add("senders stop taking new ids")
        longest = (args.retries + 1) * (args.request_timeout + args.retry_interval) + args.pace + 5
        for thread in threads:
            thread.join(timeout=max(0.1, last_restart + longest - clock.now()))
        if any(t.is_alive() for t in threads):
            raise RunError("senders still busy after their last retry should have ended")
        timeline.add("senders done")
        deadline = last_restart + args.drain_seconds
        while clock.now() < deadline:
            health = healthz(port)
            if health is not None and health["outbox"]["pending"] == 0:
                drained = True
                break
            time.sleep(0.1)
        timeline.add("drained" if drained else "drain deadline passed")
        stop = relay.terminate()
    except RunError as error:
        failure = str(error)
    except KeyboardInterrupt:
        failure = "interrupted"
    finally:
        stop_new.set()
        if relay.process is not None and relay.process.poll() is None:
            relay.process.kill()
            relay.process.wait()
        if smtp_process is not None:
            smtp_process.send_signal(signal.SIGTERM)
            try:
                smtp_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                smtp_process.kill()
                smtp_process.wait()

    if failure and failure == "interrupted":
        print("chaos: interrupted", file=sys.stderr)
        return 2

    # Count.
    with ledger.lock:
        posted = set(ledger.attempts)
        answered = set(ledger.answered)
        gave_up = set(ledger.gave_up)
        attempts = {k: list(v) for k, v in ledger.attempts.items()}
        duplicate_answers = ledger.duplicate_answers
    db_path = os.path.join(data_dir, "outbox.sqlite")
    rows = outbox_rows(db_path) if os.path.exists(db_path) else {}
    if args.transport == "smtp":
        deliveries, smtp_connections = delivered_smtp(events_path)
    else:
        deliveries, smtp_connections = delivered_maildir(os.path.join(data_dir, "mail")), None
    copies = {}
    sources = {}
    unmarked = 0
    for mid, message_id, source in deliveries:
        if mid is None:
            unmarked += 1
            continue
        copies.setdefault(mid, []).append(message_id)
        sources.setdefault(mid, []).append(source)
    delivered = set(copies)
    lost = sorted(answered - delivered)
    answered_not_stored = sorted(answered - set(rows))
    duplicated = sorted(mid for mid, ids in copies.items() if len(ids) > 1)
    extra_copies = sum(len(copies[mid]) - 1 for mid in duplicated)
    # A duplicate is expected only across a kill: the copies written by different relay processes
    # (maildir) or sent over different SMTP connections.
    across_kill = sum(1 for mid in duplicated if len(set(sources[mid])) == len(sources[mid]))
    dup_same_id = all(
        len(set(copies[mid])) == 1 and copies[mid][0].startswith(EXPECTED_MESSAGE_ID.format(id=mid))
        for mid in duplicated)
    all_ids_expected = all(
        ids[0] is not None and ids[0].startswith(EXPECTED_MESSAGE_ID.format(id=mid)) for mid, ids in copies.items())
    delivered_not_posted = sorted(delivered - posted)
    statuses = {}
    for _, status, _, _ in rows.values():
        statuses[status] = statuses.get(status, 0) + 1
    stored_unanswered = sorted(set(rows) - answered)
    all_attempts = [o for v in attempts.values() for _, o in v]
    no_answer = sum(1 for o in all_attempts if o.startswith("no answer"))
    no_answer_kinds = {}
    for o in all_attempts:
        if o.startswith("no answer"):
            kind = o.split(": ", 1)[1]
            no_answer_kinds[kind] = no_answer_kinds.get(kind, 0) + 1
    non_200 = {}
    for o in all_attempts:
        if not o.startswith("no answer") and not o.startswith("200"):
            non_200[o] = non_200.get(o, 0) + 1
    retried = sum(1 for v in attempts.values() if len(v) > 1)

    print(f"chaos {args.transport}: {len(posted)} ids posted in {len(all_attempts)} attempts "
          f"({no_answer} without an answer{': ' if no_answer_kinds else ''}"
          f"{', '.join(f'{k} {v}' for k, v in sorted(no_answer_kinds.items()))}; non-200: {non_200 or 'none'}), "
          f"{retried} ids needed a retry, "
          f"{duplicate_answers} retries answered 200 \"duplicate\" (stored before the kill, answer lost)")
    if downtimes:
        print(f"  restarts: {len(downtimes)}, kill -9 to /healthz 200: median {statistics.median(downtimes):.2f} s, "
              f"max {max(downtimes):.2f} s")
    print(f"  answered 200: {len(answered)}   never answered 200 (carrier gave up): {len(gave_up)}")
    print(f"  stored: {len(rows)} ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items())) or 'none'}); "
          f"stored but never answered 200: {len(stored_unanswered)}; answered 200 but not stored: {len(answered_not_stored)}")
    print(f"  delivered: {len(delivered)} ids in {len(deliveries)} emails"
          + (f" over {smtp_connections} SMTP connections" if smtp_connections is not None else "")
          + (f"; {unmarked} emails without a marker" if unmarked else ""))
    lost_by_status = {}
    for mid in lost:
        key = rows[mid][1] if mid in rows else "no row"
        lost_by_status[key] = lost_by_status.get(key, 0) + 1
    print(f"  lost (answered 200, never delivered): {len(lost)}"
          + (f" (outbox status of those: {lost_by_status})" if lost else ""))
    print(f"  duplicated: {len(duplicated)} ids ({extra_copies} extra emails"
          f"{f', {across_kill} of them with each copy from another relay process or SMTP connection' if duplicated else ''}); "
          f"copies share the Message-ID: {'yes' if dup_same_id else 'NO'}"
          f"{'' if duplicated else ' (no duplicates)'}; every Message-ID as expected: {'yes' if all_ids_expected else 'NO'}")
    if stop[0] is not None or stop[2]:
        print(f"  final SIGTERM: exit status {stop[0]} after {stop[1]:.2f} s{' (had to SIGKILL)' if stop[2] else ''}")
    if not drained and failure is None:
        failure = f"outbox still had pending messages {args.drain_seconds:g} s after the last restart"
    if delivered_not_posted:
        print(f"  delivered ids never posted (!): {delivered_not_posted[:10]}")

    if lost or answered_not_stored:
        print("\nLOST MESSAGES — answered 200 by the relay, never delivered:", file=sys.stderr)
        kills = [(t, d) for t, kind, d in timeline.events if kind == "kill"]
        with open(log_path, errors="replace") as f:
            log_lines = f.read().splitlines()
        for mid in (lost + [m for m in answered_not_stored if m not in lost])[:20]:
            row = rows.get(mid)
            print(f"- {mid}: attempts {attempts.get(mid)}; outbox row {row}", file=sys.stderr)
            first = attempts[mid][0][0]
            near = [f"{t:.3f}" for t, _ in kills if first - 6 <= t <= first + 30]
            print(f"  kills near it (t, s): {near}", file=sys.stderr)
            needles = [f"message_id={mid}"] + ([f"outbox_id={row[0]} "] if row else [])
            for line in log_lines:
                if any(n in line for n in needles):
                    print(f"  log: {line}", file=sys.stderr)
        print(f"  timeline: {os.path.join(args.work, 'timeline.jsonl')}; relay log: {log_path}", file=sys.stderr)

    if failure:
        print(f"chaos {args.transport}: RUN PROBLEM: {failure}", file=sys.stderr)
        tail = open(log_path, errors="replace").read().splitlines()[-15:] if os.path.exists(log_path) else []
        for line in tail:
            print(f"  relay log: {line}", file=sys.stderr)

    print(" ".join([
        "RESULT", f"transport={args.transport}", f"posted={len(posted)}", f"answered={len(answered)}",
        f"gave_up={len(gave_up)}", f"stored={len(rows)}", f"delivered={len(delivered)}", f"emails={len(deliveries)}",
        f"lost={len(lost)}", f"answered_not_stored={len(answered_not_stored)}", f"duplicated={len(duplicated)}",
        f"extra_emails={extra_copies}", f"duplicates_across_kill={across_kill}", f"duplicates_share_message_id={'yes' if dup_same_id else 'no'}",
        f"duplicate_answers={duplicate_answers}", f"kills={len(downtimes)}",
        f"restart_median_s={statistics.median(downtimes) if downtimes else 0:.2f}",
        f"drained={'yes' if drained else 'no'}",
    ]), flush=True)
    if lost or answered_not_stored:
        return 1
    if failure:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
