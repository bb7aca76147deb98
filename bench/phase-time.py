#!/usr/bin/env python3
# Runs an import with its stderr on a terminal (so that asnctl draws its
# hashing bar) and prints two figures: the wall seconds of the whole run,
# and the seconds after the bar reached 100% (the writes: inserts, audit,
# the sheet, the commit).  Exit status: the command's.
# usage: phase-time.py COMMAND [ARG...]
import os
import subprocess
import sys
import time

master, slave = os.openpty()
start = time.monotonic()
proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=slave)
os.close(slave)
tail, hashed = b"", None
while True:
    try:
        data = os.read(master, 4096)
    except OSError:  # EIO: the command closed the terminal
        break
    if not data:
        break
    tail = (tail + data)[-64:]
    if hashed is None and b"100%" in tail:
        hashed = time.monotonic()
rc = proc.wait()
end = time.monotonic()
print("%.2f %.2f" % (end - start, end - (hashed if hashed is not None else start)))
sys.exit(rc)
