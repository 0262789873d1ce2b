/*
 * static.h — serving the web front end's files.
 */
#ifndef FM_STATIC_H
#define FM_STATIC_H

struct hreq;

/* Replies with the file under web_root that h's path names (or 304, 404, 405). */
void static_serve(struct hreq *h);

#endif
