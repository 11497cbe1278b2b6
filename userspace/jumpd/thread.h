/* SPDX-License-Identifier: GPL-2.0 */
#ifndef JUMPD_THREAD_H
#define JUMPD_THREAD_H

#include <pthread.h>

/*
 * Start fn(arg) on a new thread that takes no signal: SIGHUP and SIGTERM
 * are the main loop's (signalfd), and one delivered to a helper thread
 * would kill the process. The thread inherits the mask it is created
 * with, so every signal is blocked across pthread_create. Returns
 * pthread_create's error number (0 on success).
 */
int jd_thread_start_quiet(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif /* JUMPD_THREAD_H */
