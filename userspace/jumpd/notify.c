// SPDX-License-Identifier: GPL-2.0
/*
 * Service notifications for systemd (jumpd@.service is Type=notify):
 * READY=1 once the device, its port and the peers are set up, STATUS=
 * with what jumpd runs, RELOADING=1 then READY=1 around a SIGHUP reload,
 * STOPPING=1 on the way out. sd_notify() does nothing when NOTIFY_SOCKET
 * is unset, so a jumpd started by hand sends nothing; a jumpd built
 * without libsystemd never does.
 */
#include <stdio.h>
#include <time.h>
#include "jumpd.h"
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

static void notify(const char *msg)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notify(0, msg);
#else
	(void)msg;
#endif
}

void jd_notify_ready(const struct jd *d)
{
	unsigned int i, sessions = 0;
	char msg[256];

	for (i = 0; i < d->n_peers; i++)
		sessions += d->peers[i]->has_session;
	snprintf(msg, sizeof(msg),
		 "READY=1\nSTATUS=device %s port %u: %u peers, %u sessions",
		 d->cfg->iface.device, d->listen_port, d->n_peers, sessions);
	notify(msg);
}

/* MONOTONIC_USEC: when the reload began (systemd 253's notify-reload). */
void jd_notify_reloading(void)
{
	struct timespec ts;
	char msg[128];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg),
		 "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
		 (unsigned long long)ts.tv_nsec / 1000);
	notify(msg);
}

void jd_notify_stopping(void)
{
	notify("STOPPING=1\nSTATUS=exiting; kernel sessions stay up");
}
