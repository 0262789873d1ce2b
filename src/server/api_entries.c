/*
 * api_entries.c — an office's own entries: a page of them with filters and
 * sorting, the same entries as an XLSX or CSV file in the template's
 * columns (to edit and upload again), and each catalogue's blank template.
 * Files are written on a worker and sent as the reply.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "catalog_read.h"
#include "export.h"
#include "http.h"
#include "util.h"

#define ENTRIES_PAGE_MAX	500

/* The catalogue's Content-Types, by format. */
static const struct {
	const char	*format;
	const char	*type;
} file_types[] = {
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "csv", "text/csv; charset=utf-8" },
};

/*
 * Whose entries the caller reads: a city office its city's products, an
 * expansion office its province's demands, an admin either catalogue
 * (?kind=, supply by default) of any region (?region=, all by default).
 * 0, or -1 after replying.
 */
static int
entries_scope(struct hreq *h, const char **kind, const char **region)
{
	const char *k = hreq_arg(h, "kind");
	const char *own = h->who.role == ROLE_CITY ? "supply" :
	    h->who.role == ROLE_EXPANSION ? "demand" : NULL;

	if (k != NULL && strcmp(k, "supply") != 0 && strcmp(k, "demand") != 0) {
		http_error(h, 400, "bad_argument", "kind 应为 supply 或 demand / kind must be supply"
		    " or demand: %s", k);
		return -1;
	}
	if (own != NULL && k != NULL && strcmp(k, own) != 0) {
		http_error(h, 403, "forbidden", "%s / %s", own[0] == 's' ?
		    "市经合办只能查看本市的产品" : "拓展办只能查看本省的需求", own[0] == 's' ?
		    "a city office sees its own city's products" :
		    "an expansion office sees its own province's demands");
		return -1;
	}
	*kind = own != NULL ? own : k != NULL ? k : "supply";
	*region = own != NULL ? h->who.region : hreq_arg(h, "region");
	if (*region != NULL && **region == '\0')
		*region = NULL;
	return 0;
}

/* The filter from ?category= and ?since=; 0, or -1 after replying 400. */
static int
entries_filter(struct hreq *h, const char *region, struct catalog_filter *f, char since[21])
{
	const char *c = hreq_arg(h, "category"), *s = hreq_arg(h, "since");

	memset(f, 0, sizeof *f);
	f->region = region;
	f->offered = 1;
	f->category = c != NULL && *c != '\0' ? c : NULL;
	if (s != NULL && *s != '\0') {
		if (utc_stamp_from(s, since) != 0) {
			http_error(h, 400, "bad_argument", "since 应为日期 YYYY-MM-DD（展会时区）或"
			    " YYYY-MM-DDTHH:MM:SSZ / since must be a date YYYY-MM-DD (in the fair's"
			    " time zone) or YYYY-MM-DDTHH:MM:SSZ: %s", s);
			return -1;
		}
		f->since = since;
	}
	return 0;
}

/* GET /api/v1/entries?kind=&region=&category=&since=&sort=&offset=&limit= */
void
api_entries_list(struct hreq *h, char **args)
{
	struct catalog_filter f;
	const char *kind, *region, *sort = hreq_arg(h, "sort");
	char since[21], *cause = NULL;
	long offset, limit;
	long long total = 0;
	json_t *list;

	if (entries_scope(h, &kind, &region) != 0 || entries_filter(h, region, &f, since) != 0)
		return;
	if ((offset = api_arg_long(h, "offset", 0, 100000000, 0)) < 0 ||
	    (limit = api_arg_long(h, "limit", 1, ENTRIES_PAGE_MAX, 50)) < 0)
		return;
	list = catalog_list_json(hreq_store(h), kind, &f, sort, offset, limit, &total, &cause);
	if (list == NULL) {
		api_fail(h, hreq_store(h), cause != NULL && strstr(cause, "sort") != NULL ? 400 : 500,
		    cause != NULL && strstr(cause, "sort") != NULL ? "bad_argument" : "store", cause);
		return;
	}
	http_json(h, 200, json_pack("{s:s, s:s?, s:s?, s:s?, s:s, s:I, s:i, s:i, s:o}",
	    "kind", kind, "region", region, "category", f.category, "since", f.since,
	    "sort", sort != NULL && *sort != '\0' ? sort : "-updated", "total", (json_int_t)total,
	    "offset", (int)offset, "limit", (int)limit, "entries", list));
}

/* The export format from ?format=, xlsx by default; NULL after replying 400. */
static const char *
entries_format(struct hreq *h, const char *f)
{
	for (size_t i = 0; i < nitems(file_types); i++)
		if (f == NULL ? i == 0 : strcmp(f, file_types[i].format) == 0)
			return file_types[i].format;
	http_error(h, 400, "bad_argument", "格式应为 xlsx 或 csv / the format must be xlsx or csv:"
	    " %s", f);
	return NULL;
}

/* Worker: write the export or template t->in describes to t->text, and send it. */
static void
entries_file_work(struct task *t, struct store *st)
{
	const char *kind = json_string_value(json_object_get(t->in, "kind"));
	const char *format = json_string_value(json_object_get(t->in, "format"));
	struct catalog_filter f = {
		.region = json_string_value(json_object_get(t->in, "region")),
		.category = json_string_value(json_object_get(t->in, "category")),
		.since = json_string_value(json_object_get(t->in, "since")),
		.offered = 1,
		.none = json_is_true(json_object_get(t->in, "template")),
	};
	const struct catalog *cat = catalog_by_name(kind);
	char *cause = NULL, *dir = xstrdup(t->text), *slash = strrchr(dir, '/');

	*slash = '\0';
	if (mkdir_p(dir, 0700) != 0) {
		api_task_fail(t, 500, "unwritable", xasprintf("无法创建 / cannot make %s: %s", dir,
		    strerror(errno)));
		free(dir);
		return;
	}
	free(dir);
	if (export_catalogue_where(st, kind, format, &f, t->text, NULL, &cause) != 0) {
		api_task_fail(t, 500, "export", cause);
		return;
	}
	t->file = xstrdup(t->text);
	for (size_t i = 0; i < nitems(file_types); i++)
		if (strcmp(format, file_types[i].format) == 0)
			t->file_type = file_types[i].type;
	t->file_name = xasprintf("%s-%s.%s", cat->zh, f.none ? "模板" : f.region != NULL ?
	    f.region : "全部", format);
}

/* Queues the file for in on a worker; the reply is the file. */
static void
entries_file(struct hreq *h, json_t *in)
{
	char tok[AUTH_TOKEN_LEN];

	auth_random_token(tok);
	tok[16] = '\0';
	api_task_run(h, entries_file_work, in, xasprintf("%s/prints/%s-entries.%s",
	    hreq_data_dir(h), tok, json_string_value(json_object_get(in, "format"))));
}

/* GET /api/v1/entries/export?kind=&region=&category=&since=&format=xlsx|csv */
void
api_entries_export(struct hreq *h, char **args)
{
	struct catalog_filter f;
	const char *kind, *region, *format;
	char since[21];

	if (entries_scope(h, &kind, &region) != 0 || entries_filter(h, region, &f, since) != 0 ||
	    (format = entries_format(h, hreq_arg(h, "format"))) == NULL)
		return;
	entries_file(h, json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "kind", kind, "format", format,
	    "region", f.region, "category", f.category, "since", f.since));
}

/* GET /api/v1/templates/supply.xlsx|supply.csv|demand.xlsx|demand.csv */
void
api_template_get(struct hreq *h, char **args)
{
	const char *dot = strrchr(args[0], '.');
	char *kind = xstrndup(args[0], dot != NULL ? (size_t)(dot - args[0]) : strlen(args[0]));
	const char *format = NULL;

	for (size_t i = 0; dot != NULL && i < nitems(file_types); i++)
		if (strcmp(dot + 1, file_types[i].format) == 0)
			format = file_types[i].format;
	if (format == NULL || (strcmp(kind, "supply") != 0 && strcmp(kind, "demand") != 0)) {
		http_error(h, 404, "not_found", "没有这个模板（supply.xlsx、supply.csv、demand.xlsx、"
		    "demand.csv） / no such template (supply.xlsx, supply.csv, demand.xlsx,"
		    " demand.csv): %s", args[0]);
		free(kind);
		return;
	}
	entries_file(h, json_pack("{s:s, s:s, s:b}", "kind", kind, "format", format, "template",
	    1));
	free(kind);
}
