/*
 * search_cache.c — a direct-mapped table: the key's hash picks one slot, a
 * newcomer replaces its occupant.  No bookkeeping per hit, and a bounded size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search_cache.h"
#include "util.h"

struct cache_slot {
	char	*key;		/* NULL = empty */
	char	*body;
};

struct search_cache {
	struct cache_slot	*slots;
	size_t			 nslots;
	long long		 version;	/* of every reply held */
};

struct search_cache *
search_cache_new(size_t slots)
{
	struct search_cache *c;

	if (slots == 0)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->slots = xcalloc(slots, sizeof *c->slots);
	c->nslots = slots;
	c->version = -1;
	return c;
}

/* Empties every slot. */
static void
clear(struct search_cache *c)
{
	for (size_t i = 0; i < c->nslots; i++) {
		free(c->slots[i].key);
		free(c->slots[i].body);
		c->slots[i].key = c->slots[i].body = NULL;
	}
}

void
search_cache_free(struct search_cache *c)
{
	if (c == NULL)
		return;
	clear(c);
	free(c->slots);
	free(c);
}

/* FNV-1a of key, 64 bits. */
static size_t
slot_of(const struct search_cache *c, const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return (size_t)(h % c->nslots);
}

const char *
search_cache_get(struct search_cache *c, const char *key, long long version)
{
	struct cache_slot *s;

	if (c == NULL)
		return NULL;
	if (version != c->version) {
		clear(c);
		c->version = version;
		return NULL;
	}
	s = &c->slots[slot_of(c, key)];
	return s->key != NULL && strcmp(s->key, key) == 0 ? s->body : NULL;
}

void
search_cache_put(struct search_cache *c, const char *key, long long version,
    const char *body)
{
	struct cache_slot *s;

	if (c == NULL || version != c->version)
		return;
	s = &c->slots[slot_of(c, key)];
	free(s->key);
	free(s->body);
	s->key = xstrdup(key);
	s->body = xstrdup(body);
}
