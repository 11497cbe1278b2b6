/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thin layer over libnl-genl for the "jumping" generic netlink family:
 * open a socket, resolve the family, send one request and collect its
 * replies, and turn any failure into one readable message (the kernel's
 * extack text when it sent one). Shared by jumpctl and jumpd.
 */
#ifndef JUMPING_GENL_H
#define JUMPING_GENL_H

#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <linux/jumping.h>

struct jg_sock {
	struct nl_sock *sk;
	int family;		/* resolved generic netlink family id */
	int err;		/* last failure, a negative errno, 0 if none */
	char msg[256];		/* last failure as text: extack or strerror;
				 * a 4-byte extack cookie (the session that
				 * owns a prefix) is appended as ": session N" */
};

/*
 * Called once per reply message with its top-level attributes parsed and
 * type-checked (tb has JUMPING_A_MAX + 1 entries). Return 0 to go on, or a
 * negative errno to fail the request (set js->msg first if you can say why).
 */
typedef int (*jg_reply_fn)(struct jg_sock *js, struct nlattr **tb, void *arg);

/* 0, or a negative errno with js->msg set ("jumping module not loaded"). */
int jg_open(struct jg_sock *js);
void jg_close(struct jg_sock *js);

/* A request for cmd with the family header filled in; NULL on ENOMEM. */
struct nl_msg *jg_msg_new(struct jg_sock *js, uint8_t cmd, int flags);
/* The same with room for at least payload bytes of attributes. */
struct nl_msg *jg_msg_new_size(struct jg_sock *js, uint8_t cmd, int flags,
			       size_t payload);

/*
 * Room a request needs for n JUMPING_A_SESSION_PREFIX (each as large as an
 * IPv6 one), on top of what fits a default-sized message.
 */
#define JG_PREFIX_SIZE	32
#define JG_MSG_BASE	4096

/*
 * Send msg (always freed), hand every reply to fn (may be NULL) and wait
 * for the kernel's ACK or the end of the dump. 0 or a negative errno; on
 * failure js->msg holds the reason.
 */
int jg_request(struct jg_sock *js, struct nl_msg *msg, jg_reply_fn fn,
	       void *arg);

/*
 * An NLMSG_ERROR message read by hand (pipelined requests): 0 for an
 * ACK, else the negative errno, with the reason (the kernel's extack
 * text, or strerror) in out.
 */
int jg_nlmsgerr(const struct nlmsghdr *nlh, char *out, size_t size);

/* Record a failure found by a caller (e.g. a reply it cannot use). */
int jg_fail(struct jg_sock *js, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* JUMPING_GENL_H */
