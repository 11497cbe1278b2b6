/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jumpd's netlink operations on the jumping family: one command socket
 * (request, wait for the ACK) and one event socket subscribed to the
 * "events" and "control" groups, read from the main loop's poll.
 * Addresses are struct jp_binding throughout; a local address is a
 * binding whose port is ignored (family 0: the kernel's choice), and its
 * ifindex, if not 0, the interface packets leave by.
 */
#ifndef JUMPD_KERNEL_H
#define JUMPD_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/jumping.h>
#include "binding.h"
#include "jumping_genl.h"
#include "jumping_parse.h"

struct jd_kernel {
	struct jg_sock cmd;
	struct nl_sock *ev;
	uint32_t ifindex;
	/* Requests sent, and of them SESSION_GETs (one session or a dump):
	 * the status document shows them (a test counts them when idle). */
	uint64_t requests, session_gets, session_dumps;
};

/*
 * What SESSION_GET / dump / STATE_NTF / SILENCE_NTF tell about one
 * session. local.ifindex: the binding's interface (0: any).
 */
struct jk_session {
	uint32_t id, peer_id;
	bool has_state, has_rx_age, has_tx_age;
	uint8_t state, old_state;
	uint16_t reason;
	uint64_t rx_age_ms, tx_age_ms;
	struct jp_binding remote, local;
	uint64_t rx_packets;
	/*
	 * SILENCE_MS (GET/dump); liveness: enum jumping_liveness, 0 if
	 * absent (SILENCE_NTF: silent or resumed; GET: silent while so);
	 * unheard_ms: since the first packet sent unanswered (SILENCE_NTF;
	 * GET while unanswered). In SILENCE_NTF, rx_age_ms is the time since
	 * the last rx before it (resumed: the length of the gap).
	 */
	uint32_t silence_ms;
	uint8_t liveness;
	bool has_unheard;
	uint64_t unheard_ms;
};

/*
 * A session to create (SESSION_NEW). local.ifindex: the interface its
 * packets leave by (0: any). silence_ms: 0 = off.
 */
struct jk_session_new {
	uint32_t id, peer_id;
	struct jp_binding remote, local;
	const struct jp_prefix *prefixes;
	unsigned int n_prefixes;
	uint32_t silence_ms;
};

/*
 * One notification from the event socket. SILENCE_NTF (cmd
 * JUMPING_CMD_SILENCE_NTF): s.id, s.peer_id, s.liveness, s.unheard_ms,
 * s.rx_age_ms (if s.has_rx_age).
 */
struct jk_event {
	uint8_t cmd;			/* JUMPING_CMD_*_NTF */
	uint32_t ifindex;
	struct jk_session s;		/* session ntfs */
	const uint8_t *packet;		/* PACKET_RX_NTF */
	size_t packet_len;
	struct jp_binding from, to;	/* PACKET_RX_NTF: remote, local */
};

typedef void (*jk_event_fn)(const struct jk_event *ev, void *arg);

int jk_open(struct jd_kernel *k, char *err, size_t errlen);
void jk_close(struct jd_kernel *k);
/* The message of the last failed command. */
const char *jk_error(const struct jd_kernel *k);

/* Use device name, creating it (type jumping, up) if missing. */
int jk_device_ensure(struct jd_kernel *k, const char *name, bool *created);
int jk_device_set(struct jd_kernel *k, uint16_t port, bool set_fwmark,
		  uint32_t fwmark);

/* The device's UDP port now (0: no socket). */
int jk_device_port(struct jd_kernel *k, uint16_t *port);
int jk_session_new(struct jd_kernel *k, const struct jk_session_new *s);
/* Replaces the session's AllowedIPs. */
int jk_session_set_prefixes(struct jd_kernel *k, uint32_t id,
			    const struct jp_prefix *prefixes, unsigned int n);
int jk_session_set_state(struct jd_kernel *k, uint32_t id, uint8_t state,
			 uint16_t reason);
int jk_session_set_keepalive(struct jd_kernel *k, uint32_t id,
			     uint32_t keepalive_ms);
/* SILENCE_NTF after silence_ms sent unheard (10..600000), 0 = off. */
int jk_session_set_silence(struct jd_kernel *k, uint32_t id,
			   uint32_t silence_ms);
int jk_session_del(struct jd_kernel *k, uint32_t id);
int jk_session_get(struct jd_kernel *k, uint32_t id, struct jk_session *out);
/* Every session of the device; fn is called after the dump is read. */
int jk_session_dump(struct jd_kernel *k, struct jk_session **out, size_t *n);

/* reject_after_ms: the key's hard age (JUMPING_A_KEYCONF_REJECT_AFTER_MS). */
int jk_key_new(struct jd_kernel *k, uint32_t id, uint8_t slot, uint8_t key_id,
	       const uint8_t enc[32], const uint8_t dec[32],
	       uint32_t reject_after_ms);
int jk_key_swap(struct jd_kernel *k, uint32_t id);

int jk_binding_set(struct jd_kernel *k, uint32_t id,
		   const struct jp_binding *remote,
		   const struct jp_binding *local, uint16_t reason);
int jk_packet_send(struct jd_kernel *k, const uint8_t *pkt, size_t len,
		   const struct jp_binding *remote,
		   const struct jp_binding *local);

int jk_events_fd(const struct jd_kernel *k);
/* Read every pending notification; -ENOBUFS if some were lost. */
int jk_events_read(struct jd_kernel *k, jk_event_fn fn, void *arg);

#endif /* JUMPD_KERNEL_H */
