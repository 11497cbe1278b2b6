// SPDX-License-Identifier: GPL-2.0
/* The etcd client's transport: libcurl to the v3 JSON gateway (etcd.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "etcd_internal.h"

size_t etcd_collect(char *data, size_t size, size_t n, void *arg)
{
	struct etcd_client *c = arg;
	size_t len = size * n;
	char *grown;

	if (len > ETCD_RESPONSE_MAX - c->resp_len)
		return 0;	/* curl fails it: CURLE_WRITE_ERROR */
	if (c->resp_len + len + 1 > c->resp_cap) {
		size_t cap = (c->resp_len + len + 1) * 2;

		grown = realloc(c->resp, cap);
		if (!grown)
			return 0;
		c->resp = grown;
		c->resp_cap = cap;
	}
	memcpy(c->resp + c->resp_len, data, len);
	c->resp_len += len;
	c->resp[c->resp_len] = 0;
	return len;
}

/* "host:port" is taken as http; a trailing '/' is dropped. */
static char *endpoint_url(const char *ep)
{
	const char *scheme = strstr(ep, "://") ? "" : "http://";
	size_t len = strlen(scheme) + strlen(ep) + 1;
	char *url = malloc(len);

	if (!url)
		return NULL;
	snprintf(url, len, "%s%s", scheme, ep);
	if (url[0] && url[strlen(url) - 1] == '/')
		url[strlen(url) - 1] = 0;
	return url;
}

struct etcd_client *etcd_client_new(const char *const *endpoints, size_t n,
				    long request_timeout_ms,
				    long connect_timeout_ms,
				    char *err, size_t errlen)
{
	struct etcd_client *c;

	if (!n || n > ETCD_ENDPOINTS_MAX || request_timeout_ms <= 0 ||
	    connect_timeout_ms <= 0) {
		snprintf(err, errlen,
			 "etcd: 1 to %d endpoints and positive timeouts wanted",
			 ETCD_ENDPOINTS_MAX);
		return NULL;
	}
	/* Refcounted by libcurl; undone in etcd_client_free. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(err, errlen, "etcd: libcurl does not initialise");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->code = -1;
	c->request_ms = request_timeout_ms;
	for (; c->n_endpoints < n; c->n_endpoints++) {
		const char *ep = endpoints[c->n_endpoints];
		char *url;

		if (strlen(ep) > ETCD_ENDPOINT_LEN_MAX) {
			snprintf(err, errlen,
				 "etcd: endpoint over %d bytes: %.40s...",
				 ETCD_ENDPOINT_LEN_MAX, ep);
			etcd_client_free(c);
			return NULL;
		}
		url = endpoint_url(ep);
		if (!url)
			goto nomem;
		c->endpoints[c->n_endpoints] = url;
	}
	c->curl = curl_easy_init();
	/* No "Expect: 100-continue": it costs a round trip on larger bodies. */
	c->headers = curl_slist_append(NULL, "Content-Type: application/json");
	if (c->headers)
		c->headers = curl_slist_append(c->headers, "Expect:");
	if (!c->curl || !c->headers)
		goto nomem;
	/* No signals: a timeout must not raise SIGALRM in the daemon. */
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, request_timeout_ms);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS,
			 connect_timeout_ms);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, etcd_collect);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->curl_err);
	curl_easy_setopt(c->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	return c;
nomem:
	snprintf(err, errlen, "etcd: out of memory");
	etcd_client_free(c);
	if (!c)
		curl_global_cleanup();
	return NULL;
}

void etcd_client_free(struct etcd_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers);
	for (size_t i = 0; i < c->n_endpoints; i++)
		free(c->endpoints[i]);
	free(c->resp);
	free(c);
	curl_global_cleanup();
}

const char *etcd_client_error(const struct etcd_client *c)
{
	return c->err;
}

int etcd_client_code(const struct etcd_client *c)
{
	return c->code;
}

const char *etcd_client_endpoint(const struct etcd_client *c)
{
	return c->endpoints[c->current];
}

bool etcd_post_one(struct etcd_client *c, const char *ep,
		   const char *path, const char *body, CURLcode *res)
{
	char url[512];
	curl_off_t sent = 0;

	snprintf(url, sizeof(url), "%s%s", ep, path);
	c->resp_len = 0;
	if (c->resp)
		c->resp[0] = 0;
	c->curl_err[0] = 0;
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
	*res = curl_easy_perform(c->curl);
	if (*res == CURLE_OK)
		return true;
	curl_easy_getinfo(c->curl, CURLINFO_REQUEST_SIZE, &sent);
	return sent > 0;
}

/*
 * POST body to path: 0 with the 200 answer in c->resp, or an etcd_status.
 * An endpoint the request never reached (refused, unresolvable, no
 * connection in time) is passed over for the next at once. One it may
 * have reached is not: the request might have been applied, and a txn
 * must not run twice; the next request starts at the next endpoint.
 */
static int call(struct etcd_client *c, const char *path, char *body)
{
	size_t tried, at = c->current, used = 0;
	bool reached = false;
	CURLcode res = CURLE_OK;
	long status = 0;
	char msg[512];

	c->code = -1;
	c->err[0] = 0;
	if (!body) {
		snprintf(c->err, sizeof(c->err), "etcd %s: out of memory",
			 path);
		return ETCD_UNREACHABLE;
	}
	for (tried = 0; tried < c->n_endpoints && !reached; tried++) {
		at = (c->current + tried) % c->n_endpoints;
		reached = etcd_post_one(c, c->endpoints[at], path, body, &res);
		if (res != CURLE_OK)
			used += (size_t)snprintf(c->err + used,
				sizeof(c->err) - used, "%setcd %s%s: %s",
				used ? "; " : "", c->endpoints[at], path,
				c->curl_err[0] ? c->curl_err :
				curl_easy_strerror(res));
		if (used >= sizeof(c->err))
			used = sizeof(c->err) - 1;
	}
	free(body);
	if (res != CURLE_OK) {
		c->current = (at + 1) % c->n_endpoints;
		return ETCD_UNREACHABLE;
	}
	c->current = at;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status == 200)
		return ETCD_OK;
	c->code = etcd_parse_error(c->resp, msg, sizeof(msg));
	snprintf(c->err, sizeof(c->err), "etcd %s%s: HTTP %ld: %s",
		 c->endpoints[at], path, status,
		 msg[0] ? msg : "no error message");
	/* A member without a leader or quorum: try another one next time. */
	if (c->code == ETCD_CODE_UNAVAILABLE || status >= 500)
		c->current = (at + 1) % c->n_endpoints;
	return ETCD_REFUSED;
}

/* The parser's verdict on c->resp, with the endpoint in the error. */
static int parsed(struct etcd_client *c, const char *path, int ret,
		  const char *why)
{
	if (!ret)
		return ETCD_OK;
	snprintf(c->err, sizeof(c->err), "etcd %s%s: %s",
		 c->endpoints[c->current], path, why);
	return ETCD_MALFORMED;
}

int etcd_put(struct etcd_client *c, const char *key, const void *value,
	     size_t len, int64_t lease)
{
	static const char path[] = "/v3/kv/put";
	int64_t revision;
	char why[256];
	int ret = call(c, path, etcd_body_put(key, value, len, lease));

	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_put(c->resp, &revision, why,
					      sizeof(why)), why);
}

int etcd_get(struct etcd_client *c, const char *key, bool prefix,
	     struct etcd_kvs *out)
{
	static const char path[] = "/v3/kv/range";
	char why[256];
	int ret = call(c, path, etcd_body_range(key, prefix));

	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_range(c->resp, out, why,
						sizeof(why)), why);
}

int etcd_delete(struct etcd_client *c, const char *key, bool prefix,
		int64_t *deleted)
{
	static const char path[] = "/v3/kv/deleterange";
	char why[256];
	int ret = call(c, path, etcd_body_delete(key, prefix));

	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_delete(c->resp, deleted, why,
						 sizeof(why)), why);
}

int etcd_create(struct etcd_client *c, const char *key, const void *value,
		size_t len, int64_t lease, bool *created,
		struct etcd_kvs *holder)
{
	static const char path[] = "/v3/kv/txn";
	char why[256];
	int ret = call(c, path, etcd_body_create(key, value, len, lease));

	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_create(c->resp, created, holder,
						 why, sizeof(why)), why);
}

int etcd_put_if_lease(struct etcd_client *c, const char *guard,
		      int64_t lease, const char *key, const void *value,
		      size_t len, bool *done)
{
	static const char path[] = "/v3/kv/txn";
	char why[256];
	int ret = call(c, path, etcd_body_put_if_lease(guard, lease, key,
						       value, len));

	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_create(c->resp, done, NULL, why,
						 sizeof(why)), why);
}

int etcd_delete_if_lease(struct etcd_client *c, const char *guard,
			 int64_t lease, const char *key, bool *done)
{
	static const char path[] = "/v3/kv/txn";
	char why[256];
	int ret = call(c, path, etcd_body_delete_if_lease(guard, lease, key));

	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_create(c->resp, done, NULL, why,
						 sizeof(why)), why);
}

int etcd_lease_grant(struct etcd_client *c, int64_t ttl_s, int64_t *id,
		     int64_t *granted_ttl)
{
	static const char path[] = "/v3/lease/grant";
	char why[256];
	int ret = call(c, path, etcd_body_lease_grant(ttl_s));

	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_lease_grant(c->resp, id, granted_ttl,
						      why, sizeof(why)), why);
}

int etcd_lease_keepalive(struct etcd_client *c, int64_t id, int64_t *ttl)
{
	static const char path[] = "/v3/lease/keepalive";
	char why[256];
	int ret = call(c, path, etcd_body_lease_id(id));

	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_keepalive(c->resp, ttl, why,
						    sizeof(why)), why);
}

int etcd_lease_revoke(struct etcd_client *c, int64_t id)
{
	static const char path[] = "/v3/lease/revoke";
	int64_t revision;
	char why[256];
	int ret = call(c, path, etcd_body_lease_id(id));

	/* A LeaseRevokeResponse is, as a PutResponse, just a header. */
	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_put(c->resp, &revision, why,
					      sizeof(why)), why);
}

int etcd_lease_ttl(struct etcd_client *c, int64_t id, int64_t *ttl)
{
	static const char path[] = "/v3/lease/timetolive";
	char why[256];
	int ret = call(c, path, etcd_body_lease_id(id));

	if (ret)
		return ret;
	return parsed(c, path, etcd_parse_lease_ttl(c->resp, ttl, why,
						    sizeof(why)), why);
}
