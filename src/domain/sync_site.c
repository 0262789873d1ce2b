/*
 * sync_site.c — the site a data directory is, its ECDSA P-256 signing key,
 * its card and the peers it trusts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "sync.h"
#include "sync_int.h"

#define CARD_MAGIC	"fairmatch-site 1\n"

static const char *const role_names[] = {
	[SYNC_ROLE_PROVINCE] = "province", [SYNC_ROLE_FAIR] = "fair",
	[SYNC_ROLE_REPLICA] = "replica",
};

const char *
sync_role_name(enum sync_role role)
{
	return role_names[role];
}

int
sync_role_parse(const char *name)
{
	for (size_t i = 0; i < nitems(role_names); i++)
		if (strcmp(role_names[i], name) == 0)
			return (int)i;
	return -1;
}

/*
 * Where a site's range of row ids starts (store.h's STORE_SITE_SPAN): the
 * province (and a replica, which makes no rows) at 0, a fair's box at a
 * multiple of the span drawn from the SHA-256 of its name, below 2^52.  Two
 * names that draw the same range are refused when trusted (sync_trust).
 */
int64_t
sync_id_base(const char *name, enum sync_role role)
{
	unsigned char hash[32];
	uint32_t n;

	if (role != SYNC_ROLE_FAIR)
		return 0;
	mbedtls_sha256_ret((const unsigned char *)name, strlen(name), hash, 0);
	n = ((uint32_t)hash[0] << 16 | (uint32_t)hash[1] << 8 | hash[2]) % ((1u << 24) - 1) + 1;
	return (int64_t)n * STORE_SITE_SPAN;
}

/* DIR/sync.key; caller frees. */
static char *
key_path(struct store *st)
{
	return xasprintf("%s/sync.key", store_dir(st));
}

/* A random generator seeded from the kernel, for making and signing with keys. */
struct rng {
	mbedtls_entropy_context	 entropy;	/* the kernel's */
	mbedtls_ctr_drbg_context drbg;		/* seeded from entropy */
};

static void
rng_init(struct rng *r)
{
	mbedtls_entropy_init(&r->entropy);
	mbedtls_ctr_drbg_init(&r->drbg);
	if (mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func, &r->entropy,
	    (const unsigned char *)"fairmatch-sync", 14) != 0)
		fatal("%s: cannot seed the random generator", __func__);
}

static void
rng_free(struct rng *r)
{
	mbedtls_ctr_drbg_free(&r->drbg);
	mbedtls_entropy_free(&r->entropy);
}

/* mbedTLS's words for ret. */
static char *
tls_words(int ret)
{
	char words[160];

	mbedtls_strerror(ret, words, sizeof words);
	return xstrdup(words);
}

/*
 * Loads DIR/sync.key into pk, or makes it (0600, written durably) if it is
 * missing: a crash between the key and the store's row finds it again.
 */
static int
key_load_or_make(struct store *st, mbedtls_pk_context *pk, char **cause)
{
	char *path = key_path(st), *words;
	unsigned char pem[2048];
	struct rng r;
	int ret;

	if (access(path, F_OK) == 0) {
		if ((ret = mbedtls_pk_parse_keyfile(pk, path, NULL)) != 0) {
			words = tls_words(ret);
			*cause = xasprintf("无法读取站点密钥 %s：%s / cannot read the site key %s: %s",
			    path, words, path, words);
			free(words);
			free(path);
			return -1;
		}
		free(path);
		return 0;
	}
	rng_init(&r);
	if ((ret = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))) != 0 ||
	    (ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk),
	    mbedtls_ctr_drbg_random, &r.drbg)) != 0 ||
	    (ret = mbedtls_pk_write_key_pem(pk, pem, sizeof pem)) != 0) {
		rng_free(&r);
		words = tls_words(ret);
		*cause = xasprintf("无法生成站点密钥：%s / cannot make the site key: %s", words, words);
		free(words);
		free(path);
		return -1;
	}
	rng_free(&r);
	ret = sync_write_file(path, pem, strlen((char *)pem), 0600, cause);
	free(path);
	return ret;
}

int
sync_site_init(struct store *st, const char *name, int replica, int *made, char **cause)
{
	mbedtls_pk_context pk;
	unsigned char pub[1024];
	sqlite3_stmt *q = NULL;
	char *have = NULL;
	enum sync_role role;
	int rc = -1;

	*made = 0;
	if (*name == '\0' || strlen(name) > 64 || !utf8_valid(name, strlen(name)) ||
	    strpbrk(name, " \t\r\n/\\") != NULL) {
		*cause = xasprintf("站点名“%s”无效：1 至 64 字节，不含空格和斜杠 / the site name \"%s\""
		    " is not valid: 1 to 64 bytes, no spaces or slashes", name, name);
		return -1;
	}
	if (sync_site_get(st, &have, &role, cause) == 0) {
		if (strcmp(have, name) != 0) {
			*cause = xasprintf("此数据目录已是站点“%s”，不能改为“%s” / this data directory is"
			    " already the site \"%s\"; it cannot become \"%s\"", have, name, have, name);
			free(have);
			return -1;
		}
		free(have);
		/* A fair's box made before sites had ranges takes its range now. */
		if (store_query(st, "UPDATE sync_site SET id_base = ? WHERE id = 1 AND id_base = 0",
		    &q, cause) != 0)
			return -1;
		sqlite3_bind_int64(q, 1, sync_id_base(name, role));
		rc = store_run(st, q, cause);
		store_finish(st, q, NULL);
		return rc;
	}
	free(*cause);
	*cause = NULL;
	mbedtls_pk_init(&pk);
	if (key_load_or_make(st, &pk, cause) != 0)
		goto out;
	if (mbedtls_pk_write_pubkey_pem(&pk, pub, sizeof pub) != 0)
		fatal("%s: the public key does not fit", __func__);
	if (store_query(st, "INSERT INTO sync_site (id, name, role, public_key, id_base)"
	    " VALUES (1, ?, ?, ?, ?)", &q, cause) != 0)
		goto out;
	role = replica ? SYNC_ROLE_REPLICA : strcmp(name, SYNC_PROVINCE_SITE) == 0 ?
	    SYNC_ROLE_PROVINCE : SYNC_ROLE_FAIR;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, sync_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, (char *)pub, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 4, sync_id_base(name, role));
	if (store_run(st, q, cause) != 0)
		goto out;
	*made = 1;
	rc = 0;
out:
	store_finish(st, q, NULL);
	mbedtls_pk_free(&pk);
	return rc;
}

int
sync_site_get(struct store *st, char **name, enum sync_role *role, char **cause)
{
	sqlite3_stmt *q;
	int found = 0;

	if (store_query(st, "SELECT name, role FROM sync_site WHERE id = 1", &q, cause) != 0)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW) {
		*name = xstrdup((const char *)sqlite3_column_text(q, 0));
		*role = (enum sync_role)sync_role_parse((const char *)sqlite3_column_text(q, 1));
		found = 1;
	}
	if (store_finish(st, q, cause) != 0) {
		if (found)
			free(*name);
		return -1;
	}
	if (!found) {
		*cause = xasprintf("此数据目录还不是同步站点：请运行 fairmatch init --site NAME / this"
		    " data directory is not a sync site yet: run `fairmatch init --site NAME`");
		return -1;
	}
	return 0;
}

char *
sync_site_name(struct store *st, char **cause)
{
	enum sync_role role;
	char *name;

	return sync_site_get(st, &name, &role, cause) == 0 ? name : NULL;
}

int
sync_card_write(struct store *st, const char *path, char **cause)
{
	sqlite3_stmt *q;
	struct buf b = { 0 };
	int rc = -1;

	if (store_query(st, "SELECT name, role, public_key FROM sync_site WHERE id = 1", &q,
	    cause) != 0)
		return -1;
	if (sqlite3_step(q) != SQLITE_ROW) {
		store_finish(st, q, cause);
		*cause = xasprintf("此数据目录还不是同步站点：请运行 fairmatch init --site NAME / this"
		    " data directory is not a sync site yet: run `fairmatch init --site NAME`");
		return -1;
	}
	buf_addf(&b, "%sname %s\nrole %s\n%s", CARD_MAGIC, sqlite3_column_text(q, 0),
	    sqlite3_column_text(q, 1), sqlite3_column_text(q, 2));
	if (store_finish(st, q, cause) == 0)
		rc = sync_write_file(path, b.data, b.len, 0644, cause);
	buf_free(&b);
	return rc;
}

/* The value of the card's line "key VALUE\n" starting at *s; advances *s. NULL if not there. */
static char *
card_line(const char **s, const char *key)
{
	size_t klen = strlen(key), len;

	if (strncmp(*s, key, klen) != 0 || (*s)[klen] != ' ')
		return NULL;
	*s += klen + 1;
	len = strcspn(*s, "\n");
	if ((*s)[len] != '\n')
		return NULL;
	*s += len + 1;
	return xstrndup(*s - len - 1, len);
}

/*
 * -1 with *cause if the fair box name would number its rows in the range of
 * this site or of a fair box already trusted: their rows would share keys.
 */
static int
range_taken(struct store *st, const char *name, enum sync_role role, const char *self,
    enum sync_role self_role, char **cause)
{
	int64_t base = sync_id_base(name, role);
	char *other = NULL;
	sqlite3_stmt *q;

	if (base == 0)
		return 0;
	if (sync_id_base(self, self_role) == base)
		other = xstrdup(self);
	else {
		if (store_query(st, "SELECT name FROM sync_peers WHERE role = 'fair'", &q,
		    cause) != 0)
			return -1;
		while (other == NULL && sqlite3_step(q) == SQLITE_ROW)
			if (sync_id_base((const char *)sqlite3_column_text(q, 0), SYNC_ROLE_FAIR) ==
			    base)
				other = xstrdup((const char *)sqlite3_column_text(q, 0));
		if (store_finish(st, q, cause) != 0) {
			free(other);
			return -1;
		}
	}
	if (other == NULL)
		return 0;
	*cause = xasprintf("站点“%s”与“%s”的行号区间相同，两边新增的行会撞号：请给其中一个站点换个名字"
	    "重新 init / the sites \"%s\" and \"%s\" would number their rows in the same range:"
	    " make one of them again under another name", name, other, name, other);
	free(other);
	return -1;
}

int
sync_trust(struct store *st, const char *path, char **name, char **cause)
{
	struct sync_peer known;
	mbedtls_pk_context pk;
	struct buf b = { 0 };
	sqlite3_stmt *q = NULL;
	char *role = NULL, *self = NULL;
	const char *s, *pem;
	enum sync_role self_role;
	int rc = -1, found;

	*name = NULL;
	mbedtls_pk_init(&pk);
	if (sync_read_file(path, &b, cause) != 0)
		goto out;
	s = b.data;
	if (strncmp(s, CARD_MAGIC, strlen(CARD_MAGIC)) != 0 || strlen(s) != b.len ||
	    (s += strlen(CARD_MAGIC), (*name = card_line(&s, "name")) == NULL) ||
	    (role = card_line(&s, "role")) == NULL || sync_role_parse(role) < 0) {
		*cause = xasprintf("%s 不是站点名片（由 fairmatch sync card 生成） / %s is not a site"
		    " card (as `fairmatch sync card` writes)", path, path);
		goto out;
	}
	pem = s;
	if (mbedtls_pk_parse_public_key(&pk, (const unsigned char *)pem, strlen(pem) + 1) != 0 ||
	    !mbedtls_pk_can_do(&pk, MBEDTLS_PK_ECDSA)) {
		*cause = xasprintf("%s：站点名片里的公钥无效 / %s: the card's public key is not a"
		    " valid ECDSA key", path, path);
		goto out;
	}
	if (sync_site_get(st, &self, &self_role, cause) != 0)
		goto out;
	if (strcmp(self, *name) == 0) {
		*cause = xasprintf("%s 是本站点自己的名片 / %s is this site's own card", path, path);
		goto out;
	}
	if ((found = sync_peer_find(st, *name, &known, cause)) < 0)
		goto out;
	if (found) {
		int same = strcmp(known.public_key, pem) == 0;

		sync_peer_free(&known);
		if (same) {
			rc = 0;
			goto out;
		}
		*cause = xasprintf("已信任的站点“%s”用的是另一把密钥；如确需更换，请先核实 / the trusted"
		    " site \"%s\" has another key; refusing to replace it", *name, *name);
		goto out;
	}
	if (range_taken(st, *name, (enum sync_role)sync_role_parse(role), self, self_role,
	    cause) != 0 ||
	    store_query(st, "INSERT INTO sync_peers (name, role, public_key) VALUES (?, ?, ?)", &q,
	    cause) != 0)
		goto out;
	sqlite3_bind_text(q, 1, *name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, pem, -1, SQLITE_STATIC);
	rc = store_run(st, q, cause);
out:
	store_finish(st, q, NULL);
	if (rc != 0) {
		free(*name);
		*name = NULL;
	}
	mbedtls_pk_free(&pk);
	buf_free(&b);
	free(role);
	free(self);
	return rc;
}

int
sync_peer_find(struct store *st, const char *name, struct sync_peer *p, char **cause)
{
	sqlite3_stmt *q;
	int found = 0;

	memset(p, 0, sizeof *p);
	if (store_query(st, "SELECT id, name, role, public_key, in_seq, out_seq, acked_seq"
	    " FROM sync_peers WHERE name = ?", &q, cause) != 0)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		p->id = sqlite3_column_int64(q, 0);
		p->name = xstrdup((const char *)sqlite3_column_text(q, 1));
		p->role = (enum sync_role)sync_role_parse((const char *)sqlite3_column_text(q, 2));
		p->public_key = xstrdup((const char *)sqlite3_column_text(q, 3));
		p->in_seq = sqlite3_column_int64(q, 4);
		p->out_seq = sqlite3_column_int64(q, 5);
		p->acked_seq = sqlite3_column_int64(q, 6);
		found = 1;
	}
	if (store_finish(st, q, cause) != 0) {
		sync_peer_free(p);
		return -1;
	}
	return found;
}

char *
sync_only_peer(struct store *st, char **cause)
{
	sqlite3_stmt *q;
	char *name = NULL;
	int n = 0;

	if (store_query(st, "SELECT name FROM sync_peers ORDER BY id LIMIT 2", &q, cause) != 0)
		return NULL;
	while (sqlite3_step(q) == SQLITE_ROW)
		if (n++ == 0)
			name = xstrdup((const char *)sqlite3_column_text(q, 0));
	if (store_finish(st, q, cause) != 0 || n != 1) {
		if (n == 0)
			*cause = xstrdup("还没有信任任何站点：请先运行 fairmatch sync trust CARD / no site"
			    " is trusted yet: run `fairmatch sync trust CARD` first");
		else if (n > 1)
			*cause = xstrdup("信任了多个站点：请用 --for SITE 指明 / several sites are"
			    " trusted: name one with --for SITE");
		free(name);
		return NULL;
	}
	return name;
}

void
sync_peer_free(struct sync_peer *p)
{
	free(p->name);
	free(p->public_key);
	memset(p, 0, sizeof *p);
}

int
sync_sign(struct store *st, const void *p, size_t n, char **sig, char **cause)
{
	unsigned char hash[32], raw[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	mbedtls_pk_context pk;
	struct buf hex = { 0 };
	size_t len = 0;
	struct rng r;
	char *path = key_path(st), *words;
	int ret;

	mbedtls_pk_init(&pk);
	if ((ret = mbedtls_pk_parse_keyfile(&pk, path, NULL)) != 0) {
		words = tls_words(ret);
		*cause = xasprintf("无法读取站点密钥 %s：%s / cannot read the site key %s: %s", path,
		    words, path, words);
		free(words);
		free(path);
		mbedtls_pk_free(&pk);
		return -1;
	}
	free(path);
	mbedtls_sha256_ret(p, n, hash, 0);
	rng_init(&r);
	ret = mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, sizeof hash, raw, &len,
	    mbedtls_ctr_drbg_random, &r.drbg);
	rng_free(&r);
	mbedtls_pk_free(&pk);
	if (ret != 0)
		fatal("%s: mbedtls_pk_sign: -0x%04x", __func__, (unsigned)-ret);
	for (size_t i = 0; i < len; i++)
		buf_addf(&hex, "%02x", raw[i]);
	*sig = buf_take(&hex);
	return 0;
}

int
sync_verify(const char *public_key, const void *p, size_t n, const char *sig, char **cause)
{
	unsigned char hash[32], raw[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	size_t len = strlen(sig) / 2;
	mbedtls_pk_context pk;
	int ok = 0;

	if (strlen(sig) % 2 == 0 && len <= sizeof raw && strspn(sig, "0123456789abcdef") ==
	    strlen(sig)) {
		for (size_t i = 0; i < len; i++) {
			unsigned v;

			sscanf(sig + 2 * i, "%2x", &v);
			raw[i] = (unsigned char)v;
		}
		mbedtls_pk_init(&pk);
		mbedtls_sha256_ret(p, n, hash, 0);
		ok = mbedtls_pk_parse_public_key(&pk, (const unsigned char *)public_key,
		    strlen(public_key) + 1) == 0 &&
		    mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash, sizeof hash, raw, len) == 0;
		mbedtls_pk_free(&pk);
	}
	if (ok)
		return 0;
	*cause = xasprintf("签名不符：文件被改动过，或不是该站点签发的 / the signature does not"
	    " match: the file was altered, or that site did not sign it");
	return -1;
}

int
sync_read_file(const char *path, struct buf *b, char **cause)
{
	char chunk[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("无法打开 %s：%s / cannot open %s: %s", path, strerror(errno),
		    path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(b, chunk, (size_t)n);
	if (n < 0) {
		*cause = xasprintf("无法读取 %s：%s / cannot read %s: %s", path, strerror(errno),
		    path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (b->data == NULL)
		buf_add(b, "", 0);
	return 0;
}

int
sync_write_file(const char *path, const void *p, size_t n, int mode, char **cause)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	const char *at = p;
	int fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) == -1)
		goto fail;
	while (n > 0) {
		ssize_t w = write(fd, at, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		at += w;
		n -= (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	fsync_parent(path);
	free(tmp);
	return 0;
fail:
	*cause = xasprintf("无法写入 %s：%s / cannot write %s: %s", path, strerror(errno), path,
	    strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}
