#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Capture and re-send raw Jumping data packets (UDP payloads), stdlib only.

  udpgram.py capture PORT COUNT FILE
      bind [::]:PORT (IPv4 too), write COUNT datagrams to FILE, one hex
      line each; give up after 30 s.
  udpgram.py send ADDR PORT FILE LINE [flip BYTE] [session-id ID]
      send datagram number LINE (from 1) of FILE to ADDR:PORT, with one
      bit of byte BYTE flipped and/or the session id field replaced.
"""
import socket
import struct
import sys


def capture(port, count, path):
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind(("::", port))
    sock.settimeout(30)
    with open(path, "w") as out:
        for _ in range(count):
            data = sock.recv(65535)
            out.write(data.hex() + "\n")
            out.flush()


def send(addr, port, path, line, edits):
    with open(path) as f:
        data = bytearray.fromhex(f.read().split()[line - 1])
    while edits:
        what, value = edits[0], int(edits[1], 0)
        edits = edits[2:]
        if what == "flip":
            data[value] ^= 0x01
        elif what == "session-id":
            data[4:8] = struct.pack("!I", value)
        else:
            sys.exit("unknown edit " + what)
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.sendto(bytes(data), (addr, port))


def main(argv):
    if len(argv) == 5 and argv[1] == "capture":
        capture(int(argv[2]), int(argv[3]), argv[4])
    elif len(argv) >= 6 and argv[1] == "send" and len(argv) % 2 == 0:
        send(argv[2], int(argv[3]), argv[4], int(argv[5]), argv[6:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
