/*
 * fuzzutil.h — what several fuzz harnesses share: a scratch directory of
 * the process's own, input written to a file for readers that take a
 * path, and a table reader drained the way import drains it.
 *
 * A harness that finds something wrong calls fuzz_fail(), which aborts:
 * libFuzzer and the replay driver both report an abort as a crash.
 */
#ifndef FM_FUZZUTIL_H
#define FM_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

/* The harness's entry points: libFuzzer's names, defined by each fuzz_*.c. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken contract: prints what and where, then aborts. */
#define fuzz_fail(...) fuzz_fail_at(__FILE__, __LINE__, __VA_ARGS__)
void fuzz_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/* A directory under $TMPDIR (or /tmp), made once, removed at exit. */
const char *fuzz_tmpdir(void);

/*
 * Writes data[0..size) to name in fuzz_tmpdir(), replacing it.  Returns
 * the path, valid until the next call with the same name.
 */
const char *fuzz_write(const char *name, const uint8_t *data, size_t size);

/* data[0..size) as a NUL-terminated string; caller frees. */
char *fuzz_strndup(const uint8_t *data, size_t size);

/*
 * Tight limits, so that short inputs reach the row, column and size
 * checks that real files reach only at megabytes.
 */
extern const struct table_limits fuzz_tight_limits;

/* What fuzz_drain does with the rows beyond reading them. */
enum fuzz_rows {
	FUZZ_READ,		/* nothing */
	FUZZ_SUPPLY,		/* map the header and check the rows as a supply catalogue */
	FUZZ_DEMAND,		/* as a demand catalogue */
};

/*
 * Mapping a header is the costly part of a small input (every cell against
 * every column name and alias), so each input is checked as one catalogue
 * only: by its length, odd or even, which mutations change as often as not.
 */
#define fuzz_catalogue(size) ((size) % 2 ? FUZZ_DEMAND : FUZZ_SUPPLY)

/*
 * Reads every row of tr (which it closes) and checks the reader's promises:
 * cells are valid UTF-8, no row has more cells than lim allows.  Unless
 * FUZZ_READ, also the way import reads: the header looked for in the first
 * rows, then each data row checked and normalised, and what comes out must
 * be valid UTF-8 too.
 */
void fuzz_drain(struct table_reader *tr, const struct table_limits *lim, enum fuzz_rows what);

#endif
