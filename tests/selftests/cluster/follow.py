#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The server's route back to the client follows the serving gateway.

  follow.py SERVER_NETNS DEST GW_NETNS:NEXTHOP [GW_NETNS:NEXTHOP ...]

Every 50 ms reads the packets jp0 received in each gateway's namespace
(entered with setns: no process is started per look). When one gateway's
count rose and no other's did, that gateway serves the client: the route
to DEST in SERVER_NETNS is replaced by one via its NEXTHOP (one `ip route
replace`), and a line "WALL GW_NETNS" is printed. A namespace that is gone
counts as not rising; one is entered only while it is read, so a deleted
gateway's namespace is not kept alive.

This stands for the operator's routing (a gateway announcing the prefixes
of the sessions it serves, by BGP or keepalived): jumpd installs no
routes, and without it the server would answer through a gateway that no
longer has the session.
"""
import ctypes
import os
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
POLL = 0.05
libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def jp0_rx_packets(netns, home):
    """jp0's received packets in NETNS, None if the namespace or jp0 is gone."""
    try:
        fd = os.open("/run/netns/" + netns, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        setns(fd)
        # Opened after setns: /proc/thread-self/net is the thread's netns.
        with open("/proc/thread-self/net/dev") as f:
            for line in f:
                name, _, counters = line.partition(":")
                if name.strip() == "jp0":
                    return int(counters.split()[1])
        return None
    finally:
        os.close(fd)
        setns(home)


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    server, dest = argv[1], argv[2]
    gateways = [arg.split(":", 1) for arg in argv[3:]]
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    last = {ns: jp0_rx_packets(ns, home) for ns, _ in gateways}
    current = None
    while True:
        time.sleep(POLL)
        rising = []
        for ns, hop in gateways:
            now = jp0_rx_packets(ns, home)
            if now is not None and last[ns] is not None and now > last[ns]:
                rising.append((ns, hop))
            last[ns] = now
        if len(rising) != 1 or rising[0][0] == current:
            continue
        current, hop = rising[0]
        subprocess.run(["ip", "-n", server, "route", "replace", dest, "via", hop],
                       check=True)
        print("%.6f %s" % (time.time(), current), flush=True)


if __name__ == "__main__":
    main(sys.argv)
