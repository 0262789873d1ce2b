/*
 * tls_cert.c — the self-signed certificate made on first start: ECDSA P-256,
 * subject-alt-names for localhost, the host name, 127.0.0.1, ::1, the box's
 * LAN addresses and the configured names, written with mbedTLS; the key file is created 0600 and renamed into place.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

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
#include <mbedtls/sha256.h>
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

/* Appends one name to the SAN being written: an IP literal as iPAddress [7], else a dNSName [2]. */
static int
cert_san_name(unsigned char **p, unsigned char *start, const char *name, int *total)
{
	unsigned char	 ip[16];
	int		 ret;

	if (inet_pton(AF_INET, name, ip) == 1)
		ret = cert_write_general_name(p, start, 7, ip, 4);
	else if (inet_pton(AF_INET6, name, ip) == 1)
		ret = cert_write_general_name(p, start, 7, ip, 16);
	else if (cert_name_ok(name))
		ret = cert_write_general_name(p, start, 2, name, strlen(name));
	else
		return (0);	/* not a name a certificate can carry */
	if (ret < 0)
		return (ret);
	*total += ret;
	return (0);
}

/*
 * Adds the subjectAltName extension (2.28 has no setter): localhost, the
 * host name, 127.0.0.1, ::1, every address of the box's interfaces (so a
 * phone on the hall's LAN reaching https://192.168.1.10/ sees its own
 * address in the certificate) and the configured names.  ASN.1 is written
 * backwards, so the names go in reverse order.
 */
static int
cert_add_san(mbedtls_x509write_cert *crt, const char *host, const char *const *names)
{
	unsigned char	 buf[4096], *p = buf + sizeof buf;
	struct ifaddrs	*ifs = NULL;
	int		 ret = 0, total = 0;

	for (size_t i = 0; names != NULL && names[i] != NULL && ret == 0; i++)
		ret = cert_san_name(&p, buf, names[i], &total);
	if (ret == 0 && getifaddrs(&ifs) == 0) {
		for (struct ifaddrs *ifa = ifs; ifa != NULL && ret == 0; ifa = ifa->ifa_next) {
			char	 text[INET6_ADDRSTRLEN];
			void	*addr;
			int	 family;

			if (ifa->ifa_addr == NULL || (ifa->ifa_flags & IFF_LOOPBACK))
				continue;
			family = ifa->ifa_addr->sa_family;
			if (family == AF_INET)
				addr = &((struct sockaddr_in *)(void *)ifa->ifa_addr)->sin_addr;
			else if (family == AF_INET6) {
				struct in6_addr *a6 = &((struct sockaddr_in6 *)(void *)
				    ifa->ifa_addr)->sin6_addr;

				if (IN6_IS_ADDR_LINKLOCAL(a6))	/* needs a %zone, never in a URL */
					continue;
				addr = a6;
			} else
				continue;
			/* Room kept for the fixed names below. */
			if (p - buf < 512 || inet_ntop(family, addr, text, sizeof text) == NULL)
				continue;
			ret = cert_san_name(&p, buf, text, &total);
		}
		freeifaddrs(ifs);
	}
	if (ret == 0)
		ret = cert_san_name(&p, buf, "::1", &total);
	if (ret == 0)
		ret = cert_san_name(&p, buf, "127.0.0.1", &total);
	if (ret == 0 && host != NULL)
		ret = cert_san_name(&p, buf, host, &total);
	if (ret == 0)
		ret = cert_san_name(&p, buf, "localhost", &total);
	if (ret != 0)
		return (ret);
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
cert_make(struct certgen *g, const char *const *names, unsigned char *key_pem,
    unsigned char *crt_pem)
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
	    (ret = cert_add_san(&g->crt, san_host, names)) != 0 ||
	    (ret = cert_add_eku(&g->crt)) != 0)
		goto out;
	ret = mbedtls_x509write_crt_pem(&g->crt, crt_pem, PEM_MAX,
	    mbedtls_ctr_drbg_random, &g->drbg);
out:
	free(subject);
	return (ret);
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
	fsync_parent(path);
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
tls_cert_ensure(const char *cert_path, const char *key_path, const char *const *names,
    int *made, char **cause)
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

	if ((ret = cert_make(&g, names, key_pem, crt_pem)) != 0) {
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

char *
tls_cert_fingerprint(const char *cert_path, char **cause)
{
	mbedtls_x509_crt	 crt;
	unsigned char		 md[32];
	char			*out;
	int			 ret;

	mbedtls_x509_crt_init(&crt);
	if ((ret = mbedtls_x509_crt_parse_file(&crt, cert_path)) != 0) {
		char *why = cert_strerror(ret);

		*cause = xasprintf("无法读取证书 %s：%s / cannot read the certificate %s: %s",
		    cert_path, why, cert_path, why);
		free(why);
		mbedtls_x509_crt_free(&crt);
		return (NULL);
	}
	mbedtls_sha256_ret(crt.raw.p, crt.raw.len, md, 0);
	mbedtls_x509_crt_free(&crt);
	out = xcalloc(1, sizeof md * 3);
	for (size_t i = 0; i < sizeof md; i++)
		snprintf(out + i * 3, 4, "%02X%s", md[i], i + 1 < sizeof md ? ":" : "");
	return (out);
}
