#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The failover benchmark's traffic through a tunnel, stdlib only.

  traffic.py sink ADDR TCP_PORT UDP_PORT DIR
      Listen on ADDR (TCP and UDP); DIR/ready appears once both listen,
      DIR/flowing once the first bytes of the stream arrived.
      Count the TCP stream's bytes in 10 ms bins of CLOCK_BOOTTIME (jumpd's audit clock) and
      every gap of 20 ms or more between two reads (start, end); take the
      UDP probes' sequence numbers. Runs until DIR/stop exists, then
      writes DIR/sink.json.
  traffic.py source ADDR TCP_PORT UDP_PORT DIR RATE PPS
      Connect (retrying while refused: it may start before the sink),
      start the probes and send the stream at RATE bytes/s, paced without catching
      up after a stall (at most 100 ms of credit: what a stall costs stays
      lost, as for a live video or a copy throttled by its reader), and
      PPS UDP probes per second, each carrying its sequence number. Until
      DIR/stop_source exists (the driver stops the source first and the
      sink a moment later, so that probes in flight are not counted as
      lost); then DIR/source.json (bytes, probes sent, errors).

Both ends run in namespaces of one guest: CLOCK_BOOTTIME (jumpd's audit clock) is the same
clock everywhere, so the driver's event times and these bins compare.
"""
import json
import os
import selectors
import socket
import struct
import sys
import threading
import time

BIN = 0.01
GAP_MIN = 0.02
PROBE = struct.Struct("!Q")


def clock():
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def write_json(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.rename(tmp, path)


def sink(addr, tcp_port, udp_port, d):
    # UDP first: the source sends probes once its TCP connection is up.
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((addr, udp_port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, tcp_port))
    tcp.listen(1)
    sel = selectors.DefaultSelector()
    sel.register(tcp, selectors.EVENT_READ, "accept")
    sel.register(udp, selectors.EVENT_READ, "udp")
    open(os.path.join(d, "ready"), "w").close()
    stop = os.path.join(d, "stop")
    bins = {}
    gaps = []
    seqs = set()
    udp_first = {}
    doc = {"tcp_bytes": 0, "tcp_first": None, "tcp_last": None,
           "error": None}
    last = None
    while not os.path.exists(stop):
        for key, _ in sel.select(timeout=0.2):
            now = clock()
            if key.data == "accept":
                conn, _ = tcp.accept()
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "tcp")
            elif key.data == "udp":
                data = udp.recv(2048)
                if len(data) >= PROBE.size:
                    seq = PROBE.unpack_from(data)[0]
                    seqs.add(seq)
                    udp_first.setdefault(seq, now)
            else:
                try:
                    data = key.fileobj.recv(262144)
                except OSError as e:
                    doc["error"] = "tcp: %s" % e
                    data = b""
                if not data:
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
                    continue
                b = int(now / BIN)
                bins[b] = bins.get(b, 0) + len(data)
                doc["tcp_bytes"] += len(data)
                if last is None:
                    doc["tcp_first"] = now
                    open(os.path.join(d, "flowing"), "w").close()
                elif now - last >= GAP_MIN:
                    gaps.append([round(last, 4), round(now, 4)])
                last = now
    doc["tcp_last"] = last
    doc["bin_s"] = BIN
    if bins:
        lo, hi = min(bins), max(bins)
        doc["bin0"] = lo
        doc["bins"] = [bins.get(i, 0) for i in range(lo, hi + 1)]
    else:
        doc["bin0"], doc["bins"] = None, []
    doc["gaps"] = gaps
    doc["udp_received"] = len(seqs)
    doc["udp_seqs_max"] = max(seqs) if seqs else None
    write_json(os.path.join(d, "sink.json"), doc)


def source(addr, tcp_port, udp_port, d, rate, pps):
    stop = os.path.join(d, "stop_source")
    doc = {"tcp_bytes": 0, "udp_sent": 0, "udp_send_errors": 0,
           "tcp_error": None, "start": clock()}
    done = threading.Event()

    def probes():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        payload = bytes(64 - PROBE.size)
        t0 = clock()
        seq = 0
        while not done.is_set():
            # Each probe at its own time: a late wakeup does not send a
            # burst, it skips the missed slots.
            t = clock()
            due = int((t - t0) * pps)
            if due < seq:
                time.sleep((seq - due) / pps)
                continue
            seq = due + 1
            try:
                s.sendto(PROBE.pack(due) + payload, (addr, udp_port))
            except OSError:
                doc["udp_send_errors"] += 1
            # Slots missed by a late wakeup were never sent: not lost.
            doc["udp_sent"] += 1
        s.close()

    th = threading.Thread(target=probes, daemon=True)
    try:
        # Started together with the sink: wait for it to listen.
        deadline = clock() + 120
        while True:
            try:
                sock = socket.create_connection((addr, tcp_port), timeout=30)
                break
            except ConnectionRefusedError:
                if clock() > deadline:
                    raise
                time.sleep(0.2)
        th.start()
        sock.settimeout(0.5)
        chunk = bytes(8192)
        credit, t = 0.0, clock()
        while not os.path.exists(stop):
            now = clock()
            credit = min(credit + (now - t) * rate, rate * 0.1)
            t = now
            if credit < len(chunk):
                time.sleep((len(chunk) - credit) / rate)
                continue
            try:
                n = sock.send(chunk)
            except socket.timeout:
                continue
            credit -= n
            doc["tcp_bytes"] += n
    except OSError as e:
        doc["tcp_error"] = str(e)
        while not os.path.exists(stop):
            time.sleep(0.2)
    done.set()
    if th.is_alive():
        th.join()
    doc["end"] = clock()
    write_json(os.path.join(d, "source.json"), doc)


def main(argv):
    if len(argv) == 6 and argv[1] == "sink":
        sink(argv[2], int(argv[3]), int(argv[4]), argv[5])
    elif len(argv) == 8 and argv[1] == "source":
        source(argv[2], int(argv[3]), int(argv[4]), argv[5], float(argv[6]),
               float(argv[7]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
