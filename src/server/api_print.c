/*
 * api_print.c — PDFs and exports over HTTP: each render runs as a job on
 * the writer thread and leaves its file in DATA/prints/, which the job's
 * result names and GET /api/v1/files/NAME hands out as an attachment.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "api.h"
#include "auth.h"
#include "export.h"
#include "http.h"
#include "print.h"
#include "schedule_version.h"
#include "util.h"

/* What to render: a document of the fair (or the guide), or an export. */
struct render {
	char	*what;		/* guide, agendas, tables, grid, signin, badges, supply, demand,
				   candidates, schedule, outcomes */
	char	*fair;		/* or NULL */
	int	 version;	/* schedule: 0 = the current one */
	char	*format;	/* pdf, xlsx, csv */
	char	*base_url;	/* for the agendas' QR codes: public_url, or the Host used */
	char	*dir;		/* DATA/prints */
};

static void
render_free(void *arg)
{
	struct render *r = arg;

	free(r->what);
	free(r->fair);
	free(r->format);
	free(r->base_url);
	free(r->dir);
	free(r);
}

/* The renderers' progress, as the job's. */
static void
render_progress(void *arg, double done)
{
	job_progress(arg, done, "正在生成 / rendering");
}

/* Job: render into DATA/prints/<random>-<what>.<format>. */
static int
render_job(struct job *j, struct store *st, void *arg, json_t **result, char **cause)
{
	struct render *r = arg;
	char tok[AUTH_TOKEN_LEN], *name, *path;
	long long rows = 0;
	int pages = 0, rc;

	if (mkdir_p(r->dir, 0700) != 0) {
		*cause = xasprintf("无法创建 / cannot make %s: %s", r->dir, strerror(errno));
		return -1;
	}
	auth_random_token(tok);
	tok[16] = '\0';
	name = r->version > 0 ? xasprintf("%s-%s-%s-v%d.%s", tok, r->what, r->fair, r->version,
	    r->format) : xasprintf("%s-%s%s%s.%s", tok, r->what, r->fair != NULL ? "-" : "",
	    r->fair != NULL ? r->fair : "", r->format);
	path = xasprintf("%s/%s", r->dir, name);
	if (strcmp(r->what, "guide") == 0)
		rc = print_guide(st, path, render_progress, j, cause);
	else if (strcmp(r->what, "supply") == 0 || strcmp(r->what, "demand") == 0)
		rc = export_catalogue(st, r->what, r->format, path, &rows, cause);
	else if (strcmp(r->what, "candidates") == 0)
		rc = export_candidates(st, r->fair, r->format, path, &rows, cause);
	else if (strcmp(r->what, "schedule") == 0)
		rc = export_schedule(st, r->fair, r->version, r->format, path, &rows, cause);
	else if (strcmp(r->what, "outcomes") == 0)
		rc = export_outcomes(st, r->fair, r->format, path, &rows, cause);
	else {
		struct print_opts po = { r->base_url, render_progress, j };
		struct agenda *a = NULL;

		rc = agenda_load(st, r->fair, &a, cause);
		if (rc == 0 && strcmp(r->what, "agendas") == 0)
			rc = agenda_load_links(st, a, cause);
		if (rc == 0)
			rc = print_agenda_doc(a, print_agenda_doc_by_name(r->what), &po, path, &pages,
			    cause);
		agenda_free(a);
	}
	if (rc == 0) {
		char *url = xasprintf("/api/v1/files/%s", name);

		*result = json_pack("{s:s, s:s, s:I, s:i}", "file", name, "url", url,
		    "rows", (json_int_t)rows, "pages", pages);
		free(url);
	}
	free(name);
	free(path);
	return rc;
}

/* Queues a render and answers with its job. */
static void
render_submit(struct hreq *h, const char *what, const char *fair, const char *format,
    int version)
{
	struct render *r = xcalloc(1, sizeof *r);
	const char *host = hreq_header(h, "Host");
	const char *public_url = hreq_settings(h)->public_url;
	long long id;

	r->what = xstrdup(what);
	r->version = version;
	r->fair = fair != NULL ? xstrdup(fair) : NULL;
	r->format = xstrdup(format);
	/* Phones reach the box at public_url; the Host header is often localhost. */
	r->base_url = public_url[0] != '\0' ? xstrdup(public_url) :
	    xasprintf("https://%s", host != NULL ? host : "localhost");
	r->dir = xasprintf("%s/prints", hreq_data_dir(h));
	if ((id = jobs_submit(hreq_jobs(h), "render", h->who.user_id, render_job, r,
	    render_free)) < 0)
		render_free(r);
	api_reply_job(h, id);
}

/* The export format from ?format=, xlsx by default; NULL after replying 400. */
static const char *
export_format(struct hreq *h)
{
	const char *f = hreq_arg(h, "format");

	if (f == NULL)
		return "xlsx";
	if (strcmp(f, "xlsx") == 0 || strcmp(f, "csv") == 0)
		return f;
	http_error(h, 400, "bad_argument", "format 应为 xlsx 或 csv / format must be xlsx or csv");
	return NULL;
}

/* POST /api/v1/print/guide */
void
api_print_guide(struct hreq *h, char **args)
{
	render_submit(h, "guide", NULL, "pdf", 0);
}

/* POST /api/v1/fairs/CODE/print/agendas|tables|grid|signin|badges */
void
api_print_fair(struct hreq *h, char **args)
{
	if (print_agenda_doc_by_name(args[1]) < 0) {
		http_error(h, 404, "not_found", "没有这种文档 / no such document: %s（agendas、tables、"
		    "grid、signin、badges）", args[1]);
		return;
	}
	if (api_fair_known(h, args[0]))
		render_submit(h, args[1], args[0], "pdf", 0);
}

/* POST /api/v1/export/supply|demand?format= */
void
api_export_catalogue(struct hreq *h, char **args)
{
	const char *format;

	if (strcmp(args[0], "supply") != 0 && strcmp(args[0], "demand") != 0) {
		http_error(h, 404, "not_found", "只能导出 supply 或 demand / export supply or demand");
		return;
	}
	if ((format = export_format(h)) != NULL)
		render_submit(h, args[0], NULL, format, 0);
}

/*
 * POST /api/v1/fairs/CODE/export/candidates|schedule|outcomes?format=: a
 * schedule takes ?version=N (the current one without it).
 */
void
api_export_fair(struct hreq *h, char **args)
{
	static const char *const what[] = { "candidates", "schedule", "outcomes" };
	const char *format, *v = hreq_arg(h, "version");
	long version = 0;
	size_t k;

	for (k = 0; k < nitems(what); k++)
		if (strcmp(args[1], what[k]) == 0)
			break;
	if (k == nitems(what)) {
		http_error(h, 404, "not_found", "没有这种导出 / no such export: %s（candidates、"
		    "schedule、outcomes）", args[1]);
		return;
	}
	if (v != NULL && (k != 1 || parse_long(v, 1, 1000000, &version) != 0)) {
		http_error(h, 400, "bad_argument", "version 应为日程的版本号 / version must be a"
		    " schedule's version number: %s", v);
		return;
	}
	if ((format = export_format(h)) == NULL || !api_fair_known(h, args[0]))
		return;
	if (version > 0) {
		char *cause = NULL;
		int found = schedule_version_exists(hreq_store(h), args[0], (int)version, &cause);

		if (found < 0) {
			api_fail(h, hreq_store(h), 500, "store", cause);
			return;
		}
		if (found == 0) {
			http_error(h, 404, "not_found", "展会 %s 没有第 %ld 版日程 / fair %s has no"
			    " schedule version %ld", args[0], version, args[0], version);
			return;
		}
	}
	render_submit(h, what[k], args[0], format, (int)version);
}

/* GET /api/v1/files/NAME: a rendered file, as an attachment. */
void
api_file_get(struct hreq *h, char **args)
{
	static const char *const types[][2] = {
		{ ".pdf", "application/pdf" },
		{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ ".csv", "text/csv; charset=utf-8" },
	};
	const char *name = args[0], *type = NULL, *dot = strrchr(name, '.');
	struct evbuffer *b;
	struct stat sb;
	char *path, *disp;
	int fd;

	/* Names the render made: letters, digits, - _ . and not starting with a dot. */
	if (name[0] == '.')
		dot = NULL;
	for (const char *p = name; *p != '\0'; p++)
		if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
		    ('0' <= *p && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			dot = NULL;
	for (size_t i = 0; dot != NULL && i < nitems(types); i++)
		if (strcmp(dot, types[i][0]) == 0)
			type = types[i][1];
	path = xasprintf("%s/prints/%s", hreq_data_dir(h), name);
	if (type == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(path);
		http_error(h, 404, "not_found", "没有这个文件 / no such file: %s", name);
		return;
	}
	free(path);
	b = evbuffer_new();
	if (fstat(fd, &sb) != 0 || evbuffer_add_file(b, fd, 0, sb.st_size) != 0) {
		close(fd);
		evbuffer_free(b);
		http_error(h, 500, "unreadable", "无法读取 / cannot read %s", name);
		return;
	}
	disp = xasprintf("attachment; filename=\"%s\"", name);
	http_header(h, "Content-Disposition", disp);
	free(disp);
	http_header(h, "Cache-Control", "no-store");
	http_send(h, 200, type, b);
}
