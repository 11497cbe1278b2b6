// SPDX-License-Identifier: GPL-2.0
/* Endpoint names resolved by a worker thread (resolver.h). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "resolver.h"
#include "thread.h"

#define QUEUE_LEN	64

struct lookup {
	uint64_t tag;
	uint16_t port;
	char host[256];
};

struct jd_resolver {
	pthread_t worker;
	pthread_mutex_t lock;		/* the queue and stop */
	pthread_cond_t more;
	struct lookup queue[QUEUE_LEN];
	unsigned int head, len;
	bool stop;
	int pipe[2];			/* answers: worker -> main loop */
};

/* An answer is written whole: under PIPE_BUF, so never interleaved. */
_Static_assert(sizeof(struct jd_answer) <= 4096, "answer fits PIPE_BUF");

static void resolve(const struct lookup *l, struct jd_answer *a)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res, *ai;

	memset(a, 0, sizeof(*a));
	a->tag = l->tag;
	a->error = getaddrinfo(l->host, NULL, &hints, &res);
	if (a->error)
		return;
	for (ai = res; ai && a->n < JD_RESOLVE_MAX; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		jp_binding_from_sockaddr(ai->ai_addr, &a->addr[a->n]);
		a->addr[a->n].port = l->port;
		a->n++;
	}
	freeaddrinfo(res);
	if (!a->n)
		a->error = EAI_NONAME;
}

static void *work(void *arg)
{
	struct jd_resolver *r = arg;
	struct jd_answer a;
	struct lookup l;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		while (!r->len && !r->stop)
			pthread_cond_wait(&r->more, &r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		l = r->queue[r->head];
		r->head = (r->head + 1) % QUEUE_LEN;
		r->len--;
		pthread_mutex_unlock(&r->lock);
		resolve(&l, &a);
		/* The main loop reads answers as they come; a full pipe
		 * (it stopped reading) only delays us. */
		while (write(r->pipe[1], &a, sizeof(a)) < 0 && errno == EINTR)
			;
	}
}

int jd_resolver_open(struct jd_resolver **out)
{
	struct jd_resolver *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	if (pipe2(r->pipe, O_CLOEXEC)) {
		ret = -errno;
		free(r);
		return ret;
	}
	fcntl(r->pipe[0], F_SETFL, O_NONBLOCK);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->more, NULL);
	ret = -jd_thread_start_quiet(&r->worker, work, r);
	if (ret) {
		close(r->pipe[0]);
		close(r->pipe[1]);
		free(r);
		return ret;
	}
	*out = r;
	return 0;
}

void jd_resolver_close(struct jd_resolver *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->lock);
	/* A lookup under way finishes first (getaddrinfo cannot be cut). */
	pthread_join(r->worker, NULL);
	close(r->pipe[0]);
	close(r->pipe[1]);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->more);
	free(r);
}

int jd_resolver_fd(const struct jd_resolver *r)
{
	return r->pipe[0];
}

int jd_resolver_ask(struct jd_resolver *r, uint64_t tag, const char *host,
		    uint16_t port)
{
	struct lookup *l;

	pthread_mutex_lock(&r->lock);
	if (r->len == QUEUE_LEN) {
		pthread_mutex_unlock(&r->lock);
		return -EBUSY;
	}
	l = &r->queue[(r->head + r->len) % QUEUE_LEN];
	l->tag = tag;
	l->port = port;
	strncpy(l->host, host, sizeof(l->host) - 1);
	l->host[sizeof(l->host) - 1] = '\0';
	r->len++;
	pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

int jd_resolver_take(struct jd_resolver *r, struct jd_answer *out)
{
	ssize_t n = read(r->pipe[0], out, sizeof(*out));

	if (n == (ssize_t)sizeof(*out))
		return 0;
	return -EAGAIN;
}
