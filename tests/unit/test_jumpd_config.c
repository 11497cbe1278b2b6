// SPDX-License-Identifier: GPL-2.0
/* The config parser: a good file, and each kind of error with its exact
 * file:line message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "config.h"
#include "config_values.h"
#include <sodium.h>
#include "tap.h"

#define K1 "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
#define K2 "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="
#define K3 "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM="

static const char good[] =
	"# a client\n"
	"[Interface]\n"
	"PrivateKey = " K1 "\n"
	"ListenPort = 51820\n"
	"fwmark = 0x10   # keys are case-insensitive\n"
	"AuditLog = /var/log/jumpd/audit.log\n"
	"\n"
	"[Peer]\n"
	"Name = server\n"
	"PublicKey = " K2 "\n"
	"PresharedKeyFile = /etc/jumpd/psk\n"
	"Endpoint = vpn.example.net:51820\n"
	"Endpoint = [2001:db8::1]:51820, 192.0.2.1:4500\n"
	"AllowedIPs = 10.0.0.0/24, fd00::/64\n"
	"LocalAddress = 198.51.100.2, 2001:db8:1::2\n"
	"KeepaliveInterval = 500ms\n"
	"VolatileAfter = 2s\n"
	"RecoveringAfter = 10s\n"
	"SessionTTL = 1m\n"
	"ReattachRateLimit = 3/s\n"
	"ReattachMaxPerWindow = 4\n"
	"ReattachWindow = 1m\n"
	"[Peer]\n"
	"PublicKey = " K3 "\n"
	"AllowedIPs = 10.0.1.2/32\n";

static void test_good(void)
{
	struct jp_conf_errors e;
	struct jp_config *c = jp_config_parse_buf(good, strlen(good), "jumpd.conf", &e);
	const struct jp_conf_peer *p;

	if (!ok(c != NULL, "good file parses")) {
		unsigned int i;

		for (i = 0; i < e.n; i++)
			printf("#   %s\n", e.msg[i]);
		return;
	}
	ok(!c->iface.metrics_listen.port, "interface: no MetricsListen, off");
	ok(c->iface.has_private_key && c->iface.private_key[0] == 1 &&
	   c->iface.listen_port == 51820 && c->iface.fwmark == 0x10,
	   "interface: key, port, fwmark");
	is_str(c->iface.device, "jp0", "device defaults to jp0");
	is_str(c->iface.audit_log, "/var/log/jumpd/audit.log", "audit log path");
	ok(c->n_peers == 2, "two peers");
	p = &c->peers[0];
	is_str(p->name, "server", "peer name");
	ok(p->public_key[0] == 2 && !p->has_psk, "public key; psk from a file");
	is_str(p->psk_file, "/etc/jumpd/psk", "psk file path");
	ok(p->n_endpoints == 3 && p->endpoints[0].port == 51820 &&
	   p->endpoints[2].port == 4500, "three endpoints, repeated and listed");
	is_str(p->endpoints[0].host, "vpn.example.net", "host name kept for jumpd to resolve");
	is_str(p->endpoints[1].host, "2001:db8::1", "IPv6 endpoint unbracketed");
	ok(p->n_allowed_ips == 2 && p->allowed_ips[1].len == 64, "allowed ips");
	ok(p->n_local_addresses == 2 &&
	   p->local_addresses[1].family == AF_INET6, "local addresses (uplinks)");
	ok(p->keepalive_ms == 500 && p->volatile_after_ms == 2000 &&
	   p->recovering_after_ms == 10000 && p->session_ttl_ms == 60000,
	   "durations");
	ok(p->reattach_rate.count == 3 && p->reattach_rate.window_ms == 1000 &&
	   p->reattach_max_per_window == 4 && p->reattach_window_ms == 60000,
	   "reattach limits");
	p = &c->peers[1];
	is_str(p->name, "peer2", "unnamed peer gets peer<N>");
	ok(p->session_ttl_ms == 120000 && p->keepalive_ms == 2000, "defaults");
	jp_config_free(c);
}

/* The file must fail with exactly this first message. */
static void bad(const char *text, const char *want, const char *name)
{
	struct jp_conf_errors e;
	struct jp_config *c = jp_config_parse_buf(text, strlen(text), "jumpd.conf", &e);

	if (c) {
		ok(0, name);
		jp_config_free(c);
		return;
	}
	is_str(e.n ? e.msg[0] : "(no error)", want, name);
}

#define IFACE "[Interface]\nPrivateKey = " K1 "\n"
#define PEER "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.2/32\n"

static void test_errors(void)
{
	struct jp_conf_errors e;
	struct jp_config *c;
	static const char many[] = "[Interface]\nFoo = 1\nBar = 2\n[Peer]\n";

	bad(IFACE PEER "Keepalive = 5s\n",
	    "jumpd.conf:6: unknown key 'Keepalive' in [Peer]", "unknown key");
	bad(IFACE "PublicKey = " K2 "\n",
	    "jumpd.conf:3: unknown key 'PublicKey' in [Interface]",
	    "key of another section");
	bad(IFACE "ListenPort = 1\nlistenport = 2\n",
	    "jumpd.conf:4: duplicate key 'ListenPort' in [Interface]", "duplicate key");
	bad(IFACE PEER "[Peer]\nAllowedIPs = 10.0.0.3/32\n",
	    "jumpd.conf:6: [Peer] 'peer2' has no PublicKey",
	    "missing required key names the section's line");
	bad("[Interface]\nListenPort = 1\n",
	    "jumpd.conf:1: [Interface] has no PrivateKey or PrivateKeyFile",
	    "missing private key");
	bad(PEER, "jumpd.conf: no [Interface] section", "no interface section");
	bad("[Interface]\nPrivateKey = hunter2-not-a-key\n" PEER,
	    "jumpd.conf:2: invalid PrivateKey (value not shown): expected a 32-byte key in base64 (jumpctl genkey)",
	    "a bad PrivateKey is not echoed");
	bad(IFACE PEER "PresharedKey = hunter2\n",
	    "jumpd.conf:6: invalid PresharedKey (value not shown): expected a 32-byte key in base64 (jumpctl genkey)",
	    "a bad PresharedKey is not echoed");
	bad("", "jumpd.conf: no [Interface] section", "empty file");
	bad(IFACE "MetricsListen = localhost:9586\n" PEER,
	    "jumpd.conf:3: invalid MetricsListen 'localhost:9586': expected ADDRESS:PORT such as 127.0.0.1:9586 or [::1]:9586, port 1-65535",
	    "MetricsListen takes a numeric address");
	bad(IFACE "MetricsListen = 127.0.0.1:0\n" PEER,
	    "jumpd.conf:3: invalid MetricsListen '127.0.0.1:0': expected ADDRESS:PORT such as 127.0.0.1:9586 or [::1]:9586, port 1-65535",
	    "MetricsListen needs a port");
	bad(IFACE "[Interface]\n",
	    "jumpd.conf:3: second [Interface] section (the first is at line 1)",
	    "second interface");
	bad(IFACE "[Peers]\n", "jumpd.conf:3: unknown section '[Peers]'",
	    "unknown section");
	bad("ListenPort = 1\n" IFACE,
	    "jumpd.conf:1: 'ListenPort' outside of any section", "key before a section");
	bad(IFACE "ListenPort 51820\n",
	    "jumpd.conf:3: expected 'Key = Value' or '[Section]', got 'ListenPort 51820'",
	    "no equals sign");
	bad(IFACE "ListenPort = 70000\n",
	    "jumpd.conf:3: invalid ListenPort '70000': expected a port 0-65535",
	    "bad port");
	bad(IFACE PEER "VolatileAfter = 5\n",
	    "jumpd.conf:6: invalid VolatileAfter '5': expected a duration above 0 such as 500ms, 2s, 1m",
	    "duration without unit");
	bad(IFACE PEER "SessionTTL = 0s\n",
	    "jumpd.conf:6: invalid SessionTTL '0s': expected a duration above 0 such as 500ms, 2s, 1m",
	    "zero TTL");
	bad(IFACE PEER "Endpoint = 192.0.2.1\n",
	    "jumpd.conf:6: invalid Endpoint '192.0.2.1': expected host:port or [IPv6]:port, port 1-65535",
	    "endpoint without port");
	bad(IFACE PEER "Endpoint = 2001:db8::1:51820\n",
	    "jumpd.conf:6: invalid Endpoint '2001:db8::1:51820': expected host:port or [IPv6]:port, port 1-65535",
	    "IPv6 endpoint without brackets");
	bad(IFACE PEER "AllowedIPs = 10.0.0.1/24\n",
	    "jumpd.conf:6: invalid AllowedIPs '10.0.0.1/24': expected a prefix such as 10.0.0.2/32 or fd00::/64 (no host bits)",
	    "prefix with host bits");
	bad(IFACE PEER "AllowedIPs = 10.0.0.9/32,,\n",
	    "jumpd.conf:6: invalid AllowedIPs '': empty list item", "empty list item");
	bad("[Interface]\nPrivateKey = abc\n",
	    "jumpd.conf:2: invalid PrivateKey (value not shown): expected a 32-byte key in base64 (jumpctl genkey)",
	    "bad key");
	bad(IFACE PEER "VolatileAfter = 20s\n",
	    "jumpd.conf:3: [Peer] 'peer1': VolatileAfter must be shorter than RecoveringAfter",
	    "thresholds out of order, at the section line");
	bad(IFACE PEER "ReattachMaxPerWindow = 1000\n",
	    "jumpd.conf:6: invalid ReattachMaxPerWindow '1000': expected a number 1-64",
	    "reattach max too large");
	bad(IFACE PEER "ReattachRateLimit = 5\n",
	    "jumpd.conf:6: invalid ReattachRateLimit '5': expected COUNT/DURATION such as 5/1s",
	    "rate without window");
	bad(IFACE PEER "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.3/32\n",
	    "jumpd.conf:6: [Peer] 'peer2' has the same PublicKey as the peer at line 3",
	    "same public key twice");
	bad(IFACE "Device = \n", "jumpd.conf:3: empty value for 'Device'", "empty value");
	bad(IFACE "[Interface\n", "jumpd.conf:3: malformed section header '[Interface'",
	    "malformed header");

	c = jp_config_parse_buf(many, strlen(many), "x.conf", &e);
	ok(!c && e.n == 5, "every error reported in one run");
	is_str(e.msg[1], "x.conf:3: unknown key 'Bar' in [Interface]", "second error");
}

static void test_values(void)
{
	uint64_t ms;
	struct jp_conf_rate r;

	ok(!jp_parse_duration("500ms", &ms) && ms == 500, "500ms");
	ok(!jp_parse_duration("2s", &ms) && ms == 2000, "2s");
	ok(!jp_parse_duration("1m", &ms) && ms == 60000, "1m");
	ok(!jp_parse_duration("1h", &ms) && ms == 3600000, "1h");
	ok(jp_parse_duration("1", &ms) && jp_parse_duration("1 s", &ms) &&
	   jp_parse_duration("-1s", &ms) && jp_parse_duration("1d", &ms) &&
	   jp_parse_duration("99999999999h", &ms), "bad durations refused");
	ok(!jp_parse_rate("5/s", &r) && r.count == 5 && r.window_ms == 1000, "5/s");
	ok(!jp_parse_rate("10/500ms", &r) && r.window_ms == 500, "10/500ms");
	ok(jp_parse_rate("0/s", &r) && jp_parse_rate("5/0s", &r) &&
	   jp_parse_rate("/s", &r), "bad rates refused");
	{
		static const char ml[] = IFACE "MetricsListen = [::1]:9586\n" PEER;
		struct jp_conf_errors e2;
		struct jp_config *c2 = jp_config_parse_buf(ml, strlen(ml),
							   "jumpd.conf", &e2);

		ok(c2 && c2->iface.metrics_listen.port == 9586 &&
		   c2->iface.metrics_listen.addr.family == AF_INET6,
		   "MetricsListen [::1]:9586");
		jp_config_free(c2);
	}
}

/*
 * A prefix has one owner: the kernel refuses it to a second session, so
 * the config refuses it to a second [Peer] (and twice in one), naming the
 * later line and where the first is. Overlap of different lengths is fine.
 */
static void test_allowed_unique(void)
{
	static const char overlap[] = IFACE PEER
		"[Peer]\nPublicKey = " K3 "\nAllowedIPs = 10.0.0.0/24\n";
	struct jp_conf_errors e;
	struct jp_config *c;
	char *text, *at;
	unsigned int i;

	bad(IFACE PEER "[Peer]\nName = b\nPublicKey = " K3
	    "\nAllowedIPs = 10.0.0.5/32, 10.0.0.2/32\n",
	    "jumpd.conf:9: AllowedIPs 10.0.0.2/32 already belongs to [Peer] 'peer1' at line 5: a prefix has one owner",
	    "the same prefix in two peers: refused at the second");
	bad(IFACE "[Peer]\nPublicKey = " K2 "\nAllowedIPs = fd00::/64\n"
	    "[Peer]\nPublicKey = " K3 "\nAllowedIPs = fd00:0::/64\n",
	    "jumpd.conf:8: AllowedIPs fd00::/64 already belongs to [Peer] 'peer1' at line 5: a prefix has one owner",
	    "the same IPv6 prefix spelled otherwise");
	bad(IFACE PEER "AllowedIPs = 10.0.0.2/32\n",
	    "jumpd.conf:6: AllowedIPs 10.0.0.2/32 given twice for [Peer] 'peer1' (first at line 5)",
	    "the same prefix twice in one peer");
	c = jp_config_parse_buf(overlap, strlen(overlap), "jumpd.conf", &e);
	ok(c != NULL, "overlapping prefixes of different lengths are fine");
	jp_config_free(c);

	/* 256 prefixes in one peer, one per line: taken; 257: refused. */
	text = malloc(sizeof(IFACE PEER) + 257 * 32);
	if (!text)
		return;
	at = text + sprintf(text, "%s[Peer]\nPublicKey = %s\n", IFACE, K2);
	for (i = 0; i < 256; i++)
		at += sprintf(at, "AllowedIPs = 10.1.%u.0/24\n", i);
	c = jp_config_parse_buf(text, strlen(text), "jumpd.conf", &e);
	ok(c && c->peers[0].n_allowed_ips == 256, "256 AllowedIPs in a peer");
	jp_config_free(c);
	sprintf(at, "AllowedIPs = 10.2.0.0/24\n");
	c = jp_config_parse_buf(text, strlen(text), "jumpd.conf", &e);
	ok(!c && e.n == 1, "257 AllowedIPs refused");
	jp_config_free(c);
	free(text);
}

/* A key from a number: every peer its own. */
static void key_of(unsigned int i, char out[45])
{
	unsigned char k[32] = { 0 };

	k[0] = (unsigned char)i;
	k[1] = (unsigned char)(i >> 8);
	k[2] = (unsigned char)(i >> 16);
	k[31] = 0x55;
	sodium_bin2base64(out, 45, k, 32, sodium_base64_VARIANT_ORIGINAL);
}

/* No peer limit: 10,000 [Peer] sections; a duplicate among them found. */
static void test_many_peers(void)
{
	const unsigned int n = 10000;
	struct jp_conf_errors e;
	struct jp_config *c;
	char *text, *at, key[45];
	unsigned int i;

	text = malloc(sizeof(IFACE) + (n + 1) * 128);
	if (!text)
		return;
	at = text + sprintf(text, "%s", IFACE);
	for (i = 0; i < n; i++) {
		key_of(i + 1, key);
		at += sprintf(at, "[Peer]\nName = c%u\nPublicKey = %s\nAllowedIPs = 10.%u.%u.%u/32\n",
			      i, key, 100 + i / 65536, (i / 256) % 256, i % 256);
	}
	c = jp_config_parse_buf(text, strlen(text), "jumpd.conf", &e);
	ok(c && c->n_peers == n, "10000 [Peer] sections (no limit)");
	ok(c && !strcmp(c->peers[n - 1].name, "c9999") &&
	   c->peers[n - 1].n_allowed_ips == 1, "the last one intact");
	jp_config_free(c);
	/* The last peer takes the first one's key. */
	key_of(1, key);
	at += sprintf(at, "[Peer]\nName = dup\nPublicKey = %s\nAllowedIPs = 10.200.0.1/32\n", key);
	c = jp_config_parse_buf(text, strlen(text), "jumpd.conf", &e);
	ok(!c && e.n == 1 && strstr(e.msg[0], "'dup' has the same PublicKey as the peer at line"),
	   "a duplicate key among 10001 peers");
	free(text);
}

/* A PeerDir file: one [Peer], named after the file unless it says. */
static void test_peer_file(void)
{
	static const char one[] = "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.2/32\n";
	static const char two[] = "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.2/32\n"
				  "[Peer]\nPublicKey = " K3 "\nAllowedIPs = 10.0.0.3/32\n";
	static const char iface[] = IFACE "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.2/32\n";
	struct jp_conf_errors e;
	struct jp_config *c;
	FILE *f;

	f = fmemopen((void *)one, strlen(one), "r");
	c = jp_config_parse_peer_file(f, "/etc/jumpd/peers.d/alice.conf", &e);
	fclose(f);
	ok(c && c->n_peers == 1 && !strcmp(c->peers[0].name, "alice"),
	   "a peer file's peer is named after its file");
	jp_config_free(c);
	f = fmemopen((void *)two, strlen(two), "r");
	c = jp_config_parse_peer_file(f, "p.conf", &e);
	fclose(f);
	ok(!c && e.n == 1 && !strcmp(e.msg[0], "p.conf:4: second [Peer] section (a PeerDir file holds one; the first is at line 1)"),
	   "two peers in one file");
	f = fmemopen((void *)iface, strlen(iface), "r");
	c = jp_config_parse_peer_file(f, "p.conf", &e);
	fclose(f);
	ok(!c && e.n >= 1 && strstr(e.msg[0], "p.conf:1: [Interface] in a PeerDir file"),
	   "[Interface] in a peer file");
}

#define CLUSTER "[Cluster]\nEtcdEndpoints = http://127.0.0.1:2379\n" \
	"ClusterName = edge\nNodeName = gw-a\n" \
	"ClusterKeyFile = /etc/jumpd/cluster.key\n"

/*
 * [Cluster]: every key, the defaults, and each refusal naming its line;
 * a file without the section has no cluster, exactly as before.
 */
static void test_cluster(void)
{
	static const char full[] = IFACE
		"[cluster]  # section names are case-insensitive\n"
		"EtcdEndpoints = http://10.0.0.11:2379, https://etcd2.example.net:2379\n"
		"EtcdEndpoints = http://[2001:db8::13]:2379\n"
		"ClusterName = edge-1\n"
		"NodeName = gw_a.fra\n"
		"ClusterKeyFile = /etc/jumpd/cluster.key\n"
		"LeaseTTL = 2s\n"
		"FencingMargin = 500ms\n"
		"Takeover = on-reattach\n" PEER;
	static const char minimal[] = IFACE CLUSTER PEER;
	static const char none[] = IFACE PEER;
	const struct jp_conf_cluster *cl;
	struct jp_conf_errors e;
	struct jp_config *c;

	c = jp_config_parse_buf(full, strlen(full), "jumpd.conf", &e);
	if (!ok(c != NULL, "cluster: a full [Cluster] parses")) {
		for (unsigned int i = 0; i < e.n; i++)
			printf("#   %s\n", e.msg[i]);
	} else {
		cl = &c->cluster;
		ok(c->has_cluster && cl->line == 3 && cl->n_etcd == 3,
		   "cluster: three endpoints, listed and repeated");
		is_str(cl->etcd[1], "https://etcd2.example.net:2379",
		       "cluster: an https endpoint kept as written");
		is_str(cl->etcd[2], "http://[2001:db8::13]:2379",
		       "cluster: an IPv6 endpoint kept bracketed (a URL)");
		ok(!strcmp(cl->name, "edge-1") && !strcmp(cl->node, "gw_a.fra") &&
		   !strcmp(cl->key_file, "/etc/jumpd/cluster.key"),
		   "cluster: names and key file");
		ok(cl->lease_ttl_ms == 2000 && cl->fencing_margin_ms == 500,
		   "cluster: LeaseTTL 2s (the minimum), FencingMargin 500ms");
		ok(!cl->takeover_prompt, "cluster: Takeover on-reattach");
		ok(c->n_peers == 1, "cluster: the [Peer] after it still parses");
	}
	jp_config_free(c);

	c = jp_config_parse_buf(minimal, strlen(minimal), "jumpd.conf", &e);
	ok(c && c->cluster.lease_ttl_ms == 5000 &&
	   c->cluster.fencing_margin_ms == 1000 && c->cluster.takeover_prompt,
	   "cluster: defaults LeaseTTL 5s, FencingMargin 1s, Takeover prompt");
	jp_config_free(c);
	c = jp_config_parse_buf(none, strlen(none), "jumpd.conf", &e);
	ok(c && !c->has_cluster && !c->cluster.n_etcd,
	   "no [Cluster]: no cluster");
	jp_config_free(c);

	bad(IFACE "[Cluster]\n" PEER,
	    "jumpd.conf:3: [Cluster] has no EtcdEndpoints",
	    "cluster: required keys named at the section's line");
	bad(IFACE "[Cluster]\nEtcdEndpoints = http://127.0.0.1:2379\n"
	    "ClusterName = edge\nNodeName = gw-a\n" PEER,
	    "jumpd.conf:3: [Cluster] has no ClusterKeyFile",
	    "cluster: no ClusterKeyFile");
	bad(IFACE CLUSTER CLUSTER PEER,
	    "jumpd.conf:8: second [Cluster] section (the first is at line 3)",
	    "cluster: a second section");
	bad(IFACE CLUSTER "PublicKey = " K2 "\n" PEER,
	    "jumpd.conf:8: unknown key 'PublicKey' in [Cluster]",
	    "cluster: a key of another section");
	bad(IFACE CLUSTER "NodeName = gw-b\n" PEER,
	    "jumpd.conf:8: duplicate key 'NodeName' in [Cluster]",
	    "cluster: a key given twice");
	bad(IFACE CLUSTER "Takeover = eager\n" PEER,
	    "jumpd.conf:8: invalid Takeover 'eager': expected prompt or on-reattach",
	    "cluster: Takeover neither prompt nor on-reattach");
	bad(IFACE CLUSTER "LeaseTTL = 1s\n" PEER,
	    "jumpd.conf:8: invalid LeaseTTL '1s': expected whole seconds from 2s to 1h, such as 5s",
	    "cluster: LeaseTTL under etcd's minimum");
	bad(IFACE CLUSTER "LeaseTTL = 2500ms\n" PEER,
	    "jumpd.conf:8: invalid LeaseTTL '2500ms': expected whole seconds from 2s to 1h, such as 5s",
	    "cluster: LeaseTTL not whole seconds (etcd's unit)");
	bad(IFACE CLUSTER "LeaseTTL = 2h\n" PEER,
	    "jumpd.conf:8: invalid LeaseTTL '2h': expected whole seconds from 2s to 1h, such as 5s",
	    "cluster: LeaseTTL over 1h");
	bad(IFACE CLUSTER "FencingMargin = 0s\n" PEER,
	    "jumpd.conf:8: invalid FencingMargin '0s': expected a duration above 0 such as 500ms, 1s",
	    "cluster: no fencing margin refused");
	bad(IFACE CLUSTER "LeaseTTL = 2s\nFencingMargin = 1600ms\n" PEER,
	    "jumpd.conf:3: [Cluster]: FencingMargin must be below LeaseTTL less one keepalive interval (LeaseTTL / 5): 1600 ms here",
	    "cluster: a margin that fences before the first keepalive");
	bad(IFACE CLUSTER "ClusterName = a/b\n" PEER,
	    "jumpd.conf:8: duplicate key 'ClusterName' in [Cluster]",
	    "cluster: duplicate before the value is looked at");
	bad(IFACE "[Cluster]\nClusterName = a/b\n" PEER,
	    "jumpd.conf:4: invalid ClusterName 'a/b': expected letters, digits and -_. only",
	    "cluster: a name with '/' (it is part of etcd key names)");
	bad(IFACE "[Cluster]\nNodeName = ..\n" PEER,
	    "jumpd.conf:4: invalid NodeName '..': expected a name, not . or ..",
	    "cluster: a node name of ..");
	bad(IFACE "[Cluster]\nEtcdEndpoints = 127.0.0.1:2379\n" PEER,
	    "jumpd.conf:4: invalid EtcdEndpoints '127.0.0.1:2379': expected http://HOST:PORT or https://HOST:PORT, port 1-65535",
	    "cluster: an endpoint without its scheme");
	bad(IFACE "[Cluster]\nEtcdEndpoints = http://127.0.0.1\n" PEER,
	    "jumpd.conf:4: invalid EtcdEndpoints 'http://127.0.0.1': expected http://HOST:PORT or https://HOST:PORT, port 1-65535",
	    "cluster: an endpoint without its port");
	bad(IFACE "[Cluster]\nEtcdEndpoints = http://u@h:2379/v3\n" PEER,
	    "jumpd.conf:4: invalid EtcdEndpoints 'http://u@h:2379/v3': expected http://HOST:PORT or https://HOST:PORT, port 1-65535",
	    "cluster: an endpoint with a user and a path");
	bad(IFACE "[Cluster]\nEtcdEndpoints = http://[10.0.0.1]:2379\n" PEER,
	    "jumpd.conf:4: invalid EtcdEndpoints 'http://[10.0.0.1]:2379': expected http://HOST:PORT or https://HOST:PORT, port 1-65535",
	    "cluster: brackets around an IPv4 address");
	bad(IFACE "[Cluster]\nEtcdEndpoints = http://h:2379, http://h:2379\n" PEER,
	    "jumpd.conf:4: invalid EtcdEndpoints 'http://h:2379': given twice",
	    "cluster: an endpoint given twice");
	bad(IFACE "[Cluster]\nEtcdEndpoints = http://a:1,http://b:1,http://c:1,"
	    "http://d:1,http://e:1,http://f:1,http://g:1,http://h:1,http://i:1\n" PEER,
	    "jumpd.conf:4: invalid EtcdEndpoints 'http://i:1': at most 8 etcd endpoints",
	    "cluster: a ninth endpoint");

	{
		static const char pf[] = CLUSTER PEER;
		FILE *f = fmemopen((void *)pf, strlen(pf), "r");

		c = f ? jp_config_parse_peer_file(f, "p.conf", &e) : NULL;
		if (f)
			fclose(f);
		ok(!c && e.n >= 1 &&
		   !strcmp(e.msg[0], "p.conf:1: [Cluster] in a PeerDir file (it holds one [Peer])"),
		   "cluster: [Cluster] in a PeerDir file");
		jp_config_free(c);
	}
}

int main(void)
{
	test_good();
	test_many_peers();
	test_peer_file();
	test_errors();
	test_allowed_unique();
	test_values();
	test_cluster();
	return tap_done();
}
