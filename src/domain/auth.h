/*
 * auth.h — who is asking: users and roles (DESIGN.md, "Server"), argon2id
 * passwords, sign-in sessions and API tokens, and the scope rules that say
 * which catalogue a user may write.
 */
#ifndef FM_AUTH_H
#define FM_AUTH_H

#include <stdint.h>

#include <jansson.h>

#include "store.h"

/* Roles; as bits so that a route can allow several. */
enum role {
	ROLE_PUBLIC	= 1 << 0,	/* nobody signed in: the kiosk */
	ROLE_KIOSK	= 1 << 1,	/* a kiosk account (public read, meeting requests) */
	ROLE_CITY	= 1 << 2,	/* a city office: its own city's supply */
	ROLE_EXPANSION	= 1 << 3,	/* an expansion office: its own province's demand */
	ROLE_ORGANISER	= 1 << 4,	/* fairs, matching, schedules */
	ROLE_ADMIN	= 1 << 5,	/* everything */
	ROLE_FINANCE	= 1 << 6,	/* the finance department: reviews ledger lines, comments */
	ROLE_SITE	= 1 << 7,	/* another box (docs/sync.md): sync and nothing else */
};
#define ROLE_ANYONE	0x7f		/* every role but a site's, which only syncs */
#define ROLE_SIGNED_IN	(ROLE_ANYONE & ~ROLE_PUBLIC)

/* A 256-bit token as base64url without padding, plus NUL. */
#define AUTH_TOKEN_LEN	44

struct principal {
	int64_t	 user_id;		/* 0 when nobody is signed in */
	int	 role;			/* one enum role bit */
	int	 by_token;		/* an API token, not a browser session */
	char	 login[64];
	char	 region[64];		/* a city office's city or an expansion office's province */
	char	 session_hash[65];	/* the session's SHA-256, for sign-out */
};

/* The role called name ("admin", "city", …), or 0. */
int role_from_name(const char *name);
const char *role_name(int role);

/* A random token (getrandom). */
void auth_random_token(char out[AUTH_TOKEN_LEN]);
/* SHA-256 of s as hex. */
void auth_sha256_hex(const char *s, char hex[65]);

/* An argon2id encoding of password; caller frees.  NULL only on out of memory. */
char *auth_password_hash(const char *password);
/* 1 if password matches encoded, else 0. */
int auth_password_check(const char *encoded, const char *password);

/*
 * Checks login and password; on success makes a session lasting hours and
 * returns 0 with its token in token (give it to the client once) and the
 * principal.  -1 with *cause on a wrong login or password (one message for
 * both); -2 with *cause when the store failed (busy: try again).
 */
int auth_login(struct store *st, const char *login, const char *password, long hours,
    char token[AUTH_TOKEN_LEN], struct principal *who, char **cause);
/* Ends the session whose SHA-256 is hash. */
int auth_logout(struct store *st, const char *hash, char **cause);
/*
 * The principal of a session token (cookie) or an API token (bearer).
 * 0 if valid and current, -1 if not, -2 with *cause if the store failed.
 * Reads only.
 */
int auth_session(struct store *st, const char *token, struct principal *who, char **cause);
int auth_bearer(struct store *st, const char *token, struct principal *who, char **cause);

/*
 * Adds a user.  region: the city (role city) or province (role expansion)
 * it serves; offices are found or made.  password NULL makes one, returned
 * in *made (caller frees).  0, or -1 with *cause.
 */
int auth_user_add(struct store *st, const char *login, const char *role,
    const char *region, const char *password, char **made, char **cause);
/* Sets a password (NULL = make one into *made) and ends the user's sessions. */
int auth_user_passwd(struct store *st, const char *login, const char *password, char **made,
    char **cause);
/* A new API token for login; its value in token, shown once. */
int auth_token_add(struct store *st, const char *login, const char *label,
    char token[AUTH_TOKEN_LEN], char **cause);
/*
 * Every user: [{login, role, office, region, created_at, tokens}]; caller
 * decrefs.  NULL with *cause.
 */
json_t *auth_user_list(struct store *st, char **cause);
/* A principal as JSON for /api/v1/me; caller decrefs. */
json_t *auth_principal_json(const struct principal *who);

/*
 * The expansion office of canonical province, made ("驻四川拓展办") when
 * first named.  0 with *id, or -1 with *cause.
 */
int auth_expansion_office(struct store *st, const char *province, int64_t *id, char **cause);

/* The provincial office and the 11 city offices (made once; again changes nothing). */
int auth_offices_seed(struct store *st, char **cause);
/* How many users and offices there are; -1 with *cause. */
long long auth_user_count(struct store *st, char **cause);
long long auth_office_count(struct store *st, char **cause);

#endif
