/*
 * sync_peer.c — one exchange with a peer box over HTTPS (libcurl): ask it
 * which site it is, post it this box's changeset for it, apply the one it
 * answers with.  A lost reply is mended by running it again: the next
 * file repeats whatever was not acknowledged, and applying twice changes
 * nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli.h"
#include "sync.h"
#include "sync_peer.h"
#include "util.h"

/* Attempts at a request that fails on the way (not one the peer refuses). */
#define PEER_ATTEMPTS	3

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

/*
 * GET url (body NULL) or POST body as JSON; the reply's JSON in *out.  A
 * transport failure is tried again; a reply other than 200 is an error
 * with the peer's message.  0, or -1 with *cause.
 */
static int
peer_call(const char *url, const char *cacert, const char *token, const char *body,
    json_t **out, char **cause)
{
	char err[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	/* Not a browser's request: the server's cross-site check asks for this header. */
	headers = curl_slist_append(headers, "X-Requested-With: fairmatch-sync");
	if (token != NULL) {
		char *authz = xasprintf("Authorization: Bearer %s", token);

		headers = curl_slist_append(headers, authz);
		free(authz);
	}
	struct buf reply = { 0 };
	CURLcode rc = CURLE_OK;
	long status = 0;
	CURL *c;

	*out = NULL;
	for (int attempt = 1; attempt <= PEER_ATTEMPTS; attempt++) {
		if ((c = curl_easy_init()) == NULL)
			fatal("%s: curl_easy_init", __func__);
		buf_reset(&reply);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 900L);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
		if (cacert != NULL)
			curl_easy_setopt(c, CURLOPT_CAINFO, cacert);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		if (body != NULL)
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(c);
		if (rc == CURLE_OK && status != 503)
			break;
	}
	curl_slist_free_all(headers);
	if (rc != CURLE_OK) {
		*cause = xasprintf("无法连接对方站点 %s：%s / cannot reach the peer %s: %s", url,
		    err[0] ? err : curl_easy_strerror(rc), url, err[0] ? err : curl_easy_strerror(rc));
		buf_free(&reply);
		return -1;
	}
	*out = reply.data != NULL ? json_loads(reply.data, 0, NULL) : NULL;
	if (status != 200 || *out == NULL) {
		const char *msg = *out != NULL ? json_string_value(json_object_get(*out, "message")) :
		    NULL;

		*cause = xasprintf("对方站点 %s 答复 HTTP %ld：%s / the peer %s answered HTTP %ld: %s",
		    url, status, msg != NULL ? msg : "?", url, status, msg != NULL ? msg : "?");
		json_decref(*out);
		*out = NULL;
		buf_free(&reply);
		return -1;
	}
	buf_free(&reply);
	return 0;
}

/* Where and how to ask the peer which files it holds. */
struct held_ask {
	const char	*endpoint;	/* …/api/v1/sync/files */
	const char	*cacert;
	const char	*token;
};

/*
 * sync_held_fn: posts the SHA-256s to the peer; the set it holds, or NULL
 * when it does not answer (then every file is carried, as before).
 */
static struct strset *
held_ask(void *arg, json_t *shas)
{
	struct held_ask *a = arg;
	json_t *req = json_pack("{s:O}", "sha256", shas), *reply = NULL, *v;
	char *body = json_dumps(req, JSON_COMPACT), *cause = NULL;
	struct strset *held = NULL;
	size_t i;

	json_decref(req);
	if (peer_call(a->endpoint, a->cacert, a->token, body, &reply, &cause) == 0) {
		held = strset_new();
		json_array_foreach(json_object_get(reply, "held"), i, v)
			if (json_is_string(v))
				strset_add(held, json_string_value(v));
	}
	free(cause);
	free(body);
	json_decref(reply);
	return held;
}

int
sync_with_peer(struct store *st, const char *url, const char *cacert, const char *token,
    json_t **summary, char **cause)
{
	struct sync_report sent = { 0 }, got = { 0 };
	struct buf file = { 0 };
	json_t *hello = NULL, *reply = NULL, *req;
	char *base = xstrdup(url), *endpoint, *files_endpoint, *body;
	struct held_ask ask;
	const char *site;
	unsigned char *bytes = NULL;
	size_t n;
	int rc = -1, applied;

	while (*base != '\0' && base[strlen(base) - 1] == '/')
		base[strlen(base) - 1] = '\0';
	endpoint = xasprintf("%s/api/v1/sync", base);
	files_endpoint = xasprintf("%s/api/v1/sync/files", base);
	ask = (struct held_ask){ files_endpoint, cacert, token };
	if (peer_call(endpoint, cacert, token, NULL, &hello, cause) != 0)
		goto out;
	if ((site = json_string_value(json_object_get(hello, "site"))) == NULL) {
		*cause = xasprintf("%s 不是 fairmatch 站点 / %s is not a fairmatch site", url, url);
		goto out;
	}
	if (sync_export(st, site, held_ask, &ask, &file, &sent, cause) != 0)
		goto out;
	req = json_pack("{s:o}", "file", sync_base64_json(file.data, file.len));
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	rc = peer_call(endpoint, cacert, token, body, &reply, cause);
	free(body);
	if (rc != 0)
		goto out;
	rc = -1;
	if ((bytes = sync_base64_bytes(json_string_value(json_object_get(reply, "file")) ?
	    json_string_value(json_object_get(reply, "file")) : "", &n)) == NULL || n == 0) {
		*cause = xasprintf("对方站点 %s 的答复里没有同步文件 / the peer %s answered without a"
		    " sync file", url, url);
		goto out;
	}
	if ((applied = sync_import(st, bytes, n, &got, cause)) < 0)
		goto out;
	if (applied == 1) {
		free(*cause);
		*cause = NULL;
	}
	*summary = json_pack("{s:s, s:{s:I, s:i, s:i, s:i}, s:O, s:{s:I, s:i, s:i, s:i}}",
	    "peer", site, "sent", "seq", (json_int_t)sent.seq, "changes", (int)sent.changes,
	    "files", (int)sent.files, "held", (int)sent.held, "peer_applied",
	    json_object_get(reply, "applied"),
	    "received", "seq", (json_int_t)got.seq, "changes", (int)got.changes, "files",
	    (int)got.files, "conflicts", (int)got.conflicts);
	rc = 0;
out:
	sync_report_free(&sent);
	sync_report_free(&got);
	buf_free(&file);
	json_decref(hello);
	json_decref(reply);
	free(bytes);
	free(endpoint);
	free(files_endpoint);
	free(base);
	return rc;
}
