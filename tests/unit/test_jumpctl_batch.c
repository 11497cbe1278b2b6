// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test for jumpctl -batch's lines (userspace/jumpctl/batch_parse.c,
 * device_req.c): words, comments, and the request each line makes, read
 * back with libnl. No socket is opened. Usage errors print to stderr.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include "tap.h"
#include "batch_parse.h"
#include "device_req.h"
#include "jumping_policy.h"

#define ARGS(...) \
	((struct args){ sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *), \
			(char *[]){ __VA_ARGS__ } })

static struct jg_sock js = { .family = 0x42 };

/* The command of msg and its top-level attributes; -1 if malformed. */
static int cmd_of(struct nl_msg *msg, struct nlattr **tb)
{
	if (!msg || genlmsg_parse(nlmsg_hdr(msg), 0, tb, JUMPING_A_MAX,
				  jg_policy_top))
		return -1;
	return genlmsg_hdr(nlmsg_hdr(msg))->cmd;
}

static void test_split(void)
{
	char line[] = "  session\tadd jp0  id 7 # a comment\n";
	char *argv[8];
	int argc;

	ok(batch_split(line, argv, 8, &argc) == 0 && argc == 5,
	   "split: five words, blanks and tabs, comment dropped");
	ok(argc == 5 && !strcmp(argv[0], "session") && !strcmp(argv[4], "7"),
	   "split: the words in order");
	strcpy(line, "a b c d e f");
	ok(batch_split(line, argv, 3, &argc) == -E2BIG, "split: too many words");
}

static void test_lines(void)
{
	struct nlattr *tb[JUMPING_A_MAX + 1], *stb[JUMPING_A_SESSION_MAX + 1];
	struct nl_msg *msg;

	ok(batch_line_msg(&js, "\n", &msg) == 0 && !msg, "blank line: no request");
	ok(batch_line_msg(&js, "# session add jp0 id 1\n", &msg) == 0 && !msg,
	   "comment line: no request");

	ok(batch_line_msg(&js, "session add jp0 id 7 peer-id 8 remote 192.0.2.1:5 allowed 10.0.0.0/24\n",
			  &msg) == 0 && cmd_of(msg, tb) == JUMPING_CMD_SESSION_NEW,
	   "session add: SESSION_NEW");
	ok(tb[JUMPING_A_SESSION] &&
	   !nla_parse_nested(stb, JUMPING_A_SESSION_MAX, tb[JUMPING_A_SESSION],
			     jg_policy_session) &&
	   stb[JUMPING_A_SESSION_ID] && nla_get_u32(stb[JUMPING_A_SESSION_ID]) == 7 &&
	   stb[JUMPING_A_SESSION_BINDING] && stb[JUMPING_A_SESSION_PREFIX],
	   "session add: id, binding and prefix");
	nlmsg_free(msg);

	ok(batch_line_msg(&js, "binding set jp0 id 7 remote 192.0.2.9:6", &msg) == 0 &&
	   cmd_of(msg, tb) == JUMPING_CMD_BINDING_SET, "binding set: BINDING_SET");
	nlmsg_free(msg);
	ok(batch_line_msg(&js, "key add jp0 id 7 slot primary key-id 1 cipher aes256gcm "
			  "enc-key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f "
			  "dec-key 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100",
			  &msg) == 0 && cmd_of(msg, tb) == JUMPING_CMD_KEY_NEW,
	   "key add: KEY_NEW");
	ok(tb[JUMPING_A_SESSION] &&
	   !nla_parse_nested(stb, JUMPING_A_SESSION_MAX, tb[JUMPING_A_SESSION],
			     jg_policy_session) && stb[JUMPING_A_SESSION_KEYCONF],
	   "key add: keyconf nest");
	nlmsg_free(msg);
	ok(batch_line_msg(&js, "session del jp0 id 7", &msg) == 0 &&
	   cmd_of(msg, tb) == JUMPING_CMD_SESSION_DEL, "session del: SESSION_DEL");
	nlmsg_free(msg);
	ok(batch_line_msg(&js, "set jp0 control-rate 20000 fwmark 0x10", &msg) == 0 &&
	   cmd_of(msg, tb) == JUMPING_CMD_DEVICE_SET &&
	   tb[JUMPING_A_CONTROL_RATE] &&
	   nla_get_u32(tb[JUMPING_A_CONTROL_RATE]) == 20000 &&
	   tb[JUMPING_A_FWMARK] && !tb[JUMPING_A_LISTEN_PORT],
	   "set: DEVICE_SET with the rate and mark only");
	nlmsg_free(msg);

	usage_where = "batch line 9";
	ok(batch_line_msg(&js, "frobnicate jp0", &msg) == EXIT_USAGE && !msg,
	   "unknown command refused");
	ok(batch_line_msg(&js, "monitor", &msg) == EXIT_USAGE && !msg,
	   "a command that cannot be batched refused");
	ok(batch_line_msg(&js, "session add jp0 id 7", &msg) == EXIT_USAGE && !msg,
	   "session add without peer-id refused");
	ok(batch_line_msg(&js, "key add jp0 id 7 slot primary", &msg) == EXIT_USAGE &&
	   !msg, "key add without the key refused");
	ok(batch_line_msg(&js, "set jp0", &msg) == EXIT_USAGE && !msg,
	   "set without a setting refused");
	usage_where = NULL;
}

static void test_set_args(void)
{
	struct args a1 = ARGS("jp0", "control-rate", "fast");
	struct args a2 = ARGS("jp0", "control-rate", "4");
	struct args a3 = ARGS("jp0", "speed", "4");
	struct set_args s;

	ok(parse_set_args(&a1, &s) == EXIT_USAGE, "set: a rate that is no number");
	ok(parse_set_args(&a2, &s) == 0 && s.has_control_rate &&
	   s.control_rate == 4 && !s.has_port && !s.has_fwmark,
	   "set: control-rate alone");
	ok(parse_set_args(&a3, &s) == EXIT_USAGE, "set: unknown setting");
}

int main(void)
{
	test_split();
	test_lines();
	test_set_args();
	return tap_done();
}
