/*
 * cmd_init.c — `fairmatch init`: the data directory, the schema, the offices,
 * the first admin and the TLS certificate.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "cli.h"
#include "config.h"
#include "indexing.h"
#include "normalise.h"
#include "store.h"
#include "sync.h"
#include "tls.h"
#include "util.h"

/*
 * The first admin, when there is no user yet: a made password written to
 * DIR/admin-password.txt (0600) for the person setting up, never printed
 * where a terminal log would keep it.
 */
static int
first_admin(struct store *st, const char *dir, char **cause)
{
	char *made = NULL, *path;
	long long users;
	FILE *f;
	int fd;

	if ((users = auth_user_count(st, cause)) != 0)
		return users < 0 ? -1 : 0;
	if (auth_user_add(st, "admin", "admin", NULL, NULL, &made, cause) != 0)
		return -1;
	path = xasprintf("%s/admin-password.txt", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
	    (f = fdopen(fd, "w")) == NULL) {
		*cause = xasprintf("无法写入 %s：%s；请运行 fairmatch user passwd admin 设置管理员密码 /"
		    " cannot write %s: %s; run `fairmatch user passwd admin` to set the admin's"
		    " password", path, strerror(errno), path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		free(made);
		return -1;
	}
	fprintf(f, "%s\n", made);
	fclose(f);
	printf("管理员账号 admin 的密码在 %s / the password of the admin account is in %s\n", path,
	    path);
	free(path);
	free(made);
	return 0;
}

/*
 * The server's self-signed certificate, made now so that it can be trusted
 * before the first start; it names public_url's host and host_names from
 * DIR/fairmatch.conf, if there is one.
 */
int
cli_make_certificate(const char *dir, char **cause)
{
	char *tls = xasprintf("%s/tls", dir), *cert = NULL, *key = NULL;
	char *conf = xasprintf("%s/fairmatch.conf", dir), **names = NULL;
	struct settings cfg;
	int made = 0, rc = -1;

	settings_init(&cfg);
	if (settings_load(&cfg, conf, 0, cause) != 0)
		goto out;
	names = settings_cert_names(&cfg);

	if (mkdir_p(tls, 0700) != 0) {
		*cause = xasprintf("无法创建 / cannot make %s: %s", tls, strerror(errno));
		goto out;
	}
	cert = xasprintf("%s/cert.pem", tls);
	key = xasprintf("%s/key.pem", tls);
	if (tls_cert_ensure(cert, key, (const char *const *)names, &made, cause) != 0)
		goto out;
	if (made)
		printf("已生成自签名证书 / made a self-signed certificate: %s\n", cert);
	rc = 0;
out:
	settings_cert_names_free(names);
	settings_free(&cfg);
	free(conf);
	free(tls);
	free(cert);
	free(key);
	return rc;
}

int
cmd_init(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *site = SYNC_PROVINCE_SITE;
	int replica = 0;
	const struct cli_opt opts[] = { { "--site", 1, &site, NULL },
	    { "--replica", 0, NULL, &replica }, { NULL, 0, NULL, NULL } };
	struct store *st;
	char *cause = NULL;
	const char *dir;
	long long offices;
	int version, made;

	if (cli_parse(cmd, argc, argv, opts, NULL, 0) < 0)
		return EXIT_USAGE;
	dir = cli_data_dir();
	if (store_open(dir, 1, &st, &cause) != 0) {
		fprintf(stderr, "fairmatch init: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	/* Empty indexes from the start, so that search and match work on an empty store. */
	if ((offices = auth_office_count(st, &cause)) < 0 || auth_offices_seed(st, &cause) != 0 ||
	    indexing_update(st, 0, NULL, &cause) != 0 ||
	    (version = store_version(st, &cause)) < 0) {
		fprintf(stderr, "fairmatch init: %s\n", cause);
		free(cause);
		store_close(st);
		return EXIT_REJECTED;
	}
	printf("%s数据目录 %s（数据库版本 %d） / %s %s (schema version %d)\n",
	    offices == 0 ? "已初始化" : "已是最新的", dir, version,
	    offices == 0 ? "initialised" : "already initialised, up to date:", dir, version);
	if (sync_site_init(st, site, replica, &made, &cause) != 0 || first_admin(st, dir, &cause) != 0 ||
	    cli_make_certificate(dir, &cause) != 0) {
		fprintf(stderr, "fairmatch init: %s\n", cause);
		free(cause);
		store_close(st);
		return EXIT_REJECTED;
	}
	if (made)
		printf("本站为同步站点“%s” / this box is the sync site \"%s\"\n", site, site);
	store_close(st);
	return EXIT_OK;
}
