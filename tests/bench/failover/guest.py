#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench-failover, the part that runs INSIDE the guest.

Each system gets its own copy of the demo's topology (tests/selftests/
jumpd/topo.sh: a client with uplinks up0 and up1 behind a NAT router with
strict reverse-path filtering, a server): its own namespaces, the same
addresses. The network is made once; before every trial the tunnel is
put back as it started (jumpd restarted with a fresh state directory and
audit log on a new jp0; WireGuard's routes and endpoint reset, the
watchdog restarted), every uplink back to the baseline. netem delays every uplink by 10 ms each
way (a 20 ms RTT). Through the tunnel: a paced TCP stream and 100 UDP
probes per second, client to server (traffic.py). The systems run side by
side (BENCH_PARALLEL=1, the default: one event hits all of them within a
fraction of a second) or one after another.

Systems:
  jumping             jumpd on both sides, configured as a user would:
                      keys, ListenPort, Endpoint, LocalAddress up0, up1,
                      AllowedIPs, AuditLog; no timer set (the defaults).
  wireguard           in-kernel WireGuard, one endpoint, persistent
                      keepalive 25 s (behind a NAT), as users run it.
  wireguard-watchdog  the same, plus wg-watchdog (next to this file).

Each result is one line "FAILOVER-RESULT <json>" with the raw series (the
host computes the numbers: tests/bench/failover/summarize); progress
lines start with "# ". A setup problem becomes the result's "error".
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "../../.."))
JUMPD = os.environ.get("JUMPD") or os.path.join(REPO, "userspace/jumpd/jumpd")
JPCTL = os.environ.get("JUMPCTL") or os.path.join(REPO,
                                                  "userspace/jumpctl/jumpctl")
MODULE = os.environ.get("JUMPING_MODULE") or os.path.join(REPO,
                                                          "kernel/jumping.ko")
PY = "/usr/bin/python3"

SCENARIOS = ["blackhole", "loss30", "rtt400", "flap", "failback"]
SYSTEMS = ["jumping", "wireguard", "wireguard-watchdog"]

# Addresses: those of topo.sh.
UP_CLI = ["198.51.100.2", "203.0.113.2"]
UP_RTR = ["198.51.100.1", "203.0.113.1"]
SRV_RTR, SRV_OUT = "192.0.2.1", "192.0.2.2"
PORT = 51820
CLI_PORT = 51821
INNER = {"jumping": ("198.51.100.129", "198.51.100.130", 28),
         "wireguard": ("10.9.0.1", "10.9.0.2", 24)}
TCP_PORT, UDP_PORT = 5001, 5002

BASE = "delay 10ms"
DOWN = "delay 10ms loss 100%"


def env_list(name, default, allowed):
    vals = os.environ.get(name, "").split() or default
    bad = [v for v in vals if v not in allowed]
    if bad:
        sys.exit("failover: %s: unknown %s (choose from %s)"
                 % (name, " ".join(bad), " ".join(allowed)))
    return vals


def env_num(name, default):
    try:
        v = float(os.environ.get(name) or default)
    except ValueError:
        sys.exit("failover: %s must be a number" % name)
    if v <= 0:
        sys.exit("failover: %s must be above 0" % name)
    return v


RUNS = int(env_num("BENCH_RUNS", 3))
SCEN = env_list("BENCH_SCENARIOS", SCENARIOS, SCENARIOS)
SYST = env_list("BENCH_SYSTEMS", SYSTEMS, SYSTEMS)
PARALLEL = os.environ.get("BENCH_PARALLEL", "1") != "0"
RATE = env_num("BENCH_RATE", 500000)           # stream, bytes/s
PPS = env_num("BENCH_PPS", 100)                # UDP probes/s
WINDOW = env_num("BENCH_WINDOW", 10)           # before/after the event, s
WARMUP = env_num("BENCH_WARMUP", 3)            # stream start to window, s
FLAP_FOR = env_num("BENCH_FLAP_SECONDS", 20)
FLAP_HALF = env_num("BENCH_FLAP_PERIOD", 3)    # down this long, up as long
FAILBACK_DOWN = env_num("BENCH_FAILBACK_DOWN", 25)


def clock():
    return time.clock_gettime(time.CLOCK_BOOTTIME)


T0 = time.clock_gettime(time.CLOCK_BOOTTIME)


def log(msg):
    print("# %7.1f %s" % (time.clock_gettime(time.CLOCK_BOOTTIME) - T0, msg),
          flush=True)


class SetupError(Exception):
    pass


def run(*cmd, inp=None, check=True):
    p = subprocess.run(cmd, input=inp, capture_output=True, text=True)
    if check and p.returncode:
        raise SetupError("%s: %s" % (" ".join(cmd[:6]),
                                      (p.stderr or p.stdout).strip()[-300:]))
    return p.stdout


def ip_batch(ns, lines):
    run("ip", "-n", ns, "-b", "-", inp="\n".join(lines) + "\n")


def tc_netem(ns, dev, spec, verb="change"):
    run("tc", "-n", ns, "qdisc", verb, "dev", dev, "root", "netem",
        *spec.split(), "limit", "10000")


def wait_until(seconds, fn):
    end = clock() + seconds
    while clock() < end:
        if fn():
            return True
        time.sleep(0.1)
    return False


def jp_load():
    if os.path.isdir("/sys/module/jumping"):
        return
    deps = run("modinfo", "-F", "depends", MODULE).strip()
    for dep in filter(None, deps.split(",")):
        if not os.path.isdir("/sys/module/" + dep):
            run("modprobe", dep)
    run("insmod", MODULE)


class Topo:
    """One system's copy of the topology and what runs in it."""

    def __init__(self, system, work):
        self.system = system
        self.work = work
        self.procs = []        # this trial's
        self.tc = {}           # namespace -> a "tc -b -" reading commands
        self.wg_peer = None
        tag = "%s-%04x" % (system[:6], random.getrandbits(16))
        self.cli, self.rtr, self.srv = ("fo-%s-%s" % (r, tag)
                                        for r in ("cli", "rtr", "srv"))
        self.nss = []
        os.makedirs(work)
        self.trial_dir = work

    # --- the network -----------------------------------------------------
    def setup_net(self):
        for ns in (self.cli, self.rtr, self.srv):
            run("ip", "netns", "add", ns)
            self.nss.append(ns)
            run("ip", "-n", ns, "link", "set", "lo", "up")
        for u in (0, 1):
            run("ip", "link", "add", "up%d" % u, "netns", self.cli, "type",
                "veth", "peer", "name", "cl%d" % u, "netns", self.rtr)
        run("ip", "link", "add", "eth0", "netns", self.srv, "type", "veth",
            "peer", "name", "sv0", "netns", self.rtr)
        ip_batch(self.rtr, [
            "addr add %s/28 dev cl0" % UP_RTR[0],
            "addr add %s/28 dev cl1" % UP_RTR[1],
            "addr add %s/28 dev sv0" % SRV_RTR,
            "link set cl0 up", "link set cl1 up", "link set sv0 up"])
        run("ip", "netns", "exec", self.rtr, "sysctl", "-qw",
            "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=1")
        run("ip", "netns", "exec", self.rtr, "nft", "-f", "-", inp="""
table ip nat {
    chain postrouting {
        type nat hook postrouting priority srcnat;
        iifname "cl*" oifname "sv0" masquerade
    }
}
""")
        ip_batch(self.cli, [
            "addr add %s/28 dev up0" % UP_CLI[0],
            "addr add %s/28 dev up1" % UP_CLI[1],
            "link set up0 up", "link set up1 up",
            "route add default via %s dev up0 metric 10" % UP_RTR[0],
            "route add default via %s dev up1 metric 20" % UP_RTR[1],
            "route add default via %s dev up0 table 100" % UP_RTR[0],
            "route add default via %s dev up1 table 101" % UP_RTR[1],
            "rule add from %s table 100 priority 100" % UP_CLI[0],
            "rule add from %s table 101 priority 101" % UP_CLI[1]])
        ip_batch(self.srv, [
            "addr add %s/28 dev eth0" % SRV_OUT, "link set eth0 up",
            "route add default via %s dev eth0" % SRV_RTR])
        for u in (0, 1):
            tc_netem(self.cli, "up%d" % u, BASE, "add")
            tc_netem(self.rtr, "cl%d" % u, BASE, "add")
        # Under emulation, on a loaded guest, starting tc takes up to a
        # second: one tc per namespace reads its commands from a pipe and
        # runs each as its line arrives, so an event hits every copy of
        # the topology within milliseconds.
        for ns in (self.cli, self.rtr):
            self.tc[ns] = subprocess.Popen(
                ["tc", "-force", "-n", ns, "-b", "-"], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=open(os.path.join(self.work, "tc.log"), "a"),
                text=True)
        for u in (0, 1):
            ok = wait_until(30, lambda: subprocess.run(
                ["ip", "netns", "exec", self.cli, "ping", "-n", "-q", "-c1",
                 "-W1", "-I", UP_CLI[u], SRV_OUT],
                capture_output=True).returncode == 0)
            if not ok:
                raise SetupError("no outer path from up%d" % u)

    def netem(self, uplink, spec):
        """Both directions of one uplink: the client's egress and the
        router's egress towards the client."""
        for ns, dev in ((self.cli, "up%d" % uplink),
                        (self.rtr, "cl%d" % uplink)):
            self.tc[ns].stdin.write("qdisc change dev %s root netem %s "
                                    "limit 10000\n" % (dev, spec))
            self.tc[ns].stdin.flush()

    def counters(self):
        """Packets the router received from each uplink."""
        out = json.loads(run("ip", "-n", self.rtr, "-s", "-j", "link",
                             "show"))
        c = {i["ifname"]: i["stats64"]["rx"]["packets"] for i in out
             if "stats64" in i}
        return c.get("cl0", 0), c.get("cl1", 0)

    # --- the tunnels -------------------------------------------------------
    def inner(self):
        return INNER["jumping" if self.system == "jumping" else "wireguard"]

    def setup_tunnel(self):
        """What lives across trials: keys, WireGuard's devices."""
        if self.system == "jumping":
            for side in ("cli", "srv"):
                key = run(JPCTL, "genkey")
                with open(os.path.join(self.work, side + ".key"), "w") as f:
                    os.fchmod(f.fileno(), 0o600)
                    f.write(key)
                with open(os.path.join(self.work, side + ".pub"), "w") as f:
                    f.write(run(JPCTL, "pubkey", inp=key))
        else:
            self.setup_wireguard()

    def reset(self, trial_dir):
        """The tunnel as it started, on up0, both uplinks at the
        baseline; a fresh directory for this trial's files."""
        self.trial_dir = trial_dir
        os.makedirs(trial_dir)
        self.procs = []
        for u in (0, 1):
            self.netem(u, BASE)
        if self.system == "jumping":
            self.start_jumpd()
        else:
            ip_batch(self.cli, [
                "route replace default via %s dev up0 metric 10" % UP_RTR[0],
                "route replace default via %s dev up1 metric 20" % UP_RTR[1]])
            # Setting the endpoint again drops the source address
            # WireGuard cached (the watchdog may have moved it to up1).
            run("ip", "netns", "exec", self.cli, "wg", "set", "wg0", "peer",
                self.wg_peer, "endpoint", "%s:%d" % (SRV_OUT, PORT))
        srv_in = self.inner()[0]
        if not wait_until(60, lambda: subprocess.run(
                ["ip", "netns", "exec", self.cli, "ping", "-n", "-q", "-c1",
                 "-W1", srv_in], capture_output=True).returncode == 0):
            raise SetupError("no ping through the tunnel to %s" % srv_in)
        if self.system == "wireguard-watchdog":
            wlog = open(os.path.join(trial_dir, "watchdog.log"), "w")
            self.procs.append(subprocess.Popen(
                ["ip", "netns", "exec", self.cli, os.path.join(HERE,
                 "wg-watchdog"), "wg0", srv_in, "up0:" + UP_RTR[0],
                 "up1:" + UP_RTR[1]], stdout=wlog, stderr=subprocess.STDOUT))

    def start_jumpd(self):
        srv_in, cli_in, plen = self.inner()
        w, t = self.work, self.trial_dir
        # A new jp0 each trial: no session, nothing for jumpd to adopt.
        for ns, addr in ((self.cli, cli_in), (self.srv, srv_in)):
            run("ip", "-force", "-n", ns, "-b", "-", check=False,
                inp="link del jp0\n")
            ip_batch(ns, ["link add jp0 type jumping",
                          "link set jp0 addrgenmode none",
                          "addr add %s/%d dev jp0" % (addr, plen),
                          "link set jp0 up"])
        for side in ("cli", "srv"):
            os.mkdir(os.path.join(t, side + ".state"), 0o700)

        def pub(side):
            return open(os.path.join(w, side + ".pub")).read().strip()
        # What a user writes: no timer is set, jumpd's defaults apply.
        with open(os.path.join(t, "srv.conf"), "w") as f:
            f.write("""[Interface]
PrivateKeyFile = %s/srv.key
ListenPort = %d
AuditLog = %s/srv.audit

[Peer]
Name = client
PublicKey = %s
AllowedIPs = %s/32
""" % (w, PORT, t, pub("cli"), cli_in))
        with open(os.path.join(t, "cli.conf"), "w") as f:
            f.write("""[Interface]
PrivateKeyFile = %s/cli.key
ListenPort = %d
AuditLog = %s/cli.audit

[Peer]
Name = server
PublicKey = %s
Endpoint = %s:%d
LocalAddress = %s, %s
AllowedIPs = %s/32
""" % (w, CLI_PORT, t, pub("srv"), SRV_OUT, PORT, UP_CLI[0], UP_CLI[1],
                srv_in))
        for side, ns in (("srv", self.srv), ("cli", self.cli)):
            out = open(os.path.join(t, side + ".log"), "w")
            self.procs.append(subprocess.Popen(
                ["ip", "netns", "exec", ns, JUMPD, "-c",
                 os.path.join(t, side + ".conf"), "-f", "--state-dir",
                 os.path.join(t, side + ".state"), "-v"],
                stdout=out, stderr=subprocess.STDOUT))

        def attached(ns):
            out = subprocess.run(
                ["ip", "netns", "exec", ns, JPCTL, "--json", "show", "jp0"],
                capture_output=True, text=True).stdout
            try:
                s = json.loads(out).get("sessions") or []
            except ValueError:
                return False
            return bool(s) and s[0].get("state") == "attached"
        if not wait_until(60, lambda: attached(self.cli) and
                          attached(self.srv)):
            raise SetupError("jumpd: no session attached on both sides: %s"
                             % tail(os.path.join(t, "cli.log")))

    def setup_wireguard(self):
        srv_in, cli_in, plen = self.inner()
        run("modprobe", "wireguard")
        ks, kc = run("wg", "genkey").strip(), run("wg", "genkey").strip()
        ps, pc = (run("wg", "pubkey", inp=k + "\n").strip() for k in (ks, kc))
        self.wg_peer = ps
        for side, key in (("srv", ks), ("cli", kc)):
            with open(os.path.join(self.work, side + ".wgkey"), "w") as f:
                os.fchmod(f.fileno(), 0o600)
                f.write(key + "\n")
        w = self.work
        run("ip", "-n", self.srv, "link", "add", "wg0", "type", "wireguard")
        run("ip", "-n", self.cli, "link", "add", "wg0", "type", "wireguard")
        run("ip", "netns", "exec", self.srv, "wg", "set", "wg0",
            "private-key", w + "/srv.wgkey", "listen-port", str(PORT),
            "peer", pc, "allowed-ips", cli_in + "/32")
        run("ip", "netns", "exec", self.cli, "wg", "set", "wg0",
            "private-key", w + "/cli.wgkey", "listen-port", str(CLI_PORT),
            "peer", ps, "endpoint", "%s:%d" % (SRV_OUT, PORT),
            "persistent-keepalive", "25", "allowed-ips", srv_in + "/32")
        for ns, addr in ((self.srv, srv_in), (self.cli, cli_in)):
            ip_batch(ns, ["addr add %s/%d dev wg0" % (addr, plen),
                          "link set wg0 up"])

    # --- traffic -----------------------------------------------------------
    def start_sink(self):
        self.procs.append(subprocess.Popen(
            ["ip", "netns", "exec", self.srv, PY,
             os.path.join(HERE, "traffic.py"), "sink", self.inner()[0],
             str(TCP_PORT), str(UDP_PORT), self.trial_dir],
            stdout=open(self.trial_dir + "/sink.log", "w"),
            stderr=subprocess.STDOUT))

    def start_source(self):
        self.procs.append(subprocess.Popen(
            ["ip", "netns", "exec", self.cli, PY,
             os.path.join(HERE, "traffic.py"), "source", self.inner()[0],
             str(TCP_PORT), str(UDP_PORT), self.trial_dir, str(RATE),
             str(PPS)], stdout=open(self.trial_dir + "/source.log", "w"),
            stderr=subprocess.STDOUT))
        self.t_start = clock()

    def flowing(self):
        return os.path.exists(self.trial_dir + "/flowing")

    def stop_source(self):
        open(self.trial_dir + "/stop_source", "w").close()
        self.t_stop = clock()

    def stop_sink(self):
        open(self.trial_dir + "/stop", "w").close()

    def collect(self):
        d = self.trial_dir
        wait_until(30, lambda: os.path.exists(d + "/sink.json") and
                   os.path.exists(d + "/source.json"))
        rec = {}
        for name in ("sink", "source"):
            try:
                with open("%s/%s.json" % (d, name)) as f:
                    rec[name] = json.load(f)
            except (OSError, ValueError) as e:
                rec["error"] = "no %s.json: %s; its log: %s" % (
                    name, e, tail(d + "/%s.log" % name))
        rec["moves"], rec["move_times"], rec["audit"] = self.moves()
        return rec

    def moves(self):
        """Jumping: the server's audit lines whose binding changed (the
        client's packets came from a new address: its uplink changed), or
        the client's "move" lines if jumpd writes those, whichever counts
        more. The watchdog: its switches. WireGuard alone: none."""
        if self.system == "wireguard":
            return 0, [], None
        if self.system == "wireguard-watchdog":
            times = []
            for line in open(self.trial_dir + "/watchdog.log"):
                f = line.split()
                if f and f[0] == "switch":
                    times.append(float(f[4]))
            return len(times), times, None
        srv, cli = audit(self.trial_dir + "/srv.audit"), audit(
            self.trial_dir + "/cli.audit")
        real = ("", "none", "unknown", None)
        changed = [r for r in srv if r.get("binding_before") not in real and
                   r.get("binding_after") not in real and
                   r["binding_before"] != r["binding_after"]]
        moved = [r for r in cli if "move" in str(r.get("event", ""))]
        pick = changed if len(changed) >= len(moved) else moved
        brief = {side: [[r.get("mono_ms", 0) / 1000, r.get("event"),
                         r.get("old"), r.get("new"), r.get("reason"),
                         r.get("binding_before"), r.get("binding_after")]
                        for r in recs]
                 for side, recs in (("cli", cli), ("srv", srv))}
        return len(pick), [r.get("mono_ms", 0) / 1000 for r in pick], brief

    def active_uplink(self, settle=0.5):
        """The uplink that carries the traffic, as the router sees it:
        its packets grew by more than 4x the other's (a standby path may
        carry probes). None when neither or both do."""
        try:
            a = self.counters()
            time.sleep(settle)
            b = self.counters()
        except SetupError:
            return None
        d = [b[i] - a[i] for i in (0, 1)]
        for i in (0, 1):
            if d[i] >= 5 and d[i] > 4 * d[1 - i]:
                return i
        return None

    def stop_trial(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []

    def destroy(self):
        self.stop_trial()
        for p in self.tc.values():
            p.stdin.close()
            p.wait()
        for ns in self.nss:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def audit(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    except OSError:
        pass
    return out


def tail(path, n=5):
    try:
        with open(path, errors="replace") as f:
            return " | ".join(f.read().splitlines()[-n:])
    except OSError:
        return "(none)"


# --- scenarios -------------------------------------------------------------
# Each returns the event time (CLOCK_BOOTTIME) per topology and the
# intervals during which the uplink was down or degraded, for the plot.

def sleep_until(t):
    d = t - clock()
    if d > 0:
        time.sleep(d)


def at_all(topos, fn):
    """fn(topo) for each, in turn; the time each one's change began."""
    times = {}
    for t in topos:
        times[t.system] = clock()
        fn(t)
    log("change applied: %s" % ", ".join("%s +%.2fs" % (s, x - min(
        times.values())) for s, x in times.items()))
    return times


def scenario_steady(topos, uplinks, t0, spec):
    sleep_until(t0)
    ev = at_all(topos, lambda t: t.netem(uplinks[t.system], spec))
    sleep_until(t0 + WINDOW + 1)
    return ev, {s: [[e, None]] for s, e in ev.items()}


def scenario_flap(topos, uplinks, t0):
    ev, spans = None, {t.system: [] for t in topos}
    k = 0
    while k * FLAP_HALF < FLAP_FOR or k % 2:  # it ends up
        sleep_until(t0 + k * FLAP_HALF)
        down = k % 2 == 0
        times = at_all(topos, lambda t: t.netem(uplinks[t.system],
                                                DOWN if down else BASE))
        for s, x in times.items():
            if down:
                spans[s].append([x, None])
            else:
                spans[s][-1][1] = x
        ev = ev or times
        k += 1
    sleep_until(max(t0 + WINDOW, t0 + k * FLAP_HALF) + 2)
    return ev, spans


def scenario_failback(topos, t0):
    # The preferred uplink (up0) dies, then comes back: the event. The
    # window before it starts well after the failover.
    sleep_until(t0 - WINDOW)
    down = at_all(topos, lambda t: t.netem(0, DOWN))
    t0 += max(0, FAILBACK_DOWN - WINDOW)
    sleep_until(t0)
    ev = at_all(topos, lambda t: t.netem(0, BASE))
    sleep_until(t0 + WINDOW + 1)
    return ev, {s: [[down[s], ev[s]]] for s in ev}


def trial(scenario, run_idx, topos, workroot):
    errors = {}

    def reset(t):
        try:
            t.reset(os.path.join(workroot, "%s-%d-%s" % (
                scenario, run_idx, t.system)))
        except (SetupError, OSError) as e:
            errors[t.system] = "reset: %s" % e
            log("%s: %s" % (t.system, errors[t.system]))
    # Side by side, the resets overlap: most of their time is spent
    # waiting (handshakes, process starts on a busy guest).
    threads = [threading.Thread(target=reset, args=(t,)) for t in topos]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    live = [t for t in topos if t.system not in errors]
    try:
        for t in live:
            t.start_sink()
        for t in live:
            t.start_source()
        if not wait_until(180, lambda: all(t.flowing() for t in live)):
            for t in live:
                if not t.flowing():
                    errors[t.system] = "the stream did not start: %s" % (
                        tail(t.trial_dir + "/source.log"))
        live = [t for t in live if t.system not in errors]
        t_ready = clock()
        # The active uplink, as the router sees it, before anything
        # happens (during the warm-up; failback always acts on up0, the
        # preferred one).
        uplinks = {t.system: t.active_uplink() for t in live}
        log("traffic flowing; active uplinks %s" % uplinks)
        for s, u in list(uplinks.items()):
            if u is None:
                log("%s: no single active uplink seen; using up0" % s)
                uplinks[s] = 0
        # The event: a full window after the warm-up.
        t0 = max(t_ready + WARMUP, clock()) + WINDOW
        if live:
            if scenario == "blackhole":
                ev, spans = scenario_steady(live, uplinks, t0, DOWN)
            elif scenario == "loss30":
                ev, spans = scenario_steady(live, uplinks, t0,
                                            "delay 10ms loss 30%")
            elif scenario == "rtt400":
                ev, spans = scenario_steady(live, uplinks, t0,
                                            "delay 200ms")
            elif scenario == "flap":
                ev, spans = scenario_flap(live, uplinks, t0)
            else:
                ev, spans = scenario_failback(live, t0)
            for t in live:
                t.stop_source()
            time.sleep(1.5)
            for t in live:
                t.stop_sink()
        for t in topos:
            rec = {"scenario": scenario, "system": t.system, "run": run_idx,
                   "parallel": PARALLEL and len(topos) > 1,
                   "window_s": WINDOW, "rate": RATE, "pps": PPS}
            if t.system in errors:
                rec["error"] = errors[t.system]
            else:
                rec.update(t.collect())
                rec.update({"t_start": t.t_start, "t_stop": t.t_stop,
                            "event": ev[t.system],
                            "spans": spans[t.system],
                            "uplink": uplinks[t.system]})
                rec["jumpctl_show"] = show(t) if t.system == "jumping" \
                    else None
            print("FAILOVER-RESULT " + json.dumps(rec), flush=True)
    finally:
        for t in topos:
            t.stop_trial()


def show(t):
    out = subprocess.run(["ip", "netns", "exec", t.cli, JPCTL, "--json",
                          "show", "jp0"], capture_output=True, text=True)
    try:
        s = (json.loads(out.stdout).get("sessions") or [None])[0]
    except ValueError:
        return None
    return s and {k: s.get(k) for k in ("state", "local", "remote")}


def main():
    if "jumping" in SYST:
        try:
            jp_load()
        except SetupError as e:
            sys.exit("failover: cannot load the module: %s" % e)
    workroot = "/tmp/failover"
    shutil.rmtree(workroot, ignore_errors=True)
    os.makedirs(workroot)
    print("FAILOVER-ENV " + json.dumps({
        "kernel_release": os.uname().release, "cpus": os.cpu_count(),
        "runs": RUNS, "scenarios": SCEN, "systems": SYST,
        "parallel": PARALLEL, "rate": RATE, "pps": PPS, "window_s": WINDOW,
        "flap_seconds": FLAP_FOR, "flap_period": FLAP_HALF,
        "failback_down": FAILBACK_DOWN}), flush=True)
    topos = {}
    try:
        for system in SYST:
            t = Topo(system, os.path.join(workroot, system))
            topos[system] = t
            try:
                t.setup_net()
                t.setup_tunnel()
            except SetupError as e:
                sys.exit("failover: %s: cannot set up: %s" % (system, e))
            log("%s: network and tunnel set up" % system)
        for r in range(1, RUNS + 1):
            for scenario in SCEN:
                # A different order each run, so no system is always the
                # first to see the event.
                order = SYST[r % len(SYST):] + SYST[:r % len(SYST)]
                groups = [order] if PARALLEL else [[s] for s in order]
                for g in groups:
                    t = clock()
                    log("run %d/%d: %s: %s" % (r, RUNS, scenario,
                                                ", ".join(g)))
                    trial(scenario, r, [topos[s] for s in g], workroot)
                    log("  took %.0f s" % (clock() - t))
    finally:
        for t in topos.values():
            t.destroy()


if __name__ == "__main__":
    main()
