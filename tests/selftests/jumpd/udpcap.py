# SPDX-License-Identifier: GPL-2.0
"""Incoming IPv4 UDP datagrams on an interface: what the capture commands
of ctlpkt.py and ../cluster/datapkt.py read."""
import socket
import struct
import time

ETH_P_IP = 0x0800


def incoming_udp(iface, ready_path):
    """Yield (wall time, source address, source port, destination port,
    payload) for each IPv4 UDP datagram coming in on iface ("any": on every
    interface). ready_path appears once the capture runs."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                         socket.htons(ETH_P_IP))
    if iface != "any":
        sock.bind((iface, ETH_P_IP))
    open(ready_path, "w").close()
    while True:
        pkt, where = sock.recvfrom(65535)
        wall = time.time()
        # A forwarded datagram is seen coming in and going out.
        if where[2] == socket.PACKET_OUTGOING:
            continue
        if len(pkt) < 20 or pkt[0] >> 4 != 4 or pkt[9] != 17:
            continue
        udp = pkt[(pkt[0] & 0xf) * 4:]
        if len(udp) < 8:
            continue
        sport, dport = struct.unpack("!HH", udp[0:4])
        yield wall, socket.inet_ntoa(pkt[12:16]), sport, dport, udp[8:]
