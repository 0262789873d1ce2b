/*
 * config.c — the settings table (name, type, bounds, default) and the two
 * ways in: an INI file through inih, and `--name value` on the command line.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "util.h"

#ifndef FM_WEB_DIR
#define FM_WEB_DIR "web"
#endif

enum setting_type { SET_STRING, SET_NUMBER, SET_BYTES, SET_ADDRESS, SET_URL };

struct setting_def {
	const char		*key;		/* in the file and as --key on the command line */
	enum setting_type	 type;
	size_t			 offset;	/* into struct settings */
	long			 min, max;	/* numbers and bytes */
	const char		*def;		/* default, as text */
	const char		*help;
};

#define STR(f)	SET_STRING, offsetof(struct settings, f), 0, 0
#define ADDR(f)	SET_ADDRESS, offsetof(struct settings, f), 0, 0
#define URL(f)	SET_URL, offsetof(struct settings, f), 0, 0
#define NUM(f, lo, hi) SET_NUMBER, offsetof(struct settings, f), lo, hi
#define BYTES(f, lo, hi) SET_BYTES, offsetof(struct settings, f), lo, hi

static const struct setting_def table[] = {
	{ "listen", ADDR(listen), "0.0.0.0:8443", "HTTPS 监听地址 / HTTPS address:port" },
	{ "redirect_listen", ADDR(redirect_listen), "0.0.0.0:8080",
	  "只做跳转的 HTTP 地址（空 = 关闭） / plain HTTP that only redirects (empty = off)" },
	{ "plain_listen", ADDR(plain_listen), "",
	  "不加密、提供全部服务的 HTTP 地址，只用于本机的 TLS 反向代理或基准测试（空 = 关闭） /"
	  " plain HTTP serving everything, only behind a TLS proxy on this machine or for"
	  " benchmarks (empty = off)" },
	{ "public_url", URL(public_url), "",
	  "手机和打印件所用的本机地址，如 https://192.168.1.10:8443/（空 = 按浏览器所用地址） /"
	  " the address phones and printed QR codes use, e.g. https://192.168.1.10:8443/"
	  " (empty = whatever host the browser used)" },
	{ "host_names", STR(host_names), "",
	  "证书另含的主机名，逗号分隔 / more host names for the certificate, comma separated" },
	{ "cert", STR(cert), "", "证书 PEM（空 = 自动生成） / certificate PEM (empty = generated)" },
	{ "key", STR(key), "", "私钥 PEM / private key PEM" },
	{ "web_root", STR(web_root), FM_WEB_DIR, "网页文件目录 / the static front end" },
	{ "access_log", STR(access_log), "-", "访问日志（- = 标准输出，空 = 关闭） / access log"
	  " (- = stdout, empty = off)" },
	{ "port_file", STR(port_file), "", "写入实际端口的文件 / file to write the bound port to" },
	{ "threads", NUM(threads, 0, 64), "0", "事件循环数（0 = 每核一个） / event loops (0 = one"
	  " per core)" },
	{ "max_connections", NUM(max_connections, 1, 1000000), "20000",
	  "最大连接数 / open connections at most" },
	{ "max_idle_connections", NUM(max_idle_connections, 0, 1000000), "0",
	  "保持的空闲 HTTPS 连接数上限，超出时关闭空闲最久的（0 = max_connections 的十分之一） /"
	  " idle keep-alive HTTPS connections kept at most; past it one is closed (the longest"
	  " idle of the address holding the most)"
	  " (0 = a tenth of max_connections)" },
	{ "max_header_bytes", BYTES(max_header_bytes, 1024, 1L << 20), "16k",
	  "请求头上限 / request line and headers at most" },
	{ "max_body_bytes", BYTES(max_body_bytes, 1024, 64L << 20), "1m",
	  "请求体上限（上传除外） / request body at most (uploads aside)" },
	{ "max_upload_bytes", BYTES(max_upload_bytes, 1024, 1L << 30), "64m",
	  "上传文件上限 / catalogue upload at most" },
	{ "timeout_seconds", NUM(timeout_seconds, 1, 3600), "30",
	  "读写与空闲超时（秒） / read, write and idle timeout (seconds)" },
	{ "request_timeout_seconds", NUM(request_timeout_seconds, 1, 3600), "20",
	  "一个请求从第一个字节起须在此秒数内收完，每收到 1 KiB 多给 1 秒 / a request must arrive"
	  " whole within this many seconds of its first byte, plus a second per KiB received"
	  " (slow headers and slow bodies are cut off; a big upload on a slow link is not)" },
	{ "session_hours", NUM(session_hours, 1, 24 * 30), "12",
	  "登录有效期（小时） / a sign-in lasts (hours)" },
	{ "login_per_minute", NUM(login_per_minute, 1, 10000), "10",
	  "每个地址每分钟允许的失败登录 / failed sign-ins per address per minute" },
	{ "kiosk_per_minute", NUM(kiosk_per_minute, 1, 10000), "20",
	  "每台自助机（地址）每分钟允许的洽谈请求 / kiosk meeting requests per address per"
	  " minute" },
	{ "busy_timeout_ms", NUM(busy_timeout_ms, 0, 600000), "10000",
	  "写入等待另一写者的锁的毫秒数，超时则答 503 / milliseconds a write waits for another"
	  " writer's lock before the request is answered 503" },
	{ "search_cache", NUM(search_cache, 0, 1000000), "2048",
	  "每个事件循环缓存的搜索结果条数（0 = 关闭） / search replies cached per event loop"
	  " (0 = off)" },
	{ "backup_dir", STR(backup_dir), "",
	  "定时备份的目录，应在另一块磁盘上（空 = 不备份） / where scheduled backups go, on"
	  " another disk (empty = none)" },
	{ "backup_minutes", NUM(backup_minutes, 1, 7 * 24 * 60), "60",
	  "定时备份的间隔（分钟；启动后先备份一次） / minutes between scheduled backups (one"
	  " is taken just after the start)" },
	{ "backup_keep", NUM(backup_keep, 1, 10000), "24",
	  "保留最新的几份定时备份 / the newest scheduled backups kept" },
	{ "time_zone", STR(time_zone), "Asia/Shanghai",
	  "展会所在时区，网页与 PDF 中的时间按此显示 / the fair's time zone: the times pages and"
	  " PDFs show are in it" },
	{ "replica_of", URL(replica_of), "",
	  "只读副本：从这个站点（https://…）同步，拒绝一切写入（空 = 不是副本；docs/sync.md） /"
	  " a read-only replica of the box at this URL, kept current by sync; every write is"
	  " refused (empty = not a replica; docs/sync.md)" },
	{ "replica_cacert", STR(replica_cacert), "",
	  "那个站点服务器的证书 PEM（空 = 系统的） / the certificate its server presents (empty ="
	  " the system's)" },
	{ "replica_seconds", NUM(replica_seconds, 1, 3600), "10",
	  "副本每隔几秒同步一次 / seconds between the replica's exchanges" },
	{ "replica_token", STR(replica_token), "",
	  "那个站点上 site 角色账号的 API 令牌 / the API token of a site account on that box" },
};

/* The setting called name, or NULL. */
static const struct setting_def *
find(const char *name)
{
	for (size_t i = 0; i < nitems(table); i++)
		if (strcmp(table[i].key, name) == 0)
			return &table[i];
	return NULL;
}

/* Parses "12", "16k", "64m", "1g" into bytes; 0 or -1. */
static int
parse_bytes(const char *s, long *out)
{
	char *end;
	long long v;
	long mult = 1;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno != 0 || v < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': mult = 1L << 10; end++; break;
	case 'm': case 'M': mult = 1L << 20; end++; break;
	case 'g': case 'G': mult = 1L << 30; end++; break;
	}
	if (*end != '\0' || v > (long long)(LONG_MAX / mult))
		return -1;
	*out = (long)(v * mult);
	return 0;
}

/*
 * Whether s is http(s)://HOST[:PORT][/PATH] with a host of letters,
 * digits, - . or a [v6] literal; the host's span in *host, *hostlen.
 */
static int
url_valid(const char *s, const char **host, size_t *hostlen)
{
	const char *p, *h;
	long port;

	if (strncmp(s, "https://", 8) == 0)
		p = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		p = s + 7;
	else
		return 0;
	h = p;
	if (*p == '[') {
		while (*p != '\0' && *p != ']')
			if (strchr("0123456789abcdefABCDEF:.", *p++) == NULL && p - 1 != h)
				return 0;
		if (*p++ != ']')
			return 0;
	} else
		while (*p != '\0' && (('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
		    ('0' <= *p && *p <= '9') || *p == '-' || *p == '.'))
			p++;
	if (p == h || (*h == '[' && p - h < 4))
		return 0;
	*host = *h == '[' ? h + 1 : h;
	*hostlen = (size_t)(p - h) - (*h == '[' ? 2 : 0);
	if (*p == ':') {
		const char *end = p + 1 + strcspn(p + 1, "/");
		char *digits = xstrndup(p + 1, (size_t)(end - p - 1));
		int bad = parse_long(digits, 1, 65535, &port) != 0;

		free(digits);
		if (bad)
			return 0;
		p = end;
	}
	if (*p != '\0' && *p != '/')
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '?' || *p == '#' || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

/* Whether s is HOST:PORT with a port 0..65535 (HOST may be [v6]). */
static int
address_valid(const char *s)
{
	const char *colon = strrchr(s, ':');
	long port;

	return colon != NULL && colon != s && parse_long(colon + 1, 0, 65535, &port) == 0;
}

int
settings_set(struct settings *s, const char *name, const char *value, char **cause)
{
	const struct setting_def *d = find(name);
	char *base = (char *)s;
	long n;

	if (d == NULL) {
		*cause = xasprintf("未知的设置 / unknown setting: %s", name);
		return -1;
	}
	switch (d->type) {
	case SET_ADDRESS:
		if (*value != '\0' && !address_valid(value)) {
			*cause = xasprintf("%s：“%s”不是 地址:端口 / %s: \"%s\" is not ADDRESS:PORT",
			    name, value, name, value);
			return -1;
		}
		/* FALLTHROUGH */
	case SET_URL:
		if (d->type == SET_URL && *value != '\0') {
			const char *host;
			size_t hostlen;

			if (!url_valid(value, &host, &hostlen)) {
				*cause = xasprintf("%s：“%s”不是 https://主机[:端口]/ 形式的地址 / %s:"
				    " \"%s\" is not an address like https://HOST[:PORT]/", name, value,
				    name, value);
				return -1;
			}
		}
		/* FALLTHROUGH */
	case SET_STRING: {
		char **slot = (char **)(base + d->offset);

		free(*slot);
		*slot = xstrdup(value);
		/* One form for links: no trailing slash. */
		if (d->type == SET_URL)
			for (size_t len = strlen(*slot); len > 0 && (*slot)[len - 1] == '/'; len--)
				(*slot)[len - 1] = '\0';
		return 0;
	}
	case SET_NUMBER:
	case SET_BYTES:
		if ((d->type == SET_NUMBER ? parse_long(value, LONG_MIN, LONG_MAX, &n) :
		    parse_bytes(value, &n)) != 0 || n < d->min || n > d->max) {
			*cause = xasprintf("%s：“%s”应为 %ld 到 %ld 之间的%s / %s: \"%s\" must be"
			    " %s from %ld to %ld", name, value, d->min, d->max,
			    d->type == SET_BYTES ? "字节数（可带 k/m/g）" : "整数", name, value,
			    d->type == SET_BYTES ? "a byte count (k/m/g allowed)" : "a whole number",
			    d->min, d->max);
			return -1;
		}
		*(long *)(base + d->offset) = n;
		return 0;
	}
	fatal("%s: setting type %d", __func__, d->type);
}

void
settings_init(struct settings *s)
{
	char *cause = NULL;

	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < nitems(table); i++)
		if (settings_set(s, table[i].key, table[i].def, &cause) != 0)
			fatal("%s: default of %s: %s", __func__, table[i].key, cause);
}

void
settings_free(struct settings *s)
{
	for (size_t i = 0; i < nitems(table); i++)
		if (table[i].type == SET_STRING || table[i].type == SET_ADDRESS ||
		    table[i].type == SET_URL) {
			char **slot = (char **)((char *)s + table[i].offset);

			free(*slot);
			*slot = NULL;
		}
}

struct load_state {
	struct settings	*s;
	const char	*path;
	char		*cause;		/* the first problem */
};

/* inih's handler: one key = value; remembers the first problem. */
static int
load_one(void *arg, const char *section, const char *name, const char *value)
{
	struct load_state *ls = arg;
	char *why = NULL;

	if (ls->cause != NULL)
		return 1;
	if (settings_set(ls->s, name, value, &why) != 0) {
		ls->cause = xasprintf("%s [%s]: %s", ls->path, section, why);
		free(why);
		return 0;
	}
	return 1;
}

int
settings_load(struct settings *s, const char *path, int required, char **cause)
{
	struct load_state ls = { s, path, NULL };
	FILE *f = fopen(path, "r");
	int rc;

	if (f == NULL) {
		if (errno == ENOENT && !required)
			return 0;
		*cause = xasprintf("无法读取配置文件 / cannot read the config file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	rc = ini_parse_file(f, load_one, &ls);
	fclose(f);
	if (ls.cause != NULL) {
		*cause = ls.cause;
		return -1;
	}
	if (rc != 0) {
		*cause = xasprintf("配置文件第 %d 行无法解析 / %s line %d: not KEY = VALUE or"
		    " [section]", rc, path, rc);
		return -1;
	}
	return 0;
}

const char *
settings_key(unsigned i)
{
	return i < nitems(table) ? table[i].key : NULL;
}

const char *
settings_help(unsigned i)
{
	return i < nitems(table) ? table[i].help : NULL;
}

char **
settings_cert_names(const struct settings *s)
{
	char **names = xcalloc(2, sizeof *names), *list, *save = NULL;
	size_t n = 0;
	const char *host;
	size_t hostlen;

	if (s->public_url[0] != '\0' && url_valid(s->public_url, &host, &hostlen))
		names[n++] = xstrndup(host, hostlen);
	list = xstrdup(s->host_names);
	for (char *w = strtok_r(list, ", ", &save); w != NULL; w = strtok_r(NULL, ", ", &save)) {
		names = xreallocarray(names, n + 2, sizeof *names);
		names[n++] = xstrdup(w);
	}
	names[n] = NULL;
	free(list);
	return names;
}

void
settings_cert_names_free(char **names)
{
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);
	free(names);
}
