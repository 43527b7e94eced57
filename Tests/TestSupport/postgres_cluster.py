"""A private PostgreSQL cluster for one test suite: never the system service.

    python3 postgres_cluster.py FOLDER PASSWORD

Runs initdb into FOLDER/data (as the `postgres` user when started as root, since the server
refuses to run as root), with a superuser `smsrelay` whose password is PASSWORD, TLS on (a
self-signed certificate for localhost and 127.0.0.1, copied to FOLDER/root.crt for
`sslmode=verify-full`) and only TLS connections accepted on 127.0.0.1. Then starts the server on
a free loopback port and prints `READY <port>`. SIGTERM, or the death of the process that
started it, stops the server with a fast shutdown; the data folder is removed.
"""

import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1


def find_binaries():
    """The folder of initdb and postgres: PATH first, then Debian's versioned folders."""
    found = shutil.which("initdb")
    if found and shutil.which("postgres"):
        return os.path.dirname(os.path.realpath(found))
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        sys.exit("PostgreSQL's initdb is not installed (apt install postgresql; scripts/test.sh does it)")
    return os.path.dirname(candidates[-1])


def server_user():
    """Who runs the server: ourselves, or `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        sys.exit("running as root needs a `postgres` user to run the server (apt install postgresql creates it)")


def demote(user):
    """A preexec_fn: become `user` (when given) and die with this script."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)

    def run():
        if user is not None:
            os.setgid(user.pw_gid)
            os.setgroups([])
            os.setuid(user.pw_uid)
        # Set after the change of user, which clears it.
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGINT)

    return run


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def give(path, user, mode):
    os.chmod(path, mode)
    if user is not None:
        os.chown(path, user.pw_uid, user.pw_gid)


def main():
    folder, password = sys.argv[1], sys.argv[2]
    binaries = find_binaries()
    user = server_user()
    data = os.path.join(folder, "data")
    os.makedirs(data)
    give(data, user, 0o700)
    os.chmod(folder, 0o755)

    pwfile = os.path.join(folder, "pwfile")
    with open(pwfile, "w") as f:
        f.write(password + "\n")
    give(pwfile, user, 0o600)
    subprocess.run(
        [os.path.join(binaries, "initdb"), "-D", data, "-U", "smsrelay", "--pwfile", pwfile, "-E", "UTF8",
         "--locale", "C", "--auth-local", "trust", "--auth-host", "scram-sha-256"],
        check=True, stdout=subprocess.DEVNULL, stderr=sys.stderr, preexec_fn=demote(user))
    os.remove(pwfile)

    crt, key = os.path.join(data, "server.crt"), os.path.join(data, "server.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", crt],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    give(crt, user, 0o644)
    give(key, user, 0o600)
    shutil.copy(crt, os.path.join(folder, "root.crt"))
    with open(os.path.join(data, "pg_hba.conf"), "w") as f:
        f.write("local all all trust\n")
        f.write("hostssl all all 127.0.0.1/32 scram-sha-256\n")
        f.write("hostnossl all all 127.0.0.1/32 reject\n")
    give(os.path.join(data, "pg_hba.conf"), user, 0o600)

    server = None
    for _ in range(5):
        port = free_port()
        log = open(os.path.join(folder, "postgres.log"), "ab")
        server = subprocess.Popen(
            [os.path.join(binaries, "postgres"), "-D", data, "-p", str(port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}",
             "-c", "ssl=on", "-c", "max_connections=300", "-c", "shared_buffers=32MB"],
            stdout=log, stderr=log, preexec_fn=demote(user))
        deadline = time.monotonic() + 60
        ready = False
        while time.monotonic() < deadline and server.poll() is None:
            probe = subprocess.run(
                [os.path.join(binaries, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if probe.returncode == 0:
                ready = True
                break
            time.sleep(0.05)
        if ready:
            break
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            server.wait()
        server = None
    if server is None:
        with open(os.path.join(folder, "postgres.log"), "rb") as f:
            sys.stderr.write(f.read().decode(errors="replace")[-3000:])
        shutil.rmtree(data, ignore_errors=True)
        sys.exit("postgres did not start")

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    print(f"READY {port}", flush=True)
    parent = os.getppid()
    # A test run killed outright (no SIGTERM for us) leaves us to its init: stop with it.
    while not stopping and server.poll() is None and os.getppid() == parent:
        time.sleep(0.1)
    if server.poll() is None:
        server.send_signal(signal.SIGINT)  # fast shutdown
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    shutil.rmtree(data, ignore_errors=True)
    if not stopping:
        sys.exit("postgres exited on its own")


if __name__ == "__main__":
    main()
