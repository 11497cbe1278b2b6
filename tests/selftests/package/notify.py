#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# What systemd's manager does with NOTIFY_SOCKET, for the test: bind a
# datagram socket at SOCKET and append every notification received to
# OUTFILE, one datagram after another, each followed by a "--" line.
# usage: notify.py SOCKET OUTFILE (runs until killed)
import os
import socket
import sys

path, outfile = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
with open(outfile, "a", encoding="utf-8") as out:
    # Bound: the test may start jumpd now.
    out.write("LISTENING\n--\n")
    out.flush()
    while True:
        data = sock.recv(4096)
        out.write(data.decode("utf-8", "replace") + "\n--\n")
        out.flush()
        os.fsync(out.fileno())
