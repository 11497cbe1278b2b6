// SPDX-License-Identifier: GPL-2.0
/* Transport bindings: compare, print, parse (binding.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "binding.h"

static size_t addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

bool jp_binding_is_set(const struct jp_binding *b)
{
	return addr_len(b->family) != 0;
}

bool jp_binding_equal(const struct jp_binding *a, const struct jp_binding *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, addr_len(a->family));
}

char *jp_binding_str(const struct jp_binding *b, char *out)
{
	char ip[INET6_ADDRSTRLEN];

	if (!jp_binding_is_set(b) ||
	    !inet_ntop(b->family, b->addr, ip, sizeof(ip))) {
		snprintf(out, JP_BINDING_STRLEN, "none");
		return out;
	}
	if (b->family == AF_INET6)
		snprintf(out, JP_BINDING_STRLEN, "[%s]:%u", ip, b->port);
	else
		snprintf(out, JP_BINDING_STRLEN, "%s:%u", ip, b->port);
	return out;
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int jp_binding_parse(const char *s, struct jp_binding *out)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (*s == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -EINVAL;
		n = (size_t)(colon - s - 1);
		if (n >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, out->addr) != 1)
			return -EINVAL;
		out->family = AF_INET6;
		return parse_port(colon + 2, &out->port);
	}
	colon = strrchr(s, ':');
	if (!colon)
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, out->addr) != 1)
		return -EINVAL;
	out->family = AF_INET;
	return parse_port(colon + 1, &out->port);
}

int jp_binding_from_sockaddr(const void *sa, struct jp_binding *out)
{
	const struct sockaddr_in *in4 = sa;
	const struct sockaddr_in6 *in6 = sa;

	memset(out, 0, sizeof(*out));
	switch (in4->sin_family) {
	case AF_INET:
		out->family = AF_INET;
		memcpy(out->addr, &in4->sin_addr, 4);
		out->port = ntohs(in4->sin_port);
		return 0;
	case AF_INET6:
		out->family = AF_INET6;
		memcpy(out->addr, &in6->sin6_addr, 16);
		out->port = ntohs(in6->sin6_port);
		return 0;
	}
	return -EAFNOSUPPORT;
}
