#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Capture, forge and re-send jumpd's REATTACH datagrams, stdlib only.

The wire format is userspace/jumpd/reattach.h: type 4 (control), subtype
(1 request, 2 challenge, 3 response), version 2, a zero byte, the
receiver's session id (be32), a counter (be64), a binding (family 4|6, 0,
port be16, address[16]), [16 nonce bytes], and a 16-byte MAC over all of it.

  ctlpkt.py capture IFACE PORT SUBTYPE[,SUBTYPE...] FILE
      on interface IFACE ("any": all) of the namespace the command runs
      in, as it comes in (before any firewall), append every IPv4 UDP
      datagram to PORT whose payload is a control message of SUBTYPE to
      FILE, one hex line each; FILE.ready appears once capturing. Runs
      until killed.
  ctlpkt.py forge SESSION_ID CLAIMED_ADDR CLAIMED_PORT FILE
      write one REATTACH request, well-formed for SESSION_ID with a fresh
      counter (the wall clock in microseconds, as jumpd makes it) and
      claiming CLAIMED_ADDR:CLAIMED_PORT, whose MAC is random bytes.
  ctlpkt.py send ADDR PORT FILE [LINE [COUNT [flip BYTE]]]
      send datagram LINE (from 1, default 1) of FILE to ADDR:PORT COUNT
      times (default 1), back to back, with one bit of byte BYTE flipped.
  ctlpkt.py flood ADDR PORT SECONDS RATE SERVER_PUBKEY SESSION_ID
      for SECONDS, RATE datagrams a second to ADDR:PORT, alternately a
      handshake initiation (userspace/jumpd/hs_msg.h: type 2, 152 bytes)
      whose mac1 is right for SERVER_PUBKEY (base64) but whose Noise
      message is random, so each costs the server a DH before it fails
      (its mac2 is zero: it never uses the cookies it is sent), and a
      forged REATTACH request for SESSION_ID. Prints what it sent.
"""
import base64
import hashlib
import os
import socket
import struct
import sys
import time

from udpcap import incoming_udp

CONTROL = 4
REQUEST = 1
VERSION = 2
MAC_LEN = 16


def capture(iface, port, subtypes, path):
    with open(path, "a") as out:
        for _, _, _, dport, payload in incoming_udp(iface, path + ".ready"):
            if dport != port or len(payload) < 2:
                continue
            if payload[0] == CONTROL and payload[1] in subtypes:
                out.write(payload.hex() + "\n")
                out.flush()


def forge(session_id, addr, port, path):
    if ":" in addr:
        family, raw = 6, socket.inet_pton(socket.AF_INET6, addr)
    else:
        family, raw = 4, socket.inet_pton(socket.AF_INET, addr)
    counter = time.time_ns() // 1000
    msg = struct.pack("!BBBBIQBBH16s", CONTROL, REQUEST, VERSION, 0,
                      session_id, counter, family, 0, port,
                      raw.ljust(16, b"\0"))
    msg += os.urandom(MAC_LEN)
    with open(path, "w") as out:
        out.write(msg.hex() + "\n")


def send(addr, port, path, line, count, flip):
    with open(path) as f:
        data = bytearray.fromhex(f.read().split()[line - 1])
    if flip is not None:
        data[flip] ^= 0x01
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    for _ in range(count):
        sock.sendto(bytes(data), (addr, port))


INIT = 2
INIT_LEN = 136  # with mac1; mac2 follows on the wire
MAC1_LEN = 16
MAC2_LEN = 16
MAC1_LABEL = b"jumping-vpn mac1 v1"


def initiation(mac1_key):
    body = bytes([INIT, 0, 0, 0]) + os.urandom(INIT_LEN - 4 - MAC1_LEN)
    mac1 = hashlib.blake2b(body, digest_size=MAC1_LEN, key=mac1_key)
    return body + mac1.digest() + bytes(MAC2_LEN)


def flood(addr, port, seconds, rate, server_pub, session_id):
    key = hashlib.blake2b(MAC1_LABEL + base64.b64decode(server_pub),
                          digest_size=32).digest()
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    start = time.monotonic()
    sent = {"initiations": 0, "requests": 0}
    n = 0
    while time.monotonic() - start < seconds:
        if n % 2 == 0:
            sock.sendto(initiation(key), (addr, port))
            sent["initiations"] += 1
        else:
            counter = time.time_ns() // 1000
            req = struct.pack("!BBBBIQBBH16s", CONTROL, REQUEST, VERSION, 0,
                              session_id, counter, 4, 0, port, bytes(16))
            sock.sendto(req + os.urandom(MAC_LEN), (addr, port))
            sent["requests"] += 1
        n += 1
        # Paced: the n-th datagram leaves at start + n / rate.
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    print("sent %(initiations)d initiations, %(requests)d requests" % sent)


def main(argv):
    if len(argv) == 6 and argv[1] == "capture":
        capture(argv[2], int(argv[3]),
                {int(t) for t in argv[4].split(",")}, argv[5])
    elif len(argv) == 6 and argv[1] == "forge":
        forge(int(argv[2]), argv[3], int(argv[4]), argv[5])
    elif argv[1:2] == ["send"] and len(argv) in (5, 6, 7, 9):
        line = int(argv[5]) if len(argv) > 5 else 1
        count = int(argv[6]) if len(argv) > 6 else 1
        flip = None
        if len(argv) == 9:
            if argv[7] != "flip":
                sys.exit(__doc__)
            flip = int(argv[8])
        send(argv[2], int(argv[3]), argv[4], line, count, flip)
    elif len(argv) == 8 and argv[1] == "flood":
        flood(argv[2], int(argv[3]), float(argv[4]), float(argv[5]),
              argv[6], int(argv[7]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
