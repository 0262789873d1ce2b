/*
 * cmd_serve.c — `fairmatch serve`: settings from the defaults, then the
 * config file, then the command line, and the server runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "server.h"
#include "util.h"

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
	rc = server_run(&cfg, cli_data_dir(), &cause);
	if (rc != 0) {
		fprintf(stderr, "fairmatch serve: %s\n", cause);
		free(cause);
	}
	settings_free(&cfg);
	return rc == 0 ? EXIT_OK : EXIT_REJECTED;
}
