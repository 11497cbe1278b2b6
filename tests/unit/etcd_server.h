/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A throwaway etcd for the unit tests, and the small helpers its tests
 * share: a monotonic clock, a pause, a free loopback port.
 */
#ifndef JUMPING_ETCD_SERVER_H
#define JUMPING_ETCD_SERVER_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Start etcd (its path) and wait up to deadline_ms for its gateway: 0
 * with its client URL, or -1 (etcd's log printed as TAP comments).
 */
int etcd_server_start(const char *etcd, long deadline_ms, char *url,
		      size_t url_len);
/* Kill it and remove its data; also run at exit. */
void etcd_server_stop(void);
/*
 * Send it sig (SIGSTOP: an etcd that takes requests and answers none;
 * SIGCONT: back). 0, or -1 if it is not running.
 */
int etcd_server_signal(int sig);

long long now_ms(void);
/* A pause between polls of a condition that has its own deadline. */
void pause_ms(long ms);
/* A socket bound to a free loopback port, listening if asked; or -1. */
int loopback_socket(int *port, bool listening);

#endif /* JUMPING_ETCD_SERVER_H */
