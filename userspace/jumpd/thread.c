// SPDX-License-Identifier: GPL-2.0
/* jumpd's helper threads (the resolver, the etcd worker and watch). */
#include <signal.h>
#include "thread.h"

int jd_thread_start_quiet(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}
