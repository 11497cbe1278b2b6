// SPDX-License-Identifier: GPL-2.0
/* The path table and the host's addresses (paths.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "paths.h"

static bool addr_equal(const struct jp_binding *a, const struct jp_binding *b)
{
	return a->family == b->family &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

int jd_paths_find(const struct jd_paths *t, const struct jd_path *path)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (jp_binding_equal(&t->e[i].addr.remote, &path->remote) &&
		    t->e[i].addr.local.family == path->local.family &&
		    (!path->local.family ||
		     addr_equal(&t->e[i].addr.local, &path->local)))
			return (int)i;
	return -1;
}

bool jd_path_carried_by(const struct jd_path *path,
			const struct jp_binding *from,
			const struct jp_binding *to)
{
	if (!jp_binding_equal(&path->remote, from))
		return false;
	/* No LocalAddress: the kernel chose, any of ours will do. */
	return !path->local.family || addr_equal(&path->local, to);
}

void jd_paths_free(struct jd_paths *t)
{
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/*
 * Out of memory, the old table stays (the candidates are then stale until
 * the next rebuild, which is no worse than a name not yet resolved).
 */
void jd_paths_rebuild(struct jd_paths *t, const struct jp_binding *locals,
		      unsigned int n_locals, const struct jp_binding *remotes,
		      unsigned int n_remotes, const struct jd_path *binding,
		      uint32_t first_seq_seed)
{
	struct jd_paths old = *t;
	struct jp_binding any = { 0 };
	struct jd_path_entry *v = NULL;
	unsigned int i, j, n = 0, cap;
	int k;

	if (!n_locals) {
		locals = &any;
		n_locals = 1;
	}
	cap = n_locals * n_remotes;
	if (cap > JD_MAX_PATHS)
		cap = JD_MAX_PATHS;
	if (cap) {
		v = calloc(cap, sizeof(*v));
		if (!v)
			return;
	}
	for (i = 0; i < n_locals; i++) {
		for (j = 0; j < n_remotes && n < cap; j++) {
			struct jd_path_entry *e = &v[n];
			struct jd_path addr = {
				.local = locals[i], .remote = remotes[j]
			};

			if (addr.local.family &&
			    addr.local.family != addr.remote.family)
				continue;
			k = jd_paths_find(&old, &addr);
			if (k >= 0) {
				*e = old.e[k];
			} else {
				e->addr = addr;
				e->usable = true;
				jp_path_init(&e->st, first_seq_seed + n * 0x9e3779b9u);
			}
			e->pref = n;
			n++;
		}
	}
	if (!n) {
		free(v);
		v = NULL;
	}
	t->e = v;
	t->n = n;
	k = binding ? jd_paths_find(t, binding) : -1;
	t->active = k >= 0 ? (unsigned int)k : 0;
	if (old.e)
		memset(old.e, 0, old.n * sizeof(*old.e));	/* tokens */
	free(old.e);
}

static bool link_down(const struct jd_host *h, uint32_t ifindex)
{
	unsigned int i;

	for (i = 0; i < h->n_down; i++)
		if (h->down[i] == ifindex)
			return true;
	return false;
}

uint32_t jd_host_ifindex(const struct jd_host *h,
			 const struct jp_binding *addr)
{
	unsigned int i;

	for (i = 0; i < h->n; i++)
		if (addr_equal(&h->a[i].addr, addr))
			return h->a[i].ifindex;
	return 0;
}

void jd_paths_update_usable(struct jd_paths *t, const struct jd_host *h)
{
	unsigned int i;
	uint32_t ifindex;

	if (!h->known)
		return;
	for (i = 0; i < t->n; i++) {
		struct jd_path_entry *e = &t->e[i];

		if (!e->addr.local.family) {
			e->usable = true;
			continue;
		}
		ifindex = jd_host_ifindex(h, &e->addr.local);
		e->usable = ifindex && !link_down(h, ifindex);
		/*
		 * Its packets leave by that interface even where routing
		 * would pick another (no source-based policy routing).
		 */
		if (ifindex)
			e->addr.local.ifindex = ifindex;
	}
}

void jd_host_addr(struct jd_host *h, const struct jp_binding *addr,
		  uint32_t ifindex, bool present)
{
	unsigned int i;

	for (i = 0; i < h->n; i++)
		if (addr_equal(&h->a[i].addr, addr))
			break;
	if (!present) {
		if (i < h->n)
			h->a[i] = h->a[--h->n];
		return;
	}
	if (i == h->n) {
		if (h->n == JD_MAX_LOCAL_ADDRS)
			return;
		h->n++;
	}
	memset(&h->a[i], 0, sizeof(h->a[i]));
	h->a[i].addr.family = addr->family;
	memcpy(h->a[i].addr.addr, addr->addr, 16);
	h->a[i].ifindex = ifindex;
}

void jd_host_link(struct jd_host *h, uint32_t ifindex, bool up)
{
	unsigned int i;

	for (i = 0; i < h->n_down; i++)
		if (h->down[i] == ifindex)
			break;
	if (up) {
		if (i < h->n_down)
			h->down[i] = h->down[--h->n_down];
		return;
	}
	if (i == h->n_down && h->n_down < JD_MAX_LOCAL_ADDRS)
		h->down[h->n_down++] = ifindex;
}
