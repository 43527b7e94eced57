#!/usr/bin/env python3
"""Holds the write lock of a SQLite database, as a stuck process would, until stopped.

Opens the database with Python's sqlite3 module, runs BEGIN IMMEDIATE (the write lock: readers
go on, every other writer waits for its busy timeout and then fails), prints "READY 1" and waits
for SIGTERM; the lock goes with the process. Standard library only.
"""

import argparse
import signal
import sqlite3
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database", help="path of the SQLite database (it must exist)")
    options = parser.parse_args()
    # A child of a multi-threaded process may start with SIGTERM blocked; the test stops us with it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    connection = sqlite3.connect(f"file:{options.database}?mode=rw", uri=True, isolation_level=None, timeout=30)
    connection.execute("BEGIN IMMEDIATE")
    print("READY 1", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
