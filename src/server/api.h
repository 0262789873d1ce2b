/*
 * api.h — the JSON API under /api/v1/ (DESIGN.md, "Server"), /healthz and
 * /metrics: a route table with the roles allowed on each.
 */
#ifndef FM_API_H
#define FM_API_H

#include <jansson.h>

#include "auth.h"
#include "store.h"

struct hreq;
struct jobs;

/* Work for the quick pool: work fills status and body on a worker; the reply follows. */
struct task {
	struct hreq	*h;
	struct store	*st;		/* the worker's handle, while work runs */
	void		(*work)(struct task *, struct store *);
	int		 status;	/* set by work */
	json_t		*body;		/* set by work; taken by the reply */
	char		 token[AUTH_TOKEN_LEN]; /* a new session to set as a cookie */
	json_t		*in;		/* the request's JSON, or NULL; released after */
	char		*text;		/* a string argument, or NULL; freed after */
	char		*file;		/* set by work: a file to send instead of body, as
					   an attachment, removed once open; or NULL */
	const char	*file_type;	/* its Content-Type */
	char		*file_name;	/* the name the browser saves it as (UTF-8) */
};

/* Hands work to the quick pool (taking in and text); the reply comes when it is done. */
void api_task_run(struct hreq *h, void (*work)(struct task *, struct store *), json_t *in,
    char *text);
/*
 * Sets t's reply to {"error": code, "message": cause} with status, freeing
 * cause; a failure of the store itself overrides them (api_store_status).
 */
void api_task_fail(struct task *t, int status, const char *code, char *cause);

/*
 * The status and code for a failure of kind f (store_failure): 503 "busy"
 * when another writer holds the database (try again), 500 when the store
 * itself is broken (disk, full, corrupt, a read-only handle, a bug in our
 * SQL), else status and code as the caller judged the input.
 */
int api_fail_status(enum store_fail f, int status, const char **code);
/*
 * Replies to a failure a domain function just reported on st, as
 * api_fail_status says, with cause as the message (freed).
 */
void api_fail(struct hreq *h, struct store *st, int status, const char *code, char *cause);
/* Replies {key: list} (list taken), or, when list is NULL, the loop store's failure (api_fail). */
void api_reply_list(struct hreq *h, const char *key, json_t *list, char *cause);

/* A whole-number query argument in [lo, hi], def if absent; -1 after replying 400. */
long api_arg_long(struct hreq *h, const char *name, long lo, long hi, long def);
/* Answers a request for /api/…, /healthz or /metrics. */
void api_handle(struct hreq *h);
/* Whether METHOD PATH is an upload route, whose body may be up to max_upload_bytes. */
int api_takes_upload(const char *method, const char *path);

/*
 * Writes the request's body (an evidence file named by ?filename=) to a
 * temporary file under the data directory: its path (caller frees and
 * unlinks), or NULL after replying 400 or 500.
 */
char *api_evidence_spool(struct hreq *h);

/* The handlers of api_ledger.c: the marketing network's ledger. */
void api_ledger_register(struct hreq *h, char **args);
void api_ledger_outlet_save(struct hreq *h, char **args);
void api_ledger_lines(struct hreq *h, char **args);
void api_ledger_line(struct hreq *h, char **args);
void api_ledger_submit(struct hreq *h, char **args);
void api_ledger_returns(struct hreq *h, char **args);
void api_ledger_evidence(struct hreq *h, char **args);
void api_ledger_act(struct hreq *h, char **args);
void api_ledger_figures(struct hreq *h, char **args);
void api_ledger_late(struct hreq *h, char **args);
void api_ledger_sample_draw(struct hreq *h, char **args);
void api_ledger_sample_get(struct hreq *h, char **args);
void api_ledger_sample_record(struct hreq *h, char **args);
void api_ledger_register_export(struct hreq *h, char **args);
void api_ledger_register_import(struct hreq *h, char **args);
void api_ledger_figures_export(struct hreq *h, char **args);
void api_ledger_city_reports(struct hreq *h, char **args);
void api_ledger_city_report(struct hreq *h, char **args);

/* The handlers of api_upload.c, routed by api.c. */
void api_upload_post(struct hreq *h, char **args);
void api_upload_list(struct hreq *h, char **args);
void api_upload_get(struct hreq *h, char **args);
/* Queues again the uploads received but not yet imported when the server last stopped. */
void api_upload_resume(const char *data_dir, struct jobs *jobs);

/* The handlers of api_schedule.c. */
void api_schedule_get(struct hreq *h, char **args);
void api_schedule_run(struct hreq *h, char **args);
void api_schedule_lock(struct hreq *h, char **args);
void api_schedule_move(struct hreq *h, char **args);
void api_schedule_request(struct hreq *h, char **args);
void api_schedule_setup(struct hreq *h, char **args);

/* The handlers of api_fairday.c: running a fair, setup to the last no-show. */
void api_fair_setup_get(struct hreq *h, char **args);
void api_fair_tables(struct hreq *h, char **args);
void api_fair_participants(struct hreq *h, char **args);
void api_fair_walk_in(struct hreq *h, char **args);
void api_fair_participant(struct hreq *h, char **args);
void api_fair_availability(struct hreq *h, char **args);
void api_fair_check_in(struct hreq *h, char **args);
void api_fair_no_show(struct hreq *h, char **args);
void api_fair_requests(struct hreq *h, char **args);
void api_fair_request_decide(struct hreq *h, char **args);
void api_fair_pair(struct hreq *h, char **args);
void api_fair_arrivals(struct hreq *h, char **args);
void api_fair_backfill(struct hreq *h, char **args);
void api_fair_backfill_accept(struct hreq *h, char **args);
void api_fair_late(struct hreq *h, char **args);
void api_fair_versions(struct hreq *h, char **args);
void api_fair_version_diff(struct hreq *h, char **args);
void api_fair_version_publish(struct hreq *h, char **args);
void api_fair_version_discard(struct hreq *h, char **args);
void api_fair_undo(struct hreq *h, char **args);

/* The handlers of api_stats.c: figures against targets, one meeting's outcome. */
void api_stats_get(struct hreq *h, char **args);
void api_outcome_get(struct hreq *h, char **args);
void api_outcome_post(struct hreq *h, char **args);
void api_outcome_evidence(struct hreq *h, char **args);

/* The handlers of api_print.c. */
void api_print_guide(struct hreq *h, char **args);
void api_print_fair(struct hreq *h, char **args);
void api_export_catalogue(struct hreq *h, char **args);
void api_export_fair(struct hreq *h, char **args);
void api_file_get(struct hreq *h, char **args);

/* api_pages.c: what a personal link opens */
void api_page_get(struct hreq *h, char **args);
void api_page_answer(struct hreq *h, char **args);
void api_page_availability(struct hreq *h, char **args);
void api_page_ics(struct hreq *h, char **args);
void api_page_revoke(struct hreq *h, char **args);

/* The handlers of api_entries.c: an office's own entries, their export, the templates. */
void api_entries_list(struct hreq *h, char **args);
void api_entries_export(struct hreq *h, char **args);
void api_template_get(struct hreq *h, char **args);
/* api_tls.c */
void api_tls_get(struct hreq *h, char **args);
void api_tls_cert(struct hreq *h, char **args);

/* The handlers of api_withdraw.c: an office withdraws and restores its own entries. */
void api_withdraw_product(struct hreq *h, char **args);
void api_restore_product(struct hreq *h, char **args);
void api_withdraw_demand(struct hreq *h, char **args);
void api_restore_demand(struct hreq *h, char **args);
void api_withdrawn_list(struct hreq *h, char **args);

/* The handlers of api_sync.c: a peer's changeset in, this box's for it out. */
void api_sync_get(struct hreq *h, char **args);
void api_sync_post(struct hreq *h, char **args);
void api_sync_files(struct hreq *h, char **args);
/* Whether a fair has this code; if not, replies 404 naming it (before a job is queued). */
int api_fair_known(struct hreq *h, const char *code);

/* Replies with the job's JSON once it finishes (wait=1), or 202 with its id now. */
void api_reply_job(struct hreq *h, long long id);

#endif
