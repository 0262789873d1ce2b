/*
 * pinyin.c — readings of Han characters from the generated table, and the
 * full and initials pinyin of words for the tokenizer.
 */
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pinyin.h"
#include "util.h"

#define FULL_MAX	(PINYIN_WORD_MAX * (PINYIN_READING_MAX - 1) + 1)

/* A word being spelt: its characters' readings and what has been passed. */
struct word_state {
	const char	*readings[PINYIN_WORD_MAX][PINYIN_MAX_READINGS];
	size_t		 nreadings[PINYIN_WORD_MAX];	/* per character */
	size_t		 tail_max[PINYIN_WORD_MAX + 1];	/* rank sum after i */
	size_t		 nchars;			/* characters */
	size_t		 rank[PINYIN_WORD_MAX];		/* combination */
	size_t		 combinations_left;		/* cap, counting down */
	char		 full[PINYIN_MAX_COMBINATIONS][FULL_MAX];
	size_t		 nfull;				/* full tokens passed */
	char		 initials[PINYIN_MAX_COMBINATIONS][PINYIN_WORD_MAX + 1];
	size_t		 ninitials;			/* initials passed */
	size_t		 ntokens;			/* tokens passed to cb */
	int		 stopped;			/* cb said stop */
	pinyin_word_cb	 cb;
	void		*arg;
};

/* The table entry for cp, or NULL. */
static const struct pinyin_entry *
find_entry(uint32_t cp)
{
	size_t	lo = 0, hi = pinyin_nentries, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pinyin_entries[mid].cp == cp)
			return (&pinyin_entries[mid]);
		if (pinyin_entries[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (NULL);
}

/* Stores up to max readings of cp in out, most common first. */
size_t
pinyin_readings(uint32_t cp, const char **out, size_t max)
{
	const struct pinyin_entry	*e;
	const char			*p;
	size_t				 i;

	if ((e = find_entry(cp)) == NULL)
		return (0);
	p = pinyin_pool + e->off;
	for (i = 0; i < e->n && i < max; i++) {
		out[i] = p;
		p += strlen(p) + 1;
	}
	return (i);
}

/* The first letter of a reading, or -1. */
int
pinyin_initial(const char *reading)
{
	if (reading == NULL || reading[0] < 'a' || reading[0] > 'z')
		return (-1);
	return ((unsigned char)reading[0]);
}

/* Passes token to the callback unless seen[0..*nseen) holds it already. */
static void
pass_token(struct word_state *ws, enum pinyin_form form, const char *token,
    char *seen, size_t width, size_t *nseen)
{
	size_t	i;

	for (i = 0; i < *nseen; i++) {
		if (strcmp(seen + i * width, token) == 0)
			return;
	}
	/* Fits: at most one token of each form per combination. */
	memcpy(seen + *nseen * width, token, strlen(token) + 1);
	(*nseen)++;
	ws->ntokens++;
	if (ws->cb(form, token, ws->arg) != 0)
		ws->stopped = 1;
}

/* Spells the combination in ws->rank and passes its tokens. */
static void
pass_combination(struct word_state *ws)
{
	char		 full[FULL_MAX], initials[PINYIN_WORD_MAX + 1];
	const char	*r;
	size_t		 i, len = 0, n;

	for (i = 0; i < ws->nchars; i++) {
		r = ws->readings[i][ws->rank[i]];
		n = strlen(r);
		memcpy(full + len, r, n);
		len += n;
		initials[i] = (char)pinyin_initial(r);
	}
	full[len] = '\0';
	initials[ws->nchars] = '\0';

	pass_token(ws, PINYIN_FULL, full, &ws->full[0][0], FULL_MAX,
	    &ws->nfull);
	if (!ws->stopped)
		pass_token(ws, PINYIN_INITIALS, initials, &ws->initials[0][0],
		    PINYIN_WORD_MAX + 1, &ws->ninitials);
	ws->combinations_left--;
}

/*
 * Passes every combination whose ranks from character pos on add up to
 * sum, ranks at pos rising first, until the cap or the callback stops it.
 */
static void
pass_rank_sum(struct word_state *ws, size_t pos, size_t sum)
{
	size_t	r;

	if (pos == ws->nchars) {
		if (sum == 0)
			pass_combination(ws);
		return;
	}
	for (r = 0; r < ws->nreadings[pos] && r <= sum; r++) {
		if (sum - r > ws->tail_max[pos + 1])
			continue;
		ws->rank[pos] = r;
		pass_rank_sum(ws, pos + 1, sum - r);
		if (ws->stopped || ws->combinations_left == 0)
			return;
	}
}

/* Passes the full and initials pinyin of a Han word to cb. */
size_t
pinyin_word(const char *word, size_t len, size_t max_combinations,
    pinyin_word_cb cb, void *arg)
{
	struct word_state	 ws;
	size_t			 i, sum, at, k;
	uint32_t		 cp;

	if (word == NULL || cb == NULL || len == 0 || !utf8_valid(word, len))
		return (0);
	memset(&ws, 0, sizeof ws);
	for (at = 0; at < len; at += k) {
		if (ws.nchars == PINYIN_WORD_MAX)
			return (0);
		k = utf8_decode(word + at, len - at, &cp);
		ws.nreadings[ws.nchars] = pinyin_readings(cp,
		    ws.readings[ws.nchars], PINYIN_MAX_READINGS);
		if (ws.nreadings[ws.nchars] == 0)
			return (0);
		ws.nchars++;
	}
	for (i = ws.nchars; i > 0; i--)
		ws.tail_max[i - 1] = ws.tail_max[i] + ws.nreadings[i - 1] - 1;

	if (max_combinations == 0 ||
	    max_combinations > PINYIN_MAX_COMBINATIONS)
		max_combinations = PINYIN_MAX_COMBINATIONS;
	ws.combinations_left = max_combinations;
	ws.cb = cb;
	ws.arg = arg;
	for (sum = 0; sum <= ws.tail_max[0]; sum++) {
		pass_rank_sum(&ws, 0, sum);
		if (ws.stopped || ws.combinations_left == 0)
			break;
	}
	return (ws.ntokens);
}

/* Every distinct reading in the table, sorted, built once. */
static const char	**syllables;
static size_t		  nsyllables;
static pthread_once_t	  syllables_once = PTHREAD_ONCE_INIT;

static int
str_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* Collects the distinct readings of the whole table. */
static void
syllables_build(void)
{
	size_t	 cap = 0, i, j, n = 0;

	for (i = 0; i < pinyin_nentries; i++)
		cap += pinyin_entries[i].n;
	syllables = xcalloc(cap, sizeof *syllables);
	for (i = 0; i < pinyin_nentries; i++) {
		const char *p = pinyin_pool + pinyin_entries[i].off;

		for (j = 0; j < pinyin_entries[i].n; j++, p += strlen(p) + 1)
			syllables[n++] = p;
	}
	qsort(syllables, n, sizeof *syllables, str_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || strcmp(syllables[j - 1], syllables[i]) != 0)
			syllables[j++] = syllables[i];
	nsyllables = j;
}

/* Is s[0..len) a syllable some character reads as? */
static int
is_syllable(const char *s, size_t len)
{
	char	 key[PINYIN_READING_MAX];
	const char *k = key;

	if (len == 0 || len >= sizeof key)
		return (0);
	memcpy(key, s, len);
	key[len] = '\0';
	return (bsearch(&k, syllables, nsyllables, sizeof *syllables, str_cmp) != NULL);
}

void
pinyin_prepare(void)
{
	pthread_once(&syllables_once, syllables_build);
}

/* Splits toneless pinyin typed without spaces into syllables. */
size_t
pinyin_segment(const char *s, size_t len, size_t *cuts, size_t max)
{
	size_t	 best[PINYIN_SEGMENT_MAX + 1], from[PINYIN_SEGMENT_MAX + 1];
	size_t	 i, k, n;

	pinyin_prepare();
	if (len == 0 || len > PINYIN_SEGMENT_MAX)
		return (0);
	/* best[i]: fewest syllables spelling s[0..i); ties go to longer syllables first. */
	best[0] = 0;
	for (i = 1; i <= len; i++) {
		best[i] = SIZE_MAX;
		for (k = 1; k < PINYIN_READING_MAX && k <= i; k++)
			if (best[i - k] != SIZE_MAX && best[i - k] + 1 <= best[i] &&
			    is_syllable(s + i - k, k) && (best[i - k] + 1 < best[i] ||
			    k > i - from[i])) {
				best[i] = best[i - k] + 1;
				from[i] = i - k;
			}
	}
	if (best[len] == SIZE_MAX || best[len] > max)
		return (0);
	n = best[len];
	for (i = len, k = n; k > 0; k--) {
		cuts[k - 1] = i;
		i = from[i];
	}
	return (n);
}
