#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Numbered UDP datagrams, to see whether a tunnel keeps their order.

  seqflow.py recv ADDR PORT OUT
      receive on ADDR:PORT until 5 s pass without a datagram (or 120 s in
      all), then write to OUT one JSON object: received, inversions (a
      datagram with a lower number than one received before it), dups.
  seqflow.py send ADDR PORT COUNT SIZE
      send COUNT datagrams of SIZE bytes, numbered 0..COUNT-1, as fast as
      the socket takes them.
"""
import errno
import json
import socket
import struct
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv(addr, port, out):
    sock = socket.socket(family(addr), socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((addr, port))
    seen = set()
    last, received, inversions, dups = -1, 0, 0, 0
    end = time.monotonic() + 120
    sock.settimeout(60)
    while time.monotonic() < end:
        try:
            data = sock.recv(65535)
        except socket.timeout:
            break
        sock.settimeout(5)
        (n,) = struct.unpack_from("!Q", data)
        received += 1
        if n in seen:
            dups += 1
        seen.add(n)
        if n < last:
            inversions += 1
        last = max(last, n)
    with open(out, "w") as f:
        json.dump({"received": received, "inversions": inversions,
                   "dups": dups}, f)


def send(addr, port, count, size):
    sock = socket.socket(family(addr), socket.SOCK_DGRAM)
    pad = bytes(max(size - 8, 0))
    for n in range(count):
        while True:
            try:
                sock.sendto(struct.pack("!Q", n) + pad, (addr, port))
                break
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                time.sleep(0.001)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "recv":
        recv(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 6 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
             int(sys.argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
