// SPDX-License-Identifier: GPL-2.0
/* Transport bindings: compare, print, parse (binding.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "binding.h"
#include "jumping_parse.h"

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
	       a->ifindex == b->ifindex &&
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

int jp_binding_parse(const char *s, struct jp_binding *out)
{
	struct jp_endpoint ep;

	if (parse_endpoint(s, &ep))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->family = (uint8_t)ep.addr.family;
	if (ep.addr.family == AF_INET)
		memcpy(out->addr, &ep.addr.v4, 4);
	else
		memcpy(out->addr, &ep.addr.v6, 16);
	out->port = ep.port;
	return 0;
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
