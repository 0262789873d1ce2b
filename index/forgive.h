/*
 * forgive.h — forgiving kiosk search: when a query as typed finds nothing
 * or little, a second query made from it by rules a person can read
 * (docs/search.md, "Forgiving search"):
 *
 *  1. a Latin word the vocabulary lacks (or barely has) is corrected to the
 *     nearest token it has: pinyin sounds an IME user confuses (in/ing,
 *     en/eng, z/zh, c/ch, s/sh, l/n), then a missing, extra, swapped or
 *     wrong letter, then the longest-known completion of a pinyin prefix;
 *  2. a model number is tried with its hyphens moved (DZ-47, dz47, DZ 47);
 *  3. a Han word that finds nothing is tried as its pinyin (龙景 → longjing);
 *  4. if that still finds little, one word is dropped: a number or size
 *     first, else the word fewest products have, and the reply says which.
 *
 * The exact hits come first, always; the forgiving query's hits follow.
 * The serving layer's vocabulary (serve_vocab_*) says what exists.
 */
#ifndef FM_FORGIVE_H
#define FM_FORGIVE_H

#include <sqlite3.h>

#include "search.h"
#include "serve.h"
#include "tokenize.h"

#define FORGIVE_FEW	3	/* fewer exact hits than this: forgive */

/*
 * search_serve_run, then the forgiving query when the exact one finds
 * fewer than FORGIVE_FEW products: res then holds the exact hits first,
 * the others after, with res->forgive saying what was done.  0, or -1
 * with *cause (caller frees), as search_serve_run.
 */
int search_forgiving_run(sqlite3 *db, struct tokenizer *tk, struct serve *sv,
    struct serve_scratch *s, const char *query, int last_is_prefix,
    const struct search_opts *opts, struct search_result *res, char **cause);

#endif
