/*
 * links.c — personal links (links.h): tokens derived under DATA/link.key,
 * kept as SHA-256 in participant_links; the page a link opens, read from
 * the fair's participants, meetings and requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/md.h>
#include <mbedtls/sha256.h>

#include "fair.h"
#include "fair_setup.h"
#include "links.h"
#include "rows.h"
#include "util.h"

#define LINK_KEY_LEN	32
#define DAY		86400

struct links {
	int64_t	*pid;			/* ascending */
	char	(*token)[LINK_TOKEN_LEN];
	size_t	 n;
};

/* Reads DATA/link.key, making it (0600) if missing.  0, or -1 with *cause. */
static int
link_key(struct store *st, unsigned char key[LINK_KEY_LEN], char **cause)
{
	char *path = xasprintf("%s/link.key", store_dir(st));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 && errno == ENOENT) {
		unsigned char fresh[LINK_KEY_LEN];

		if (getrandom(fresh, sizeof fresh, 0) != (ssize_t)sizeof fresh)
			fatal("%s: getrandom: %s", __func__, strerror(errno));
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			n = write(fd, fresh, sizeof fresh);
			if (fsync(fd) != 0 || n != (ssize_t)sizeof fresh) {
				close(fd);
				unlink(path);
				fd = -1;
			} else {
				close(fd);
				fd = open(path, O_RDONLY | O_CLOEXEC);
			}
		} else if (errno == EEXIST)	/* another process made it first */
			fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0 || (n = read(fd, key, LINK_KEY_LEN)) != LINK_KEY_LEN) {
		*cause = xasprintf("无法读取个人链接密钥 %s / cannot read the personal links' key %s:"
		    " %s", path, path, fd < 0 ? strerror(errno) : "too short");
		if (fd >= 0)
			close(fd);
		free(path);
		return -1;
	}
	close(fd);
	free(path);
	return 0;
}

/* base64url without padding of n bytes into out (4n/3 + 2 bytes). */
static void
base64url(const unsigned char *in, size_t n, char *out)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;
	uint32_t v;

	for (size_t i = 0; i < n; i += 3) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = abc[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = abc[v & 63];
	}
	out[o] = '\0';
}

/* The token of participant pid's link generation gen. */
static void
derive(const unsigned char key[LINK_KEY_LEN], int64_t pid, int64_t gen,
    char out[LINK_TOKEN_LEN])
{
	unsigned char mac[32];
	char msg[64];
	int len = snprintf(msg, sizeof msg, "fairmatch link %lld %lld", (long long)pid,
	    (long long)gen);

	mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, LINK_KEY_LEN,
	    (const unsigned char *)msg, (size_t)len, mac);
	base64url(mac, sizeof mac, out);
}

/* The SHA-256 of a token, hex. */
static void
token_hash(const char *token, char hex[65])
{
	unsigned char md[32];

	mbedtls_sha256_ret((const unsigned char *)token, strlen(token), md, 0);
	for (size_t i = 0; i < sizeof md; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/*
 * When the fair's links end: the start of the day after its end date in
 * the fair's time zone (the process's: the server's time_zone, $TZ or
 * Asia/Shanghai on the command line), or 30 days from now for a fair
 * without dates.
 */
static long long
fair_expiry(const char *end_date)
{
	struct tm tm = { 0 };
	time_t at;
	int y, m, d;

	if (end_date == NULL || sscanf(end_date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return (long long)time(NULL) + 30LL * DAY;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + 1;	/* mktime carries the 32nd into the next month */
	tm.tm_isdst = -1;
	/* A date mktime cannot place: as a fair without dates, not a link dead at birth. */
	if ((at = mktime(&tm)) == (time_t)-1)
		return (long long)time(NULL) + 30LL * DAY;
	return (long long)at;
}

int
links_issue(struct store *st, const char *fair_code, struct links **out, char **cause)
{
	unsigned char key[LINK_KEY_LEN];
	struct fair fair;
	sqlite3_stmt *q = NULL, *ins = NULL;
	struct links *l;
	long long expires;
	char *end = NULL;

	if (link_key(st, key, cause) != 0 || fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (store_query_id(st, "SELECT end_date FROM fairs WHERE id = ?", fair.id, &q,
	    cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL)
		end = xstrdup((const char *)sqlite3_column_text(q, 0));
	if (store_finish(st, q, cause) != 0) {
		free(end);
		fair_clear(&fair);
		return -1;
	}
	expires = fair_expiry(end);
	free(end);
	l = xcalloc(1, sizeof *l);
	if (store_begin(st, cause) != 0)
		goto fail;
	/* Each participant's generation: one past its revoked links. */
	if (store_query_id(st, "SELECT p.id, 1 + (SELECT count(*) FROM participant_links k"
	    "  WHERE k.participant_id = p.id AND k.revoked = 1),"
	    " (SELECT group_concat(m.slot || ':' || m.table_no || ':' || CASE WHEN"
	    "   m.buyer_pid = p.id THEN m.supplier_pid ELSE m.buyer_pid END, ',') FROM meetings m"
	    "   WHERE m.fair_id = p.fair_id AND (m.buyer_pid = p.id OR m.supplier_pid = p.id))"
	    " FROM participants p WHERE p.fair_id = ? ORDER BY p.id", fair.id, &q, cause) != 0 ||
	    store_query(st, "INSERT INTO participant_links (token_hash, participant_id,"
	    " generation, created_at, expires_at, printed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    /* The same code again; a new one only if DATA/link.key was lost and made anew. */
	    " ON CONFLICT (participant_id, generation) DO UPDATE SET"
	    " token_hash = excluded.token_hash, expires_at = excluded.expires_at,"
	    " printed = excluded.printed WHERE revoked = 0", &ins, cause) != 0)
		goto fail_tx;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int64_t pid = sqlite3_column_int64(q, 0);
		const char *printed = (const char *)sqlite3_column_text(q, 2);
		char hash[65];

		l->pid = xreallocarray(l->pid, l->n + 1, sizeof *l->pid);
		l->token = xreallocarray(l->token, l->n + 1, sizeof *l->token);
		l->pid[l->n] = pid;
		derive(key, pid, sqlite3_column_int64(q, 1), l->token[l->n]);
		token_hash(l->token[l->n], hash);
		sqlite3_bind_text(ins, 1, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 2, pid);
		sqlite3_bind_int64(ins, 3, sqlite3_column_int64(q, 1));
		sqlite3_bind_int64(ins, 4, (sqlite3_int64)time(NULL));
		sqlite3_bind_int64(ins, 5, expires);
		sqlite3_bind_text(ins, 6, printed != NULL ? printed : "", -1, SQLITE_TRANSIENT);
		l->n++;
		if (store_run(st, ins, cause) != 0)
			goto fail_tx;
	}
	if (store_finish(st, q, cause) != 0) {
		q = NULL;
		goto fail_tx;
	}
	q = NULL;
	sqlite3_finalize(ins);
	ins = NULL;
	if (store_commit(st, cause) != 0)
		goto fail;
	fair_clear(&fair);
	explicit_bzero(key, sizeof key);
	*out = l;
	return 0;
fail_tx:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	store_rollback(st);
fail:
	explicit_bzero(key, sizeof key);
	fair_clear(&fair);
	links_free(l);
	return -1;
}

const char *
links_token(const struct links *l, int64_t pid)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->pid[mid] == pid)
			return l->token[mid];
		if (l->pid[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
links_free(struct links *l)
{
	if (l == NULL)
		return;
	if (l->n > 0)
		explicit_bzero(l->token, l->n * sizeof *l->token);
	free(l->token);
	free(l->pid);
	free(l);
}

/*
 * Steps q (fair_id, participant id, fair code, badge, printed) into who:
 * 1 if it had a row, 0 if not, -1 on an error (cause set); finishes q.
 */
static int
who_read(struct store *st, sqlite3_stmt *q, struct link_who *who, char **cause)
{
	int found = 0;

	if (sqlite3_step(q) == SQLITE_ROW) {
		who->fair_id = sqlite3_column_int64(q, 0);
		who->pid = sqlite3_column_int64(q, 1);
		who->fair_code = xstrdup((const char *)sqlite3_column_text(q, 2));
		who->badge = xstrdup((const char *)sqlite3_column_text(q, 3));
		who->printed = xstrdup((const char *)sqlite3_column_text(q, 4));
		found = 1;
	}
	if (store_finish(st, q, cause) != 0) {
		link_who_clear(who);
		return -1;
	}
	return found;
}

int
links_resolve(struct store *st, const char *token, struct link_who *who, char **cause)
{
	sqlite3_stmt *q;
	char hash[65];

	memset(who, 0, sizeof *who);
	/* Only what a token can be: anything else is simply no link. */
	if (strlen(token) != LINK_TOKEN_LEN - 1 || strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") != LINK_TOKEN_LEN - 1)
		return 0;
	token_hash(token, hash);
	if (store_query(st, "SELECT p.fair_id, p.id, f.code, p.badge, k.printed"
	    " FROM participant_links k JOIN participants p ON p.id = k.participant_id"
	    " JOIN fairs f ON f.id = p.fair_id"
	    " WHERE k.token_hash = ? AND k.revoked = 0 AND k.expires_at > ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)time(NULL));
	return who_read(st, q, who, cause);
}

int
links_who(struct store *st, const char *fair_code, const char *badge, struct link_who *who,
    char **cause)
{
	sqlite3_stmt *q;

	memset(who, 0, sizeof *who);
	if (store_query(st, "SELECT p.fair_id, p.id, f.code, p.badge, coalesce((SELECT k.printed"
	    " FROM participant_links k WHERE k.participant_id = p.id AND k.revoked = 0), '')"
	    " FROM participants p JOIN fairs f ON f.id = p.fair_id"
	    " WHERE f.code = ? AND p.badge = upper(trim(?))", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, fair_code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, badge, -1, SQLITE_TRANSIENT);
	return who_read(st, q, who, cause);
}

void
link_who_clear(struct link_who *who)
{
	free(who->fair_code);
	free(who->badge);
	free(who->printed);
	memset(who, 0, sizeof *who);
}

int
links_revoke(struct store *st, const char *fair_code, const char *badge, char **cause)
{
	struct fair fair;
	sqlite3_stmt *q;
	int rc;

	if (fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (store_query_id(st, "UPDATE participant_links SET revoked = 1 WHERE revoked = 0 AND"
	    " participant_id = (SELECT id FROM participants WHERE fair_id = ?1 AND"
	    " upper(badge) = upper(?2))",
	    fair.id, &q, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	sqlite3_bind_text(q, 2, badge, -1, SQLITE_TRANSIENT);
	sqlite3_step(q);
	rc = store_finish(st, q, cause);
	if (rc == 0 && sqlite3_changes(store_db(st)) == 0) {
		*cause = xasprintf("展会 %s 的 %s 没有有效的个人链接 / %s has no live link at %s",
		    fair_code, badge, badge, fair_code);
		rc = -1;
	}
	fair_clear(&fair);
	return rc;
}

/* A participant's region: a buyer's province (and city), a supplier's city. */
#define REGION(p)							\
	"(SELECT CASE " p ".side WHEN 'buyer' THEN (SELECT province || coalesce(' ' ||"	\
	" city, '') FROM buyers WHERE id = " p ".buyer_id) ELSE (SELECT city FROM suppliers"	\
	" WHERE id = " p ".supplier_id) END)"

/* The meetings of ?2 at fair ?1, with what the other side wants or offers. */
static const char meetings_sql[] =
    "SELECT m.id, m.slot, d.date, s.start, s.end, m.table_no AS \"table\","
    " t.name AS table_name, t.location, json_object('badge', o.badge, 'name', o.name,"
    "  'region', " REGION("o") ") AS with_json,"
    " CASE WHEN m.buyer_pid = ?2 THEN (SELECT pr.name || coalesce('（' || nullif(pr.spec, '')"
    "  || '）', '') FROM products pr WHERE pr.id = m.product_id)"
    " ELSE (SELECT dm.product FROM candidates c JOIN demands dm ON dm.id = c.demand_id"
    "  WHERE c.fair_id = m.fair_id AND c.product_id = m.product_id AND dm.buyer_id ="
    "  (SELECT buyer_id FROM participants WHERE id = m.buyer_pid) ORDER BY c.rank LIMIT 1)"
    " END AS about,"
    " m.slot || ':' || m.table_no || ':' || o.id AS printed_key"
    " FROM meetings m JOIN participants o ON o.id = CASE WHEN m.buyer_pid = ?2 THEN"
    "  m.supplier_pid ELSE m.buyer_pid END"
    " JOIN fair_slots s ON s.fair_id = m.fair_id AND s.number = m.slot"
    " LEFT JOIN fair_days d ON d.fair_id = m.fair_id AND d.day = s.day"
    " LEFT JOIN fair_tables t ON t.fair_id = m.fair_id AND t.number = m.table_no"
    " WHERE m.fair_id = ?1 AND (m.buyer_pid = ?2 OR m.supplier_pid = ?2) ORDER BY m.slot";

/* Requests to (incoming: ?2 the supplier) or from (outgoing: ?2 the buyer) a participant. */
#define REQUESTS_SQL(me, them)						\
    "SELECT r.id, r.state, r.created_at, r.decided_at, json_object('badge', o.badge,"	\
    " 'name', o.name, 'region', " REGION("o") ") AS with_json, p.name AS product,"	\
    " EXISTS (SELECT 1 FROM meetings m WHERE m.fair_id = ?1 AND m.buyer_pid = r.buyer_pid"	\
    "  AND m.supplier_pid = r.supplier_pid) AS scheduled"				\
    " FROM meeting_requests r JOIN participants o ON o.id = r." them			\
    " LEFT JOIN products p ON p.id = r.product_id"					\
    " WHERE r.fair_id = ?1 AND r." me " = ?2 ORDER BY r.created_at DESC, r.id DESC"

/* Parses each row's with_json into "with". */
static json_t *
with_fix(json_t *rows)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row) {
		const char *text = json_string_value(json_object_get(row, "with_json"));

		json_object_set_new(row, "with", text != NULL ? json_loads(text, 0, NULL) :
		    json_null());
		json_object_del(row, "with_json");
	}
	return rows;
}

json_t *
links_page(struct store *st, const struct link_who *who, char **cause)
{
	json_t *page = json_object(), *me, *fair, *meetings, *in, *outg, *slots, *away, *row;
	size_t i;

	fair = rows_query(st, "SELECT code, name, city, start_date, end_date FROM fairs"
	    " WHERE id = ?1", who->fair_id, 0, cause);
	me = fair == NULL ? NULL : rows_query(st, "SELECT p.badge, p.name, p.side, p.reps, "
	    REGION("p") " AS region FROM participants p WHERE p.fair_id = ?1 AND p.id = ?2",
	    who->fair_id, who->pid, cause);
	away = me == NULL ? NULL : rows_query(st, "SELECT slot FROM participant_unavailable"
	    " WHERE participant_id = ?1 ORDER BY slot", who->pid, 0, cause);
	meetings = away == NULL ? NULL : with_fix(rows_query(st, meetings_sql, who->fair_id,
	    who->pid, cause));
	in = meetings == NULL ? NULL : with_fix(rows_query(st, REQUESTS_SQL("supplier_pid",
	    "buyer_pid"), who->fair_id, who->pid, cause));
	outg = in == NULL ? NULL : with_fix(rows_query(st, REQUESTS_SQL("buyer_pid",
	    "supplier_pid"), who->fair_id, who->pid, cause));
	slots = outg == NULL ? NULL : rows_query(st, "SELECT s.number AS slot, d.date, s.start,"
	    " s.end FROM fair_slots s LEFT JOIN fair_days d ON d.fair_id = s.fair_id AND"
	    " d.day = s.day WHERE s.fair_id = ?1 ORDER BY s.number", who->fair_id, 0, cause);
	if (slots == NULL || json_array_size(fair) != 1 || json_array_size(me) != 1) {
		if (slots != NULL)
			*cause = xstrdup("参会者已不存在 / the participant is gone");
		json_decref(fair);
		json_decref(me);
		json_decref(away);
		json_decref(meetings);
		json_decref(in);
		json_decref(outg);
		json_decref(slots);
		json_decref(page);
		return NULL;
	}
	/* Changed since printing: a meeting whose slot, table and partner were not on paper. */
	json_array_foreach(meetings, i, row) {
		const char *key = json_string_value(json_object_get(row, "printed_key"));
		size_t klen = key != NULL ? strlen(key) : 0;
		const char *p = who->printed;
		int seen = 0;

		while (key != NULL && (p = strstr(p, key)) != NULL && !seen) {
			seen = (p == who->printed || p[-1] == ',') && (p[klen] == ',' ||
			    p[klen] == '\0');
			p += klen;
		}
		json_object_set_new(row, "changed", json_boolean(!seen));
		json_object_del(row, "printed_key");
	}
	{
		json_t *slots_away = json_array(), *a;

		json_array_foreach(away, i, a)
			json_array_append(slots_away, json_object_get(a, "slot"));
		json_decref(away);
		json_object_set_new(json_array_get(me, 0), "away", slots_away);
	}
	json_object_set(page, "fair", json_array_get(fair, 0));
	json_object_set(page, "me", json_array_get(me, 0));
	json_decref(fair);
	json_decref(me);
	json_object_set_new(page, "meetings", meetings);
	json_object_set_new(page, "incoming", in);
	json_object_set_new(page, "outgoing", outg);
	json_object_set_new(page, "slots", slots);
	return page;
}

int
links_answer(struct store *st, const struct link_who *who, long long request_id,
    const char *state, char **cause)
{
	sqlite3_stmt *q;
	char *by;
	long long mine = 0;
	int rc;

	if (strcmp(state, "accepted") != 0 && strcmp(state, "declined") != 0) {
		*cause = xasprintf("答复应为 accepted 或 declined / the answer is accepted or"
		    " declined, not “%s”", state);
		return -1;
	}
	if (store_query_id(st, "SELECT count(*) FROM meeting_requests WHERE fair_id = ?1 AND"
	    " supplier_pid = ?2 AND id = ?3", who->fair_id, &q, cause) != 0)
		return -1;
	sqlite3_bind_int64(q, 2, who->pid);
	sqlite3_bind_int64(q, 3, request_id);
	if (sqlite3_step(q) == SQLITE_ROW)
		mine = sqlite3_column_int64(q, 0);
	if (store_finish(st, q, cause) != 0)
		return -1;
	if (mine == 0)
		return 1;
	by = xasprintf("link:%s", who->badge);
	rc = fair_request_answer(st, who->fair_code, request_id, state, by, cause);
	free(by);
	return rc;
}

/* The PIN of badge (upper-cased) at fair_code under key. */
static void
derive_pin(const unsigned char key[LINK_KEY_LEN], const char *fair_code, const char *badge,
    char pin[LINK_PIN_LEN])
{
	unsigned char mac[32];
	char *msg = xasprintf("fairmatch pin %s %s", fair_code, badge);
	uint64_t v = 0;

	for (char *c = msg + strlen("fairmatch pin ") + strlen(fair_code); *c != '\0'; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, LINK_KEY_LEN,
	    (const unsigned char *)msg, strlen(msg), mac);
	free(msg);
	for (int i = 0; i < 8; i++)
		v = v << 8 | mac[i];
	snprintf(pin, LINK_PIN_LEN, "%06u", (unsigned)(v % 1000000));
}

int
links_pin(struct store *st, const char *fair_code, const char *badge, char pin[LINK_PIN_LEN],
    char **cause)
{
	unsigned char key[LINK_KEY_LEN];
	struct fair fair;

	sqlite3_stmt *q;
	int found;

	if (link_key(st, key, cause) != 0 || fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (store_query_id(st, "SELECT 1 FROM participants WHERE fair_id = ? AND"
	    " upper(badge) = upper(?2)", fair.id, &q, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	sqlite3_bind_text(q, 2, badge, -1, SQLITE_TRANSIENT);
	found = sqlite3_step(q) == SQLITE_ROW;
	if (store_finish(st, q, cause) != 0) {
		fair_clear(&fair);
		return -1;
	}
	if (!found)
		*cause = xasprintf("展会 %s 没有胸牌号为 %s 的参会者 / no participant of fair %s"
		    " has the badge %s", fair.code, badge, fair.code, badge);
	else
		derive_pin(key, fair.code, badge, pin);
	fair_clear(&fair);
	return found ? 0 : -1;
}

/* Whether two strings are equal, in a time that does not depend on where they differ. */
static int
same_secret(const char *a, const char *b)
{
	size_t n = strlen(a);
	unsigned char d = n != strlen(b);

	for (size_t i = 0; i < n && b[i] != '\0'; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int
links_kiosk_request(struct store *st, const char *fair_code, const char *token,
    const char *badge, const char *pin, const char *product_code, const char *phone,
    long long *id, char **cause)
{
	unsigned char key[LINK_KEY_LEN];
	struct fair fair;
	sqlite3_stmt *q;
	char *who = NULL, expect[LINK_PIN_LEN];
	int rc;

	if (link_key(st, key, cause) != 0 || fair_get(st, fair_code, &fair, cause) != 0)
		return -1;
	if (token != NULL) {
		struct link_who lw;

		if ((rc = links_resolve(st, token, &lw, cause)) < 0)
			goto out;
		if (rc == 1 && lw.fair_id == fair.id)
			who = xstrdup(lw.badge);
		link_who_clear(&lw);
	} else if (badge != NULL && pin != NULL) {
		rc = -1;
		if (store_query_id(st, "SELECT badge FROM participants WHERE fair_id = ? AND"
		    " upper(badge) = upper(?2)", fair.id, &q, cause) != 0)
			goto out;
		sqlite3_bind_text(q, 2, badge, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) == SQLITE_ROW)
			who = xstrdup((const char *)sqlite3_column_text(q, 0));
		if (store_finish(st, q, cause) != 0)
			goto out;
		/* An unknown badge costs the same work as a known one. */
		derive_pin(key, fair.code, who != NULL ? who : badge, expect);
		if (!same_secret(expect, pin)) {
			free(who);
			who = NULL;
		}
	}
	rc = 0;
	if (who == NULL)
		goto out;
	rc = -1;
	if (fair_request_find(st, fair.code, who, product_code, id, cause) != 0 ||
	    store_query(st, "UPDATE meeting_requests SET contact_phone = ? WHERE id = ?", &q,
	    cause) != 0)
		goto out;
	sqlite3_bind_text(q, 1, phone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, *id);
	sqlite3_step(q);
	if (store_finish(st, q, cause) == 0)
		rc = 1;
out:
	free(who);
	fair_clear(&fair);
	return rc;
}
