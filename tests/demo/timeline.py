#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make demo's report: one timeline from both jumpd audit logs, the demo's
own steps and the stream's receiver, then what came out of it.

  timeline.py DIR
      DIR/facts.json (session ids and uplinks before and after),
      DIR/events ("WALL TEXT" lines: what the demo did),
      DIR/cli.audit, DIR/srv.audit (jumpd's JSON lines),
      DIR/stream/recv.json, DIR/stream/send.json (stream.py's reports).
"""
import json
import os
import sys
from datetime import datetime


def wall_of(record):
    """An audit line's wall clock ("2024-05-01T10:00:05.600Z") as seconds."""
    return datetime.fromisoformat(record["wall"].replace("Z", "+00:00")).timestamp()


def audit_rows(path, who):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            what = r.get("event", "?")
            if what == "transition":
                what = "%s -> %s" % (r.get("old"), r.get("new"))
            detail = r.get("reason", "")
            before, after = r.get("binding_before"), r.get("binding_after")
            if what == "move":
                # The path names the uplink; the remote is the same.
                what = "move (%s)" % ("validated" if r.get("validated")
                                      else "with a challenge")
                detail += "   path %s -> %s" % (r.get("path_before"),
                                               r.get("path_after"))
            elif after and before != after:
                detail += "   binding %s -> %s" % (before, after)
            elif after:
                detail += "   binding %s" % after
            rows.append((wall_of(r), who, what, detail))
    return rows


def event_rows(path):
    rows = []
    with open(path) as f:
        for line in f:
            wall, _, text = line.rstrip("\n").partition(" ")
            rows.append((float(wall), "demo", text, ""))
    return rows


def mb(n):
    return "%.1f MB" % (n / 1e6)


def throughput_strip(series, t0, step=0.5):
    """Bytes delivered per STEP seconds, as one bar per step."""
    if len(series) < 2:
        return []
    bars = " ▁▂▃▄▅▆▇█"
    start, end = series[0][0], series[-1][0]
    bins, i, prev = [], 0, series[0][1]
    t = start + step
    while t <= end + step:
        while i + 1 < len(series) and series[i + 1][0] <= t:
            i += 1
        bins.append(series[i][1] - prev)
        prev = series[i][1]
        t += step
    top = max(bins) or 1
    strip = "".join(bars[min(8, round(8 * b / top))] if b else "·" for b in bins)
    return ["  delivered per %.1f s from %+.1f s: %s" % (step, start - t0, strip),
            "  (· = nothing delivered; a full bar = %s)" % mb(top)]


def gap_rows(recv, what):
    """The stream's longest silence (what: its name in the row) as two
    rows, or none when bytes never stopped."""
    if not recv.get("gap_start"):
        return []
    return [(recv["gap_start"], "stream", "last bytes before the " + what, ""),
            (recv["gap_end"], "stream", "bytes flow again",
             "after %.0f ms without any" % recv["gap_ms"])]


def print_timeline(rows, what_width):
    """The rows sorted by time, from the first; its wall clock: t0."""
    rows.sort(key=lambda r: r[0])
    t0 = rows[0][0]
    print()
    print("Timeline (seconds from the first event; wall clock %s UTC)" %
          datetime.utcfromtimestamp(t0).strftime("%H:%M:%S.%f")[:-3])
    for wall, who, what, detail in rows:
        print("  %+8.3f  %-6s  %-*s %s" % (wall - t0, who, what_width, what, detail))
    return t0


def print_delivery(recv, send, t0):
    """The stream's Result lines; whether every byte matched, and the
    error that broke the connection (None: none)."""
    match = recv["sha256"] == send["sha256"] and recv["bytes"] == send["bytes"]
    print("  bytes delivered   %d of %d sent (%s)" % (recv["bytes"], send["bytes"], mb(recv["bytes"])))
    print("  sha256            %s (%s...)" % ("match" if match else "MISMATCH", recv["sha256"][:16]))
    broke = recv["error"] or send["error"]
    print("  TCP connection    %s" % ("broken: " + broke if broke else "never reset"))
    for line in throughput_strip(recv.get("series", []), t0):
        print(line)
    return match, broke


def main(d):
    facts = json.load(open(os.path.join(d, "facts.json")))
    recv = json.load(open(os.path.join(d, "stream", "recv.json")))
    send = json.load(open(os.path.join(d, "stream", "send.json")))
    rows = event_rows(os.path.join(d, "events"))
    rows += audit_rows(os.path.join(d, "cli.audit"), "client")
    rows += audit_rows(os.path.join(d, "srv.audit"), "server")
    rows += gap_rows(recv, "gap")
    t0 = print_timeline(rows, 26)
    print()
    print("Result")
    same = facts["ids_before"] == facts["ids_after"]
    print("  session id        client/server %s before, %s after: %s" %
          (facts["ids_before"].replace(" ", "/"), facts["ids_after"].replace(" ", "/"),
           "the same session" if same else "CHANGED"))
    print("  uplink            up%s before, up%s after" %
          (facts["uplink_before"], facts["uplink_after"]))
    print("  server sees       %s before, %s after" %
          (facts["binding_before"], facts["binding_after"]))
    print("  gap               %.0f ms: the longest time the receiver got no byte" %
          recv["gap_ms"])
    match, broke = print_delivery(recv, send, t0)
    print()
    ok = same and match and not broke
    print("demo: %s" % ("the session survived the death of its uplink" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
