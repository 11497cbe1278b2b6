// SPDX-License-Identifier: GPL-2.0
/*
 * jumpd -c CONFIG [-f|--foreground] [--state-dir DIR] [-v]
 *
 * One thread, one poll: the event socket (control datagrams and kernel
 * notifications), a timerfd armed at the earliest deadline of any peer,
 * a signalfd (SIGHUP reloads, SIGTERM/SIGINT exit), rtnetlink's address
 * events, the resolver's answers, the status socket (status.c) and, with
 * [Cluster], the etcd workers' results (cluster_flow.c). Exiting leaves
 * every kernel session in place: the kernel owns the data plane and the
 * keepalives, a restarted jumpd adopts them.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sodium.h>
#include "addrwatch.h"
#include "hs_msg.h"
#include "jumpd.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: jumpd -c CONFIG [-f|--foreground] [--state-dir DIR] [-v]\n");
}

static void on_event(const struct jk_event *ev, void *arg)
{
	struct jd *d = arg;
	struct jd_peer *p;
	unsigned int i;

	if (ev->ifindex && ev->ifindex != d->k.ifindex)
		return;
	switch (ev->cmd) {
	case JUMPING_CMD_PACKET_RX_NTF:
		if (!ev->packet_len)
			return;
		if (ev->packet[0] == JP_MSG_TYPE_INIT)
			jd_hs_on_init(d, ev);
		else if (ev->packet[0] == JP_MSG_TYPE_RESP)
			jd_hs_on_resp(d, ev);
		else if (ev->packet[0] == JP_MSG_TYPE_CONTROL)
			jd_reattach_on_control(d, ev);
		break;
	case JUMPING_CMD_KEY_SWAP_NTF:
		p = jd_peer_by_local_id(d, ev->s.id);
		if (p)
			jd_hs_on_key_exhausted(d, p);
		break;
	case JUMPING_CMD_SESSION_DEL_NTF:
		p = jd_peer_by_local_id(d, ev->s.id);
		if (p) {
			jd_log("peer %s: session %u deleted outside jumpd",
			       p->conf.name, p->local_id);
			jd_session_forget(d, p, false);
		}
		break;
	case JUMPING_CMD_SESSIONS_FLUSHED_NTF:
		/* The device's sessions went together, with no event each. */
		for (i = 0; i < d->n_peers; i++) {
			p = d->peers[i];
			if (!p->has_session)
				continue;
			jd_log("peer %s: session %u flushed with the device",
			       p->conf.name, p->local_id);
			jd_session_forget(d, p, false);
		}
		break;
	case JUMPING_CMD_SILENCE_NTF:
		p = jd_peer_by_local_id(d, ev->s.id);
		if (p)
			jd_on_silence(d, p, ev);
		break;
	case JUMPING_CMD_UNKNOWN_SOURCE_NTF:
		p = jd_peer_by_local_id(d, ev->s.id);
		if (p) {
			char b[JP_BINDING_STRLEN];

			jd_debug(d, "peer %s session %u: authenticated data from %s, not the binding",
				 p->conf.name, p->local_id,
				 jp_binding_str(&ev->s.remote, b));
			jd_reattach_on_unknown_source(d, p, &ev->s.remote);
		}
		break;
	default:
		break;
	}
}

/*
 * An address or link changed: paths may have become usable or not, and
 * the path policy looks at every session at once (an active path whose
 * address went away is left now, not after silence).
 */
static void on_addr(const struct jd_addr_event *ev, void *arg)
{
	struct jd *d = arg;

	if (ev->kind == JD_LINK)
		jd_host_link(&d->host, ev->ifindex, ev->up);
	else
		jd_host_addr(&d->host, &ev->addr, ev->ifindex,
			     ev->kind == JD_ADDR_NEW);
	jd_mp_host_changed(d);
}

/* A peer's due work; its earliest next deadline. */
static uint64_t run_peer(struct jd *d, struct jd_peer *p, uint64_t now)
{
	uint64_t next = UINT64_MAX, t;

	t = jd_hs_tick(d, p, now);
	if (t < next)
		next = t;
	t = jd_supervise(d, p, now);
	if (t < next)
		next = t;
	t = jd_reattach_tick(d, p, now);
	if (t < next)
		next = t;
	t = jd_mp_tick(d, p);
	if (t < next)
		next = t;
	t = jd_dns_tick(d, p, now);
	if (t < next)
		next = t;
	return next > now ? next : now + 1;
}

/*
 * The peers due (sched.c), each once; the earliest next deadline. An
 * idle gateway wakes for the peers whose timers run, not for all of them.
 */
static uint64_t tick(struct jd *d)
{
	uint64_t now = jd_now_ms(), next = now + 1000, t;
	unsigned int rounds = 0;
	struct jd_peer *p;

	t = jd_look(d, now);
	if (t < next)
		next = t;
	t = jd_cluster_tick(d, now);
	if (t < next)
		next = t;
	while ((p = jd_sched_first(d)) && p->due_ms <= now &&
	       rounds++ <= d->n_peers)
		jd_sched(d, p, run_peer(d, p, now));
	p = jd_sched_first(d);
	if (p && p->due_ms < next)
		next = p->due_ms;
	return next;
}

static void arm(int tfd, uint64_t at_ms)
{
	struct itimerspec its = { 0 };

	if (!at_ms)
		at_ms = 1;
	its.it_value.tv_sec = (time_t)(at_ms / 1000);
	its.it_value.tv_nsec = (long)(at_ms % 1000) * 1000000;
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/*
 * ListenPort 0 means any port, as WireGuard's: the kernel reads port 0 as
 * "no socket", so we pick one. A port the device already has is kept (a
 * restarted jumpd must not move its adopted sessions' source port).
 */
int jd_set_port(struct jd *d, uint16_t wanted, bool set_fwmark,
		uint32_t fwmark)
{
	uint16_t port = wanted;
	unsigned int i;
	int ret;

	if (!port) {
		ret = jk_device_port(&d->k, &port);
		if (ret)
			return ret;
	}
	if (port) {
		ret = jk_device_set(&d->k, port, set_fwmark, fwmark);
	} else {
		for (i = 0, ret = -EADDRINUSE; i < 32 && ret == -EADDRINUSE;
		     i++) {
			port = (uint16_t)(49152 + randombytes_uniform(16384));
			ret = jk_device_set(&d->k, port, set_fwmark, fwmark);
		}
	}
	if (!ret)
		d->listen_port = port;
	return ret;
}

void jd_rate_limits_init(struct jd *d, const struct jp_conf_iface *ifc)
{
	jp_rl_init(&d->hs_all, d->hs_all_slot, 1, ifc->handshake_rate.count,
		   ifc->handshake_rate.window_ms, d->rl_seed);
	jp_rl_init(&d->hs_source, d->hs_source_slots, 256,
		   ifc->handshake_source_rate.count,
		   ifc->handshake_source_rate.window_ms, d->rl_seed);
	jp_rl_init(&d->ra_source, d->ra_source_slots, 256,
		   ifc->reattach_source_rate.count,
		   ifc->reattach_source_rate.window_ms, d->rl_seed);
}

static int setup(struct jd *d)
{
	struct jp_conf_iface *ifc;
	char err[300];
	unsigned int i, n;
	bool created;
	int ret;

	if (jd_load_config(d, d->cfg_path, &d->cfg, d->priv))
		return -1;
	ifc = &d->cfg->iface;
	crypto_scalarmult_base(d->pub, d->priv);
	jp_hs_mac1_key(d->mac1_key, d->pub);
	jp_cookie_reply_key(d->cookie_reply_key, d->pub);
	randombytes_buf(d->rl_seed, sizeof(d->rl_seed));
	jd_rate_limits_init(d, ifc);
	ret = jd_resolver_open(&d->resolver);
	if (ret) {
		jd_err("cannot start the resolver: %s", strerror(-ret));
		return -1;
	}
	/* Every file first: a bad key file fails before the kernel is touched. */
	if (jd_state_dir_check(d) ||
	    jd_peers_build(d, d->cfg, &d->peers, &d->n_peers) ||
	    jd_cluster_open(d))
		return -1;
	jd_index_init(d);
	jd_index_rebuild(d);
	if (jd_sched_rebuild(d)) {
		jd_err("out of memory");
		return -1;
	}
	for (i = 0; i < d->n_peers; i++)
		jd_persist_peer_load(d, d->peers[i]);
	d->peers_cap = d->n_peers + 1;	/* jd_peers_build's */
	if (jk_open(&d->k, err, sizeof(err))) {
		jd_err("%s", err);
		return -1;
	}
	if (jk_device_ensure(&d->k, ifc->device, &created)) {
		jd_err("%s", jk_error(&d->k));
		return -1;
	}
	if (created)
		jd_log("created device %s", ifc->device);
	if (jd_set_port(d, ifc->listen_port, ifc->fwmark != 0, ifc->fwmark)) {
		jd_err("%s: ListenPort %u: %s", ifc->device, ifc->listen_port,
		       jk_error(&d->k));
		return -1;
	}
	if (ifc->audit_log[0]) {
		d->audit = fopen(ifc->audit_log, "ae");
		if (!d->audit) {
			jd_err("AuditLog %s: %m", ifc->audit_log);
			return -1;
		}
	}
	jd_log("device %s (ifindex %u) port %u, %u peers, state in %s",
	       ifc->device, d->k.ifindex, d->listen_port, d->n_peers,
	       d->state_dir);
	/* Before adoption: a PeerDir peer's session is adopted too. */
	if (jd_peerdir_open(d)) {
		jd_err("PeerDir %s: cannot watch it", ifc->peer_dir);
		return -1;
	}
	jd_peerdir_scan(d);
	if (d->peer_dir)
		jd_log("PeerDir %s: %u peers in all", d->peer_dir, d->n_peers);
	jd_adopt(d);
	/*
	 * A clustered gateway does not know whether the lease its sessions
	 * were served under still lives: it ends them (docs/cluster.md).
	 */
	if (d->clustered) {
		n = jd_cluster_end_sessions(d, JUMPING_REASON_LEASE_LOST);
		if (n)
			jd_log("cluster: %u sessions of the last run ended, "
			       "not adopted (lease-lost)", n);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct jd d = { .state_dir = "/run/jumpd", .status_fd = -1,
			.peerdir_fd = -1 };
	bool foreground = false, stop = false;
	struct signalfd_siginfo si;
	struct nl_sock *addrs;
	/* Eight fixed ones, then /metrics' listener and clients. */
	struct pollfd pfd[8 + 1 + JD_HTTP_CONNS];
	int npfd;
	sigset_t mask;
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:fvh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': d.cfg_path = optarg; break;
		case 'f': foreground = true; break;
		case 's': d.state_dir = optarg; break;
		case 'v': d.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!d.cfg_path || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		jd_err("libsodium failed to initialise");
		return 1;
	}
	/*
	 * Keys live in this process: no core dump, no ptrace by other
	 * users, and (where the memlock limit allows) never swapped out.
	 */
	prctl(PR_SET_DUMPABLE, 0);
	sodium_mlock(d.priv, sizeof(d.priv));
	if (setup(&d))
		return 1;
	if (!foreground && daemon(1, 1)) {
		jd_err("daemon: %m");
		return 1;
	}
	if (jd_cluster_start(&d))
		return 1;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	pfd[0].fd = jk_events_fd(&d.k);
	pfd[1].fd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	pfd[2].fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (pfd[1].fd < 0 || pfd[2].fd < 0) {
		jd_err("timerfd/signalfd: %m");
		return 1;
	}
	/* Subscribed before the dump: no change falls between the two. */
	addrs = jd_addrwatch_open();
	if (!addrs)
		jd_warn("no rtnetlink address events: moves wait for silence");
	else if (jd_addrwatch_dump(on_addr, &d))
		jd_warn("cannot list the host's addresses: every path counts as usable");
	else
		d.host.known = true;
	jd_mp_host_changed(&d);
	pfd[3].fd = addrs ? nl_socket_get_fd(addrs) : -1;
	pfd[4].fd = jd_resolver_fd(d.resolver);
	jd_status_open(&d);
	pfd[5].fd = d.status_fd;	/* -1 (ignored by poll) without one */
	pfd[6].fd = d.peerdir_fd;	/* -1 without a PeerDir */
	pfd[7].fd = jd_cluster_pollfd(&d);	/* -1 without [Cluster] */
	for (c = 0; c < 8; c++)
		pfd[c].events = POLLIN;
	jd_notify_ready(&d);
	if (jd_http_open(&d))
		return 1;

	while (!stop) {
		struct jd_answer answer;

		/* tick() also takes the etcd workers' results (pfd[7]). */
		arm(pfd[1].fd, tick(&d));
		npfd = 8 + jd_http_pollfds(&d, &pfd[8]);
		ret = poll(pfd, npfd, -1);
		if (ret < 0 && errno != EINTR) {
			jd_err("poll: %m");
			break;
		}
		if (pfd[0].revents & POLLIN &&
		    jk_events_read(&d.k, on_event, &d) == -ENOBUFS) {
			jd_warn("netlink events overrun: some were lost, resyncing");
			jd_resync(&d);
		}
		if (pfd[3].revents & POLLIN)
			jd_addrwatch_read(addrs, on_addr, &d);
		while (pfd[4].revents & POLLIN &&
		       !jd_resolver_take(d.resolver, &answer))
			jd_dns_on_answer(&d, &answer);
		if (pfd[5].revents & POLLIN)
			jd_status_serve(&d);
		if (pfd[6].revents & POLLIN)
			jd_peerdir_read(&d);
		if (npfd > 8)
			jd_http_serve(&d, &pfd[8]);
		if (pfd[1].revents & POLLIN) {
			uint64_t expirations;

			if (read(pfd[1].fd, &expirations, sizeof(expirations)) < 0)
				(void)0;	/* nothing due after all */
		}
		while (pfd[2].revents & POLLIN &&
		       read(pfd[2].fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				jd_notify_reloading();
				jd_reload(&d);
				jd_notify_ready(&d);
			} else {
				stop = true;
			}
		}
	}
	jd_notify_stopping();
	jd_log("exiting; kernel sessions stay up");
	jd_cluster_close(&d);
	jd_status_close(&d);
	jd_http_close(&d);
	jd_peerdir_close(&d);
	for (c = 0; c < (int)d.n_peers; c++)
		jd_persist_save(&d, d.peers[c]);
	jd_peers_free(d.peers, d.n_peers);
	jd_index_free(&d);
	jd_sched_free(&d);
	jd_resolver_close(d.resolver);
	jk_close(&d.k);
	if (addrs)
		nl_socket_free(addrs);
	if (d.audit)
		fclose(d.audit);
	jp_config_free(d.cfg);
	sodium_memzero(d.priv, sizeof(d.priv));
	jp_probe_tokens_wipe(&d.probe_tokens);
	return 0;
}
