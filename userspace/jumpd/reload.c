// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the config (parse, then read the key files it names) and SIGHUP:
 * the new file is checked whole before anything changes. Peers are matched
 * by public key: a kept peer takes the new settings (timers, AllowedIPs,
 * keepalive, REATTACH limits) and keeps its session,
 * a new one gets a handshake (if it has an Endpoint), a removed one goes
 * TERMINATED (operator-delete) and its session is deleted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "jumpd.h"

static bool has_inline_secret(const struct jp_config *cfg)
{
	unsigned int i;

	if (cfg->iface.has_private_key)
		return true;
	for (i = 0; i < cfg->n_peers; i++)
		if (cfg->peers[i].has_psk)
			return true;
	return false;
}

int jd_load_config(struct jd *d, const char *path, struct jp_config **out,
		   uint8_t priv[32])
{
	struct jp_conf_errors errs;
	struct jp_config *cfg;
	char err[300];
	unsigned int i;
	FILE *f;

	(void)d;
	f = fopen(path, "re");
	if (!f) {
		jd_err("%s: cannot open: %m", path);
		return -1;
	}
	cfg = jp_config_parse(f, path, &errs);
	if (cfg && has_inline_secret(cfg) &&
	    jd_secret_file_mode_bad(fileno(f), path, err, sizeof(err))) {
		jd_err("%s (it holds a PrivateKey or PresharedKey)", err);
		jp_config_free(cfg);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (!cfg) {
		for (i = 0; i < errs.n; i++)
			jd_err("%s", errs.msg[i]);
		if (!errs.n)
			jd_err("%s: out of memory", path);
		return -1;
	}
	if (cfg->iface.has_private_key) {
		memcpy(priv, cfg->iface.private_key, 32);
	} else if (jd_read_key_file(cfg->iface.private_key_file, priv, err,
				    sizeof(err))) {
		jd_err("%s:%u: PrivateKeyFile %s", path, cfg->iface.line, err);
		jp_config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

/*
 * [Cluster] as the running gateway has it: the lease and what it guards
 * are not moved under a running gateway's feet (restart for that).
 */
static bool cluster_same(const struct jp_config *a, const struct jp_config *b)
{
	const struct jp_conf_cluster *x = &a->cluster, *y = &b->cluster;
	unsigned int i;

	if (a->has_cluster != b->has_cluster)
		return false;
	if (!a->has_cluster)
		return true;
	if (x->n_etcd != y->n_etcd || strcmp(x->name, y->name) ||
	    strcmp(x->node, y->node) || strcmp(x->key_file, y->key_file) ||
	    x->lease_ttl_ms != y->lease_ttl_ms ||
	    x->fencing_margin_ms != y->fencing_margin_ms)
		return false;
	for (i = 0; i < x->n_etcd; i++)
		if (strcmp(x->etcd[i], y->etcd[i]))
			return false;
	return true;
}

/*
 * The kept peer takes the new settings; its runtime stays. Return: true if
 * the kernel refused its new AllowedIPs because another session still
 * holds one of them (a prefix moving between peers): try again later.
 */
bool jd_peer_update(struct jd *d, struct jd_peer *old,
		    const struct jd_peer *fresh)
{
	struct jd_endpoint *eps = NULL;
	struct jp_conf_peer conf;
	bool retry = false, new_eps;
	int ret;

	new_eps = old->conf.n_endpoints != fresh->conf.n_endpoints ||
		  (fresh->conf.n_endpoints &&
		   memcmp(old->conf.endpoints, fresh->conf.endpoints,
			 fresh->conf.n_endpoints *
			 sizeof(fresh->conf.endpoints[0])));
	/* The steps that can fail, first: then nothing has changed. */
	if (new_eps && fresh->conf.n_endpoints) {
		eps = malloc(fresh->conf.n_endpoints * sizeof(*eps));
		if (eps)
			memcpy(eps, fresh->eps,
			       fresh->conf.n_endpoints * sizeof(*eps));
	}
	if ((new_eps && fresh->conf.n_endpoints && !eps) ||
	    jp_conf_peer_copy(&conf, &fresh->conf)) {
		jd_log("reload: peer %s: out of memory, kept as it was",
		       fresh->conf.name);
		free(eps);
		return false;
	}
	if (old->has_session &&
	    old->conf.keepalive_ms != fresh->conf.keepalive_ms &&
	    jk_session_set_keepalive(&d->k, old->local_id,
				     (uint32_t)fresh->conf.keepalive_ms))
		jd_log("reload: peer %s: KeepaliveInterval: %s",
		       fresh->conf.name, jk_error(&d->k));
	if (old->has_session &&
	    (old->conf.n_allowed_ips != fresh->conf.n_allowed_ips ||
	     (fresh->conf.n_allowed_ips &&
	      memcmp(old->conf.allowed_ips, fresh->conf.allowed_ips,
		     fresh->conf.n_allowed_ips *
		     sizeof(fresh->conf.allowed_ips[0]))))) {
		ret = jk_session_set_prefixes(&d->k, old->local_id,
					      fresh->conf.allowed_ips,
					      fresh->conf.n_allowed_ips);
		retry = ret == -EEXIST;
		if (ret && !retry)
			jd_log("reload: peer %s: AllowedIPs: %s",
			       fresh->conf.name, jk_error(&d->k));
	}
	if (old->has_session && !jd_mp_on(old) &&
	    (old->timing.keepalive_ms != fresh->timing.keepalive_ms ||
	     old->timing.volatile_after_ms != fresh->timing.volatile_after_ms) &&
	    jk_session_set_silence(&d->k, old->local_id,
				   jd_silence_default_ms(fresh)))
		jd_log("reload: peer %s: silence notification: %s",
		       fresh->conf.name, jk_error(&d->k));
	/* New limits start empty: a stricter limit takes effect at once. */
	if (memcmp(&old->conf.reattach_rate, &fresh->conf.reattach_rate,
		   sizeof(fresh->conf.reattach_rate)))
		jp_rl_init(&old->rl, old->rl_slots, 2,
			   fresh->conf.reattach_rate.count,
			   fresh->conf.reattach_rate.window_ms, d->rl_seed);
	if (old->conf.reattach_max_per_window !=
	    fresh->conf.reattach_max_per_window ||
	    old->conf.reattach_window_ms != fresh->conf.reattach_window_ms)
		jp_window_init(&old->switches,
			       fresh->conf.reattach_max_per_window,
			       fresh->conf.reattach_window_ms);
	/*
	 * Names already resolved stay resolved if the Endpoints did not
	 * change; changed ones are looked up anew, and an answer still on
	 * its way for the old ones (the old serial) is dropped.
	 */
	if (new_eps) {
		free(old->eps);
		old->eps = eps;
		old->serial = fresh->serial;
	}
	jp_conf_peer_clear(&old->conf);
	old->conf = conf;
	memcpy(old->psk, fresh->psk, 32);
	old->initiator = fresh->initiator;
	old->timing = fresh->timing;
	jd_mp_configure(&old->mp, &fresh->conf);
	jd_peer_build_paths(old);
	return retry;
}

/*
 * A prefix has one owner in the kernel: a peer's new AllowedIPs refused
 * for a prefix another kept peer gives up in the same reload take again
 * once every peer has its new set. Two peers swapping a prefix cannot
 * both go first: that takes two reloads (docs/config.md).
 */
static void retry_prefixes(struct jd *d, struct jd_peer **retry,
			   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (jk_session_set_prefixes(&d->k, retry[i]->local_id,
					    retry[i]->conf.allowed_ips,
					    retry[i]->conf.n_allowed_ips))
			jd_log("reload: peer %s: AllowedIPs: %s",
			       retry[i]->conf.name, jk_error(&d->k));
}

void jd_reload(struct jd *d)
{
	struct jd_peer **fresh, **merged, **retry, *old;
	struct jp_config *cfg;
	unsigned int n, i, n_retry = 0, n_dir;
	uint8_t priv[32];

	jd_log("SIGHUP: reloading %s", d->cfg_path);
	if (jd_load_config(d, d->cfg_path, &cfg, priv)) {
		jd_err("reload: %s has errors, nothing changed", d->cfg_path);
		return;
	}
	if (jd_peers_build(d, cfg, &fresh, &n)) {
		jd_err("reload: a peer's key file failed, nothing changed");
		jp_config_free(cfg);
		return;
	}
	if (strcmp(cfg->iface.device, d->cfg->iface.device))
		jd_log("reload: Device changes only on restart, still %s",
		       d->cfg->iface.device);
	if (!cluster_same(cfg, d->cfg))
		jd_warn("reload: [Cluster] changes only on restart; the "
			"running cluster settings stay");
	if ((cfg->iface.listen_port != d->cfg->iface.listen_port ||
	     cfg->iface.fwmark != d->cfg->iface.fwmark) &&
	    jd_set_port(d, cfg->iface.listen_port,
			cfg->iface.fwmark != d->cfg->iface.fwmark,
			cfg->iface.fwmark))
		jd_log("reload: ListenPort %u, FwMark %#x: %s",
		       cfg->iface.listen_port, cfg->iface.fwmark,
		       jk_error(&d->k));
	/* The main file's peers, then the PeerDir's (kept as they are). */
	for (i = 0, n_dir = 0; i < d->n_peers; i++)
		n_dir += d->peers[i]->file != NULL;
	for (i = 0; i < n; i++) {
		old = jd_peer_by_pub(d, fresh[i]->conf.public_key);
		if (old && old->file) {
			jd_log("reload: peer %s has the PublicKey of PeerDir file %s, nothing changed",
			       fresh[i]->conf.name, old->file);
			jd_peers_free(fresh, n);
			jp_config_free(cfg);
			return;
		}
	}
	merged = calloc(n + n_dir + 1, sizeof(*merged));
	retry = calloc(n + 1, sizeof(*retry));
	if (!merged || !retry) {
		free(merged);
		free(retry);
		jd_peers_free(fresh, n);
		jp_config_free(cfg);
		return;
	}
	for (i = 0; i < d->n_peers; i++)
		d->peers[i]->keep = d->peers[i]->file != NULL;
	for (i = 0; i < n; i++) {
		old = jd_peer_by_pub(d, fresh[i]->conf.public_key);
		if (old)
			old->keep = true;
	}
	/* Removed peers' sessions first: their prefixes may go to another. */
	for (i = 0; i < d->n_peers; i++) {
		old = d->peers[i];
		if (old->keep)
			continue;
		jd_log("reload: peer %s removed", old->conf.name);
		if (old->has_session)
			jd_apply(d, old, JP_EV_OPERATOR_DELETE, NULL);
		jd_session_forget(d, old, true);
	}
	for (i = 0; i < n; i++) {
		old = jd_peer_by_pub(d, fresh[i]->conf.public_key);
		if (old) {
			if (jd_peer_update(d, old, fresh[i]))
				retry[n_retry++] = old;
			merged[i] = old;
			jd_peer_free(fresh[i]);
		} else {
			jd_log("reload: new peer %s", fresh[i]->conf.name);
			jd_persist_peer_load(d, fresh[i]);
			merged[i] = fresh[i];
			merged[i]->keep = true;
		}
	}
	free(fresh);
	retry_prefixes(d, retry, n_retry);
	free(retry);
	for (i = 0; i < d->n_peers; i++) {
		old = d->peers[i];
		if (old->keep)
			continue;
		jd_peer_free(old);
	}
	for (i = 0; i < d->n_peers; i++)
		if (d->peers[i]->file)
			merged[n++] = d->peers[i];
	free(d->peers);
	d->peers = merged;
	d->n_peers = n;
	d->peers_cap = n + 1;
	jd_index_rebuild(d);
	if (jd_sched_rebuild(d))
		jd_log("reload: out of memory queueing the peers");
	if (memcmp(priv, d->priv, 32)) {
		memcpy(d->priv, priv, 32);
		crypto_scalarmult_base(d->pub, d->priv);
		jp_hs_mac1_key(d->mac1_key, d->pub);
		jp_cookie_reply_key(d->cookie_reply_key, d->pub);
		jd_log("reload: new private key (live sessions keep their keys)");
	}
	sodium_memzero(priv, sizeof(priv));
	/* Reopened even when unchanged: logrotate moved it away. */
	if (d->audit)
		fclose(d->audit);
	d->audit = cfg->iface.audit_log[0] ?
		   fopen(cfg->iface.audit_log, "ae") : NULL;
	if (cfg->iface.audit_log[0] && !d->audit)
		jd_log("reload: AuditLog %s: %m", cfg->iface.audit_log);
	if (memcmp(&cfg->iface.handshake_rate, &d->cfg->iface.handshake_rate,
		   sizeof(cfg->iface.handshake_rate)) ||
	    memcmp(&cfg->iface.handshake_source_rate,
		   &d->cfg->iface.handshake_source_rate,
		   sizeof(cfg->iface.handshake_source_rate)) ||
	    memcmp(&cfg->iface.reattach_source_rate,
		   &d->cfg->iface.reattach_source_rate,
		   sizeof(cfg->iface.reattach_source_rate)))
		jd_rate_limits_init(d, &cfg->iface);
	jp_config_free(d->cfg);
	d->cfg = cfg;
	if (strcmp(cfg->iface.peer_dir, d->peer_dir ? d->peer_dir : ""))
		jd_log("reload: PeerDir changes only on restart, still %s",
		       d->peer_dir ? d->peer_dir : "none");
	/* Then the PeerDir's files that changed (missed or not watched). */
	jd_peerdir_scan(d);
	jd_log("reload: %u peers", d->n_peers);
}
