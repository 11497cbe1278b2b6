#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Capture and re-send raw Jumping data packets (UDP payloads), stdlib only.

  udpgram.py capture PORT COUNT FILE
      bind [::]:PORT (IPv4 too), write COUNT datagrams to FILE, one hex
      line each; give up after 30 s.
  udpgram.py send ADDR PORT FILE LINE [flip BYTE] [session-id ID]
      send datagram number LINE (from 1) of FILE to ADDR:PORT, with one
      bit of byte BYTE flipped and/or the session id field replaced.
  udpgram.py flood FROM ADDR PORT COUNT [THEN PAYLOAD]
      send COUNT one-byte control datagrams (type 3) from address FROM to
      ADDR:PORT, 64 per send (UDP GSO: the receiver splits them again, so
      each send arrives as 64 datagrams at once, however slow the sender);
      halfway, one datagram of PAYLOAD (hex) from address THEN.
"""
import socket
import struct
import sys

UDP_SEGMENT = 103       # <linux/udp.h>: GSO segment size, for flood
UDP_MAX_SEGMENTS = 64


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


def flood(src, addr, port, count, then, payload):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((src, 0))
    sock.setsockopt(socket.SOL_UDP, UDP_SEGMENT, 1)
    if then:
        other = socket.socket(family, socket.SOCK_DGRAM)
        other.bind((then, 0))
    dest = (addr, port)
    sent = 0
    while sent < count:
        n = min(count - sent, UDP_MAX_SEGMENTS)
        sock.sendto(b"\x03" * n, dest)
        sent += n
        # In the thick of it: one send after the first half, with the
        # socket ready, so that no clock tick falls in between.
        if then and sent >= count // 2:
            other.sendto(bytes.fromhex(payload), dest)
            then = None


def main(argv):
    if len(argv) == 5 and argv[1] == "capture":
        capture(int(argv[2]), int(argv[3]), argv[4])
    elif len(argv) in (6, 8) and argv[1] == "flood":
        flood(argv[2], argv[3], int(argv[4]), int(argv[5]),
              *(argv[6:8] if len(argv) == 8 else (None, None)))
    elif len(argv) >= 6 and argv[1] == "send" and len(argv) % 2 == 0:
        send(argv[2], int(argv[3]), argv[4], int(argv[5]), argv[6:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
