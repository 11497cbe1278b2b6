#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make demo-cluster's report: one timeline from the client's and both
gateways' jumpd audit logs, etcd's ownership changes, the demo's own steps and the stream's receiver; then what came out of it.

  timeline-cluster.py DIR
      DIR/facts.json (session ids, gateway and owner before and after),
      DIR/events ("WALL TEXT": what the demo did),
      DIR/cli.audit, DIR/gwa.audit, DIR/gwb.audit (jumpd's JSON lines),
      DIR/etcd.watch ("WALL JSON": the v3 watch of the cluster's prefix),
      DIR/stream/recv.json, DIR/stream/send.json (stream.py's reports).
"""
import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timeline import (audit_rows, event_rows, gap_rows, print_delivery,  # noqa: E402
                      print_timeline)


def cluster_audit_rows(path, who):
    """timeline.py's rows, with the detail of the cluster's events (the
    reason a takeover was refused, e.g. "owner alive: gw-a")."""
    rows = audit_rows(path, who)
    if not rows:
        return rows
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    return [(wall, who_, what, detail + ("   " + r["detail"] if r.get("detail") else ""))
            for (wall, who_, what, detail), r in zip(rows, records)]


def etcd_rows(path):
    """Node keys and owner keys as they come and go, a record's writes."""
    rows, lease_node = [], {}
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            wall, _, doc = line.strip().partition(" ")
            try:
                result = json.loads(doc).get("result", {})
            except ValueError:
                continue
            for ev in result.get("events", []):
                kv = ev.get("kv", {})
                prev = ev.get("prev_kv", {})
                key = base64.b64decode(kv.get("key", "")).decode(errors="replace")
                parts = key.strip("/").split("/")
                deleted = ev.get("type") == "DELETE"
                lease = (prev if deleted else kv).get("lease")
                if len(parts) == 4 and parts[2] == "nodes":
                    if not deleted:
                        lease_node[lease] = parts[3]
                    what = "node %s %s" % (parts[3], "gone (lease ended)" if deleted
                                           else "alive (lease granted)")
                    rows.append((float(wall), "etcd", what, ""))
                elif len(parts) == 5 and parts[2] == "sessions":
                    sid = int(parts[3], 16)
                    who = lease_node.get(lease, "lease %s" % lease)
                    if parts[4] == "owner":
                        what = ("owner of %u: none (%s's key deleted)" % (sid, who)
                                if deleted else "owner of %u: %s" % (sid, who))
                    elif deleted:
                        what = "record of %u deleted" % sid
                    else:
                        what = "record of %u version %s" % (sid, kv.get("version", "?"))
                    rows.append((float(wall), "etcd", what, ""))
    return rows


def tunnel_back(rows, taker):
    """Seconds from the first lease that etcd ended to the taker having
    both validated the client's path and done its takeover rekey (the
    README's figure); None if the timeline lacks one of them."""
    ended = [w for w, who, what, _ in rows
             if who == "etcd" and what.endswith("gone (lease ended)")]
    if not ended:
        return None
    after = [(w, what, detail) for w, who, what, detail in rows
             if who == taker and w >= ended[0]]
    validated = [w for w, what, detail in after
                 if detail.startswith("reattach-validated")]
    keyed = [w for w, what, _ in after if what == "gateway-takeover"]
    if not validated or not keyed:
        return None
    return max(validated[0], keyed[0]) - ended[0]


def main(d):
    facts = json.load(open(os.path.join(d, "facts.json")))
    recv = json.load(open(os.path.join(d, "stream", "recv.json")))
    send = json.load(open(os.path.join(d, "stream", "send.json")))
    rows = event_rows(os.path.join(d, "events"))
    rows += cluster_audit_rows(os.path.join(d, "cli.audit"), "client")
    rows += cluster_audit_rows(os.path.join(d, "gwa.audit"), "gw-a")
    rows += cluster_audit_rows(os.path.join(d, "gwb.audit"), "gw-b")
    rows += etcd_rows(os.path.join(d, "etcd.watch"))
    rows += gap_rows(recv, "stall")
    t0 = print_timeline(rows, 34)
    back = tunnel_back(rows, facts["gateway_after"])
    print()
    print("Result")
    same = facts["ids_before"] == facts["ids_after"]
    print("  session id        client/gateway %s before, %s after: %s" %
          (facts["ids_before"].replace(" ", "/"), facts["ids_after"].replace(" ", "/"),
           "the same session" if same else "a NEW session"))
    print("  served by         %s before, %s after" %
          (facts["gateway_before"], facts["gateway_after"]))
    print("  owner in etcd     %s before, %s after (lease TTL %s s)" %
          (facts["owner_before"], facts["owner_after"], facts["lease_ttl"]))
    if back is not None:
        print("  takeover          the tunnel back %.0f ms after the owner's lease ended "
              "(%s validated the client's path and rekeyed)" % (back * 1000,
                                                                facts["gateway_after"]))
    print("  stall             %.0f ms: the longest time the receiver got no byte" %
          recv["gap_ms"])
    match, broke = print_delivery(recv, send, t0)
    print()
    ok = same and match and not broke
    if ok:
        verdict = "the session survived the death of its gateway"
    elif match and not broke:
        verdict = ("FAILED: the stream survived, the session did not (the client got "
                   "a new one from %s)" % facts["gateway_after"])
    else:
        verdict = "FAILED"
    print("demo-cluster: %s" % verdict)
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
