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
 * its upload_id (caller decrefs); NULL if none is.  An import that
 * committed before a crash left its spool file is not run again.
 */
json_t *upload_by_receipt(struct store *st, const char *receipt);

/*
 * Whose uploads a reader may see: all of them (an admin) or those of the
 * office of user_id.
 */
struct upload_scope {
	int	 all;
	int64_t	 user_id;
};

/* The newest 200 uploads in scope: [{id, kind, filename, …}] (caller decrefs). */
json_t *upload_list_json(struct store *st, const struct upload_scope *scope);
/* One upload in scope with its report (caller decrefs), or NULL. */
json_t *upload_get_json(struct store *st, const struct upload_scope *scope, int64_t id);

#endif
