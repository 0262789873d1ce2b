/*
 * static.c — the front end's files from web_root: MIME types, ETag and
 * If-None-Match, and no way out of the root.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "static.h"
#include "util.h"

#define STATIC_MAX	(16 << 20)	/* a front-end file larger than this is a mistake */

static const char *const mime_types[][2] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".csv", "text/csv; charset=utf-8" },
	{ ".pdf", "application/pdf" },
	{ ".webmanifest", "application/manifest+json" },
};

/* The MIME type for path by its extension. */
static const char *
mime_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (size_t i = 0; i < nitems(mime_types); i++)
			if (strcasecmp(dot, mime_types[i][0]) == 0)
				return mime_types[i][1];
	return "application/octet-stream";
}

/* Whether a request path may name a file: no "..", no hidden names, no backslashes, no "//". */
static int
path_clean(const char *p)
{
	/* "//host/" would make the directory redirect's Location protocol-relative. */
	if (*p != '/' || strchr(p, '\\') != NULL || strstr(p, "//") != NULL)
		return 0;
	for (const char *s = p; (s = strchr(s, '/')) != NULL; s++)
		if (s[1] == '.')
			return 0;
	return 1;
}

/* Whether the If-None-Match header lists etag (or *). */
static int
etag_matches(const char *header, const char *etag)
{
	return header != NULL && (strcmp(header, "*") == 0 || strstr(header, etag) != NULL);
}

void
static_serve(struct hreq *h)
{
	const char *root = hreq_web_root(h), *rel = h->path;
	char *path, real[PATH_MAX], etag[64];
	struct evbuffer *body;
	struct stat sb;
	int fd;

	if (strcmp(h->method, "GET") != 0 && strcmp(h->method, "HEAD") != 0) {
		http_header(h, "Allow", "GET, HEAD");
		http_error(h, 405, "method_not_allowed", "只能 GET / only GET here");
		return;
	}
	if (!path_clean(rel)) {
		http_error(h, 404, "not_found", "没有这个文件 / no such file: %s", rel);
		return;
	}
	/* A personal link, /p/TOKEN: the one page that reads the token from its address. */
	if (strncmp(rel, "/p/", 3) == 0 && rel[3] != '\0' && strchr(rel + 3, '/') == NULL &&
	    strchr(rel + 3, '.') == NULL)
		path = xasprintf("%s/p/index.html", root);
	else
		path = xasprintf("%s%s%s", root, rel, rel[strlen(rel) - 1] == '/' ? "index.html" :
		    "");
	if (realpath(path, real) == NULL || strncmp(real, root, strlen(root)) != 0 ||
	    real[strlen(root)] != '/' || stat(real, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		/* A directory without the slash: send the browser to it. */
		if (realpath(path, real) != NULL && stat(real, &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    strncmp(real, root, strlen(root)) == 0) {
			char *to = xasprintf("%s/", rel);

			http_header(h, "Location", to);
			free(to);
			free(path);
			http_send(h, 301, NULL, NULL);
			return;
		}
		free(path);
		http_error(h, 404, "not_found", "没有这个文件 / no such file: %s", rel);
		return;
	}
	free(path);
	snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)sb.st_size,
	    (unsigned long long)sb.st_mtim.tv_sec * 1000000000ULL +
	    (unsigned long long)sb.st_mtim.tv_nsec);
	http_header(h, "ETag", etag);
	http_header(h, "Cache-Control", "no-cache");
	if (etag_matches(hreq_header(h, "If-None-Match"), etag)) {
		http_send(h, 304, NULL, NULL);
		return;
	}
	if (sb.st_size > STATIC_MAX || (fd = open(real, O_RDONLY | O_CLOEXEC)) < 0) {
		http_error(h, 500, "unreadable", "无法读取文件 / cannot read %s", rel);
		return;
	}
	body = evbuffer_new();
	if (evbuffer_read(body, fd, (int)sb.st_size) != (int)sb.st_size) {
		/* A short read: the file changed under us; read the rest in pieces. */
		while (evbuffer_read(body, fd, 65536) > 0)
			;
	}
	close(fd);
	http_send(h, 200, mime_type(real), body);
}
