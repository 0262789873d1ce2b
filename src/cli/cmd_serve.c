/*
 * cmd_serve.c — `fairmatch serve`: settings from the defaults, then the
 * config file, then the command line, and the server runs.  A replica
 * (replica_of) also keeps itself current from its box.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "server.h"
#include "store.h"
#include "sync_peer.h"
#include "util.h"

/* What the replica's puller needs; lives as long as the process. */
struct replica {
	char	*dir;		/* the data directory */
	char	*url;		/* its box */
	char	*cacert;	/* NULL = the system's */
	char	*token;		/* a site account's on the box */
	long	 seconds;	/* between exchanges */
};

/*
 * The replica's puller: an exchange with its box every few seconds, on a
 * thread of its own beside the server (which refuses every write).  A
 * failed exchange is reported and tried again at the next turn.
 */
static void *
replica_loop(void *arg)
{
	struct replica *r = arg;

	for (;;) {
		struct store *st = NULL;
		json_t *sum = NULL;
		char *cause = NULL;

		if (store_open(r->dir, 0, &st, &cause) == 0 &&
		    sync_with_peer(st, r->url, r->cacert, r->token, &sum, &cause) == 0) {
			json_int_t got = json_integer_value(json_object_get(json_object_get(sum,
			    "received"), "changes"));

			if (got > 0)
				fprintf(stderr, "fairmatch serve: 副本已从 %s 取得 %lld 处改动 / replica:"
				    " %lld changes from %s\n", r->url, (long long)got, (long long)got,
				    r->url);
			json_decref(sum);
		} else {
			fprintf(stderr, "fairmatch serve: 副本同步失败 / replica: %s\n", cause);
			free(cause);
		}
		store_close(st);
		sleep((unsigned)r->seconds);
	}
	return NULL;
}

/* Starts the puller when the settings make this box a replica; -1 with *cause. */
static int
replica_start(const struct settings *cfg, char **cause)
{
	struct replica *r;
	pthread_t t;

	if (cfg->replica_of[0] == '\0')
		return 0;
	r = xcalloc(1, sizeof *r);
	r->dir = xstrdup(cli_data_dir());
	r->url = xstrdup(cfg->replica_of);
	r->cacert = cfg->replica_cacert[0] != '\0' ? xstrdup(cfg->replica_cacert) : NULL;
	r->seconds = cfg->replica_seconds;
	r->token = cfg->replica_token[0] != '\0' ? xstrdup(cfg->replica_token) : NULL;
	if (pthread_create(&t, NULL, replica_loop, r) != 0) {
		*cause = xstrdup("无法启动副本同步线程 / cannot start the replica's thread");
		return -1;
	}
	pthread_detach(t);
	return 0;
}

int
cmd_serve(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct settings cfg;
	const char *config = NULL, **values;
	struct cli_opt *opts;
	unsigned n = 0;
	char *cause = NULL, *path;
	int rc;

	while (settings_key(n) != NULL)
		n++;
	values = xcalloc(n, sizeof *values);
	opts = xcalloc(n + 2, sizeof *opts);
	opts[0] = (struct cli_opt){ "--config", 1, &config, NULL };
	for (unsigned i = 0; i < n; i++) {
		char *name = xasprintf("--%s", settings_key(i));

		for (char *p = name + 2; *p != '\0'; p++)
			if (*p == '_')
				*p = '-';
		opts[i + 1] = (struct cli_opt){ name, 1, &values[i], NULL };
	}
	rc = cli_parse(cmd, argc, argv, opts, NULL, 0);
	settings_init(&cfg);
	if (rc == 0) {
		/* The data directory's own config, unless another is named. */
		path = config != NULL ? xstrdup(config) : xasprintf("%s/fairmatch.conf", cli_data_dir());
		if (settings_load(&cfg, path, config != NULL, &cause) != 0)
			rc = -2;
		free(path);
	}
	for (unsigned i = 0; rc == 0 && i < n; i++)
		if (values[i] != NULL && settings_set(&cfg, settings_key(i), values[i], &cause) != 0)
			rc = -2;
	for (unsigned i = 0; i < n; i++)
		free((char *)opts[i + 1].name);
	free(opts);
	free(values);
	if (rc == -1) {
		settings_free(&cfg);
		return EXIT_USAGE;
	}
	if (rc == -2) {
		rc = cli_usage_error(cmd, "%s", cause);
		free(cause);
		settings_free(&cfg);
		return rc;
	}
	rc = replica_start(&cfg, &cause);
	if (rc == 0)
		rc = server_run(&cfg, cli_data_dir(), &cause);
	if (rc != 0) {
		fprintf(stderr, "fairmatch serve: %s\n", cause);
		free(cause);
	}
	settings_free(&cfg);
	return rc == 0 ? EXIT_OK : EXIT_REJECTED;
}
