/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the etcd client's transport files (etcd.c, etcd_watch.c), not
 * part of etcd.h: the client's state, so that the watch's stream
 * (etcd_watch.c) runs on the same handle and endpoints as every request.
 */
#ifndef JUMPD_ETCD_INTERNAL_H
#define JUMPD_ETCD_INTERNAL_H

#include <stdbool.h>
#include <curl/curl.h>
#include "etcd.h"

#define ETCD_RESPONSE_MAX	(4 << 20)
#define ETCD_ENDPOINTS_MAX	16
/* With the longest request path, a URL fits etcd_post_one's buffer. */
#define ETCD_ENDPOINT_LEN_MAX	256

struct etcd_client {
	CURL *curl;
	struct curl_slist *headers;
	char *endpoints[ETCD_ENDPOINTS_MAX];
	size_t n_endpoints;
	size_t current;		/* where the next request goes first */
	long request_ms;	/* CURLOPT_TIMEOUT_MS, which a watch lifts */
	char *resp;
	size_t resp_len;
	size_t resp_cap;
	int code;
	char curl_err[CURL_ERROR_SIZE];
	char err[1024];
};

/*
 * One POST of body to path on endpoint ep, the response in c->resp;
 * true if the request may have reached it.
 */
bool etcd_post_one(struct etcd_client *c, const char *ep, const char *path,
		   const char *body, CURLcode *res);

/* libcurl's write callback that gathers a response in c->resp. */
size_t etcd_collect(char *data, size_t size, size_t n, void *arg);

#endif /* JUMPD_ETCD_INTERNAL_H */
