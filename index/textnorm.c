/*
 * textnorm.c — NFKC + case folding with ICU, Traditional → Simplified with
 * OpenCC, both cached per code point so that a million products normalise
 * in seconds, not minutes.
 */
#include <stdlib.h>
#include <string.h>

#include <opencc.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>

#include "textnorm.h"
#include "util.h"

#define CACHE_CPS	0x40000		/* planes 0–3: every Han character */
#define POOL_BLOCK	65536		/* folded forms are stored in blocks that never move */

enum trad_state { TRAD_UNKNOWN, TRAD_NO, TRAD_YES };

struct textnorm {
	const UNormalizer2	*nfkc_cf;	/* ICU's NFKC_Casefold; not owned */
	opencc_t		 t2s;		/* OpenCC t2s.json; owned */
	const char		**fold;		/* [CACHE_CPS]: folded form, NULL = not yet */
	uint8_t			*fold_len;	/* [CACHE_CPS] */
	char			**blocks;	/* where the folded forms live; owned */
	size_t			 nblocks;
	size_t			 used;		/* bytes used in the last block */
	uint8_t			*trad;		/* [CACHE_CPS] enum trad_state */
	char			 scratch[64];	/* the fold of a code point past the cache */
};

struct textnorm *
textnorm_new(char **cause)
{
	struct textnorm *tn;
	UErrorCode ec = U_ZERO_ERROR;
	const UNormalizer2 *n = unorm2_getNFKCCasefoldInstance(&ec);

	if (U_FAILURE(ec)) {
		*cause = xasprintf("ICU 规范化数据无法加载 / cannot load ICU's NFKC_Casefold data: %s",
		    u_errorName(ec));
		return NULL;
	}
	tn = xcalloc(1, sizeof *tn);
	tn->nfkc_cf = n;
	tn->t2s = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
	if (tn->t2s == (opencc_t)-1) {
		*cause = xasprintf("OpenCC 繁简转换数据无法加载 / cannot load OpenCC's %s: %s",
		    OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP, opencc_error());
		free(tn);
		return NULL;
	}
	tn->fold = xcalloc(CACHE_CPS, sizeof *tn->fold);
	tn->fold_len = xcalloc(CACHE_CPS, sizeof *tn->fold_len);
	tn->trad = xcalloc(CACHE_CPS, sizeof *tn->trad);
	return tn;
}

void
textnorm_free(struct textnorm *tn)
{
	if (tn == NULL)
		return;
	opencc_close(tn->t2s);
	for (size_t i = 0; i < tn->nblocks; i++)
		free(tn->blocks[i]);
	free(tn->blocks);
	free(tn->fold);
	free(tn->fold_len);
	free(tn->trad);
	free(tn);
}

/* Folds one code point with ICU into out (≥ 64 bytes); returns the length. */
static size_t
fold_icu(const struct textnorm *tn, uint32_t cp, char *out)
{
	UChar src[2], dst[32];
	UErrorCode ec = U_ZERO_ERROR;
	int32_t n = 0, m, len = 0;

	U16_APPEND_UNSAFE(src, n, cp);
	m = unorm2_normalize(tn->nfkc_cf, src, n, dst, (int32_t)nitems(dst), &ec);
	if (U_SUCCESS(ec))
		u_strToUTF8(out, 63, &len, dst, m, &ec);
	if (U_FAILURE(ec))
		return utf8_encode(cp, out);	/* keep it as it is */
	return (size_t)len;
}

const char *
textnorm_fold(struct textnorm *tn, uint32_t cp, size_t *len)
{
	if (cp < 0x80) {
		/* ASCII: only the letters change. */
		static const char ascii[] = "\0\1\2\3\4\5\6\7\10\11\12\13\14\15\16\17"
		    "\20\21\22\23\24\25\26\27\30\31\32\33\34\35\36\37"
		    " !\"#$%&'()*+,-./0123456789:;<=>?@abcdefghijklmnopqrstuvwxyz[\\]^_"
		    "`abcdefghijklmnopqrstuvwxyz{|}~\177";

		*len = 1;
		return ascii + cp;
	}
	if (cp >= CACHE_CPS) {
		*len = fold_icu(tn, cp, tn->scratch);
		return tn->scratch;
	}
	if (tn->fold[cp] == NULL) {
		char out[64], *at;
		size_t n = fold_icu(tn, cp, out);

		if (tn->nblocks == 0 || tn->used + n > POOL_BLOCK) {
			tn->blocks = xreallocarray(tn->blocks, tn->nblocks + 1, sizeof *tn->blocks);
			tn->blocks[tn->nblocks++] = xmalloc(POOL_BLOCK);
			tn->used = 0;
		}
		at = tn->blocks[tn->nblocks - 1] + tn->used;
		memcpy(at, out, n);
		tn->used += n;
		tn->fold[cp] = at;
		tn->fold_len[cp] = (uint8_t)n;
	}
	*len = tn->fold_len[cp];
	return tn->fold[cp];
}

int
textnorm_is_han(uint32_t cp)
{
	UErrorCode ec = U_ZERO_ERROR;

	if (cp < 0x2e80)
		return 0;
	return uscript_getScript((UChar32)cp, &ec) == USCRIPT_HAN && U_SUCCESS(ec) &&
	    u_isalpha((UChar32)cp);
}

int
textnorm_is_alnum(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z');
	return u_isalnum((UChar32)cp) && !textnorm_is_han(cp);
}

int
textnorm_is_traditional(struct textnorm *tn, uint32_t cp)
{
	char in[4], *out;
	size_t n;
	int yes;

	if (cp >= CACHE_CPS || !textnorm_is_han(cp))
		return 0;
	if (tn->trad[cp] != TRAD_UNKNOWN)
		return tn->trad[cp] == TRAD_YES;
	n = utf8_encode(cp, in);
	out = opencc_convert_utf8(tn->t2s, in, n);
	yes = out != NULL && (strlen(out) != n || memcmp(out, in, n) != 0);
	if (out != NULL)
		opencc_convert_utf8_free(out);
	tn->trad[cp] = yes ? TRAD_YES : TRAD_NO;
	return yes;
}

char *
textnorm_t2s(struct textnorm *tn, const char *s, size_t len, size_t *outlen)
{
	size_t i = 0;
	char *out, *copy;

	while (i < len) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);

		if (textnorm_is_traditional(tn, cp))
			break;
		i += k;
	}
	if (i == len)
		return NULL;
	out = opencc_convert_utf8(tn->t2s, s, len);
	if (out == NULL)
		return NULL;
	copy = xstrdup(out);
	opencc_convert_utf8_free(out);
	*outlen = strlen(copy);
	return copy;
}

/* Does a folded character separate words (space, punctuation, symbols)? */
static int
is_separator(uint32_t cp)
{
	return !textnorm_is_alnum(cp) && !textnorm_is_han(cp);
}

char *
textnorm_string(struct textnorm *tn, const char *s, size_t len, char **cause)
{
	struct buf folded = { 0 }, out = { 0 };
	size_t n, tlen;
	char *t;
	int space = 0;

	if (!utf8_valid(s, len)) {
		*cause = xstrdup("文本不是有效的 UTF-8 / the text is not valid UTF-8");
		return NULL;
	}
	for (size_t i = 0; i < len; i += n) {
		uint32_t cp;
		const char *f;
		size_t flen;

		n = utf8_decode(s + i, len - i, &cp);
		f = textnorm_fold(tn, cp, &flen);
		buf_add(&folded, f, flen);
	}
	buf_add(&folded, "", 0);
	t = textnorm_t2s(tn, folded.data, folded.len, &tlen);
	if (t == NULL) {
		t = buf_take(&folded);
		tlen = strlen(t);
	}
	buf_add(&out, "", 0);
	for (size_t i = 0; i < tlen; i += n) {
		uint32_t cp;

		n = utf8_decode(t + i, tlen - i, &cp);
		if (is_separator(cp)) {
			space = out.len > 0;
			continue;
		}
		if (space)
			buf_addc(&out, ' ');
		space = 0;
		buf_add(&out, t + i, n);
	}
	free(t);
	buf_free(&folded);
	return buf_take(&out);
}
