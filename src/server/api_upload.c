/*
 * api_upload.c — catalogue uploads over HTTP: the body (raw, or the file
 * part of a multipart form) is written to the spool and synced before the
 * server acknowledges it; the writer thread imports it as a job with the
 * same validation and report as `fairmatch import`, then indexes.  Spool
 * files left by a crash are imported at the next start.
 */
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "api.h"
#include "auth.h"
#include "catalog.h"
#include "http.h"
#include "import.h"
#include "indexing.h"
#include "job_record.h"
#include "multipart.h"
#include "uploads.h"
#include "util.h"

/* What the import job needs, also kept beside the spooled file as JSON. */
struct upload {
	char		*kind;		/* supply, demand */
	char		*filename;	/* as the user named it */
	char		*sheet;		/* XLSX sheet, or NULL */
	char		*login;
	int64_t		 user_id;
	char		*only_region;	/* the uploader's city or province, or NULL for an admin */
	char		*path;		/* the spooled body */
	char		*meta;		/* the JSON beside it */
};

/* An upload's receipt: its spooled file's name up to the first dot; caller frees. */
static char *
upload_receipt(const struct upload *u)
{
	const char *base = strrchr(u->path, '/') != NULL ? strrchr(u->path, '/') + 1 : u->path;

	return xstrndup(base, strcspn(base, "."));
}

static void
upload_free(void *arg)
{
	struct upload *u = arg;

	free(u->kind);
	free(u->filename);
	free(u->sheet);
	free(u->login);
	free(u->only_region);
	free(u->path);
	free(u->meta);
	free(u);
}

/* What import progress is measured against. */
struct import_meter {
	struct job	*job;
	long long	 size;		/* of the spooled file */
};

/* Reports the import's progress as rows read against rows the size suggests (~100 B each). */
static void
import_progress(size_t rows, void *arg)
{
	struct import_meter *m = arg;
	struct job *j = m->job;
	double guess = m->size > 0 ? (double)m->size / 100.0 : 1;
	char what[96];

	snprintf(what, sizeof what, "已读 %zu 行 / %zu rows read", rows, rows);
	job_progress(j, 0.9 * (rows / guess < 1 ? rows / guess : 1), what);
}

/* Job: import the spooled file (unless it already was), forget the spool, index. */
static int
import_job(struct job *j, struct store *st, void *arg, json_t **result, char **cause)
{
	struct upload *u = arg;
	struct import_opts io = { 0 };
	struct import_report rep;
	struct stat sb;
	struct import_meter meter = { j, stat(u->path, &sb) == 0 ? (long long)sb.st_size : 0 };
	char *receipt = upload_receipt(u);
	char *json;
	json_error_t err;
	int rc = 0;

	/* A store that fails (busy: the client sends it again) leaves nothing to resume. */
	if (upload_by_receipt(st, receipt, result, cause) != 0)
		rc = -1;
	else if (*result == NULL) {
		io.filename = u->filename;
		io.sheet = u->sheet;
		io.uploaded_by = u->login;
		io.user_id = u->user_id;
		io.only_region = u->only_region;
		io.receipt = receipt;
		io.progress = import_progress;
		io.progress_arg = &meter;
		job_progress(j, 0, "正在校验 / validating");
		import_file(st, catalog_by_name(u->kind), u->path, &io, &rep);
		json = import_report_json(&rep);
		*result = json_loads(json, 0, &err);
		free(json);
		if (rep.ok)
			json_object_set_new(*result, "upload_id", json_integer(rep.upload_id));
		else if (store_fail_hard(store_failure(st))) {
			/* Not refused: the store failed it; the report's first problem says how. */
			const char *why = json_string_value(json_object_get(json_array_get(
			    json_object_get(*result, "errors"), 0), "message"));

			*cause = xstrdup(why != NULL ? why : "?");
			rc = -1;
		}
		import_report_free(&rep);
	}
	free(receipt);
	/* Imported or refused, it is done with: the index catches up from the store. */
	unlink(u->path);
	unlink(u->meta);
	if (rc != 0) {
		json_decref(*result);
		*result = NULL;
		return -1;
	}
	if (json_integer_value(json_object_get(*result, "upload_id")) > 0) {
		job_progress(j, 0.95, "正在建立索引 / indexing");
		if (indexing_update(st, 0, NULL, cause) != 0) {
			/* The rows are in; the index catches up at the next change or start. */
			json_object_set_new(*result, "index_error", json_string(*cause));
			free(*cause);
			*cause = NULL;
		}
	}
	return 0;
}

/* Writes n bytes to path and syncs it; 0 or -1 with *cause. */
static int
write_synced(const char *path, const void *p, size_t n, char **cause)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	const char *c = p;

	if (fd < 0)
		goto fail;
	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			goto fail;
		}
		c += w;
		n -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		goto fail;
	return 0;
fail:
	*cause = xasprintf("无法写入暂存文件 / cannot write the spool file %s: %s", path,
	    strerror(errno));
	unlink(path);
	return -1;
}

/* The spool directory of the store in data_dir; caller frees. */
static char *
spool_dir(const char *data_dir)
{
	return xasprintf("%s/spool", data_dir);
}

/*
 * Spools the body and its description: the file first, then the JSON that
 * names it, then the directory — so a crash leaves either nothing or both.
 */
static int
spool(const char *data_dir, struct upload *u, const void *body, size_t len, char **cause)
{
	char *dir = spool_dir(data_dir), tok[AUTH_TOKEN_LEN], *s;
	json_t *meta;
	int rc;

	if (mkdir_p(dir, 0700) != 0) {
		*cause = xasprintf("无法创建 / cannot make %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	auth_random_token(tok);
	tok[16] = '\0';
	u->path = xasprintf("%s/%s.upload", dir, tok);
	u->meta = xasprintf("%s/%s.json", dir, tok);
	meta = json_pack("{s:s, s:s, s:s?, s:s, s:I, s:s?, s:s}", "kind", u->kind, "filename",
	    u->filename, "sheet", u->sheet, "login", u->login, "user_id", (json_int_t)u->user_id,
	    "only_region", u->only_region, "path", u->path);
	s = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
	rc = write_synced(u->path, body, len, cause);
	if (rc == 0 && (rc = write_synced(u->meta, s, strlen(s), cause)) != 0)
		unlink(u->path);
	free(s);
	if (rc == 0)
		fsync_path(dir);
	free(dir);
	return rc;
}

/* A received upload on its way to the quick pool. */
struct receipt {
	struct hreq	*h;
	struct upload	*u;
	struct evbuffer	*body;
	char		*content_type;
	int		 status;	/* 0 = spooled and queued */
	char		*cause;
	long long	 job;
};

/* Back on the loop: acknowledge (202 or, with wait=1, the report) or refuse. */
static void
receipt_reply(void *arg)
{
	struct receipt *r = arg;

	if (r->status != 0) {
		http_error(r->h, r->status, "bad_upload", "%s", r->cause);
		free(r->cause);
	} else
		api_reply_job(r->h, r->job);
	free(r->content_type);
	free(r);
}

/* On a quick worker: find the file in the body, spool it, queue the import. */
static void
receipt_work(struct store *st, void *arg)
{
	struct receipt *r = arg;
	struct upload *u = r->u;
	size_t blen = evbuffer_get_length(r->body), len = blen;
	const char *body = (const char *)evbuffer_pullup(r->body, -1), *data;
	char *boundary = NULL, *fname = NULL, *receipt;

	if (body == NULL && blen > 0)
		fatal("%s: evbuffer_pullup of %zu bytes", __func__, blen);
	if (body == NULL)
		body = "";		/* evbuffer_pullup of an empty buffer */
	data = body;
	if (r->content_type != NULL && strncasecmp(r->content_type, "multipart/form-data", 19) == 0) {
		if ((boundary = multipart_param(r->content_type, "boundary")) == NULL) {
			r->status = 400;
			r->cause = xstrdup("multipart 表单缺少 boundary / the multipart form has no"
			    " boundary");
			goto out;
		}
		if (multipart_find_file(body, blen, boundary, &data, &len, &fname, &r->cause) != 0) {
			r->status = 400;
			goto out;
		}
		if (fname != NULL && !utf8_valid(fname, strlen(fname))) {
			r->status = 400;
			r->cause = xstrdup("上传的文件名不是有效的 UTF-8 / the uploaded file's name is"
			    " not valid UTF-8");
			goto out;
		}
		if (fname != NULL && *fname != '\0' && u->filename == NULL)
			u->filename = xstrdup(fname);
	}
	/* An empty file goes on to the import, which reports it as the CLI does. */
	if (u->filename == NULL)
		u->filename = xstrdup("upload");
	if (spool(store_dir(st), u, data, len, &r->cause) != 0) {
		r->status = 507;
		goto out;
	}
	receipt = upload_receipt(u);
	/* Recorded before the reply: the id given answers after a restart. */
	r->job = jobs_submit_recorded(hreq_jobs(r->h), st, 0, "import", receipt, u->user_id,
	    import_job, u, upload_free);
	free(receipt);
	if (r->job < 0) {
		unlink(u->path);		/* not acknowledged: the reply says to try again */
		unlink(u->meta);
		goto out;
	}
	r->u = NULL;
out:
	free(boundary);
	free(fname);
	if (r->u != NULL)
		upload_free(r->u);
	evbuffer_free(r->body);
	loop_post(r->h->lp, receipt_reply, r);
}

void
api_upload_post(struct hreq *h, char **args)
{
	const char *kind = hreq_arg(h, "kind"), *name = hreq_arg(h, "filename");
	struct evbuffer *in = evhttp_request_get_input_buffer(h->req);
	struct receipt *r;
	struct upload *u;
	int role = h->who.role;

	if (kind == NULL || catalog_by_name(kind) == NULL) {
		http_error(h, 400, "bad_argument", "kind 应为 supply（产品目录）或 demand（需求目录） /"
		    " kind must be supply or demand");
		return;
	}
	if ((strcmp(kind, "supply") == 0 && role != ROLE_CITY && role != ROLE_ADMIN) ||
	    (strcmp(kind, "demand") == 0 && role != ROLE_EXPANSION && role != ROLE_ADMIN)) {
		http_error(h, 403, "forbidden", strcmp(kind, "supply") == 0 ?
		    "只有市经合办可以上传产品目录 / only a city office uploads a supply catalogue" :
		    "只有拓展办可以上传需求目录 / only an expansion office uploads a demand catalogue");
		return;
	}
	u = xcalloc(1, sizeof *u);
	u->kind = xstrdup(kind);
	u->filename = name != NULL && *name != '\0' ? xstrdup(name) : NULL;
	u->sheet = hreq_arg(h, "sheet") != NULL ? xstrdup(hreq_arg(h, "sheet")) : NULL;
	u->login = xstrdup(h->who.login);
	u->user_id = h->who.user_id;
	u->only_region = role == ROLE_ADMIN ? NULL : xstrdup(h->who.region);
	r = xcalloc(1, sizeof *r);
	r->h = h;
	r->u = u;
	r->body = evbuffer_new();
	evbuffer_add_buffer(r->body, in);		/* moves the chains, no copy */
	if (hreq_header(h, "Content-Type") != NULL)
		r->content_type = xstrdup(hreq_header(h, "Content-Type"));
	hreq_defer(h);
	workq_submit(hreq_quick(h), receipt_work, r);
}

/* The uploads the signed-in user may see: an admin all, an office its own. */
static void
upload_scope_of(const struct hreq *h, struct upload_scope *scope)
{
	scope->all = h->who.role == ROLE_ADMIN;
	scope->user_id = h->who.user_id;
}

void
api_upload_list(struct hreq *h, char **args)
{
	struct upload_scope scope;
	char *cause = NULL;
	json_t *list;

	upload_scope_of(h, &scope);
	list = upload_list_json(hreq_store(h), &scope, &cause);
	api_reply_list(h, "uploads", list, cause);
}

void
api_upload_get(struct hreq *h, char **args)
{
	struct upload_scope scope;
	char *cause = NULL;
	json_t *o = NULL;
	long id;

	upload_scope_of(h, &scope);
	if (parse_long(args[0], 1, LONG_MAX, &id) == 0 &&
	    upload_get_json(hreq_store(h), &scope, id, &o, &cause) != 0) {
		api_fail(h, hreq_store(h), 500, "store", cause);
		return;
	}
	if (o == NULL) {
		http_error(h, 404, "not_found", "没有这次上传，或不属于本办 / no such upload, or not"
		    " this office's: %s", args[0]);
		return;
	}
	http_json(h, 200, o);
}

/* An upload described by a spool JSON file, or NULL if it is unreadable. */
static struct upload *
upload_from_meta(const char *meta_path)
{
	json_t *m = json_load_file(meta_path, 0, NULL);
	struct upload *u;

	if (m == NULL || !json_is_string(json_object_get(m, "path")) ||
	    !json_is_string(json_object_get(m, "kind")) ||
	    catalog_by_name(json_string_value(json_object_get(m, "kind"))) == NULL) {
		json_decref(m);
		return NULL;
	}
	u = xcalloc(1, sizeof *u);
#define STR_OR_NULL(k) (json_is_string(json_object_get(m, k)) ? \
	xstrdup(json_string_value(json_object_get(m, k))) : NULL)
	u->kind = STR_OR_NULL("kind");
	u->filename = STR_OR_NULL("filename");
	u->sheet = STR_OR_NULL("sheet");
	u->login = STR_OR_NULL("login");
	u->only_region = STR_OR_NULL("only_region");
	u->path = STR_OR_NULL("path");
#undef STR_OR_NULL
	u->user_id = json_integer_value(json_object_get(m, "user_id"));
	u->meta = xstrdup(meta_path);
	if (u->login == NULL)
		u->login = xstrdup("unknown");
	json_decref(m);
	return u;
}

void
api_upload_resume(const char *data_dir, struct jobs *jobs)
{
	char *dir = spool_dir(data_dir), *cause = NULL;
	DIR *d = opendir(dir);
	struct dirent *e;
	struct store *st = NULL;

	/* To find each upload's job from before the stop, and take its id again. */
	if (d != NULL && store_open_readonly(data_dir, &st, &cause) != 0) {
		fprintf(stderr, "fairmatch serve: %s\n", cause);
		free(cause);
		cause = NULL;
	}

	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char *meta;
		struct upload *u;

		if (n > 7 && strcmp(e->d_name + n - 7, ".upload") == 0) {
			/* A body whose JSON was never written: never acknowledged. */
			char *path = xasprintf("%s/%s", dir, e->d_name);

			meta = xasprintf("%s/%.*s.json", dir, (int)(n - 7), e->d_name);
			if (access(meta, F_OK) != 0)
				unlink(path);
			free(path);
			free(meta);
			continue;
		}
		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		meta = xasprintf("%s/%s", dir, e->d_name);
		if ((u = upload_from_meta(meta)) != NULL && access(u->path, R_OK) == 0) {
			fprintf(stderr, "fairmatch serve: 继续导入上次收到的文件 / importing %s,"
			    " received before the last stop\n", u->filename);
			char *receipt = upload_receipt(u);
			long long id = st != NULL ? job_record_by_receipt(st, receipt, &cause) : 0;
			long long got;

			if (id < 0) {
				free(cause);
				cause = NULL;
				id = 0;
			}
			got = jobs_submit_recorded(jobs, NULL, id, "import", receipt, u->user_id,
			    import_job, u, upload_free);
			free(receipt);
			if (got < 0) {
				upload_free(u);		/* left in the spool for the next start */
				free(meta);
				break;
			}
		} else {
			/* Half-written: never acknowledged; its body goes too. */
			char *body = xasprintf("%s/%.*s.upload", dir, (int)(n - 5), e->d_name);

			if (u != NULL)
				upload_free(u);
			unlink(body);
			unlink(meta);
			free(body);
		}
		free(meta);
	}
	if (d != NULL)
		closedir(d);
	store_close(st);
	free(dir);
}
