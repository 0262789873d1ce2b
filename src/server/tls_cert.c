/*
 * tls_cert.c — the self-signed certificate made on first start: ECDSA P-256,
 * subject-alt-names for localhost, the host name, 127.0.0.1 and ::1, written
 * with mbedTLS; the key file is created 0600 and renamed into place.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/asn1write.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509_crt.h>

#include "tls.h"
#include "util.h"

#define CERT_DAYS	825
#define PEM_MAX		8192

/* What we write with: a seeded ctr_drbg and the key being made. */
struct certgen {
	mbedtls_entropy_context	 entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context	 key;
	mbedtls_x509write_cert	 crt;
	mbedtls_mpi		 serial;
};

/* An mbedTLS error code as text; caller frees. */
static char *
cert_strerror(int rc)
{
	char	text[160];

	mbedtls_strerror(rc, text, sizeof text);
	return (xasprintf("%s (-0x%04x)", text, (unsigned)-rc));
}

/* Whether name can go into a dNSName and a CN as is: letters, digits, - and . */
static int
cert_name_ok(const char *name)
{
	size_t	len = strlen(name);

	if (len == 0 || len > 253 || name[0] == '-' || name[0] == '.')
		return (0);
	for (const char *p = name; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return (0);
	}
	return (1);
}

/* 1 if path exists, 0 if not, -1 with *cause if it cannot be told. */
static int
cert_exists(const char *path, char **cause)
{
	struct stat	sb;

	if (stat(path, &sb) == 0)
		return (1);
	if (errno == ENOENT)
		return (0);
	*cause = xasprintf("无法访问 %s：%s / cannot access %s: %s", path,
	    strerror(errno), path, strerror(errno));
	return (-1);
}

/* Writes one GeneralName (context tag, raw value) before *p. Length or <0. */
static int
cert_write_general_name(unsigned char **p, unsigned char *start, int tag,
    const void *value, size_t len)
{
	int	ret, total = 0;

	if ((ret = mbedtls_asn1_write_raw_buffer(p, start, value, len)) < 0)
		return (ret);
	total += ret;
	if ((ret = mbedtls_asn1_write_len(p, start, len)) < 0)
		return (ret);
	total += ret;
	if ((ret = mbedtls_asn1_write_tag(p, start,
	    MBEDTLS_ASN1_CONTEXT_SPECIFIC | tag)) < 0)
		return (ret);
	return (total + ret);
}

/*
 * Wraps the total bytes written backwards before *p (from start) in a
 * SEQUENCE and adds them to crt as the non-critical extension oid.
 */
static int
cert_set_sequence(mbedtls_x509write_cert *crt, const char *oid, size_t oid_len,
    unsigned char **p, unsigned char *start, int total)
{
	int	 ret;

	if ((ret = mbedtls_asn1_write_len(p, start, (size_t)total)) < 0)
		return (ret);
	total += ret;
	if ((ret = mbedtls_asn1_write_tag(p, start,
	    MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)) < 0)
		return (ret);
	total += ret;
	return (mbedtls_x509write_crt_set_extension(crt, oid, oid_len, 0, *p,
	    (size_t)total));
}

/*
 * Adds the subjectAltName extension (2.28 has no setter): dNSName [2] for
 * localhost and host (if not NULL), iPAddress [7] for 127.0.0.1 and ::1.
 * ASN.1 is written backwards, so the names go in reverse order.
 */
static int
cert_add_san(mbedtls_x509write_cert *crt, const char *host)
{
	static const unsigned char ip4[4] = { 127, 0, 0, 1 };
	static const unsigned char ip6[16] = { [15] = 1 };
	unsigned char	 buf[1024], *p = buf + sizeof buf;
	int		 ret, total = 0;

	if ((ret = cert_write_general_name(&p, buf, 7, ip6, sizeof ip6)) < 0)
		return (ret);
	total += ret;
	if ((ret = cert_write_general_name(&p, buf, 7, ip4, sizeof ip4)) < 0)
		return (ret);
	total += ret;
	if (host != NULL) {
		if ((ret = cert_write_general_name(&p, buf, 2, host,
		    strlen(host))) < 0)
			return (ret);
		total += ret;
	}
	if ((ret = cert_write_general_name(&p, buf, 2, "localhost", 9)) < 0)
		return (ret);
	total += ret;
	return (cert_set_sequence(crt, MBEDTLS_OID_SUBJECT_ALT_NAME,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), &p, buf, total));
}

/* Adds extendedKeyUsage serverAuth. */
static int
cert_add_eku(mbedtls_x509write_cert *crt)
{
	unsigned char	 buf[64], *p = buf + sizeof buf;
	int		 ret, total = 0;

	if ((ret = mbedtls_asn1_write_oid(&p, buf, MBEDTLS_OID_SERVER_AUTH,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH))) < 0)
		return (ret);
	total += ret;
	return (cert_set_sequence(crt, MBEDTLS_OID_EXTENDED_KEY_USAGE,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), &p, buf, total));
}

/* The validity bounds as mbedTLS wants them: YYYYMMDDhhmmss, UTC. */
static void
cert_validity(char from[16], char to[16])
{
	time_t		now = time(NULL);
	time_t		start = now - 3600;	/* some slack for clock skew */
	/* CERT_DAYS in all, not a second more: Apple devices refuse longer. */
	time_t		end = start + (time_t)CERT_DAYS * 86400;
	struct tm	tm;

	gmtime_r(&start, &tm);
	strftime(from, 16, "%Y%m%d%H%M%S", &tm);
	gmtime_r(&end, &tm);
	strftime(to, 16, "%Y%m%d%H%M%S", &tm);
}

/*
 * Makes the key and certificate as PEM into key_pem and crt_pem (PEM_MAX
 * bytes each). 0, or an mbedTLS error code.
 */
static int
cert_make(struct certgen *g, unsigned char *key_pem, unsigned char *crt_pem)
{
	static const char	 pers[] = "fairmatch tls_cert";
	char			 host[256], *subject, from[16], to[16];
	const char		*san_host = NULL;
	unsigned char		 serial[16];
	int			 ret;

	if ((ret = mbedtls_ctr_drbg_seed(&g->drbg, mbedtls_entropy_func,
	    &g->entropy, (const unsigned char *)pers, sizeof pers - 1)) != 0)
		return (ret);
	if ((ret = mbedtls_pk_setup(&g->key,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))) != 0)
		return (ret);
	if ((ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1,
	    mbedtls_pk_ec(g->key), mbedtls_ctr_drbg_random, &g->drbg)) != 0)
		return (ret);
	if ((ret = mbedtls_pk_write_key_pem(&g->key, key_pem, PEM_MAX)) != 0)
		return (ret);

	memset(host, 0, sizeof host);
	if (gethostname(host, sizeof host - 1) == 0 && cert_name_ok(host) &&
	    strcasecmp(host, "localhost") != 0)
		san_host = host;
	if (gethostname(host, sizeof host - 1) == 0 && cert_name_ok(host))
		subject = xasprintf("CN=fairmatch %s", host);
	else
		subject = xstrdup("CN=fairmatch");

	/* Random, positive and never zero: at most 127 bits. */
	if ((ret = mbedtls_ctr_drbg_random(&g->drbg, serial,
	    sizeof serial)) != 0)
		goto out;
	serial[0] = (serial[0] & 0x7f) | 0x40;
	if ((ret = mbedtls_mpi_read_binary(&g->serial, serial,
	    sizeof serial)) != 0)
		goto out;

	cert_validity(from, to);
	mbedtls_x509write_crt_set_version(&g->crt, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&g->crt, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&g->crt, &g->key);
	mbedtls_x509write_crt_set_issuer_key(&g->crt, &g->key);
	if ((ret = mbedtls_x509write_crt_set_subject_name(&g->crt,
	    subject)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_issuer_name(&g->crt,
	    subject)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_serial(&g->crt,
	    &g->serial)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_validity(&g->crt, from, to)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_basic_constraints(&g->crt, 0,
	    -1)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_subject_key_identifier(
	    &g->crt)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_authority_key_identifier(
	    &g->crt)) != 0 ||
	    (ret = cert_add_san(&g->crt, san_host)) != 0 ||
	    (ret = cert_add_eku(&g->crt)) != 0)
		goto out;
	ret = mbedtls_x509write_crt_pem(&g->crt, crt_pem, PEM_MAX,
	    mbedtls_ctr_drbg_random, &g->drbg);
out:
	free(subject);
	return (ret);
}

/* fsyncs the directory holding path, so a rename into it is durable. */
static void
cert_sync_dir(const char *path)
{
	char		*dir = xstrdup(path), *slash = strrchr(dir, '/');
	int		 fd;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * Writes text to path through a temporary file created O_EXCL with mode,
 * fsynced, then renamed. 0, or -1 with *cause.
 */
static int
cert_write_file(const char *path, const char *text, mode_t mode, char **cause)
{
	char	*tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
	size_t	 len = strlen(text), off = 0;
	int	 fd;

	unlink(tmp);	/* a leftover from a crash with the same pid */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1)
		goto fail;
	while (off < len) {
		ssize_t	n = write(fd, text + off, len - off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail_fd;
		off += (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail_fd;
	if (close(fd) == -1) {
		fd = -1;
		goto fail_fd;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail_fd;
	cert_sync_dir(path);
	free(tmp);
	return (0);

fail_fd:
	{
		int	saved = errno;

		if (fd != -1)
			close(fd);
		unlink(tmp);
		errno = saved;
	}
fail:
	*cause = xasprintf("无法写入 %s：%s / cannot write %s: %s", path,
	    strerror(errno), path, strerror(errno));
	free(tmp);
	return (-1);
}

int
tls_cert_ensure(const char *cert_path, const char *key_path, int *made,
    char **cause)
{
	struct certgen	 g;
	unsigned char	*key_pem, *crt_pem;
	char		*why;
	int		 have_cert, have_key, ret;

	if (made != NULL)
		*made = 0;
	if ((have_cert = cert_exists(cert_path, cause)) == -1 ||
	    (have_key = cert_exists(key_path, cause)) == -1)
		return (-1);
	if (have_cert && have_key)
		return (0);
	if (have_cert || have_key) {
		const char *there = have_cert ? cert_path : key_path;
		const char *missing = have_cert ? key_path : cert_path;

		*cause = xasprintf("有 %s 但缺少 %s；请两者都提供，或都删除以自动生成"
		    " / %s exists but %s is missing; provide both, or remove"
		    " both to have them made", there, missing, there, missing);
		return (-1);
	}

	mbedtls_entropy_init(&g.entropy);
	mbedtls_ctr_drbg_init(&g.drbg);
	mbedtls_pk_init(&g.key);
	mbedtls_x509write_crt_init(&g.crt);
	mbedtls_mpi_init(&g.serial);
	key_pem = xcalloc(1, PEM_MAX);
	crt_pem = xcalloc(1, PEM_MAX);

	if ((ret = cert_make(&g, key_pem, crt_pem)) != 0) {
		why = cert_strerror(ret);
		*cause = xasprintf("无法生成自签名证书：%s / cannot make the"
		    " self-signed certificate: %s", why, why);
		free(why);
		ret = -1;
	} else if (cert_write_file(key_path, (char *)key_pem, 0600,
	    cause) != 0) {
		ret = -1;
	} else if (cert_write_file(cert_path, (char *)crt_pem, 0644,
	    cause) != 0) {
		unlink(key_path);	/* neither, so the next start retries */
		ret = -1;
	} else if (made != NULL)
		*made = 1;

	mbedtls_platform_zeroize(key_pem, PEM_MAX);
	free(key_pem);
	free(crt_pem);
	mbedtls_mpi_free(&g.serial);
	mbedtls_x509write_crt_free(&g.crt);
	mbedtls_pk_free(&g.key);
	mbedtls_ctr_drbg_free(&g.drbg);
	mbedtls_entropy_free(&g.entropy);
	return (ret);
}
