#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The data packets a client receives from its gateways, captured and
checked for a (receiver session id, key id, counter) sent by two of them.

A data packet is docs/protocol.md's: type 1, key id in the low 3 bits of
byte 1, flags, the receiver's session id (be32), the counter (be64).

  datapkt.py capture IFACE PORT FILE
      on IFACE of the namespace the command runs in, append a line
      "WALL SOURCE RECEIVER_ID KEY_ID COUNTER" to FILE for every IPv4 UDP
      datagram coming in from source port PORT whose payload is a data
      packet (keepalives included); FILE.ready appears once capturing.
      Runs until killed.
  datapkt.py check FILE
      exit 1 if one (receiver id, key id, counter) came from two sources
      (the key id stands for the key: it names one key of a session until
      the eighth rekey after it, far more than a capture spans),
      or if the sources' packets interleave (one gateway sent after
      another had begun: both served at once); prints each source's
      packets, ids and first and last times.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "jumpd"))
from udpcap import incoming_udp  # noqa: E402

DATA = 1


def capture(iface, port, path):
    with open(path, "a") as out:
        for wall, src, sport, _, payload in incoming_udp(iface, path + ".ready"):
            if sport != port or len(payload) < 16 or payload[0] != DATA:
                continue
            rid, counter = struct.unpack("!IQ", payload[4:16])
            out.write("%.6f %s %u %u %u\n" % (wall, src, rid, payload[1] & 7,
                                              counter))
            out.flush()


def check(path):
    seen = {}
    sources = {}
    dups = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) != 5:
                continue
            wall, src = float(fields[0]), fields[1]
            triple = tuple(int(x) for x in fields[2:])
            first = seen.setdefault(triple, src)
            if first != src:
                dups.append((triple, first, src))
            s = sources.setdefault(src, {"n": 0, "ids": set(), "first": wall, "last": wall})
            s["n"] += 1
            s["ids"].add(triple[0])
            s["last"] = wall
    order = sorted(sources.items(), key=lambda kv: kv[1]["first"])
    for src, s in order:
        print("%s: %d data packets, receiver ids %s, from %.3f to %.3f" %
              (src, s["n"], sorted(s["ids"]), s["first"], s["last"]))
    ok = True
    for triple, a, b in dups[:10]:
        print("receiver id %u key %u counter %u from %s and from %s" % (triple + (a, b)))
        ok = False
    for (src_a, a), (src_b, b) in zip(order, order[1:]):
        if b["first"] <= a["last"]:
            print("%s sent until %.3f, after %s began at %.3f" %
                  (src_a, a["last"], src_b, b["first"]))
            ok = False
    return ok


def main(argv):
    if len(argv) == 5 and argv[1] == "capture":
        capture(argv[2], int(argv[3]), argv[4])
    elif len(argv) == 3 and argv[1] == "check":
        sys.exit(0 if check(argv[2]) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
