#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench-scale, the part that runs INSIDE the guest.

Two namespaces joined by a veth pair: "gw" holds the gateway (a jumping
device jp0, or a WireGuard device wg0), "cl" plays every client. jpsim
(next to this file) installs the sessions over generic netlink, sends the
clients' encrypted packets from their own addresses and ports (rx), sends
plain UDP into the gateway's device to the sessions' inner addresses (tx)
and runs the reattach storm. The client namespace counts and drops what
the gateway sends (nftables, before routing).

For each N of BENCH_SCALE_N: memory per session (slab objects + Percpu of
/proc/meminfo, before and after installing, / N) for each cipher, install
time, rx and tx packets/s with a random session per packet, the storm;
then WireGuard with N peers (wg setconf): memory per peer, time to add
them, tx packets/s spread over the peers that completed a handshake
(BENCH_SCALE_WG_LIVE of them: see README.md). The same with one session
(one peer) once, the reference the spread figures are compared with.

Each result is a line "SCALE-RESULT <json>"; progress lines start "# ".
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "../../.."))
JPSIM = os.path.join(HERE, "jpsim")
JPCTL = os.environ.get("JUMPCTL") or os.path.join(REPO,
                                                  "userspace/jumpctl/jumpctl")
MODULE = os.environ.get("JUMPING_MODULE") or os.path.join(REPO,
                                                          "kernel/jumping.ko")
GW, CL = "scale-gw", "scale-cl"
GW_OUT, CL_OUT = "10.200.0.1", "10.200.0.2"
JP_PORT, WG_PORT, WGC_PORT = 51820, 51821, 51822
INNER_FIRST = "10.64.0.1"           # jpsim's default -i
SINK = "10.0.0.1"                   # jpsim's default -k: jp0's address
WG_ADDR = "10.0.0.2"
T0 = time.monotonic()


def log(msg):
    print("# %7.1f %s" % (time.monotonic() - T0, msg), flush=True)


class SetupError(Exception):
    pass


def run(*cmd, inp=None, check=True):
    p = subprocess.run(cmd, input=inp, capture_output=True, text=True)
    if check and p.returncode:
        raise SetupError("%s: %s" % (" ".join(cmd[:8]),
                                      (p.stderr or p.stdout).strip()[-400:]))
    return p.stdout


def ip_batch(ns, lines):
    run("ip", "-n", ns, "-b", "-", inp="\n".join(lines) + "\n")


def sim(*args, ns=GW):
    """jpsim in a namespace; its one JSON line."""
    out = run("ip", "netns", "exec", ns, JPSIM, *args)
    return json.loads(out.strip().splitlines()[-1])


def kernel_bytes_once():
    """Bytes of slab objects in use (slabinfo: active objects x size) plus
    per-CPU memory. Objects, not Slab pages: a page freed by an earlier
    run stays with its cache and would be reused unseen by the next."""
    total = 0
    with open("/proc/slabinfo") as f:
        for line in f:
            if line.startswith(("slabinfo", "#")):
                continue
            fields = line.split()
            total += int(fields[1]) * int(fields[3])
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("Percpu:"):
                total += int(line.split()[1]) * 1024
    return total


def meminfo_kb():
    """kernel_bytes_once() in kB once frees after a grace period are done:
    read until two readings a second apart agree within 64 kB (10 s at most)."""
    run("sh", "-c", "sync; echo 3 > /proc/sys/vm/drop_caches")
    prev = kernel_bytes_once()
    for _ in range(10):
        time.sleep(1)
        cur = kernel_bytes_once()
        if abs(cur - prev) < 64 * 1024:
            return cur // 1024
        prev = cur
    return prev // 1024


def link_stats(ns, dev):
    st = json.loads(run("ip", "-n", ns, "-s", "-j", "link", "show", dev))
    return st[0]["stats64"]


def nft_counter(name):
    out = json.loads(run("ip", "netns", "exec", CL, "nft", "-j", "list",
                         "counter", "ip", "sink", name))
    for item in out["nftables"]:
        if "counter" in item:
            return item["counter"]["packets"]
    raise SetupError("nft counter %s not found" % name)


def env_int(name, default):
    v = os.environ.get(name) or str(default)
    if not v.isdigit() or int(v) < 1:
        sys.exit("scale: %s takes a whole number > 0" % name)
    return int(v)


def ipv4_add(addr, k):
    n = sum(int(b) << (24 - 8 * i) for i, b in enumerate(addr.split(".")))
    n += k
    return ".".join(str((n >> s) & 255) for s in (24, 16, 8, 0))


def setup():
    if not os.path.isdir("/sys/module/jumping"):
        deps = run("modinfo", "-F", "depends", MODULE).strip()
        for dep in filter(None, deps.split(",")):
            if not os.path.isdir("/sys/module/" + dep):
                run("modprobe", dep)
        run("insmod", MODULE)
    run("modprobe", "wireguard")
    for ns in (GW, CL):
        run("ip", "netns", "del", ns, check=False)
        run("ip", "netns", "add", ns)
    ip_batch(GW, ["link set lo up",
                  "link add veth0 type veth peer name veth0 netns " + CL,
                  "addr add %s/24 dev veth0" % GW_OUT, "link set veth0 up",
                  "route add 172.16.0.0/12 via " + CL_OUT])
    ip_batch(CL, ["link set lo up", "addr add %s/24 dev veth0" % CL_OUT,
                  "link set veth0 up"])
    for ns in (GW, CL):
        run("ip", "netns", "exec", ns, "sh", "-c",
            "for f in /proc/sys/net/ipv4/conf/*/rp_filter; do "
            "echo 0 > $f; done")
    # What the gateway sends to its clients is counted and dropped before
    # routing: "stable" (the storm's unmoved sessions, set per run), "jp"
    # (everything to the clients' addresses), "wg" (WireGuard data to the
    # handshake client, once the handshakes are done).
    nft = """table ip sink {
        counter stable {}
        counter jp {}
        counter wg {}
        chain pre {
            type filter hook prerouting priority -300; policy accept;
        }
    }"""
    run("ip", "netns", "exec", CL, "nft", "-f", "-", inp=nft)


def warm_up():
    """The first key of each cipher makes the kernel load its crypto
    modules: not part of any install time measured."""
    for cipher in ("aes256gcm", "chacha20poly1305"):
        jp_dev_new()
        sim("-c", cipher, "install", "jp0", "1")
        dev_del("jp0")


def nft_rules(lines):
    run("ip", "netns", "exec", CL, "nft", "-f", "-",
        inp="flush chain ip sink pre\n" +
        "".join("add rule ip sink pre %s\n" % r for r in lines))


def jp_dev_new():
    ip_batch(GW, ["link add jp0 type jumping", "link set jp0 addrgenmode none"])
    run("ip", "netns", "exec", GW, JPCTL, "set", "jp0", "listen-port",
        str(JP_PORT))
    ip_batch(GW, ["addr add %s/32 dev jp0" % SINK, "link set jp0 up",
                  "route add 10.64.0.0/10 dev jp0"])


def dev_del(dev):
    t = time.monotonic()
    run("ip", "-n", GW, "link", "del", dev)
    return round(time.monotonic() - t, 3)


def jp_install(n, cipher):
    """A fresh jp0 with n sessions: the install and the memory it took."""
    m0 = meminfo_kb()
    jp_dev_new()
    r = sim("-c", cipher, "-w", "256", "install", "jp0", str(n))
    m1 = meminfo_kb()
    return r, round((m1 - m0) * 1024 / n)


def jp_rx(n, secs):
    before = link_stats(GW, "jp0")["rx"]["packets"]
    r = sim("-t", str(secs), "-N", CL, "rx", str(n))
    got = link_stats(GW, "jp0")["rx"]["packets"] - before
    return round(got / r["seconds"]), r, got


def jp_tx(n, secs):
    before = nft_counter("jp")
    r = sim("-t", str(secs), "tx", str(n))
    got = nft_counter("jp") - before
    return round(got / r["seconds"]), r, got


def jp_storm(n, secs, rate):
    half = n // 2
    nft_rules(["ip saddr %s udp sport %d ip daddr 172.16.0.1-%s "
               "counter name stable" % (GW_OUT, JP_PORT,
                                        ipv4_add("172.16.0.1", half - 1)),
               "ip saddr %s udp sport %d counter name jp drop"
               % (GW_OUT, JP_PORT)])
    before = nft_counter("stable")
    r = sim("-t", str(secs), "-r", str(rate), "storm", "jp0", str(n))
    got = nft_counter("stable") - before
    return r, r["stable_sent"] - got


def jumping(n, secs, rate):
    res = {"system": "jumping", "sessions": n}
    nft_rules(["ip saddr %s udp sport %d counter name jp drop"
               % (GW_OUT, JP_PORT)])
    # ChaCha20-Poly1305 first, on a fresh device: the traffic is not
    # measured behind the RCU frees of an AES-GCM device's teardown.
    r, per = jp_install(n, "chacha20poly1305")
    res["bytes_per_session"] = res["bytes_per_session_chacha20poly1305"] = per
    res["install_s"] = r["seconds"]
    log("jumping %d: chacha20poly1305 %d B/session, install %.1f s"
        % (n, per, r["seconds"]))
    res["rx_pps"], raw, got = jp_rx(n, secs)
    res["rx_offered_pps"] = raw["per_s"]
    log("jumping %d: rx %d pps (%d of %d delivered)"
        % (n, res["rx_pps"], got, raw["sent"]))
    res["tx_pps"], raw, got = jp_tx(n, secs)
    res["tx_offered_pps"] = raw["per_s"]
    log("jumping %d: tx %d pps (%d of %d arrived)"
        % (n, res["tx_pps"], got, raw["sent"]))
    if n >= 2:
        raw, lost = jp_storm(n, secs, rate)
        res["storm_changes_per_s"] = raw["changes_per_s"]
        res["storm_lost"] = lost
        res["storm_stable_sent"] = raw["stable_sent"]
        log("jumping %d: storm %d changes/s, %d of %d lost on unmoved "
            "sessions" % (n, raw["changes_per_s"], lost, raw["stable_sent"]))
    res["teardown_s"] = dev_del("jp0")
    r, per = jp_install(n, "aes256gcm")
    res["bytes_per_session_aes256gcm"] = per
    res["install_s_aes256gcm"] = r["seconds"]
    res["teardown_s_aes256gcm"] = dev_del("jp0")
    log("jumping %d: aes256gcm %d B/session, install %.1f s"
        % (n, per, r["seconds"]))
    return res


def wg_live(n, live, keydir):
    """Client wgc handshakes as peers 0..live-1 in turn (see README.md).

    Each peer's address stays on wgc: removing the last address of a
    device would take the route to the gateway with it."""
    ip_batch(CL, ["link add wgc type wireguard"])
    run("ip", "netns", "exec", CL, "wg", "set", "wgc", "listen-port",
        str(WGC_PORT), "private-key", keydir + "/0.key", "peer",
        open(keydir + "/gw.pub").read().strip(), "endpoint",
        "%s:%d" % (GW_OUT, WG_PORT), "allowed-ips", WG_ADDR + "/32")
    ip_batch(CL, ["link set wgc up", "route add %s/32 dev wgc" % WG_ADDR])
    gw = open(keydir + "/gw.pub").read().strip()
    for i in range(live):
        addr = ipv4_add(INNER_FIRST, i)
        # The gateway's peer is made anew each time: an old one would hold
        # the next handshake back for REKEY_TIMEOUT (5 s) after the last.
        run("ip", "netns", "exec", CL, "sh", "-c",
            "wg set wgc peer %s remove && "
            "wg set wgc private-key %s/%d.key peer %s endpoint %s:%d "
            "allowed-ips %s/32 && ip addr add %s/32 dev wgc && "
            "ping -q -c 1 -W 5 -I %s %s"
            % (gw, keydir, i, gw, GW_OUT, WG_PORT, WG_ADDR, addr, addr,
               WG_ADDR))
    run("ip", "-n", CL, "link", "del", "wgc")


def wireguard(n, secs, live_max):
    res = {"system": "wireguard", "sessions": n}
    keydir = "/tmp/scale-wg-%d" % n
    os.makedirs(keydir, exist_ok=True)
    live = min(n, live_max)
    run(JPSIM, "-g", "%s:%d" % (GW_OUT, WG_PORT), "wgconf", str(n),
        keydir + "/wg.conf", keydir, str(live))
    m0 = meminfo_kb()
    ip_batch(GW, ["link add wg0 type wireguard"])
    t = time.monotonic()
    run("ip", "netns", "exec", GW, "wg", "setconf", "wg0", keydir + "/wg.conf")
    res["install_s"] = round(time.monotonic() - t, 3)
    m1 = meminfo_kb()
    res["bytes_per_session"] = round((m1 - m0) * 1024 / n)
    log("wireguard %d: %d B/peer, wg setconf %.1f s"
        % (n, res["bytes_per_session"], res["install_s"]))
    ip_batch(GW, ["addr add %s/32 dev wg0" % WG_ADDR, "link set wg0 up",
                  "route add 10.64.0.0/10 dev wg0"])
    nft_rules([])
    t = time.monotonic()
    wg_live(n, live, keydir)
    res["handshake_s"] = round(time.monotonic() - t, 1)
    # Data messages only (type 4), not the gateway's own handshakes.
    nft_rules(["ip saddr %s udp sport %d udp dport %d @th,64,8 4 "
               "counter name wg drop" % (GW_OUT, WG_PORT, WGC_PORT),
               "ip saddr %s udp sport %d counter name jp drop"
               % (GW_OUT, WG_PORT)])
    before = nft_counter("wg")
    r = sim("-t", str(secs), "-f", "0", "-S", str(live), "tx", str(n))
    got = nft_counter("wg") - before
    res["tx_pps"] = round(got / r["seconds"])
    res["tx_peers"] = live
    res["tx_offered_pps"] = r["per_s"]
    log("wireguard %d: tx %d pps over %d handshaken peers (%d of %d arrived)"
        % (n, res["tx_pps"], live, got, r["sent"]))
    res["rx_pps"] = None
    res["storm_changes_per_s"] = None
    res["storm_lost"] = None
    res["teardown_s"] = dev_del("wg0")
    run("rm", "-rf", keydir)
    return res


def main():
    ns = [int(x) for x in (os.environ.get("BENCH_SCALE_N") or
                           "1000 10000 100000").split()]
    secs = env_int("BENCH_SCALE_SECONDS", 5)
    rate = env_int("BENCH_SCALE_STORM_RATE", 10000)
    live = env_int("BENCH_SCALE_WG_LIVE", 32)
    systems = (os.environ.get("BENCH_SCALE_SYSTEMS") or
               "jumping wireguard").split()
    log("cpus %d, sessions %s, windows %d s" % (os.cpu_count(), ns, secs))
    setup()
    warm_up()
    for n in [1] + ns:
        for system in systems:
            try:
                res = (jumping(n, secs, rate) if system == "jumping"
                       else wireguard(n, secs, live))
            except (SetupError, ValueError, KeyError) as e:
                res = {"system": system, "sessions": n, "error": str(e)}
                log("%s %d: %s" % (system, n, e))
                for dev in ("jp0", "wg0"):
                    run("ip", "-n", GW, "link", "del", dev, check=False)
                run("ip", "-n", CL, "link", "del", "wgc", check=False)
            print("SCALE-RESULT " + json.dumps(res), flush=True)
    for ns_ in (GW, CL):
        run("ip", "netns", "del", ns_, check=False)


if __name__ == "__main__":
    main()
