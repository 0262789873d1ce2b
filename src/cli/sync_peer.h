/*
 * sync_peer.h — `fairmatch sync --peer URL`: one exchange with a peer box
 * over HTTPS.
 */
#ifndef FM_SYNC_PEER_H
#define FM_SYNC_PEER_H

#include <jansson.h>

#include "store.h"

/*
 * Sends the peer at url (https://host:port) what it does not have and
 * applies what it sends back; cacert (NULL: the system's) checks its
 * certificate; token (NULL: none), an API token of an account on the
 * peer, lets a changeset past max_body_bytes.  *summary gets what moved: {peer, sent: {seq, changes,
 * files}, peer_applied, received: {seq, changes, files, conflicts}}
 * (caller decrefs).  0, or -1 with *cause.
 */
int sync_with_peer(struct store *st, const char *url, const char *cacert, const char *token,
    json_t **summary, char **cause);

#endif
