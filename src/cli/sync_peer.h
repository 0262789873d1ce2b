/*
 * sync_peer.h — `fairmatch sync --peer URL`: one exchange with a peer box
 * over HTTPS.
 */
#ifndef FM_SYNC_PEER_H
#define FM_SYNC_PEER_H

#include "store.h"

/*
 * Sends the peer at url (https://host:port) what it does not have and
 * applies what it sends back; cacert (NULL: the system's) checks its
 * certificate.  Prints what moved.  0, or -1 with *cause.
 */
int sync_with_peer(struct store *st, const char *url, const char *cacert, int json,
    char **cause);

#endif
