#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read a device's SESSION_GET dump part by part and say what came.

usage: dumpcheck.py IFNAME [--pause-cmd CMD]

Prints one line: "sessions N unique U intr 0|1", then the session ids in
the order they came, one per line (a session continued over several
messages, for its prefixes, counts once). With --pause-cmd, CMD runs
(through sh, with LAST set to the last session id the kernel has put in
a part so far) in the middle of the dump. The kernel builds the next part
when a recvmsg() leaves the receive queue at most half full: with a small
buffer, reading part 1 builds part 2, and peeking at part 2 (it stays
queued) builds nothing, so CMD's changes land between parts 2 and 3.
"""
import os
import socket
import struct
import subprocess
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP_INTR = 1, 2, 4, 0x10
NLM_F_DUMP = 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
# include/uapi/linux/jumping.h
JUMPING_CMD_SESSION_GET = 6
JUMPING_A_IFNAME = 2
JUMPING_A_SESSION = 6
JUMPING_A_SESSION_ID = 1


def attr(atype, payload):
    hdr = struct.pack("HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("HH", buf, off)
        if alen < 4:
            break
        yield atype & 0x3FFF, buf[off + 4:off + alen]
        off += (alen + 3) & ~3


def request(sock, family, cmd, flags, payload, seq):
    body = struct.pack("BBH", cmd, 1, 0) + payload
    hdr = struct.pack("IHHII", 16 + len(body), family,
                      NLM_F_REQUEST | flags, seq, 0)
    sock.send(hdr + body)


def messages(data):
    off = 0
    while off + 16 <= len(data):
        mlen, mtype, flags, _, _ = struct.unpack_from("IHHII", data, off)
        yield mtype, flags, data[off + 16:off + mlen]
        off += (mlen + 3) & ~3


def family_id(sock):
    request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0,
            attr(CTRL_ATTR_FAMILY_NAME, b"jumping\0"), 1)
    for mtype, _, body in messages(sock.recv(65536)):
        if mtype == NLMSG_ERROR:
            sys.exit("jumping family not found")
        for atype, val in attrs(body[4:]):
            if atype == CTRL_ATTR_FAMILY_ID:
                return struct.unpack("H", val[:2])[0]
    sys.exit("no family id")


def session_ids(data, ids):
    """Append the ids of data's messages; return (done, intr)."""
    done = intr = False
    for mtype, flags, body in messages(data):
        if mtype == NLMSG_DONE:
            err = struct.unpack_from("i", body)[0] if body else 0
            if err < 0:
                sys.exit("dump failed: %d" % err)
            return True, intr
        if mtype == NLMSG_ERROR:
            sys.exit("dump refused: %d" % struct.unpack_from("i", body)[0])
        if flags & NLM_F_DUMP_INTR:
            intr = True
        for atype, val in attrs(body[4:]):
            if atype != JUMPING_A_SESSION:
                continue
            for stype, sval in attrs(val):
                if stype == JUMPING_A_SESSION_ID:
                    sid = struct.unpack("I", sval)[0]
                    # A continuation: the same session's prefixes.
                    if not ids or ids[-1] != sid:
                        ids.append(sid)
    return done, intr


def main():
    ifname = sys.argv[1]
    pause = None
    if len(sys.argv) > 3 and sys.argv[2] == "--pause-cmd":
        pause = sys.argv[3]
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    # Small, so that a peeked part keeps the next one from being built.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    sock.bind((0, 0))
    fam = family_id(sock)
    request(sock, fam, JUMPING_CMD_SESSION_GET, NLM_F_DUMP,
            attr(JUMPING_A_IFNAME, ifname.encode() + b"\0"), 2)
    ids, intr, parts, done = [], False, 0, False
    while not done:
        # One recv is one part of the dump (one skb).
        data = sock.recv(1 << 20)
        parts += 1
        done, part_intr = session_ids(data, ids)
        intr = intr or part_intr
        if parts == 1 and pause and not done:
            peeked = []
            session_ids(sock.recv(1 << 20, socket.MSG_PEEK), peeked)
            last = peeked[-1] if peeked else ids[-1]
            env = dict(os.environ, LAST=str(last))
            subprocess.run(["sh", "-c", pause], env=env, check=True)
    print("sessions %d unique %d intr %d parts %d" %
          (len(ids), len(set(ids)), int(intr), parts))
    for sid in ids:
        print(sid)


if __name__ == "__main__":
    main()
