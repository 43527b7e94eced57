#!/usr/bin/python3
"""Runs a program under the seccomp filters a systemd unit's sandboxing settings install, as
systemd does before it executes a service, so that a test can run the relay as the unit would
without a running systemd.

    seccomp_exec.py --unit packaging/smsrelay.service -- program [arguments…]
    seccomp_exec.py --unit packaging/smsrelay.service --self-test

It reads from the unit SystemCallFilter= (an allow list, then `~` deny lists, groups expanded with
`systemd-analyze syscall-filter`), SystemCallErrorNumber=, MemoryDenyWriteExecute= and
RestrictAddressFamilies=, and installs one filter for each, as systemd does:
- the system call allow list: anything else fails with the errno (systemd kills the process
  when no SystemCallErrorNumber= is set);
- MemoryDenyWriteExecute=yes: mmap() of memory both writable and executable, mprotect() and
  pkey_mprotect() adding execution, shmat() with SHM_EXEC fail with EPERM;
- RestrictAddressFamilies=: socket() of any other family fails with EAFNOSUPPORT.

--self-test tries what the filters forbid and prints one line for each: `refused <what>`, or
`ALLOWED <what>` when a filter did not hold. Needs Debian's python3-seccomp (libseccomp's binding),
so it runs under /usr/bin/python3.
"""
import argparse
import errno
import mmap
import os
import socket
import subprocess
import sys
import tempfile

import seccomp

PROT_WRITE, PROT_EXEC = 0x2, 0x4
SHM_EXEC = 0o100000


def unit_settings(path):
    settings = {}
    with open(path, encoding="utf-8") as unit:
        for line in unit:
            line = line.strip()
            if not line or line.startswith(("#", ";", "[")) or "=" not in line:
                continue
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def syscall_groups():
    text = subprocess.run(["systemd-analyze", "syscall-filter"], check=True, capture_output=True, text=True).stdout
    groups, current = {}, None
    for line in text.splitlines():
        if line.startswith("@"):
            current = line.strip()
            groups[current] = []
        elif not line.strip() or not line.startswith(" "):
            current = None
        elif current and not line.strip().startswith("#"):
            groups[current].append(line.strip())
    return groups


def expand(names, groups, seen=None):
    seen = set() if seen is None else seen
    calls = set()
    for name in names:
        if name.startswith("@"):
            if name in seen:
                continue
            seen.add(name)
            calls |= expand(groups.get(name, []), groups, seen)
        else:
            calls.add(name)
    return calls


def allowed_calls(values, groups):
    """SystemCallFilter= lines in order: the first sets an allow list, `~` lines take from it."""
    allowed = None
    for value in values:
        deny = value.startswith("~")
        names = value.lstrip("~").split()
        if deny:
            if allowed is not None:
                allowed -= expand(names, groups)
        else:
            allowed = (allowed or expand(["@default"], groups)) | expand(names, groups)
    return allowed


def add(filter_, action, call, *arguments):
    try:
        filter_.add_rule(action, call, *arguments)
    except (RuntimeError, ValueError, OSError):
        pass  # a name this architecture or libseccomp does not know


def install(unit_path):
    settings = unit_settings(unit_path)
    filters = []

    families = settings.get("RestrictAddressFamilies", [])
    if families:
        allowed = {getattr(socket, name) for name in " ".join(families).split()}
        f = seccomp.SyscallFilter(seccomp.ALLOW)
        for family in range(0, 64):
            if family not in allowed:
                add(f, seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, family))
        add(f, seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.GE, 64))
        filters.append(f)

    if settings.get("MemoryDenyWriteExecute", ["no"])[-1] in ("yes", "true", "1", "on"):
        f = seccomp.SyscallFilter(seccomp.ALLOW)
        both = PROT_WRITE | PROT_EXEC
        add(f, seccomp.ERRNO(errno.EPERM), "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, both, both))
        add(f, seccomp.ERRNO(errno.EPERM), "mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
        add(f, seccomp.ERRNO(errno.EPERM), "pkey_mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
        add(f, seccomp.ERRNO(errno.EPERM), "shmat", seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, SHM_EXEC))
        filters.append(f)

    calls = allowed_calls(settings.get("SystemCallFilter", []), syscall_groups())
    if calls is not None:
        number = settings.get("SystemCallErrorNumber", [None])[-1]
        action = seccomp.ERRNO(getattr(errno, number)) if number else seccomp.KILL_PROCESS
        f = seccomp.SyscallFilter(action)
        for call in sorted(calls):
            add(f, seccomp.ALLOW, call)
        filters.append(f)  # last: loading a filter needs seccomp(), which it may refuse

    for f in filters:
        f.load()


def self_test():
    def attempt(what, action):
        try:
            action()
            print(f"ALLOWED {what}")
        except OSError:
            print(f"refused {what}")

    attempt("mmap of writable and executable memory",
            lambda: mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC))
    attempt("an AF_NETLINK socket", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))
    # chown() to one's own user and group needs no privilege: only the filter refuses it.
    with tempfile.NamedTemporaryFile() as file:
        attempt("chown (@privileged)", lambda: os.chown(file.name, os.getuid(), os.getgid()))
    attempt("setpriority (@resources)", lambda: os.setpriority(os.PRIO_PROCESS, 0, 1))
    attempt("an AF_INET socket", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).close())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unit", required=True, help="the systemd unit whose settings to apply")
    parser.add_argument("--self-test", action="store_true", help="try what the filters forbid instead of running a program")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- program [arguments…]")
    arguments = parser.parse_args()
    command = arguments.command[1:] if arguments.command[:1] == ["--"] else arguments.command
    install(arguments.unit)
    if arguments.self_test:
        self_test()
        return
    if not command:
        parser.error("no program to run")
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
