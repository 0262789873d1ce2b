/*
 * uploads.h — the record of every catalogue upload (who, when, what file,
 * what the import made of it), as the office portal lists them.
 */
#ifndef FM_UPLOADS_H
#define FM_UPLOADS_H

#include <stdint.h>

#include <jansson.h>

#include "store.h"

/*
 * The upload recorded under a spool receipt, as the import's report with
 * its upload_id, in *out (caller decrefs; NULL if none is).  An import that
 * committed before a crash left its spool file is not run again.  0, or -1
 * with *cause when the store failed.
 */
int upload_by_receipt(struct store *st, const char *receipt, json_t **out, char **cause);

/*
 * Whose uploads a reader may see: all of them (an admin) or those of the
 * office of user_id.
 */
struct upload_scope {
	int	 all;
	int64_t	 user_id;
};

/*
 * The newest 200 uploads in scope: [{id, kind, filename, …}], with the
 * newest 200 rejected attempts ({job, …, error_count, rejected: true},
 * recorded by their import jobs) among them, newest first (caller
 * decrefs), or NULL with *cause.
 */
json_t *upload_list_json(struct store *st, const struct upload_scope *scope, char **cause);
/*
 * One upload in scope with its report in *out (caller decrefs; NULL if
 * none): 0, or -1 with *cause.
 */
int upload_get_json(struct store *st, const struct upload_scope *scope, int64_t id,
    json_t **out, char **cause);

#endif
