// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: structure-aware fuzzer of the jumping generic netlink family.
 *
 *   nlfuzz [--seed S] --count N --dev NAME[,NAME...] [--oif NAME[,NAME...]]
 *          [--netns NS[,NS...]] [--max-seconds T] [--verbose]
 *
 * --dev names the jumping devices of each namespace, --oif other
 * interfaces (for bindings' ifindex). --max-seconds stops each worker
 * after T seconds (a time budget on a slow machine): fewer than N are
 * sent then, as the summary says.
 *
 * One worker per network namespace (default: the current one) and one
 * more without CAP_NET_ADMIN, all at once, each from its own stream of
 * the seed. Requests come from the family's policies (nlgen.c); every
 * command, wrong and missing attributes, random flags. A dump is now and
 * then interrupted by writes on a second socket before it is read on.
 * Each request is followed by a request to nlctrl with an ACK, so all
 * that answered the fuzzed request is read before the next (no request
 * may go unanswered for long: a 60 s receive timeout is a failure).
 *
 * Prints the seed first (--seed replays a run, the devices and namespaces
 * being the same), the number of requests sent and what they got back.
 * Exit 0; 1 if a worker failed (a hang, or a request that succeeded
 * without CAP_NET_ADMIN); 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/jumping.h>

#include "nlgen.h"
#include "nlpolicy.h"
#include "rng.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#define MAX_NS		8
#define MSG_SIZE	65536
#define ERRNO_MAX	140

/* Per worker, in memory shared with the parent. */
struct tally {
	uint64_t sent;
	uint64_t ok[POL_MAX_CMD];	/* requests the family carried out */
	uint64_t err[ERRNO_MAX];
	uint64_t dumps_interrupted;
	uint64_t unpriv_ok;		/* must stay 0 */
	int failed;
};

struct worker {
	struct rng r;
	struct family fam;
	struct gen_ctx g;
	struct nl_sock *sk[2];
	unsigned int seq;
	struct tally *t;
	char devs[GEN_MAX_DEV][16];
	int ndevs;
	int njp;		/* devs[0..njp) are jumping devices */
	int unpriv;
};

static void refresh_devices(struct worker *w)
{
	int i;

	w->g.ndev = w->g.njp = 0;
	for (i = 0; i < w->ndevs; i++) {
		unsigned int idx = if_nametoindex(w->devs[i]);

		if (!idx)
			continue;
		if (i < w->njp)
			w->g.njp++;
		w->g.ifindex[w->g.ndev] = (int)idx;
		snprintf(w->g.ifname[w->g.ndev], sizeof(w->g.ifname[0]), "%s", w->devs[i]);
		w->g.ndev++;
	}
}

static struct nl_sock *open_sock(void)
{
	struct timeval tv = { .tv_sec = 60 };
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "nlfuzz: cannot open a generic netlink socket\n");
		exit(1);
	}
	nl_socket_disable_seq_check(sk);
	nl_socket_set_buffer_size(sk, 4 << 20, 1 << 20);
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return sk;
}

static int send_sync(struct worker *w, struct nl_sock *sk, unsigned int seq)
{
	struct nl_msg *m = nlmsg_alloc();
	int err;

	if (!m)
		return -1;
	genlmsg_put(m, NL_AUTO_PORT, seq, GENL_ID_CTRL, 0, NLM_F_REQUEST | NLM_F_ACK,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_u16(m, CTRL_ATTR_FAMILY_ID, (uint16_t)w->fam.id);
	nlmsg_hdr(m)->nlmsg_seq = seq;
	err = nl_sendto(sk, nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len);
	nlmsg_free(m);
	return err < 0 ? -1 : 0;
}

static void exchange(struct worker *w, int which, int may_interrupt);

static int verbose;
static double max_secs;

/* --verbose: each error with its extack message, to tune the generator. */
static void print_error(struct worker *w, const struct gen_req *req,
			struct nlmsghdr *nlh, int en)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	const char *msg = "";
	struct nlattr *a;
	int rem, off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += (int)(e->msg.nlmsg_len - NLMSG_HDRLEN);
	else
		off = sizeof(*e);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - off;
		for (a = (struct nlattr *)((char *)e + off); rem > 0 && nla_ok(a, rem);
		     a = nla_next(a, &rem))
			if (nla_type(a) == NLMSGERR_ATTR_MSG)
				msg = nla_get_string(a);
	}
	fprintf(stderr, "nlfuzz: cmd %d %s: %s: %s\n", req->cmd,
		w->g.hostile ? "hostile" : "formed", strerrorname_np(en), msg);
}

/* Writes on the other socket while a dump on this one is half read. */
static void interrupt_dump(struct worker *w, int which)
{
	int i, n = 1 + (int)rng_below(&w->r, 4);

	w->t->dumps_interrupted++;
	for (i = 0; i < n; i++)
		exchange(w, !which, 0);
}

static void exchange(struct worker *w, int which, int may_interrupt)
{
	struct nl_sock *sk = w->sk[which];
	unsigned int fseq = ++w->seq, sseq = ++w->seq;
	int sync_done = 0, fuzz_done = 0, in_dump = 0, failed = 0, to_family;
	struct nl_msg *msg = nlmsg_alloc_size(MSG_SIZE);
	struct sockaddr_nl addr;
	struct gen_req req;
	struct nlmsghdr *nlh;

	if (!msg)
		exit(1);
	gen_request(&w->g, msg, &req);
	nlh = nlmsg_hdr(msg);
	nlh->nlmsg_seq = fseq;
	to_family = nlh->nlmsg_type == w->fam.id && (req.flags & NLM_F_REQUEST);
	w->t->sent++;
	if (nl_sendto(sk, nlh, nlh->nlmsg_len) < 0) {
		w->t->err[0]++;
		nlmsg_free(msg);
		return;
	}
	nlmsg_free(msg);
	if (send_sync(w, sk, sseq))
		exit(1);

	while (!sync_done || (in_dump && !fuzz_done)) {
		unsigned char *buf = NULL;
		int len = nl_recv(sk, &addr, &buf, NULL);

		if (len <= 0) {
			fprintf(stderr, "nlfuzz: no answer to request %u (cmd %d flags %#x): %s\n",
				fseq, req.cmd, req.flags, nl_geterror(len));
			w->t->failed = 1;
			exit(1);
		}
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq == sseq) {
				if (nlh->nlmsg_type == NLMSG_ERROR)
					sync_done = 1;
				continue;
			}
			if (nlh->nlmsg_seq != fseq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = nlmsg_data(nlh);
				int en = -e->error;

				fuzz_done = 1;
				failed |= en != 0;
				if (verbose && en)
					print_error(w, &req, nlh, en);
				if (en > 0 && en < ERRNO_MAX)
					w->t->err[en]++;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				fuzz_done = 1;
			} else if (nlh->nlmsg_flags & NLM_F_MULTI) {
				if (!in_dump && may_interrupt && rng_pct(&w->r, 30)) {
					in_dump = 1;
					interrupt_dump(w, which);
				}
				in_dump = 1;
			}
		}
		free(buf);
	}
	/* An error is always answered; silence or a reply is success. */
	if (!failed && to_family && req.cmd < POL_MAX_CMD) {
		w->t->ok[req.cmd]++;
		if (w->unpriv) {
			fprintf(stderr, "nlfuzz: cmd %d (flags %#x) succeeded without CAP_NET_ADMIN\n",
				req.cmd, req.flags);
			w->t->unpriv_ok++;
		}
	}
}

static void drop_net_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		exit(1);
	d[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	d[CAP_NET_ADMIN / 32].permitted &= ~(1u << (CAP_NET_ADMIN % 32));
	d[CAP_NET_ADMIN / 32].inheritable &= ~(1u << (CAP_NET_ADMIN % 32));
	if (syscall(SYS_capset, &h, d)) {
		perror("nlfuzz: capset");
		exit(1);
	}
}

static void run_worker(struct worker *w, const char *netns, uint64_t n)
{
	struct timespec t0, t1;
	uint64_t i;

	if (netns) {
		char path[256];
		int fd;

		snprintf(path, sizeof(path), "/run/netns/%s", netns);
		fd = open(path, O_RDONLY);
		if (fd < 0 || setns(fd, CLONE_NEWNET)) {
			fprintf(stderr, "nlfuzz: cannot enter netns %s\n", netns);
			exit(1);
		}
		close(fd);
	}
	w->sk[0] = open_sock();
	w->sk[1] = open_sock();
	if (family_load(w->sk[0], JUMPING_GENL_NAME, &w->fam))
		exit(1);
	nl_socket_modify_cb(w->sk[0], NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	if (w->unpriv)
		drop_net_admin();
	w->g.r = &w->r;
	w->g.fam = &w->fam;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if (i % 256 == 0) {
			refresh_devices(w);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (max_secs > 0 && (double)(t1.tv_sec - t0.tv_sec) > max_secs)
				break;
		}
		exchange(w, (int)rng_below(&w->r, 2), 1);
		if (w->t->sent >= n)
			break;
	}
	exit(w->t->unpriv_ok ? 1 : 0);
}

static int split(char *s, char **out, int max)
{
	int n = 0;
	char *tok;

	for (tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
		out[n++] = tok;
	return n;
}

int main(int argc, char **argv)
{
	char *netns[MAX_NS], *devs[GEN_MAX_DEV];
	char *oifs[GEN_MAX_DEV];
	int nns = 0, ndev = 0, noif = 0, nworkers, i, status, failed = 0;
	uint64_t seed, count = 0, total = 0, ok = 0, interrupted = 0;
	struct tally *tallies;
	struct timespec t0, t1;
	double secs;

	clock_gettime(CLOCK_REALTIME, &t0);
	seed = (uint64_t)t0.tv_nsec ^ ((uint64_t)t0.tv_sec << 20) ^ (uint64_t)getpid();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--dev") && i + 1 < argc)
			ndev = split(argv[++i], devs, GEN_MAX_DEV);
		else if (!strcmp(argv[i], "--max-seconds") && i + 1 < argc)
			max_secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--oif") && i + 1 < argc)
			noif = split(argv[++i], oifs, GEN_MAX_DEV);
		else if (!strcmp(argv[i], "--netns") && i + 1 < argc)
			nns = split(argv[++i], netns, MAX_NS);
		else {
			fprintf(stderr, "usage: nlfuzz [--seed S] --count N --dev NAME[,..] [--oif NAME[,..]] [--netns NS[,..]] [--max-seconds T] [--verbose]\n");
			return 2;
		}
	}
	if (!count)
		return 2;
	printf("nlfuzz: seed %" PRIu64 "\n", seed);
	fflush(stdout);

	nworkers = (nns ? nns : 1) + 1;
	tallies = mmap(NULL, sizeof(*tallies) * (size_t)nworkers, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tallies == MAP_FAILED)
		return 1;
	memset(tallies, 0, sizeof(*tallies) * (size_t)nworkers);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nworkers; i++) {
		int unpriv = i == nworkers - 1;
		/* The unprivileged worker gets a tenth; the rest share. */
		uint64_t share = unpriv ? count / 10 :
				 (count - count / 10) / (uint64_t)(nworkers - 1);
		pid_t pid;

		if (i == 0 && !unpriv)
			share += (count - count / 10) % (uint64_t)(nworkers - 1);
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid) {
			struct worker *w = calloc(1, sizeof(*w));
			int j;

			if (!w)
				exit(1);
			rng_fork(&w->r, seed, (unsigned int)i);
			w->t = &tallies[i];
			w->unpriv = unpriv;
			for (j = 0; j < ndev + noif && j < GEN_MAX_DEV; j++)
				snprintf(w->devs[j], sizeof(w->devs[j]), "%s",
					 j < ndev ? devs[j] : oifs[j - ndev]);
			w->ndevs = j;
			w->njp = ndev;
			run_worker(w, nns ? netns[unpriv ? 0 : i] : NULL, share);
		}
	}
	for (i = 0; i < nworkers; i++) {
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	for (i = 0; i < nworkers; i++) {
		int c;

		total += tallies[i].sent;
		interrupted += tallies[i].dumps_interrupted;
		for (c = 0; c < POL_MAX_CMD; c++)
			ok += tallies[i].ok[c];
		if (tallies[i].unpriv_ok) {
			printf("nlfuzz: %" PRIu64 " requests succeeded without CAP_NET_ADMIN\n",
			       tallies[i].unpriv_ok);
			failed = 1;
		}
	}
	printf("nlfuzz: sent %" PRIu64 " in %.1f s (%.0f/s), %" PRIu64
	       " carried out, %" PRIu64 " dumps interrupted\n",
	       total, secs, secs > 0 ? (double)total / secs : 0.0, ok, interrupted);
	printf("nlfuzz: carried out per command:");
	for (i = 0; i <= JUMPING_CMD_MAX; i++) {
		uint64_t s = 0;
		int k;

		for (k = 0; k < nworkers; k++)
			s += tallies[k].ok[i];
		printf(" %d:%" PRIu64, i, s);
	}
	printf("\nnlfuzz: errors:");
	for (i = 0; i < ERRNO_MAX; i++) {
		uint64_t s = 0;
		int k;

		for (k = 0; k < nworkers; k++)
			s += tallies[k].err[i];
		if (s)
			printf(" %s:%" PRIu64, i ? strerrorname_np(i) : "send", s);
	}
	printf("\n");
	return failed;
}
