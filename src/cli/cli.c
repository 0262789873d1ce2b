/*
 * cli.c — option parsing shared by the commands.
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "store.h"
#include "util.h"

static const char *data_dir;	/* from --data; NULL = environment or default */

const char *
cli_data_dir(void)
{
	const char *env;

	if (data_dir != NULL)
		return data_dir;
	if ((env = getenv("FAIRMATCH_DATA")) != NULL && *env != '\0')
		return env;
	return "./var";
}

int
cli_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fairmatch %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: fairmatch %s %s\n", cmd->name, cmd->usage);
	return EXIT_USAGE;
}

int
cli_parse(const struct cmd_entry *cmd, int argc, char **argv, const struct cli_opt *opts,
    char **pos, int npos)
{
	int n = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq, *val = NULL;
		const struct cli_opt *o = NULL;
		size_t len;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf("usage: fairmatch %s %s\n%s\n", cmd->name, cmd->usage, cmd->help);
			exit(EXIT_OK);
		}
		if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
			if (strcmp(a, "--") == 0 && i + 1 < argc)
				a = argv[++i];
			if (n == npos) {
				cli_usage_error(cmd, "多余的参数 / unexpected argument: %s", a);
				return -1;
			}
			pos[n++] = (char *)a;
			continue;
		}
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		if (strncmp(a, "--data", len) == 0 && len == strlen("--data")) {
			static const struct cli_opt data_opt = { "--data", 1, &data_dir, NULL };

			o = &data_opt;
		}
		for (const struct cli_opt *p = opts; o == NULL && p != NULL && p->name != NULL; p++)
			if (strncmp(a, p->name, len) == 0 && strlen(p->name) == len)
				o = p;
		if (o == NULL) {
			cli_usage_error(cmd, "未知选项 / unknown option: %s", a);
			return -1;
		}
		if (!o->takes_arg) {
			if (eq != NULL) {
				cli_usage_error(cmd, "%s 不带参数 / %s takes no value", o->name, o->name);
				return -1;
			}
			*o->flag = 1;
			continue;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		/* An empty value only as --name= (turning a setting off); "" alone is a slip. */
		if (val == NULL || (*val == '\0' && eq == NULL)) {
			cli_usage_error(cmd, "%s 需要一个值 / %s needs a value", o->name, o->name);
			return -1;
		}
		*o->arg = val;
	}
	return n;
}

void
cli_print_json(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s == NULL)
		fatal("%s: json_dumps failed", __func__);
	puts(s);
	free(s);
	json_decref(v);
}

void
cli_fail(const struct cmd_entry *cmd, int json, const char *list, char *cause)
{
	if (json)
		cli_print_json(json_pack("{s:[],s:s}", list, "error", cause));
	fprintf(stderr, "fairmatch %s: %s\n", cmd->name, cause);
	free(cause);
}

char *
cli_who(void)
{
	const char *u = getenv("SUDO_USER");
	struct passwd *pw;

	if (u == NULL || *u == '\0')
		u = (pw = getpwuid(geteuid())) != NULL ? pw->pw_name : getenv("USER");
	return xasprintf("cli:%s", u != NULL ? u : "unknown");
}

/* Opens the store of the data directory, or prints why not; NULL then. */
struct store *
cli_open_store(const struct cmd_entry *cmd)
{
	struct store *st;
	char *cause = NULL;

	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		fprintf(stderr, "fairmatch %s: %s\n", cmd->name, cause);
		free(cause);
		return NULL;
	}
	return st;
}
