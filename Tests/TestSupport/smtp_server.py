#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for the SMTP transport's tests and benchmark.

Listens on 127.0.0.1 only. Prints "READY <port>" on stdout once it accepts connections, then
writes one JSON object a line to --output (or stdout) for each connection and each message:

  {"event": "connect", "connection": 1}
  {"event": "ehlo", "connection": 1, "name": "relay.example.org"}
  {"event": "reset", "connection": 1}
  {"event": "message", "connection": 1, "mail_from": "...", "mail_options": [...],
   "rcpt_tos": [...], "data": "<base64 of the bytes received>", "parsed": {...}}
  {"event": "quit", "connection": 1}

"parsed" is what Python's email package (policy=default) understood of the message: the
headers, the text and HTML bodies, the parts and any defects. Stops on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import base64
import email
import email.policy
import json
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--output", help="file for the JSON lines (default: stdout)")
    parser.add_argument("--tls-cert", help="PEM certificate: offer STARTTLS (or implicit TLS with --implicit-tls)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--implicit-tls", action="store_true", help="speak TLS from the first byte (smtps)")
    parser.add_argument("--require-starttls", action="store_true", help="refuse commands before STARTTLS")
    parser.add_argument("--auth-user", help="offer AUTH PLAIN and LOGIN and require this user")
    parser.add_argument("--auth-password", help="the password of --auth-user")
    parser.add_argument("--auth-over-plain-text", action="store_true",
                        help="offer AUTH before TLS too (for loopback tests)")
    parser.add_argument("--fail-first-with", help='reply for the first RCPT (or DATA), e.g. "452 4.3.1 Try later"')
    parser.add_argument("--fail-first-at", choices=["rcpt", "data"], default="rcpt")
    parser.add_argument("--reject-recipient", action="append", default=[],
                        help="answer 550 to RCPT TO this address (repeatable)")
    parser.add_argument("--rcpt-replies",
                        help="JSON file mapping recipient addresses to the reply RCPT TO them gets, e.g. "
                             '{"later@example.com": "451 4.3.0 Try again later"}; read again at each RCPT, so a '
                             "test can change the server's mind while it runs; addresses not in it are accepted")
    parser.add_argument("--pipelining", action="store_true", help="advertise PIPELINING")
    parser.add_argument("--hang-first-data", type=float, default=0,
                        help="hold the first DATA this many seconds before answering, after writing a data-hang event "
                             "with its Message-ID; if the client is gone by then the message is not taken (RFC 5321: "
                             "the server is responsible for it only once it answered 250)")
    parser.add_argument("--data-barrier", type=int, default=0,
                        help="hold each DATA until this many are held at once (30 s at most): shows clients sending at once")
    parser.add_argument("--data-delay", type=float, default=0,
                        help="seconds to wait before answering each DATA, as a real server takes its time")
    parser.add_argument("--idle-timeout", type=float, default=300, help="close a connection idle this long")
    parser.add_argument("--size-limit", type=int, default=33554432, help="advertised SIZE")
    parser.add_argument("--quiet", action="store_true", help="write connect events only, no message bodies")
    parser.add_argument("--drop-on-first-reuse", action="store_true",
                        help="close the connection, without a reply, at the first MAIL of a connection's second "
                             "transaction (a connection that died while idle)")
    parser.add_argument("--close-after-first-message", action="store_true",
                        help="close the connection of the first message right after its 250, as a server ends an idle "
                             "connection, and write a closed-idle event")
    parser.add_argument("--never-greet", action="store_true",
                        help="accept connections and say nothing (to test the greeting time limit)")
    return parser.parse_args()


class Recorder:
    """The aiosmtpd handler: records every connection and message as a JSON line."""

    def __init__(self, options, out):
        self.options = options
        self.out = out
        self.failed_once = False
        self.dropped_once = False
        self.closed_once = False
        self.hung = False
        self.barrier_waiting = 0
        self.barrier_event = None

    def write(self, record):
        self.out.write(json.dumps(record, ensure_ascii=True) + "\n")
        self.out.flush()

    def fail_first(self, where):
        if self.options.fail_first_with and self.options.fail_first_at == where and not self.failed_once:
            self.failed_once = True
            return self.options.fail_first_with
        return None

    async def barrier(self, server):
        """Holds this DATA until --data-barrier of them are held; records a "barrier" event then."""
        if self.barrier_event is None:
            self.barrier_event = asyncio.Event()
        event = self.barrier_event
        self.barrier_waiting += 1
        if self.barrier_waiting >= self.options.data_barrier:
            self.write({"event": "barrier", "connection": server.connection_number, "held": self.barrier_waiting})
            self.barrier_waiting = 0
            self.barrier_event = asyncio.Event()
            event.set()
            return
        try:
            await asyncio.wait_for(event.wait(), 30)
        except asyncio.TimeoutError:
            self.write({"event": "barrier-timeout", "connection": server.connection_number, "held": self.barrier_waiting})
            if self.barrier_event is event:
                self.barrier_waiting -= 1

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.write({"event": "ehlo", "connection": server.connection_number, "name": hostname})
        if self.options.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_QUIT(self, server, session, envelope):
        self.write({"event": "quit", "connection": server.connection_number})
        return "221 2.0.0 Bye"

    async def handle_RSET(self, server, session, envelope):
        self.write({"event": "reset", "connection": server.connection_number})
        return "250 2.0.0 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        server.transactions = getattr(server, "transactions", 0) + 1
        if self.options.drop_on_first_reuse and server.transactions == 2 and not self.dropped_once:
            self.dropped_once = True
            server.transport.abort()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.options.reject_recipient:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if self.options.rcpt_replies:
            with open(self.options.rcpt_replies, encoding="utf-8") as replies:
                reply = json.load(replies).get(address)
            if reply:
                self.write({"event": "rcpt-refused", "connection": server.connection_number, "address": address, "reply": reply})
                return reply
        failure = self.fail_first("rcpt")
        if failure:
            return failure
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        failure = self.fail_first("data")
        if failure:
            return failure
        if self.options.data_barrier:
            await self.barrier(server)
        if self.options.data_delay:
            await asyncio.sleep(self.options.data_delay)
        data = envelope.original_content or envelope.content
        if self.options.hang_first_data and not self.hung:
            self.hung = True
            message_id = str(email.message_from_bytes(data, policy=email.policy.default)["Message-ID"])
            self.write({"event": "data-hang", "connection": server.connection_number, "message_id": message_id})
            aborted = {"event": "aborted", "connection": server.connection_number, "message_id": message_id}
            deadline = asyncio.get_running_loop().time() + self.options.hang_first_data
            try:
                while asyncio.get_running_loop().time() < deadline:
                    if server.transport is None or server.transport.is_closing():
                        self.write(aborted)
                        return "451 4.3.0 client gone"
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                # aiosmtpd cancels the session when the client's end closes (EOF).
                self.write(aborted)
                raise
        record = {
            "event": "message",
            "connection": server.connection_number,
            "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt_tos": envelope.rcpt_tos,
        }
        if not self.options.quiet:
            record["data"] = base64.b64encode(data).decode("ascii")
            record["parsed"] = parse_message(data)
        self.write(record)
        if self.options.close_after_first_message and not self.closed_once:
            self.closed_once = True
            # Runs after the 250: aiosmtpd writes it in the same step as this handler returns.
            def close_idle():
                server.transport.close()
                self.write({"event": "closed-idle", "connection": server.connection_number})
            asyncio.get_running_loop().call_soon(close_idle)
        return f"250 2.0.0 Ok: queued as Q{server.connection_number}x{id(envelope) % 100000}"


def parse_message(data):
    message = email.message_from_bytes(data, policy=email.policy.default)
    defects = [type(d).__name__ for part in message.walk() for d in part.defects]

    def body(kind):
        part = message.get_body(preferencelist=(kind,))
        return part.get_content().replace("\r\n", "\n") if part is not None else None

    return {
        "header_names": list(message.keys()),
        "subject": str(message["Subject"]),
        "from": str(message["From"]),
        "to": str(message["To"]),
        "message_id": str(message["Message-ID"]),
        "content_type": message.get_content_type(),
        "parts": [part.get_content_type() for part in message.walk()],
        "text": body("plain"),
        "html": body("html"),
        "defects": defects,
    }


def make_authenticator(options):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == options.auth_user.encode()
            and auth_data.password == options.auth_password.encode()
        )
        return AuthResult(success=ok, handled=False)
    return authenticate


async def main():
    options = parse_arguments()
    # A child of a multi-threaded process may start with these blocked; the test stops us with SIGTERM.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    out = open(options.output, "a", encoding="utf-8") if options.output else sys.stdout
    recorder = Recorder(options, out)
    context = None
    if options.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.tls_cert, options.tls_key)

    counter = {"connections": 0}
    loop = asyncio.get_running_loop()

    def factory():
        counter["connections"] += 1
        number = counter["connections"]
        recorder.write({"event": "connect", "connection": number})
        keywords = dict(
            hostname="smtp.test",
            enable_SMTPUTF8=True,
            timeout=options.idle_timeout,
            data_size_limit=options.size_limit,
            loop=loop,
        )
        if context is not None and not options.implicit_tls:
            keywords.update(tls_context=context, require_starttls=options.require_starttls)
        if options.auth_user:
            keywords.update(
                authenticator=make_authenticator(options),
                auth_required=True,
                auth_require_tls=not options.auth_over_plain_text,
            )
        server = SMTP(recorder, **keywords)
        server.connection_number = number
        return server

    if options.never_greet:
        held = []

        async def hold(reader, writer):
            counter["connections"] += 1
            recorder.write({"event": "connect", "connection": counter["connections"]})
            held.append(writer)
            await reader.read()

        server = await asyncio.start_server(hold, host="127.0.0.1", port=options.port)
    else:
        server = await loop.create_server(
            factory, host="127.0.0.1", port=options.port,
            ssl=context if options.implicit_tls else None,
        )
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
