#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""linkinfo IFNAME: a link's IFLA_LINKINFO as RTM_GETLINK returns it, read
from rtnetlink directly (not through ip, whose output for kinds it does
not know leaves the data out). Prints "kind=NAME", then each attribute
of IFLA_INFO_DATA as "NAME=VALUE", named and sized by the IFLA_JUMPING_
enum of the uapi header (include/uapi/linux/jumping.h). Exit 1 if the
link does not exist."""
import os
import re
import socket
import struct
import sys

NETLINK_ROUTE = 0
RTM_NEWLINK, RTM_GETLINK = 16, 18
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "../../../include/uapi/linux/jumping.h")


def header_attrs():
    """{number: (name, size)} of the IFLA_JUMPING_ enum, in its order."""
    text = open(HEADER).read()
    body = re.search(r"enum \{\s*IFLA_JUMPING_UNSPEC,(.*?)__IFLA_JUMPING_MAX",
                     text, re.S).group(1)
    attrs = {}
    for n, m in enumerate(re.finditer(r"IFLA_JUMPING_(\w+),\s*/\* u(\d+)",
                                      body), start=1):
        attrs[n] = (m.group(1).lower(), int(m.group(2)) // 8)
    return attrs


def attrs(buf):
    """(type, payload) of each netlink attribute in buf."""
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("HH", buf, off)
        if alen < 4:
            break
        yield atype & 0x3fff, buf[off + 4:off + alen]
        off += (alen + 3) & ~3


def main():
    name = sys.argv[1].encode() + b"\0"
    ifname = struct.pack("HH", 4 + len(name), IFLA_IFNAME) + name
    ifname += b"\0" * (-len(ifname) % 4)
    body = struct.pack("BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0) + ifname
    msg = struct.pack("IHHII", 16 + len(body), RTM_GETLINK, NLM_F_REQUEST,
                      1, 0) + body
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.send(msg)
    reply = s.recv(65536)
    _, mtype, _, _, _ = struct.unpack_from("IHHII", reply)
    if mtype == NLMSG_ERROR:
        err = struct.unpack_from("i", reply, 16)[0]
        print("linkinfo: %s" % os.strerror(-err), file=sys.stderr)
        return 1
    known = header_attrs()
    for atype, data in attrs(reply[16 + 16:]):
        if atype != IFLA_LINKINFO:
            continue
        for itype, idata in attrs(data):
            if itype == IFLA_INFO_KIND:
                print("kind=%s" % idata.rstrip(b"\0").decode())
            elif itype == IFLA_INFO_DATA:
                for dtype, ddata in attrs(idata):
                    nm, size = known.get(dtype, ("attr%d" % dtype, len(ddata)))
                    fmt = {1: "B", 2: "H", 4: "I", 8: "Q"}.get(size)
                    val = struct.unpack_from(fmt, ddata)[0] if fmt and \
                        len(ddata) >= size else ddata.hex()
                    print("%s=%s" % (nm, val))
    return 0


if __name__ == "__main__":
    sys.exit(main())
