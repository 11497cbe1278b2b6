#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A checksummed TCP stream that runs until told to stop, stdlib only.

  stream.py recv ADDR PORT DIR
      listen on ADDR:PORT, take one connection, read it to its end. While
      it runs, DIR/progress holds the bytes received so far (replaced
      atomically every 100 ms); DIR/listening appears once it listens.
      At the end DIR/recv.json: bytes, sha256, the longest interval
      without delivered bytes (gap_ms, with its start and end as wall
      clock seconds), error (null, or what broke the stream), and
      series: [wall clock, bytes so far] about every 100 ms.
  stream.py send ADDR PORT DIR RATE
      connect, send random bytes at RATE bytes/s until DIR/stop exists,
      then close the write side and wait for the receiver to close.
      At the end DIR/send.json: bytes, sha256, error.

A reset, a refused or timed-out connection is an error, never silent:
the JSON says which, and the exit status is 1.
"""
import hashlib
import json
import os
import random
import socket
import sys
import time

CHUNK = 16384
PROGRESS_EVERY = 0.1


def write_json(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
        f.write("\n")
    os.rename(tmp, path)


def write_progress(d, nbytes):
    tmp = os.path.join(d, "progress.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % nbytes)
    os.rename(tmp, os.path.join(d, "progress"))


def recv(addr, port, d):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    lsock = socket.socket(family, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((addr, port))
    lsock.listen(1)
    lsock.settimeout(120)
    write_progress(d, 0)
    open(os.path.join(d, "listening"), "w").close()
    doc = {"bytes": 0, "sha256": None, "gap_ms": 0, "gap_start": None,
           "gap_end": None, "first": None, "last": None, "error": None,
           "series": []}
    digest = hashlib.sha256()
    try:
        conn, _ = lsock.accept()
        # No timeout: a dead path may last as long as the test lets it.
        conn.settimeout(None)
        last = last_wall = None
        next_progress = 0.0
        while True:
            data = conn.recv(65536)
            now, wall = time.monotonic(), time.time()
            if not data:
                break
            if last is None:
                doc["first"] = wall
            elif (now - last) * 1000 > doc["gap_ms"]:
                doc["gap_ms"] = round((now - last) * 1000, 1)
                doc["gap_start"], doc["gap_end"] = last_wall, wall
            last, last_wall = now, wall
            digest.update(data)
            doc["bytes"] += len(data)
            if now >= next_progress:
                write_progress(d, doc["bytes"])
                doc["series"].append([wall, doc["bytes"]])
                next_progress = now + PROGRESS_EVERY
        doc["last"] = last_wall
        if last_wall is not None:
            doc["series"].append([last_wall, doc["bytes"]])
        conn.close()
    except OSError as e:
        doc["error"] = "%s (errno %s)" % (e.strerror or str(e), e.errno)
    write_progress(d, doc["bytes"])
    doc["sha256"] = digest.hexdigest()
    write_json(os.path.join(d, "recv.json"), doc)
    return doc["error"] is None


def send(addr, port, d, rate):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    doc = {"bytes": 0, "sha256": None, "error": None}
    digest = hashlib.sha256()
    rng = random.Random(os.urandom(16))
    stop = os.path.join(d, "stop")
    try:
        sock = socket.create_connection((addr, port), timeout=30)
        sock.settimeout(None)
        start = time.monotonic()
        while not os.path.exists(stop):
            # Paced: the stream is as long as the test needs, at a rate a
            # loaded emulated guest sustains.
            ahead = doc["bytes"] / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(min(ahead, 0.05))
                continue
            data = rng.randbytes(CHUNK)
            sock.sendall(data)
            digest.update(data)
            doc["bytes"] += len(data)
        sock.shutdown(socket.SHUT_WR)
        # The receiver closes once it has read everything: then every
        # byte sent was delivered (or the receiver reports otherwise).
        sock.settimeout(300)
        while sock.recv(4096):
            pass
        sock.close()
    except OSError as e:
        doc["error"] = "%s (errno %s)" % (e.strerror or str(e), e.errno)
    doc["sha256"] = digest.hexdigest()
    write_json(os.path.join(d, "send.json"), doc)
    return doc["error"] is None


def main(argv):
    if len(argv) == 5 and argv[1] == "recv":
        ok = recv(argv[2], int(argv[3]), argv[4])
    elif len(argv) == 6 and argv[1] == "send":
        ok = send(argv[2], int(argv[3]), argv[4], int(argv[5]))
    else:
        sys.exit(__doc__)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv)
