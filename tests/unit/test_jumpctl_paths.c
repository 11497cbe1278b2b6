// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test for `jumpctl show`'s paths (userspace/jumpctl/jd_status.c):
 * jumpd's status document parsed and checked, a session's paths printed
 * as text and JSON, merged into the session record by id, and read from
 * a Unix socket (none, stale, answering, answering garbage); a clustered
 * gateway's part of it read, refused when malformed, and printed.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <linux/jumping.h>
#include "tap.h"
#include "jd_status.h"
#include "session_show.h"

static char *buf;
static size_t len;

/* Two sessions: an initiator's with two paths, a responder's with none. */
static const char good[] =
	"{\"device\":\"jp0\",\"sessions\":["
	"{\"session\":7,\"peer\":\"office\",\"state\":\"attached\","
	"\"state_age_ms\":1500,\"handshake_age_ms\":2500,"
	"\"state_changes\":{\"handshake-done\":1,\"no-such-reason\":4},"
	"\"reattaches\":{\"reattach-validated\":2},\"reattach_rejected\":{},"
	"\"paths\":["
	"{\"path\":\"192.0.2.2:51820 via 198.51.100.2\",\"state\":\"validated\","
	"\"active\":false,\"usable\":false,\"srtt_us\":21345,\"rttvar_us\":1200,"
	"\"loss_permille\":125,\"settled\":16},"
	"{\"path\":\"192.0.2.2:51820 via 203.0.113.2\",\"state\":\"probing\","
	"\"active\":true,\"usable\":true,\"srtt_us\":0,\"rttvar_us\":0,"
	"\"loss_permille\":0,\"settled\":0}]},"
	"{\"session\":4294967295,\"peer\":\"a \\\"b\\\"\",\"state\":\"attached\","
	"\"paths\":[]}]}\n";

static struct jd_status *parse(const char *doc, const char *dev, char *err)
{
	return jd_status_parse(doc, strlen(doc), dev, err, 128);
}

static void test_parse(void)
{
	const struct jd_status_session *s;
	struct jd_status *st;
	char err[128];

	st = parse(good, "jp0", err);
	ok(st && st->n == 2, "parse: two sessions");
	s = jd_status_session(st, 7);
	ok(s && s->n_paths == 2, "parse: session 7 has two paths");
	ok(s && !strcmp(s->paths[0].path, "192.0.2.2:51820 via 198.51.100.2") &&
	   !strcmp(s->paths[0].state, "validated") && !s->paths[0].active &&
	   !s->paths[0].usable && s->paths[0].srtt_us == 21345 &&
	   s->paths[0].rttvar_us == 1200 && s->paths[0].loss_permille == 125 &&
	   s->paths[0].settled == 16, "parse: the first path's fields");
	ok(s && s->paths[1].active && s->paths[1].usable,
	   "parse: the second path is active");
	s = jd_status_session(st, UINT32_MAX);
	ok(s && s->n_paths == 0, "parse: a responder's session, no paths");
	ok(s && !s->has_handshake_age && !s->has_state_age &&
	   !strcmp(s->peer, "a \"b\""),
	   "parse: a session without jumpd's optional facts");
	s = jd_status_session(st, 7);
	ok(s && !strcmp(s->peer, "office") && !strcmp(s->state, "attached") &&
	   s->has_state_age && s->state_age_ms == 1500 &&
	   s->has_handshake_age && s->handshake_age_ms == 2500,
	   "parse: peer, state, state age and handshake age");
	ok(s && s->state_changes.n[JUMPING_REASON_HANDSHAKE_DONE] == 1 &&
	   s->reattaches.n[JUMPING_REASON_REATTACH_VALIDATED] == 2 &&
	   s->reattach_rejected.n[JUMPING_REASON_REATTACH_BAD_PROOF] == 0,
	   "parse: counts by reason; an unknown reason is skipped");
	ok(!jd_status_session(st, 8), "parse: an unknown id has no paths");
	ok(!jd_status_session(NULL, 7), "parse: no status, no paths");
	jd_status_free(st);

	st = parse("{\"device\":\"jp0\",\"sessions\":[]}", "jp0", err);
	ok(st && st->n == 0, "parse: no sessions");
	jd_status_free(st);
}

/* Each must be refused, whole: jumpd's own document, so no guessing. */
static void test_refused(void)
{
	static const struct {
		const char *doc, *why;
	} bad[] = {
		{ "", "empty" },
		{ "{\"device\":\"jp0\",\"sessions\":[", "truncated" },
		{ "{\"device\":\"jp0\",\"sessions\":[]} x", "trailing garbage" },
		{ "[]", "not an object" },
		{ "{\"sessions\":[]}", "no device" },
		{ "{\"device\":\"jp0\"}", "no sessions" },
		{ "{\"device\":\"jp0\",\"sessions\":{}}", "sessions not a list" },
		{ "{\"device\":\"jp0\",\"sessions\":[{\"paths\":[]}]}",
		  "a session without id" },
		{ "{\"device\":\"jp0\",\"sessions\":[{\"session\":4294967296,\"paths\":[]}]}",
		  "an id past u32" },
		{ "{\"device\":\"jp0\",\"sessions\":[{\"session\":-1,\"paths\":[]}]}",
		  "a negative id" },
		{ "{\"device\":\"jp0\",\"sessions\":[{\"session\":1}]}",
		  "a session without paths" },
		{ "{\"device\":\"jp0\",\"sessions\":[{\"session\":1,\"paths\":[{}]}]}",
		  "an empty path" },
		{ "{\"device\":\"jp0\",\"sessions\":[{\"session\":1,\"paths\":[{\"path\":\"x\","
		  "\"state\":\"validated\",\"active\":1,\"usable\":true,\"srtt_us\":0,"
		  "\"rttvar_us\":0,\"loss_permille\":0,\"settled\":0}]}]}",
		  "active not a boolean" },
		{ "{\"device\":\"jp0\",\"sessions\":[{\"session\":1,\"paths\":[{\"path\":\"x\","
		  "\"state\":\"validated\",\"active\":true,\"usable\":true,\"srtt_us\":0,"
		  "\"rttvar_us\":0,\"loss_permille\":1001,\"settled\":0}]}]}",
		  "loss above 1000 permille" },
		{ "{\"device\":\"jp0\",\"sessions\":[{\"session\":1,\"paths\":[{\"path\":\"x\","
		  "\"state\":\"validated\",\"active\":true,\"usable\":true,\"srtt_us\":-5,"
		  "\"rttvar_us\":0,\"loss_permille\":0,\"settled\":0}]}]}",
		  "a negative RTT" },
		{ "{\"device\":\"jp0\",\"sessions\":[{\"session\":1,\"paths\":[{\"path\":\"x\","
		  "\"state\":\"a state name far too long\",\"active\":true,\"usable\":true,"
		  "\"srtt_us\":0,\"rttvar_us\":0,\"loss_permille\":0,\"settled\":0}]}]}",
		  "a state longer than any" },
	};
	char err[128], name[96];
	struct jd_status *st;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		st = parse(bad[i].doc, "jp0", err);
		snprintf(name, sizeof(name), "refused: %s", bad[i].why);
		ok(!st && err[0], name);
		jd_status_free(st);
	}
	st = parse(good, "jp1", err);
	ok(!st, "refused: another device's document");
	is_str(err, "it is about another device", "refused: says why");
	/* A NUL inside is not the end of the document. */
	st = jd_status_parse("{\"device\":\"jp0\",\"sessions\":[]}\0x", 34,
			     "jp0", err, sizeof(err));
	ok(!st, "refused: bytes after a NUL");
}

static FILE *mem(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static void render_paths(enum out_mode mode, const struct jd_status_session *s)
{
	struct out o;
	FILE *f = mem();

	out_init(&o, f, mode);
	out_record_begin(&o, NULL);
	out_u64(&o, "id", "session", s->id);
	out_paths(&o, s);
	out_record_end(&o);
	out_finish(&o);
	fclose(f);
}

static void test_format(void)
{
	struct jd_status *st;
	char err[128];

	st = parse(good, "jp0", err);
	if (!ok(st != NULL, "format: parsed"))
		return;
	render_paths(OUT_TEXT, jd_status_session(st, 7));
	is_str(buf,
	       "session: 7\n"
	       "  path: 192.0.2.2:51820 via 198.51.100.2  validated  rtt 21.3 ms (var 1.2)  loss 12.5% of 16  unusable\n"
	       "  path: 192.0.2.2:51820 via 203.0.113.2  probing  rtt -  loss -  active\n",
	       "format: text, one line per path, active and unusable marked");
	render_paths(OUT_JSON, jd_status_session(st, 7));
	is_str(buf,
	       "{\n"
	       "  \"id\": 7,\n"
	       "  \"paths\": [\n"
	       "    {\n"
	       "      \"path\": \"192.0.2.2:51820 via 198.51.100.2\",\n"
	       "      \"state\": \"validated\",\n"
	       "      \"active\": false,\n"
	       "      \"usable\": false,\n"
	       "      \"srtt_us\": 21345,\n"
	       "      \"rttvar_us\": 1200,\n"
	       "      \"loss_permille\": 125,\n"
	       "      \"settled\": 16\n"
	       "    },\n"
	       "    {\n"
	       "      \"path\": \"192.0.2.2:51820 via 203.0.113.2\",\n"
	       "      \"state\": \"probing\",\n"
	       "      \"active\": true,\n"
	       "      \"usable\": true,\n"
	       "      \"srtt_us\": 0,\n"
	       "      \"rttvar_us\": 0,\n"
	       "      \"loss_permille\": 0,\n"
	       "      \"settled\": 0\n"
	       "    }\n"
	       "  ]\n"
	       "}\n",
	       "format: JSON, jumpd's fields with their types");
	render_paths(OUT_JSON, jd_status_session(st, UINT32_MAX));
	is_str(buf, "{\n  \"id\": 4294967295,\n  \"paths\": []\n}\n",
	       "format: JSON, a responder's empty list");
	render_paths(OUT_TEXT, jd_status_session(st, UINT32_MAX));
	is_str(buf, "session: 4294967295\n", "format: text, no path lines");
	jd_status_free(st);
}

/* A kernel session nest: id, state and a binding. */
static struct nlattr *build_session(struct nl_msg *msg, uint32_t id)
{
	struct nlattr *s, *n;
	struct in_addr a4;

	s = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u32(msg, JUMPING_A_SESSION_ID, id);
	nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, 9);
	nla_put_u8(msg, JUMPING_A_SESSION_STATE, JUMPING_STATE_ATTACHED);
	n = nla_nest_start(msg, JUMPING_A_SESSION_BINDING);
	inet_pton(AF_INET, "192.0.2.2", &a4);
	nla_put(msg, JUMPING_A_BINDING_REMOTE_IPV4, 4, &a4);
	nla_put_u16(msg, JUMPING_A_BINDING_REMOTE_PORT, htons(51820));
	nla_nest_end(msg, n);
	nla_nest_end(msg, s);
	return s;
}

static int render_session(enum out_mode mode, struct nlattr *nest,
			  const struct jd_status *st, uint32_t id)
{
	struct out o;
	FILE *f = mem();
	int ret;

	out_init(&o, f, mode);
	ret = out_session(&o, nest, jd_status_session(st, id));
	out_finish(&o);
	fclose(f);
	return ret;
}

/* The paths go to the kernel's session of the same id, after its history. */
static void test_merge(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct jd_status *st;
	struct nlattr *nest;
	char err[128];

	st = parse(good, "jp0", err);
	nest = build_session(msg, 7);
	ok(render_session(OUT_TEXT, nest, st, 7) == 0, "merge: text printed");
	is_str(buf,
	       "session: 7\n"
	       "  peer: office\n"
	       "  peer id: 9\n"
	       "  state: attached\n"
	       "  remote: 192.0.2.2:51820\n"
	       "  endpoint: 192.0.2.2:51820 via 203.0.113.2\n"
	       "  last handshake ms ago: 2500\n"
	       "  path: 192.0.2.2:51820 via 198.51.100.2  validated  rtt 21.3 ms (var 1.2)  loss 12.5% of 16  unusable\n"
	       "  path: 192.0.2.2:51820 via 203.0.113.2  probing  rtt -  loss -  active\n",
	       "merge: text, the session's fields and then its paths");
	ok(render_session(OUT_JSON, nest, st, 7) == 0, "merge: JSON printed");
	ok(strstr(buf, "  \"history\": [],\n  \"paths\": [\n    {\n"
		  "      \"path\": \"192.0.2.2:51820 via 198.51.100.2\",") &&
	   strstr(buf, "\"path\": \"192.0.2.2:51820 via 203.0.113.2\""),
	   "merge: JSON, a paths list in the session record");
	nlmsg_free(msg);

	/* jumpd does not know the kernel's session: as without jumpd. */
	msg = nlmsg_alloc();
	nest = build_session(msg, 8);
	render_session(OUT_JSON, nest, st, 8);
	ok(!strstr(buf, "paths"), "merge: another session gets no paths key");
	render_session(OUT_JSON, nest, NULL, 8);
	ok(!strstr(buf, "paths"), "merge: no jumpd, no paths key");
	nlmsg_free(msg);
	jd_status_free(st);
}

static void render_cluster(enum out_mode mode, const struct jd_status *st)
{
	struct out o;
	FILE *f = mem();

	out_init(&o, f, mode);
	out_record_begin(&o, NULL);
	out_str(&o, "ifname", "device", "jp0");
	out_jd_cluster(&o, &st->cluster);
	out_record_end(&o);
	out_finish(&o);
	fclose(f);
}

static void test_cluster(void)
{
	static const char *const bad[] = {
		"{\"device\":\"jp0\",\"sessions\":[],\"cluster\":[]}",
		"{\"device\":\"jp0\",\"sessions\":[],\"cluster\":{\"state\":\"serving\",\"watching\":true,\"takeovers\":0}}",
		"{\"device\":\"jp0\",\"sessions\":[],\"cluster\":{\"node\":\"gw-a\",\"state\":\"serving\",\"watching\":1,\"takeovers\":0}}",
		"{\"device\":\"jp0\",\"sessions\":[],\"cluster\":{\"node\":\"gw-a\",\"state\":\"serving\",\"watching\":true,\"takeovers\":-1}}",
		"{\"device\":\"jp0\",\"sessions\":[],\"cluster\":{\"node\":\"gw-a\",\"state\":\"serving\",\"watching\":true,\"takeovers\":0,\"serve_left_ms\":\"4s\"}}",
	};
	struct jd_status *st;
	char err[128];
	unsigned int i;
	bool refused = true;

	st = parse(good, "jp0", err);
	ok(st && !st->has_cluster, "cluster: none in a document without it");
	jd_status_free(st);
	st = parse("{\"device\":\"jp0\",\"sessions\":[],\"cluster\":"
		   "{\"node\":\"gw-a\",\"state\":\"serving\","
		   "\"serve_left_ms\":3900,\"watching\":true,\"takeovers\":2}}",
		   "jp0", err);
	ok(st && st->has_cluster && !strcmp(st->cluster.node, "gw-a") &&
	   !strcmp(st->cluster.state, "serving") &&
	   st->cluster.has_serve_left && st->cluster.serve_left_ms == 3900 &&
	   st->cluster.watching && st->cluster.takeovers == 2,
	   "cluster: node, state, time left, watch, takeovers");
	if (st) {
		render_cluster(OUT_TEXT, st);
		is_str(buf,
		       "device: jp0\n"
		       "  cluster node: gw-a\n"
		       "  cluster state: serving\n"
		       "  cluster serves without a renewal ms: 3900\n"
		       "  cluster watches owner keys: yes\n"
		       "  cluster takeovers in hand: 2\n",
		       "cluster: text");
		render_cluster(OUT_JSON, st);
		ok(strstr(buf, "\"cluster\": {\n    \"node\": \"gw-a\",\n"
			  "    \"state\": \"serving\",\n"
			  "    \"serve_left_ms\": 3900,\n"
			  "    \"watching\": true,\n"
			  "    \"takeovers\": 2\n  }") != NULL,
		   "cluster: JSON, a record in the device's");
	}
	jd_status_free(st);
	st = parse("{\"device\":\"jp0\",\"sessions\":[],\"cluster\":"
		   "{\"node\":\"gw-a\",\"state\":\"fenced\","
		   "\"watching\":false,\"takeovers\":0}}", "jp0", err);
	ok(st && st->has_cluster && !st->cluster.has_serve_left &&
	   !strcmp(st->cluster.state, "fenced"),
	   "cluster: fenced, no time left");
	jd_status_free(st);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		st = parse(bad[i], "jp0", err);
		refused &= !st && !strcmp(err, "its cluster part is malformed");
		jd_status_free(st);
	}
	ok(refused, "cluster: a malformed part refuses the document");
}

/* A listening socket at dir/dev.sock; -1 on failure. */
static int listen_at(const char *dir, const char *dev)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s.sock", dir, dev);
	unlink(sun.sun_path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(fd, 1)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A child answers one connection with doc, as jumpd does, and exits. */
static pid_t serve_once(int lfd, const char *doc, size_t n)
{
	pid_t pid = fork();
	int c;

	if (pid)
		return pid;
	c = accept(lfd, NULL, NULL);
	if (c >= 0 && write(c, doc, n) != (ssize_t)n)
		_exit(1);
	_exit(0);
}

static void test_fetch(void)
{
	char dir[] = "/tmp/jumpctl-paths.XXXXXX", path[128];
	struct jd_status *st;
	pid_t pid;
	int lfd, status;

	if (!ok(mkdtemp(dir) != NULL, "fetch: a directory"))
		return;
	ok(!jd_status_fetch(dir, "jp0"), "fetch: no socket, no status");

	/* A jumpd that died: the socket file is there, nobody listens. */
	lfd = listen_at(dir, "jp0");
	close(lfd);
	ok(!jd_status_fetch(dir, "jp0"), "fetch: a stale socket, no status");

	lfd = listen_at(dir, "jp0");
	pid = serve_once(lfd, good, strlen(good));
	st = jd_status_fetch(dir, "jp0");
	waitpid(pid, &status, 0);
	ok(st && st->n == 2 && jd_status_session(st, 7) &&
	   jd_status_session(st, 7)->n_paths == 2,
	   "fetch: jumpd's document read to its end");
	jd_status_free(st);

	/* Cut short (what a jumpd that gave up sending leaves): refused. */
	pid = serve_once(lfd, good, 40);
	fputs("# expect a warning:\n", stderr);
	st = jd_status_fetch(dir, "jp0");
	waitpid(pid, &status, 0);
	ok(!st, "fetch: a truncated document is refused");
	close(lfd);

	snprintf(path, sizeof(path), "%s/jp0.sock", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_parse();
	test_refused();
	test_format();
	test_merge();
	test_cluster();
	test_fetch();
	free(buf);
	return tap_done();
}
