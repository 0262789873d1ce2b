/*
 * textnorm.h — the one normaliser every indexed or queried string goes
 * through (DESIGN.md, "Text and tokens"): valid UTF-8, NFKC with case
 * folding (ＬＥＤ → led), Traditional → Simplified by phrase with OpenCC
 * (電動工具 → 电动工具), punctuation and space folded.
 *
 * A textnorm holds an ICU normaliser, an OpenCC converter and caches; it
 * is not thread-safe: one per thread (or per SQLite connection).
 */
#ifndef FM_TEXTNORM_H
#define FM_TEXTNORM_H

#include <stddef.h>
#include <stdint.h>

struct textnorm;

/* NULL with *cause (caller frees) if ICU or OpenCC data cannot be loaded. */
struct textnorm *textnorm_new(char **cause);
void textnorm_free(struct textnorm *tn);

/*
 * NFKC_Casefold of one code point as UTF-8 (*len bytes, not NUL-terminated;
 * may be empty for default-ignorable characters).  Cached, so cheap.
 * Valid until textnorm_free for code points below U+40000 (every Han
 * character); beyond that, only until the next call.
 */
const char *textnorm_fold(struct textnorm *tn, uint32_t cp, size_t *len);

/* Is cp a Han character? */
int textnorm_is_han(uint32_t cp);
/* Is cp (already folded) a letter or digit of any script but Han? */
int textnorm_is_alnum(uint32_t cp);

/* Would OpenCC's t2s change this Han character on its own?  Cached. */
int textnorm_is_traditional(struct textnorm *tn, uint32_t cp);

/*
 * Traditional → Simplified by phrase.  Returns a new string (caller frees)
 * and its length in *outlen, or NULL when nothing in s is traditional
 * (the common case: then s is already simplified).
 */
char *textnorm_t2s(struct textnorm *tn, const char *s, size_t len, size_t *outlen);

/*
 * The whole normalisation of a string: NFKC + case fold, t2s, every run of
 * punctuation, symbols and space turned into one space, trimmed.  NULL with
 * *cause if s is not valid UTF-8.  Caller frees.
 */
char *textnorm_string(struct textnorm *tn, const char *s, size_t len, char **cause);

#endif
