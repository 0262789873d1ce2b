/*
 * api_tls.c — the server's certificate for the people installing it: its
 * fingerprint and names for the console's page, and the certificate itself
 * as a download a phone offers to install (docs/operations.md).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "api.h"
#include "config.h"
#include "http.h"
#include "tls.h"
#include "util.h"

/* GET /api/v1/tls: {"fingerprint_sha256","public_url","names":[…],"download"}. */
void
api_tls_get(struct hreq *h, char **args)
{
	const struct settings *cfg = hreq_settings(h);
	char *cause = NULL, *fp = tls_cert_fingerprint(hreq_cert_path(h), &cause);
	char **names;
	json_t *list;

	(void)args;
	if (fp == NULL) {
		http_error(h, 500, "unreadable", "%s", cause);
		free(cause);
		return;
	}
	names = settings_cert_names(cfg);
	list = json_array();
	for (size_t i = 0; names[i] != NULL; i++)
		json_array_append_new(list, json_string(names[i]));
	settings_cert_names_free(names);
	http_json(h, 200, json_pack("{s:s, s:s, s:o, s:s}", "fingerprint_sha256", fp,
	    "public_url", cfg->public_url, "names", list, "download", "/api/v1/tls/fairmatch.crt"));
	free(fp);
}

/* GET /api/v1/tls/fairmatch.crt: the certificate (PEM), as phones install it. */
void
api_tls_cert(struct hreq *h, char **args)
{
	struct evbuffer *b;
	struct stat sb;
	int fd;

	(void)args;
	if ((fd = open(hreq_cert_path(h), O_RDONLY | O_CLOEXEC)) < 0) {
		http_error(h, 500, "unreadable", "无法读取证书 / cannot read the certificate: %s",
		    strerror(errno));
		return;
	}
	b = evbuffer_new();
	if (fstat(fd, &sb) != 0 || evbuffer_add_file(b, fd, 0, sb.st_size) != 0) {
		close(fd);
		evbuffer_free(b);
		http_error(h, 500, "unreadable", "无法读取证书 / cannot read the certificate");
		return;
	}
	http_header(h, "Content-Disposition", "attachment; filename=\"fairmatch.crt\"");
	http_send(h, 200, "application/x-x509-ca-cert", b);
}
