/*
 * auth.c — users, argon2id passwords, sessions and API tokens.  Tokens
 * are 256 random bits the client keeps; the store holds only their SHA-256.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <argon2.h>
#include <mbedtls/sha256.h>

#include "auth.h"
#include "normalise.h"
#include "util.h"

/* OWASP's argon2id minimum: 19 MiB, two passes, one lane. */
#define ARGON_T		2
#define ARGON_M		19456
#define ARGON_P		1
#define ARGON_SALT	16
#define ARGON_HASH	32

static const struct {
	int		 role;
	const char	*name;
} roles[] = {
	{ ROLE_ADMIN, "admin" }, { ROLE_CITY, "city" }, { ROLE_EXPANSION, "expansion" },
	{ ROLE_ORGANISER, "organiser" }, { ROLE_KIOSK, "kiosk" }, { ROLE_FINANCE, "finance" },
	{ ROLE_SITE, "site" },
	{ ROLE_PUBLIC, "public" },
};

int
role_from_name(const char *name)
{
	for (size_t i = 0; i < nitems(roles); i++)
		if (strcmp(roles[i].name, name) == 0 && roles[i].role != ROLE_PUBLIC)
			return roles[i].role;
	return 0;
}

const char *
role_name(int role)
{
	for (size_t i = 0; i < nitems(roles); i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "public";
}

/* Fills buf with random bytes from the kernel; aborts if it cannot. */
static void
random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			fatal("getrandom: %s", strerror(errno));
		}
		p += got;
		n -= (size_t)got;
	}
}

void
auth_random_token(char out[AUTH_TOKEN_LEN])
{
	static const char b64url[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[33];		/* 32 random bytes and a zero: 44 digits of 6 bits */
	size_t o = 0;

	random_bytes(raw, 32);
	raw[32] = 0;
	for (size_t i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)raw[i] << 16 | (unsigned)(i + 1 < 33 ? raw[i + 1] : 0) << 8 |
		    (i + 2 < 33 ? raw[i + 2] : 0);

		for (int k = 18; k >= 0 && o < AUTH_TOKEN_LEN - 1; k -= 6)
			out[o++] = b64url[(v >> k) & 63];
	}
	out[AUTH_TOKEN_LEN - 1] = '\0';
}

void
auth_sha256_hex(const char *s, char hex[65])
{
	unsigned char md[32];

	mbedtls_sha256_ret((const unsigned char *)s, strlen(s), md, 0);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

char *
auth_password_hash(const char *password)
{
	unsigned char salt[ARGON_SALT];
	size_t len = argon2_encodedlen(ARGON_T, ARGON_M, ARGON_P, ARGON_SALT, ARGON_HASH,
	    Argon2_id);
	char *enc = xmalloc(len);
	int rc;

	random_bytes(salt, sizeof salt);
	rc = argon2id_hash_encoded(ARGON_T, ARGON_M, ARGON_P, password, strlen(password), salt,
	    sizeof salt, ARGON_HASH, enc, len);
	if (rc != ARGON2_OK)
		fatal("argon2id: %s", argon2_error_message(rc));
	return enc;
}

int
auth_password_check(const char *encoded, const char *password)
{
	return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

/* A password people can type: 16 letters and digits without look-alikes. */
static char *
make_password(void)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char raw[16];
	char *pw = xmalloc(sizeof raw + 1);

	random_bytes(raw, sizeof raw);
	for (size_t i = 0; i < sizeof raw; i++)
		pw[i] = alphabet[raw[i] % (sizeof alphabet - 1)];
	pw[sizeof raw] = '\0';
	return pw;
}

/* Copies a column's text (NULL as "") into a fixed field, cut at a character boundary. */
static void
copy_field(char *dst, size_t size, const unsigned char *s)
{
	utf8_copy(dst, size, s != NULL ? (const char *)s : "");
}

/* Fills who from a row of (id, role, login, city, province). */
static void
principal_from_row(sqlite3_stmt *q, struct principal *who)
{
	memset(who, 0, sizeof *who);
	who->user_id = sqlite3_column_int64(q, 0);
	who->role = role_from_name((const char *)sqlite3_column_text(q, 1));
	copy_field(who->login, sizeof who->login, sqlite3_column_text(q, 2));
	copy_field(who->region, sizeof who->region, sqlite3_column_text(q,
	    who->role == ROLE_EXPANSION ? 4 : 3));
}

#define PRINCIPAL_COLUMNS \
	"u.id, u.role, u.login, o.city, o.province"

static char *dummy;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* Makes the dummy encoding, once. */
static void
dummy_make(void)
{
	dummy = auth_password_hash("fairmatch-no-such-user");
}

/* An encoding to verify against when the login is unknown, so that both cost the same. */
static const char *
dummy_hash(void)
{
	pthread_once(&dummy_once, dummy_make);
	return dummy;
}

int
auth_login(struct store *st, const char *login, const char *password, long hours,
    char token[AUTH_TOKEN_LEN], struct principal *who, char **cause)
{
	sqlite3_stmt *q;
	char hash[65];
	int found, good;
	time_t now = time(NULL);

	if (store_query(st, "SELECT " PRINCIPAL_COLUMNS ", u.password_hash FROM users u"
	    " LEFT JOIN offices o ON o.id = u.office_id WHERE u.login = ?", &q, cause) != 0)
		return -2;
	sqlite3_bind_text(q, 1, login, -1, SQLITE_STATIC);
	found = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 5) == SQLITE_TEXT;
	if (found) {
		principal_from_row(q, who);
		good = auth_password_check((const char *)sqlite3_column_text(q, 5), password);
	} else
		good = auth_password_check(dummy_hash(), password) && 0;
	if (store_finish(st, q, cause) != 0)
		return -2;
	if (!good) {
		*cause = xstrdup("用户名或密码不对 / wrong login or password");
		return -1;
	}
	auth_random_token(token);
	auth_sha256_hex(token, hash);
	if (store_query(st, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
	    " VALUES (?, ?, ?, ?)", &q, cause) != 0)
		return -2;
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, who->user_id);
	sqlite3_bind_int64(q, 3, now);
	sqlite3_bind_int64(q, 4, now + hours * 3600);
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0)
		return -2;
	memcpy(who->session_hash, hash, sizeof hash);
	/* Old sessions go when their owner signs in again; if that fails, they go next time. */
	if (store_query(st, "DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?", &q,
	    NULL) == 0) {
		sqlite3_bind_int64(q, 1, who->user_id);
		sqlite3_bind_int64(q, 2, now);
		sqlite3_step(q);
		store_finish(st, q, NULL);
		store_failure_reset(st);
	}
	return 0;
}

int
auth_logout(struct store *st, const char *hash, char **cause)
{
	sqlite3_stmt *q;

	if (store_query(st, "DELETE FROM sessions WHERE token_hash = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
	sqlite3_step(q);
	return store_finish(st, q, cause);
}

/* Looks a token's hash up with sql (one parameter, the hash, and the time). */
static int
principal_by_token(struct store *st, const char *sql, const char *token, struct principal *who,
    char **cause)
{
	sqlite3_stmt *q;
	char hash[65];
	int rc = -1;

	if (strlen(token) != AUTH_TOKEN_LEN - 1)
		return -1;
	auth_sha256_hex(token, hash);
	if (store_query(st, sql, &q, cause) != 0)
		return -2;
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, time(NULL));
	if (sqlite3_step(q) == SQLITE_ROW) {
		principal_from_row(q, who);
		memcpy(who->session_hash, hash, sizeof hash);
		rc = who->role != 0 ? 0 : -1;
	}
	return store_finish(st, q, cause) != 0 ? -2 : rc;
}

int
auth_session(struct store *st, const char *token, struct principal *who, char **cause)
{
	return principal_by_token(st, "SELECT " PRINCIPAL_COLUMNS " FROM sessions s"
	    " JOIN users u ON u.id = s.user_id LEFT JOIN offices o ON o.id = u.office_id"
	    " WHERE s.token_hash = ? AND s.expires_at > ?", token, who, cause);
}

int
auth_bearer(struct store *st, const char *token, struct principal *who, char **cause)
{
	int rc = principal_by_token(st, "SELECT " PRINCIPAL_COLUMNS " FROM api_tokens t"
	    " JOIN users u ON u.id = t.user_id LEFT JOIN offices o ON o.id = u.office_id"
	    " WHERE t.token_hash = ? AND t.revoked = 0 AND ? > 0", token, who, cause);

	if (rc == 0) {
		who->by_token = 1;
		who->session_hash[0] = '\0';
	}
	return rc;
}

/*
 * The office a city or expansion user belongs to: found by its city or
 * province, an expansion office made when first named.  0 with *id (0 for
 * roles without an office), or -1 with *cause.
 */
static int
office_for(struct store *st, int role, const char *region, int64_t *id, char **cause)
{
	const char *canon;
	sqlite3_stmt *q;

	*id = 0;
	if (role != ROLE_CITY && role != ROLE_EXPANSION) {
		if (region != NULL && *region != '\0') {
			*cause = xasprintf("角色 %s 不属于某个城市或省份 / the role %s has no city or"
			    " province", role_name(role), role_name(role));
			return -1;
		}
		return 0;
	}
	if (region == NULL || *region == '\0') {
		*cause = xstrdup(role == ROLE_CITY ? "市经合办账号要指定城市（--region 宁波） / a city"
		    " office account needs its city (--region 宁波)" : "拓展办账号要指定省份（--region"
		    " 黑龙江） / an expansion office account needs its province (--region 黑龙江)");
		return -1;
	}
	canon = role == ROLE_CITY ? norm_zj_city(region) : norm_province(region);
	if (canon == NULL) {
		*cause = xasprintf(role == ROLE_CITY ? "“%s”不是浙江省的地级市 / \"%s\" is not one of"
		    " Zhejiang's 11 cities" : "“%s”不是省级行政区 / \"%s\" is not a province of China",
		    region, region);
		return -1;
	}
	if (role == ROLE_EXPANSION)
		return auth_expansion_office(st, canon, id, cause);
	if (store_query(st, "SELECT id FROM offices WHERE kind = 'city' AND city = ?", &q,
	    cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, canon, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		*id = sqlite3_column_int64(q, 0);
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (*id == 0) {
		*cause = xasprintf("数据库里没有%s的经合办，请先运行 fairmatch init / no office for %s;"
		    " run fairmatch init", canon, canon);
		return -1;
	}
	return 0;
}

int
auth_expansion_office(struct store *st, const char *canon, int64_t *id, char **cause)
{
	sqlite3_stmt *q;

	*id = 0;
	if (store_query(st, "SELECT id FROM offices WHERE kind = 'expansion' AND province = ?",
	    &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, canon, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		*id = sqlite3_column_int64(q, 0);
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (*id != 0)
		return 0;
	if (store_query(st, "INSERT INTO offices (kind, name, province) VALUES ('expansion', ?, ?)",
	    &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, xasprintf("驻%s拓展办", province_short(canon)), -1, free);
	sqlite3_bind_text(q, 2, canon, -1, SQLITE_STATIC);
	sqlite3_step(q);
	if (store_finish(st, q, cause) != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(store_db(st));
	return 0;
}

/* Whether a login is something people can type and logs can show. */
static int
login_valid(const char *login)
{
	size_t n = strlen(login);

	if (n == 0 || n > 60 || !utf8_valid(login, n))
		return 0;
	for (const char *p = login; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\\' || *p == 0x7f)
			return 0;
	return 1;
}

/* A password's problem, or NULL if it will do. */
static const char *
password_problem(const char *pw)
{
	if (strlen(pw) < 10)
		return "密码至少 10 个字符 / a password needs at least 10 characters";
	if (strlen(pw) > 1024)
		return "密码太长 / the password is too long";
	return NULL;
}

/* Commits, then hands a made password (none was given) to *made, or frees it. */
static int
commit_password(struct store *st, char *pw, const char *given, char **made, char **cause)
{
	if (store_commit(st, cause) != 0) {
		free(pw);
		return -1;
	}
	if (given == NULL)
		*made = pw;
	else
		free(pw);
	return 0;
}

int
auth_user_add(struct store *st, const char *login, const char *role, const char *region,
    const char *password, char **made, char **cause)
{
	int r = role_from_name(role);
	int64_t office;
	sqlite3_stmt *q;
	char *pw, *enc;
	const char *why;
	int rc;

	*made = NULL;
	if (!login_valid(login)) {
		*cause = xasprintf("用户名“%s”不可用：1–60 个字符，不含空白和引号 / the login \"%s\""
		    " will not do: 1–60 characters, no spaces or quotes", login, login);
		return -1;
	}
	if (r == 0) {
		*cause = xasprintf("未知角色 %s；可选 admin、city、expansion、organiser、kiosk、finance、"
		    "site / unknown role %s; one of admin, city, expansion, organiser, kiosk, finance,"
		    " site", role, role);
		return -1;
	}
	if (password != NULL && (why = password_problem(password)) != NULL) {
		*cause = xstrdup(why);
		return -1;
	}
	if (store_begin(st, cause) != 0)
		return -1;
	if (office_for(st, r, region, &office, cause) != 0) {
		store_rollback(st);
		return -1;
	}
	if (store_query(st, "INSERT INTO users (login, role, office_id, password_hash)"
	    " VALUES (?, ?, ?, ?)", &q, cause) != 0) {
		store_rollback(st);
		return -1;
	}
	pw = password != NULL ? xstrdup(password) : make_password();
	enc = auth_password_hash(pw);
	sqlite3_bind_text(q, 1, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, role_name(r), -1, SQLITE_STATIC);
	if (office != 0)
		sqlite3_bind_int64(q, 3, office);
	sqlite3_bind_text(q, 4, enc, -1, free);
	rc = sqlite3_step(q);
	if (store_finish(st, q, cause) != 0) {
		if (rc == SQLITE_CONSTRAINT) {
			free(*cause);
			*cause = xasprintf("用户 %s 已存在 / the user %s exists", login, login);
		}
		store_rollback(st);
		free(pw);
		return -1;
	}
	return commit_password(st, pw, password, made, cause);
}

/* The id of login, or 0 with *cause. */
static int64_t
user_id(struct store *st, const char *login, char **cause)
{
	sqlite3_stmt *q;
	int64_t id = 0;

	if (store_query(st, "SELECT id FROM users WHERE login = ?", &q, cause) != 0)
		return 0;
	sqlite3_bind_text(q, 1, login, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	if (store_finish(st, q, cause) != 0)
		return 0;
	if (id == 0)
		*cause = xasprintf("没有用户 %s / no user %s", login, login);
	return id;
}

int
auth_user_passwd(struct store *st, const char *login, const char *password, char **made,
    char **cause)
{
	const char *why;
	sqlite3_stmt *q;
	int64_t id;
	char *pw;
	int ok;

	*made = NULL;
	if (password != NULL && (why = password_problem(password)) != NULL) {
		*cause = xstrdup(why);
		return -1;
	}
	if (store_begin(st, cause) != 0)
		return -1;
	if ((id = user_id(st, login, cause)) == 0) {
		store_rollback(st);
		return -1;
	}
	pw = password != NULL ? xstrdup(password) : make_password();
	ok = store_query(st, "UPDATE users SET password_hash = ? WHERE id = ?", &q, cause) == 0;
	if (ok) {
		sqlite3_bind_text(q, 1, auth_password_hash(pw), -1, free);
		sqlite3_bind_int64(q, 2, id);
		sqlite3_step(q);
		ok = store_finish(st, q, cause) == 0 &&
		    store_query(st, "DELETE FROM sessions WHERE user_id = ?", &q, cause) == 0;
	}
	if (ok) {
		sqlite3_bind_int64(q, 1, id);
		sqlite3_step(q);
		ok = store_finish(st, q, cause) == 0;
	}
	if (!ok) {
		store_rollback(st);
		free(pw);
		return -1;
	}
	return commit_password(st, pw, password, made, cause);
}

int
auth_token_add(struct store *st, const char *login, const char *label,
    char token[AUTH_TOKEN_LEN], char **cause)
{
	sqlite3_stmt *q;
	char hash[65];
	int64_t id;

	if ((id = user_id(st, login, cause)) == 0)
		return -1;
	auth_random_token(token);
	auth_sha256_hex(token, hash);
	if (store_query(st, "INSERT INTO api_tokens (token_hash, user_id, label, created_at)"
	    " VALUES (?, ?, ?, ?)", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, id);
	sqlite3_bind_text(q, 3, label != NULL ? label : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, time(NULL));
	sqlite3_step(q);
	return store_finish(st, q, cause);
}

json_t *
auth_user_list(struct store *st, char **cause)
{
	sqlite3_stmt *q;
	json_t *a;

	if (store_query(st, "SELECT u.login, u.role, o.name,"
	    " coalesce(o.city, o.province), u.created_at,"
	    " (SELECT count(*) FROM api_tokens t WHERE t.user_id = u.id AND t.revoked = 0)"
	    " FROM users u LEFT JOIN offices o ON o.id = u.office_id ORDER BY u.login", &q,
	    cause) != 0)
		return NULL;
	a = json_array();
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:I}",
		    "login", (const char *)sqlite3_column_text(q, 0),
		    "role", (const char *)sqlite3_column_text(q, 1),
		    "office", (const char *)sqlite3_column_text(q, 2),
		    "region", (const char *)sqlite3_column_text(q, 3),
		    "created_at", (const char *)sqlite3_column_text(q, 4),
		    "tokens", (json_int_t)sqlite3_column_int64(q, 5)));
	if (store_finish(st, q, cause) != 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *
auth_principal_json(const struct principal *who)
{
	if (who->user_id == 0)
		return json_pack("{s:n, s:s}", "login", "role", "public");
	return json_pack("{s:s, s:s, s:s?}", "login", who->login, "role", role_name(who->role),
	    "region", who->region[0] != '\0' ? who->region : NULL);
}

/* The provincial office and the 11 city offices exist from the start. */
int
auth_offices_seed(struct store *st, char **cause)
{
	sqlite3_stmt *q;
	const char *const *cities;
	size_t n;
	int rc;

	if (store_begin(st, cause) != 0)
		return -1;
	if (store_query(st, "INSERT OR IGNORE INTO offices (kind, name, city) VALUES (?, ?, ?)",
	    &q, cause) != 0) {
		store_rollback(st);
		return -1;
	}
	sqlite3_bind_text(q, 1, "province", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, "浙江省人民政府经济技术协作办公室", -1, SQLITE_STATIC);
	sqlite3_bind_null(q, 3);
	rc = store_run(st, q, cause);
	cities = zj_cities(&n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *name = xasprintf("%s经济合作交流办公室", cities[i]);

		sqlite3_bind_text(q, 1, "city", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, name, -1, free);
		sqlite3_bind_text(q, 3, cities[i], -1, SQLITE_STATIC);
		rc = store_run(st, q, cause);
	}
	sqlite3_finalize(q);
	if (rc != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause);
}

long long
auth_user_count(struct store *st, char **cause)
{
	return store_scalar(st, "SELECT count(*) FROM users", cause);
}

long long
auth_office_count(struct store *st, char **cause)
{
	return store_scalar(st, "SELECT count(*) FROM offices", cause);
}
