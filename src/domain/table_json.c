/*
 * table_json.c — a catalogue as JSON from an office's own system: an array
 * of objects, or an object holding one such array ({"products": […]}).
 * Keys become the header (in order of first appearance); each object a row.
 * Row numbers are item numbers: the first object is row 1, the header row 0.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "table.h"
#include "util.h"

/* JSON is parsed whole by jansson; beyond this, CSV is the better format. */
#define JSON_MAX_BYTES (64UL * 1024 * 1024)

struct json_reader {
	struct table_reader	 base;		/* must be first */
	json_t			*items;		/* the array of objects, borrowed from root */
	json_t			*root;
	char			**keys;		/* header: every key seen */
	size_t			 nkeys;
	size_t			 next;		/* -1 = header not yet returned (as SIZE_MAX) */
	char			**cells;	/* current row, owned */
	size_t			 ncells;
};

static void
json_free_cells(struct json_reader *r)
{
	for (size_t i = 0; i < r->ncells; i++)
		free(r->cells[i]);
	free(r->cells);
	r->cells = NULL;
	r->ncells = 0;
}

/* Formats a JSON number as a person would write it: 12, 12.5, 13812345678. */
static char *
json_number_text(double v)
{
	char tmp[64];

	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(tmp, sizeof tmp, "%.0f", v);
	else
		snprintf(tmp, sizeof tmp, "%.15g", v);
	return xstrdup(tmp);
}

/* One value as cell text; NULL with *cause for objects and nested arrays. */
static char *
json_cell(json_t *v, const char *key, size_t item, char **cause)
{
	struct buf b = { 0 };
	size_t i;
	json_t *e;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return xstrndup(json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return xasprintf("%lld", (long long)json_integer_value(v));
	case JSON_REAL:
		return json_number_text(json_real_value(v));
	case JSON_TRUE:
		return xstrdup("TRUE");
	case JSON_FALSE:
		return xstrdup("FALSE");
	case JSON_NULL:
		return xstrdup("");
	case JSON_ARRAY:
		/* A list such as honours: ["浙江名牌", "中华老字号"]. */
		json_array_foreach(v, i, e) {
			char *s;

			if (json_is_array(e) || json_is_object(e)) {
				buf_free(&b);
				break;
			}
			s = json_cell(e, key, item, cause);
			if (b.len > 0)
				buf_addstr(&b, "；");
			buf_addstr(&b, s);
			free(s);
		}
		if (i == json_array_size(v))
			return buf_take(&b);
		/* FALLTHROUGH */
	case JSON_OBJECT:
		break;
	}
	*cause = xasprintf("第 %zu 项的字段 %s 应为文本、数字或文本列表 / item %zu: field %s"
	    " must be text, a number or a list of text", item, key, item, key);
	return NULL;
}

static int
json_next(struct table_reader *base, struct table_row *out, char **cause)
{
	struct json_reader *r = (struct json_reader *)base;
	const char *key;
	json_t *obj, *v;

	json_free_cells(r);
	if (r->next == SIZE_MAX) {
		r->next = 0;
		out->line = 0;
		out->ncells = r->nkeys;
		out->cells = r->keys;
		return 1;
	}
	if (r->next >= json_array_size(r->items))
		return 0;
	obj = json_array_get(r->items, r->next++);
	r->cells = xcalloc(r->nkeys, sizeof *r->cells);
	r->ncells = r->nkeys;
	for (size_t i = 0; i < r->nkeys; i++)
		r->cells[i] = xstrdup("");
	json_object_foreach(obj, key, v) {
		for (size_t i = 0; i < r->nkeys; i++) {
			if (strcmp(r->keys[i], key) != 0)
				continue;
			free(r->cells[i]);
			if ((r->cells[i] = json_cell(v, key, r->next, cause)) == NULL) {
				r->cells[i] = xstrdup("");
				r->base.err_line = r->next;
				return -1;
			}
			break;
		}
	}
	out->line = r->next;
	out->ncells = r->ncells;
	out->cells = r->cells;
	return 1;
}

static void
json_close(struct table_reader *base)
{
	struct json_reader *r = (struct json_reader *)base;

	json_free_cells(r);
	for (size_t i = 0; i < r->nkeys; i++)
		free(r->keys[i]);
	free(r->keys);
	json_decref(r->root);
	free(r);
}

static const struct table_ops json_ops = {
	.name = "json",
	.next = json_next,
	.close = json_close,
};

/* The array of items: the root, or the root object's only array member. */
static json_t *
json_find_items(json_t *root)
{
	const char *key;
	json_t *v, *found = NULL;

	if (json_is_array(root))
		return root;
	json_object_foreach(root, key, v) {
		if (!json_is_array(v))
			continue;
		if (found != NULL)
			return NULL;
		found = v;
	}
	return found;
}

struct table_reader *
table_json_open(const char *path, const struct table_limits *lim, char **cause)
{
	struct json_reader *r;
	json_error_t jerr;
	json_t *root, *items, *obj, *v;
	const char *key;
	struct stat st;
	size_t i, max = lim->max_file_bytes < JSON_MAX_BYTES ? lim->max_file_bytes :
	    JSON_MAX_BYTES;

	if (stat(path, &st) == -1) {
		*cause = xasprintf("无法打开文件 %s：%s / cannot open %s: %s", path,
		    strerror(errno), path, strerror(errno));
		return NULL;
	}
	if ((size_t)st.st_size > max) {
		*cause = xasprintf("JSON 文件超过 %zu MB，请改用 CSV / the JSON file is over %zu MB:"
		    " use CSV for files this large", max >> 20, max >> 20);
		return NULL;
	}
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		*cause = xasprintf("JSON 格式错误（第 %d 行第 %d 列），请检查该处的括号、引号和"
		    "逗号 / invalid JSON at line %d, column %d: %s", jerr.line, jerr.column,
		    jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if ((items = json_find_items(root)) == NULL) {
		*cause = xstrdup("JSON 应为对象数组，或只含一个对象数组的对象（如 {\"products\": [...]}）"
		    " / JSON must be an array of objects, or an object holding one such"
		    " array (such as {\"products\": [...]})");
		json_decref(root);
		return NULL;
	}
	if (json_array_size(items) > lim->max_rows) {
		*cause = xasprintf("文件超过 %zu 行数据的上限 / the file has more than %zu data rows",
		    lim->max_rows, lim->max_rows);
		json_decref(root);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->base.ops = &json_ops;
	r->base.charset = "UTF-8";
	r->root = root;
	r->items = items;
	r->next = SIZE_MAX;
	json_array_foreach(items, i, obj) {
		if (!json_is_object(obj)) {
			*cause = xasprintf("第 %zu 项不是对象（{...}） / item %zu is not an object"
			    " ({...})", i + 1, i + 1);
			r->base.err_line = i + 1;
			json_close(&r->base);
			return NULL;
		}
		json_object_foreach(obj, key, v) {
			size_t k;

			for (k = 0; k < r->nkeys; k++)
				if (strcmp(r->keys[k], key) == 0)
					break;
			if (k < r->nkeys)
				continue;
			if (r->nkeys >= lim->max_cols) {
				*cause = xasprintf("JSON 对象的字段超过 %zu 个 / more than %zu distinct"
				    " field names", lim->max_cols, lim->max_cols);
				json_close(&r->base);
				return NULL;
			}
			r->keys = xreallocarray(r->keys, r->nkeys + 1, sizeof *r->keys);
			r->keys[r->nkeys++] = xstrdup(key);
		}
	}
	return &r->base;
}
