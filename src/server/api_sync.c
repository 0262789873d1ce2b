/*
 * api_sync.c — boxes in step over HTTPS (docs/sync.md).  A peer posts its
 * signed changeset file and gets this box's for it in the reply: one round
 * trip moves both ways.  The file's signature by a trusted site is the
 * credential, checked before anything changes; posting again after a lost
 * reply is harmless, as every apply is idempotent.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "sync.h"
#include "util.h"

/* GET /api/v1/sync: which site this box is, so that a peer knows whom it is talking to. */
void
api_sync_get(struct hreq *h, char **args)
{
	char *cause = NULL, *name = sync_site_name(hreq_store(h), &cause);

	if (name == NULL) {
		api_fail(h, hreq_store(h), 404, "not_a_site", cause);
		return;
	}
	http_json(h, 200, json_pack("{s:s}", "site", name));
	free(name);
}

static json_t *
report_json(const struct sync_report *r)
{
	return json_pack("{s:s, s:I, s:i, s:i, s:i}", "peer", r->peer != NULL ? r->peer : "",
	    "seq", (json_int_t)r->seq, "changes", (int)r->changes, "files", (int)r->files,
	    "conflicts", (int)r->conflicts);
}

/* Worker: apply the peer's file, then answer with this box's file for the peer. */
static void
sync_work(struct task *t, struct store *st)
{
	const char *text = json_string_value(json_object_get(t->in, "file"));
	struct sync_report in = { 0 }, out = { 0 };
	struct buf reply = { 0 };
	unsigned char *bytes;
	char *cause = NULL;
	size_t n;
	int rc;

	if ((bytes = sync_base64_bytes(text, &n)) == NULL) {
		api_task_fail(t, 400, "bad_request", xstrdup("file 不是 base64 / file is not base64"));
		return;
	}
	rc = sync_import(st, bytes, n, &in, &cause);
	free(bytes);
	if (rc < 0) {
		api_task_fail(t, 403, "refused", cause);
		sync_report_free(&in);
		return;
	}
	free(cause);
	cause = NULL;
	if (sync_export(st, in.peer, NULL, NULL, &reply, &out, &cause) != 0) {
		api_task_fail(t, 500, "sync", cause);
		sync_report_free(&in);
		return;
	}
	t->status = 200;
	t->body = json_pack("{s:o, s:b, s:o, s:o}", "applied", report_json(&in), "replayed",
	    rc == 1, "sent", report_json(&out), "file", sync_base64_json(reply.data, reply.len));
	buf_free(&reply);
	sync_report_free(&in);
	sync_report_free(&out);
}

/*
 * POST /api/v1/sync/files {"sha256": [...]}: which of these files this box
 * keeps, so that a peer carries only the others.
 */
void
api_sync_files(struct hreq *h, char **args)
{
	char *cause = NULL;
	json_t *in, *shas;
	int status;

	if ((in = hreq_json_body(h, (size_t)hreq_settings(h)->max_body_bytes, &status,
	    &cause)) == NULL) {
		http_error(h, status, "bad_request", "%s", cause);
		free(cause);
		return;
	}
	if (!json_is_array(shas = json_object_get(in, "sha256"))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要数组字段 sha256 / needs the array field sha256");
		return;
	}
	http_json(h, 200, json_pack("{s:o}", "held", sync_files_held(hreq_store(h), shas)));
	json_decref(in);
}

/* POST /api/v1/sync {"file": base64}: a peer's changeset in, ours for it out. */
void
api_sync_post(struct hreq *h, char **args)
{
	char *cause = NULL;
	json_t *in;
	int status;

	if ((in = hreq_json_body(h, (size_t)hreq_settings(h)->max_upload_bytes, &status,
	    &cause)) == NULL) {
		http_error(h, status, "bad_request", "%s", cause);
		free(cause);
		return;
	}
	if (!json_is_string(json_object_get(in, "file"))) {
		json_decref(in);
		http_error(h, 400, "bad_request", "需要字符串字段 file（base64 的同步文件） / needs the"
		    " string field file (the sync file in base64)");
		return;
	}
	api_task_run(h, sync_work, in, NULL);
}
