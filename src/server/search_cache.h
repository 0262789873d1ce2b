/*
 * search_cache.h — each event loop's cache of kiosk search replies.  Kiosks
 * ask the same things (every visitor types 茶, 茶叶, 龙井 …); a reply is
 * reused while the search index has not changed since it was made.  One
 * loop's cache is touched by that loop's thread only.
 */
#ifndef FM_SEARCH_CACHE_H
#define FM_SEARCH_CACHE_H

#include <stddef.h>

struct search_cache;

/* A cache of at most slots replies; NULL when slots is 0 (caching off). */
struct search_cache *search_cache_new(size_t slots);
void search_cache_free(struct search_cache *c);
/*
 * The reply stored for key at index version, or NULL.  A different version
 * empties the cache first.  Valid until the next put.
 */
const char *search_cache_get(struct search_cache *c, const char *key, long long version);
/* Keeps a copy of body for key at version, replacing what the slot held. */
void search_cache_put(struct search_cache *c, const char *key, long long version,
    const char *body);

#endif
