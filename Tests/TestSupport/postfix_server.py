#!/usr/bin/env python3
"""A private Postfix MTA (with a private Dovecot for SASL AUTH) for the SMTP tests.

Never touches the system's mail service: everything lives in a fresh temporary folder that is
removed on exit, and the only listener is smtpd on 127.0.0.1:<port>.

    <tmp>/ca.pem                  the CA that signed the server certificate (trust it in clients)
    <tmp>/tls/                    CA key, server key and certificate (CN/SAN localhost, 127.0.0.1)
    <tmp>/postfix/                config_directory: main.cf and master.cf written here
    <tmp>/spool/                  queue_directory
    <tmp>/data/                   data_directory
    <tmp>/maillog                 maillog_file, written by the postlog service (no syslog needed)
    <tmp>/mail/<address>/{new,cur,tmp}
                                  one Maildir per --mailbox, filled by virtual(8)
    <tmp>/dovecot/                dovecot.conf, passwd-file, base_dir (auth socket), state_dir
    <tmp>/dovecot.log             Dovecot's log

The server requires EHLO/HELO with a fully qualified host name, refuses unauthenticated
pipelining, bare newlines and non-RFC 821 envelopes, offers STARTTLS (required unless
--tls may) and AUTH PLAIN and LOGIN after STARTTLS, checked by Dovecot against
--auth-user/--auth-password. Authenticated clients may send to the --mailbox addresses; any
other address in example.com or example.org is refused with 550 at RCPT, any other domain
with 554 (relay access denied). With --no-auth, clients on 127.0.0.0/8 may send without AUTH.

Prints "READY <port> <tmp>" on stdout once smtpd answered a connection with 220, then runs until
SIGTERM, SIGINT or SIGHUP, or until its parent process dies, and then stops Postfix
(`postfix -c <tmp>/postfix stop`, SIGKILL to the master's process group as a fallback) and
Dovecot, and removes <tmp>. If it cannot start, it says why on stderr (with the end of the logs)
and exits non-zero.

Nothing outlives the test process: this script asks Linux for a signal when its parent dies
(prctl PR_SET_PDEATHSIG) and also polls getppid() every second, so it shuts everything down
even if the test process crashes. Dovecot runs in the foreground as this script's child, with a
parent-death signal of its own. Postfix's master daemonizes (it leads its own process group and
its daemons exit when it does), so only this script stops it: do not SIGKILL the script.

Needs root (Postfix's master runs as root) and the packages postfix, dovecot-core and openssl.
"""

import argparse
import base64
import ctypes
import grp
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

POSTFIX = "postfix"
POSTCONF = "postconf"
DOVECOT = "dovecot"
DOMAINS = ["example.com", "example.org"]
PR_SET_PDEATHSIG = 1
TERMINATE = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
# The parent-death signal. Not SIGTERM: Linux sends it when the *thread* that started us exits,
# and a test process starts us from a pool thread that may end while the process lives on; so
# on SIGUSR1 we only stop if getppid() changed (we were reparented: the parent process is gone).
PARENT_DEATH = signal.SIGUSR1
WATCHED = TERMINATE | {PARENT_DEATH, signal.SIGCHLD}
PARENT = os.getppid()


class StartFailure(Exception):
    pass


class Stop(Exception):
    """Asked to stop (SIGTERM, SIGINT, SIGHUP), or the parent process is gone."""


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tls", choices=["may", "encrypt"], default="encrypt",
                        help="smtpd_tls_security_level: encrypt requires STARTTLS before MAIL (default)")
    parser.add_argument("--auth-user", default="relay@example.org", help="the one SASL user")
    parser.add_argument("--auth-password", default="s3cret pass", help="the password of --auth-user")
    parser.add_argument("--no-auth", action="store_true",
                        help="no SASL: clients on 127.0.0.0/8 may send without AUTH")
    parser.add_argument("--mailbox", action="append", default=[],
                        help="an address with a Maildir (repeatable; domain example.com or example.org). "
                             "Default: inbox@example.com")
    parser.add_argument("--start-timeout", type=float, default=60, help="seconds to wait for Postfix to greet")
    parser.add_argument("--parent-pid", type=int,
                        help="the process that started us: exit at once if it is already gone")
    options = parser.parse_args()
    options.mailbox = [address.lower() for address in (options.mailbox or ["inbox@example.com"])]
    for address in options.mailbox:
        local, _, domain = address.partition("@")
        if not local or domain not in DOMAINS or any(c in address for c in " \t\r\n/:,{}=\\\"'"):
            parser.error(f"--mailbox {address!r}: want a plain address in {' or '.join(DOMAINS)}")
    if any(c in options.auth_user for c in ":\r\n\t "):
        parser.error("--auth-user must not contain ':', spaces or line breaks")
    return options


# ---------------------------------------------------------------------------------------- helpers

def die_with_parent(sig):
    """Asks Linux to send `sig` to the calling process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the getppid() poll below still notices


def unblock_signals():
    """In a child, before exec: a blocked signal mask is inherited, so undo ours (see main)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, set())


def pause(seconds):
    """Waits up to `seconds`, less if a signal comes; raises Stop if asked to stop or orphaned.

    Every signal we care about is blocked and taken here, so a stop request never interrupts
    a half-done start or shutdown; a child's exit (SIGCHLD) just ends the wait early.
    """
    info = signal.sigtimedwait(WATCHED, seconds)
    if info is not None and info.si_signo in TERMINATE:
        raise Stop(signal.Signals(info.si_signo).name)
    if os.getppid() != PARENT:
        raise Stop("parent process gone")


def dovecot_child():
    unblock_signals()
    die_with_parent(signal.SIGTERM)  # we are single-threaded: our death is the only trigger


def run(arguments, what, timeout=60, **kwargs):
    """Runs a command; raises StartFailure with its output if it fails."""
    try:
        done = subprocess.run(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout, preexec_fn=unblock_signals, **kwargs)
    except FileNotFoundError:
        raise StartFailure(f"{what}: {arguments[0]} is not installed")
    except subprocess.TimeoutExpired:
        raise StartFailure(f"{what}: {' '.join(arguments)} took longer than {timeout} s")
    if done.returncode != 0:
        raise StartFailure(f"{what}: {' '.join(arguments)} exited with {done.returncode}:\n"
                           + done.stdout.decode(errors="replace"))
    return done.stdout.decode(errors="replace")


def free_port():
    """A port on 127.0.0.1 nobody listens on now: bound to port 0, read back, released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write(path, text, mode=0o644):
    with open(path, "w") as out:
        out.write(text)
    os.chmod(path, mode)


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as source:
            return "".join(source.readlines()[-lines:])
    except OSError:
        return "(none)\n"


# ---------------------------------------------------------------------------------------- TLS

def make_certificates(folder):
    """A CA and a server certificate it signed, for localhost and 127.0.0.1 (P-256 keys)."""
    tls = os.path.join(folder, "tls")
    os.makedirs(tls, mode=0o700)
    ca_key, ca_cert = os.path.join(tls, "ca.key"), os.path.join(folder, "ca.pem")
    key, request, cert = (os.path.join(tls, name) for name in ("server.key", "server.csr", "server.crt"))
    ca_config, server_extensions = os.path.join(tls, "ca.cnf"), os.path.join(tls, "server.ext")
    write(ca_config, "[req]\ndistinguished_name = dn\n[dn]\n"
                     "[v3_ca_test]\n"
                     "basicConstraints = critical, CA:TRUE\n"
                     "keyUsage = critical, keyCertSign, cRLSign\n"
                     "subjectKeyIdentifier = hash\n")
    write(server_extensions, "basicConstraints = critical, CA:FALSE\n"
                             "keyUsage = critical, digitalSignature, keyEncipherment\n"
                             "extendedKeyUsage = serverAuth\n"
                             "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
                             "subjectKeyIdentifier = hash\n"
                             "authorityKeyIdentifier = keyid, issuer\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run(["openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca_cert, "-days", "2",
         "-subj", "/CN=SMSRelay Postfix test CA", "-extensions", "v3_ca_test",
         "-config", ca_config], "CA certificate")
    run(["openssl", "req", "-new", *ec, "-keyout", key, "-out", request, "-subj", "/CN=localhost"],
        "server key")
    run(["openssl", "x509", "-req", "-in", request, "-CA", ca_cert, "-CAkey", ca_key,
         "-CAserial", os.path.join(tls, "ca.srl"), "-CAcreateserial",
         "-out", cert, "-days", "2", "-extfile", server_extensions], "server certificate")
    chain = os.path.join(tls, "server-chain.pem")
    with open(chain, "w") as out:
        for part in (key, cert):
            with open(part) as source:
                out.write(source.read())
    os.chmod(chain, 0o600)
    os.chmod(ca_cert, 0o644)
    return chain


# ---------------------------------------------------------------------------------------- Dovecot

def start_dovecot(folder, options):
    """Dovecot in the foreground, as our child, serving only the auth socket Postfix asks."""
    home = os.path.join(folder, "dovecot")
    base, state = os.path.join(home, "run"), os.path.join(home, "state")
    for path in (home, base, state):
        os.makedirs(path, mode=0o755, exist_ok=True)
    digest = base64.b64encode(hashlib.sha256(options.auth_password.encode()).digest()).decode()
    users = os.path.join(home, "users")
    nobody = pwd.getpwnam("nobody")
    write(users, f"{options.auth_user}:{{SHA256}}{digest}:{nobody.pw_uid}:{nobody.pw_gid}::/nonexistent::\n",
          mode=0o640)
    os.chown(users, 0, grp.getgrnam("dovecot").gr_gid)
    socket_path = os.path.join(base, "auth-postfix")  # base_dir/<listener name>
    config = os.path.join(home, "dovecot.conf")
    write(config, f"""\
# A private Dovecot: SASL for the test Postfix only. No mail protocols, no network listeners.
protocols =
base_dir = {base}
state_dir = {state}
instance_name = smsrelay-test-{os.path.basename(folder)}
log_path = {os.path.join(folder, "dovecot.log")}
ssl = no
# Postfix only offers AUTH after STARTTLS (smtpd_tls_auth_only).
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=SHA256 username_format=%u {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users}
}}
# Tests send wrong passwords on purpose: no growing per-IP penalty (anvil), and no failure
# delay beyond Dovecot's own timer (a refusal still takes about 0.5 s).
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0660
    user = postfix
    group = postfix
  }}
}}
""")
    run([DOVECOT, "-c", config, "-n"], "dovecot.conf check")
    # In the foreground, as our child: it gets SIGTERM if we die, and its own processes follow it.
    with open(os.path.join(home, "stderr"), "w") as errors:
        process = subprocess.Popen([DOVECOT, "-F", "-c", config], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=errors, preexec_fn=dovecot_child)
    return process, socket_path


def stop_dovecot(process):
    """SIGTERM to Dovecot's master (our child), which stops its own processes; SIGKILL if it lingers.

    Not `doveadm stop`: it waits until the master's pid is gone, and a child of ours stays a
    zombie until we reap it, so doveadm would wait for nothing.
    """
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ---------------------------------------------------------------------------------------- Postfix

def known_parameters():
    """The parameter names this Postfix knows (postconf -d)."""
    output = run([POSTCONF, "-d"], "postconf -d")
    return {line.split(" =", 1)[0] for line in output.splitlines() if " =" in line}


def write_postfix_config(folder, port, options, chain, sasl_socket):
    config = os.path.join(folder, "postfix")
    os.makedirs(config, mode=0o755)
    os.makedirs(os.path.join(folder, "spool"), mode=0o755)  # postfix start fills it
    known = known_parameters()
    mail_base = os.path.join(folder, "mail")
    os.makedirs(mail_base, mode=0o755)
    nobody = pwd.getpwnam("nobody")
    nogroup = grp.getgrgid(nobody.pw_gid)
    os.chown(mail_base, nobody.pw_uid, nogroup.gr_gid)
    mailboxes = os.path.join(config, "virtual_mailboxes")
    write(mailboxes, "".join(f"{address} {address}/\n" for address in options.mailbox))

    if options.no_auth:
        recipient_restrictions = "reject_unlisted_recipient, permit_mynetworks, reject"
    else:
        recipient_restrictions = "reject_unlisted_recipient, permit_sasl_authenticated, reject"

    settings = [
        ("compatibility_level", "3.6"),
        ("config_directory", config),
        ("queue_directory", os.path.join(folder, "spool")),
        ("data_directory", os.path.join(folder, "data")),
        ("maillog_file", os.path.join(folder, "maillog")),
        ("maillog_file_prefixes", folder),
        ("syslog_name", "postfix-test"),
        ("myhostname", "mx.smsrelay.test"),
        ("mydomain", "smsrelay.test"),
        ("myorigin", "$myhostname"),
        ("mydestination", ""),
        ("mynetworks", "127.0.0.0/8"),
        ("inet_interfaces", "127.0.0.1"),
        ("inet_protocols", "ipv4"),
        ("smtpd_peername_lookup", "no"),
        ("biff", "no"),
        ("alias_maps", ""),
        ("alias_database", ""),
        ("local_recipient_maps", ""),
        ("relay_domains", ""),
        ("relayhost", ""),
        # Nothing ever leaves the machine: accepted mail for other domains would be discarded,
        # but smtpd_relay_restrictions refuses it anyway; bounces and notices are dropped too.
        ("default_transport", "discard:test instance sends nothing off this machine"),
        ("relay_transport", "discard:test instance sends nothing off this machine"),
        # Delivery into Maildirs: <tmp>/mail/<address>/
        ("virtual_mailbox_domains", " ".join(DOMAINS)),
        ("virtual_mailbox_base", mail_base),
        ("virtual_mailbox_maps", f"texthash:{mailboxes}"),
        ("virtual_uid_maps", f"static:{nobody.pw_uid}"),
        ("virtual_gid_maps", f"static:{nogroup.gr_gid}"),
        ("virtual_minimum_uid", "100"),
        ("unknown_virtual_mailbox_reject_code", "550"),
        # Strict SMTP.
        ("smtpd_banner", "$myhostname ESMTP Postfix (SMSRelay test instance)"),
        ("smtpd_helo_required", "yes"),
        ("strict_rfc821_envelopes", "yes"),
        # Postfix >= 3.7.10 (and 3.8.5, 3.9) can refuse bare <LF> outright; before that, "yes".
        ("smtpd_forbid_bare_newline",
         "reject" if "smtpd_forbid_bare_newline_reject_code" in known else "yes"),
        ("smtpd_forbid_bare_newline_exclusions", ""),  # loopback clients are not exempt
        ("smtpd_forbid_unauth_pipelining", "yes"),
        ("smtpd_helo_restrictions", "reject_non_fqdn_helo_hostname, reject_invalid_helo_hostname"),
        ("smtpd_relay_restrictions", "reject_unauth_destination"),
        ("smtpd_recipient_restrictions", recipient_restrictions),
        ("smtpd_data_restrictions", "reject_unauth_pipelining"),
        ("smtpd_reject_unlisted_recipient", "yes"),
        ("smtpd_error_sleep_time", "0"),
        ("smtpd_soft_error_limit", "100"),
        ("smtpd_hard_error_limit", "200"),
        ("smtpd_client_connection_count_limit", "0"),
        ("smtpd_client_connection_rate_limit", "0"),
        # TLS: STARTTLS with the certificate our CA signed.
        ("smtpd_tls_chain_files", chain),
        ("smtpd_tls_security_level", options.tls),
        ("smtpd_tls_auth_only", "yes"),
        ("smtpd_tls_loglevel", "1"),
        ("smtpd_tls_received_header", "yes"),
        ("smtpd_tls_session_cache_database", ""),
        ("smtp_tls_security_level", "none"),
    ]
    if options.no_auth:
        settings.append(("smtpd_sasl_auth_enable", "no"))
    else:
        settings += [
            ("smtpd_sasl_auth_enable", "yes"),
            ("smtpd_sasl_type", "dovecot"),
            ("smtpd_sasl_path", sasl_socket),
            ("smtpd_sasl_security_options", "noanonymous"),
            ("smtpd_sasl_tls_security_options", "noanonymous"),
            ("broken_sasl_auth_clients", "no"),
        ]
    skipped = [name for name, _ in settings if name not in known]
    for name in skipped:
        print(f"postfix_server.py: this Postfix does not know {name}; left out", file=sys.stderr)
    lines = ["# Written by postfix_server.py: a private test instance, not the system's mail service."]
    lines += [f"{name} = {value}" for name, value in settings if name in known]
    write(os.path.join(config, "main.cf"), "\n".join(lines) + "\n")

    # One inet service, on 127.0.0.1:<port>; everything else is a UNIX-domain socket in the queue.
    # No chroot: the paths above are absolute and outside any jail.
    services = [
        (f"127.0.0.1:{port}", "inet", "n", "-", "n", "-", "-", "smtpd"),
        ("pickup", "unix", "n", "-", "n", "60", "1", "pickup"),
        ("cleanup", "unix", "n", "-", "n", "-", "0", "cleanup"),
        ("qmgr", "unix", "n", "-", "n", "300", "1", "qmgr"),
        ("tlsmgr", "unix", "-", "-", "n", "1000?", "1", "tlsmgr"),
        ("rewrite", "unix", "-", "-", "n", "-", "-", "trivial-rewrite"),
        ("bounce", "unix", "-", "-", "n", "-", "0", "bounce"),
        ("defer", "unix", "-", "-", "n", "-", "0", "bounce"),
        ("trace", "unix", "-", "-", "n", "-", "0", "bounce"),
        ("verify", "unix", "-", "-", "n", "-", "1", "verify"),
        ("flush", "unix", "n", "-", "n", "1000?", "0", "flush"),
        ("proxymap", "unix", "-", "-", "n", "-", "-", "proxymap"),
        ("proxywrite", "unix", "-", "-", "n", "-", "1", "proxymap"),
        ("smtp", "unix", "-", "-", "n", "-", "-", "smtp"),
        ("relay", "unix", "-", "-", "n", "-", "-", "smtp"),
        ("showq", "unix", "n", "-", "n", "-", "-", "showq"),
        ("error", "unix", "-", "-", "n", "-", "-", "error"),
        ("retry", "unix", "-", "-", "n", "-", "-", "error"),
        ("discard", "unix", "-", "-", "n", "-", "-", "discard"),
        ("local", "unix", "-", "n", "n", "-", "-", "local"),
        ("virtual", "unix", "-", "n", "n", "-", "-", "virtual"),
        ("lmtp", "unix", "-", "-", "n", "-", "-", "lmtp"),
        ("anvil", "unix", "-", "-", "n", "-", "1", "anvil"),
        ("scache", "unix", "-", "-", "n", "-", "1", "scache"),
        ("postlog", "unix-dgram", "n", "-", "n", "-", "1", "postlogd"),
    ]
    master = ["# Written by postfix_server.py. service type private unpriv chroot wakeup maxproc command"]
    master += ["  ".join(fields) for fields in services]
    write(os.path.join(config, "master.cf"), "\n".join(master) + "\n")
    return config


def postfix(config, command, timeout=60):
    """Runs `postfix -c <config> <command>` in a session of its own, so that a timeout can kill
    everything it started (postfix-script, post-install, a master not yet daemonized)."""
    process = subprocess.Popen([POSTFIX, "-c", config, command], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               preexec_fn=unblock_signals, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        raise StartFailure(f"postfix {command} took longer than {timeout:.0f} s")
    return subprocess.CompletedProcess(process.args, process.returncode, output)


def master_pid(folder):
    try:
        with open(os.path.join(folder, "spool", "pid", "master.pid")) as source:
            return int(source.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid):
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0): look at its state.
    try:
        with open(f"/proc/{pid}/stat") as source:
            return source.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def stop_postfix(folder, config):
    pid = master_pid(folder)
    if not alive(pid):
        return
    try:
        postfix(config, "stop", timeout=20)
    except StartFailure:
        pass  # the SIGKILL below
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        # The master exits once its children are gone; nothing to wait on but the pid itself.
        signal.sigtimedwait([signal.SIGCHLD], 0.05)
    if alive(pid):
        try:
            os.killpg(pid, signal.SIGKILL)  # the master leads the process group of its daemons
        except ProcessLookupError:
            pass


def wait_for_greeting(port, deadline, still_starting):
    """Connects until smtpd answers 220; then says QUIT."""
    last = "no attempt"
    while time.monotonic() < deadline:
        problem = still_starting()
        if problem:
            raise StartFailure(problem)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=max(0.1, deadline - time.monotonic())) as peer:
                reply = peer.makefile("rb").readline()
                if reply.startswith(b"220 "):
                    peer.sendall(b"QUIT\r\n")
                    peer.makefile("rb").readline()
                    return
                last = f"greeting {reply!r}"
        except OSError as error:
            last = str(error)
        pause(0.05)  # retry soon; wakes early if a child dies
    raise StartFailure(f"smtpd on 127.0.0.1:{port} did not greet in time ({last})")


def wait_for_socket(path, deadline, process, what):
    while not os.path.exists(path):
        if process.poll() is not None:
            raise StartFailure(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise StartFailure(f"{what} did not create {path} in time")
        pause(0.02)


# ---------------------------------------------------------------------------------------- main

def main():
    options = parse_arguments()
    # Signals arrive through sigtimedwait only (see pause), so block them before anything else.
    signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)
    die_with_parent(PARENT_DEATH)
    if os.getppid() != PARENT or (options.parent_pid is not None and options.parent_pid != PARENT):
        print("postfix_server.py: parent process already gone", file=sys.stderr)
        return 1

    if os.geteuid() != 0:
        print("postfix_server.py: needs root (Postfix's master daemon runs as root)", file=sys.stderr)
        return 2
    for tool in (POSTFIX, POSTCONF, "openssl") + (() if options.no_auth else (DOVECOT,)):
        if shutil.which(tool) is None:
            print(f"postfix_server.py: {tool} is not installed "
                  "(install postfix and dovecot-core; scripts/test.sh does)", file=sys.stderr)
            return 3

    folder = tempfile.mkdtemp(prefix="pf-")
    os.chmod(folder, 0o755)  # postfix, dovecot and nobody must reach their files inside
    config = None
    dovecot = None
    started = time.monotonic()
    status = 0
    try:
        deadline = started + options.start_timeout
        chain = make_certificates(folder)
        sasl_socket = None
        if not options.no_auth:
            dovecot, sasl_socket = start_dovecot(folder, options)
            wait_for_socket(sasl_socket, deadline, dovecot, "dovecot")
        port = free_port()
        config = write_postfix_config(folder, port, options, chain, sasl_socket)
        result = postfix(config, "start", timeout=max(1, deadline - time.monotonic()))
        if result.returncode != 0:
            raise StartFailure("postfix start failed:\n" + result.stdout.decode(errors="replace"))

        def still_starting():
            if not alive(master_pid(folder)):
                return "the Postfix master daemon exited"
            if dovecot is not None and dovecot.poll() is not None:
                return f"dovecot exited with {dovecot.returncode}"
            return None

        wait_for_greeting(port, deadline, still_starting)
        print(f"READY {port} {folder}", flush=True)
        print(f"postfix_server.py: ready in {time.monotonic() - started:.2f} s", file=sys.stderr, flush=True)

        while True:
            try:
                pause(1.0)  # the 1 s timeout is the getppid() poll, should the signal not come
            except Stop as reason:
                print(f"postfix_server.py: stopping ({reason})", file=sys.stderr, flush=True)
                break
            problem = still_starting()
            if problem:
                print(f"postfix_server.py: {problem}", file=sys.stderr, flush=True)
                status = 1
                break
    except Stop as reason:
        print(f"postfix_server.py: stopped while starting ({reason})", file=sys.stderr)
        status = 1
    except (StartFailure, subprocess.TimeoutExpired) as failure:
        print(f"postfix_server.py: could not start: {failure}", file=sys.stderr)
        print(f"--- maillog (last lines) ---\n{tail(os.path.join(folder, 'maillog'))}", file=sys.stderr)
        print(f"--- dovecot.log (last lines) ---\n{tail(os.path.join(folder, 'dovecot.log'))}", file=sys.stderr)
        status = 1
    finally:
        if config is not None:
            stop_postfix(folder, config)
        stop_dovecot(dovecot)
        shutil.rmtree(folder, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
