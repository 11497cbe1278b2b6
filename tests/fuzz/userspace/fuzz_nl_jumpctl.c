// SPDX-License-Identifier: GPL-2.0
/*
 * jumpctl's readers of kernel messages on random attributes: monitor's
 * event line (monitor_event.h) from what monitor.c's callback parses, and
 * `session show`'s path: the dump accumulator (session_show.h) and the
 * session and counter records. Besides not crashing: whatever the kernel
 * says, JSON output that was finished without error parses as JSON.
 */
#include <errno.h>
#include <json-c/json_tokener.h>
#include <json-c/json_object.h>
#include "fuzz_nl.h"
#include "jumping_policy.h"
#include "monitor_event.h"
#include "session_show.h"
#include "stats.h"

static void check_json(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;
	size_t end;

	FUZZ_CHECK(tok);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	end = obj ? json_tokener_get_parse_end(tok) : 0;
	while (end < len && (buf[end] == '\n' || buf[end] == ' '))
		end++;
	if (!obj || json_tokener_get_error(tok) != json_tokener_success ||
	    end != len) {
		fprintf(stderr, "not one JSON value: %.*s\n", (int)len, buf);
		FUZZ_CHECK(!"invalid JSON");
	}
	json_object_put(obj);
	json_tokener_free(tok);
}

static void monitor_line(uint8_t cmd, struct nlattr **top, enum out_mode mode,
			 const char *dev)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	FUZZ_CHECK(f);
	ret = print_event(f, mode, cmd, top, dev);
	FUZZ_CHECK(ret == 0 || ret == -ENOENT || ret == -EPROTO);
	fclose(f);
	if (ret)
		FUZZ_CHECK(len == 0);	/* nothing printed then */
	else
		FUZZ_CHECK(len && buf[len - 1] == '\n' &&
			   !memchr(buf, '\n', len - 1));
	if (!ret && mode == OUT_JSON)
		check_json(buf, len);
	free(buf);
}

static void session_show(struct nlattr **top)
{
	struct session_acc acc = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out o;
	int ret = 0, r;

	FUZZ_CHECK(f);
	out_init(&o, f, OUT_JSON);
	out_record_begin(&o, NULL);
	out_list_begin(&o, "sessions");
	if (top[JUMPING_A_SESSION]) {
		/* Twice: the second is a continuation of the same id. */
		r = session_acc_add(&acc, top[JUMPING_A_SESSION]);
		if (r == 0)
			r = session_acc_add(&acc, top[JUMPING_A_SESSION]);
		FUZZ_CHECK(r <= 0);
		if (r < 0)
			ret = r;
		if (acc.nest && out_session(&o, acc.nest, NULL))
			ret = -EPROTO;
		session_acc_reset(&acc);
	}
	out_list_end(&o);
	if (top[JUMPING_A_DEV_STATS] && out_stats(&o, top[JUMPING_A_DEV_STATS]))
		ret = -EPROTO;
	out_record_end(&o);
	out_finish(&o);
	fclose(f);
	if (!ret)
		check_json(buf, len);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh = fuzz_nl_msg(data, size);
	struct nlattr *top[JUMPING_A_MAX + 1];
	struct genlmsghdr *gh;

	if (!nlh)
		return 0;
	/* As monitor.c's on_message: not ours to judge if this fails. */
	if (genlmsg_parse(nlh, 0, top, JUMPING_A_MAX,
			  (struct nla_policy *)jg_policy_top) == 0) {
		gh = nlmsg_data(nlh);
		monitor_line(gh->cmd, top, OUT_TEXT, NULL);
		monitor_line(gh->cmd, top, OUT_JSON, NULL);
		monitor_line(gh->cmd, top, OUT_JSON, "jp0");
		session_show(top);
	}
	free(nlh);
	return 0;
}
