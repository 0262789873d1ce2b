/*
 * cmd_user.c — `fairmatch user add|passwd|list|token`: accounts for the
 * offices, organisers and kiosks, from the terminal of the server's box.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cli.h"
#include "util.h"

/* A password from a file ("-" = standard input), first line; NULL with *cause. */
static char *
read_password(const char *path, char **cause)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char line[1100];

	if (f == NULL) {
		*cause = xasprintf("无法读取密码文件 / cannot read the password file %s", path);
		return NULL;
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	if (f != stdin)
		fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return xstrdup(line);
}

/* Prints a made password once, for the person to pass on. */
static void
print_made(const char *login, const char *made)
{
	if (made != NULL)
		printf("用户 %s 的初始密码 / the password of %s: %s\n", login, login, made);
}

int
cmd_user(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *role = NULL, *region = NULL, *pwfile = NULL, *label = NULL;
	int json = 0, n, rc = EXIT_OK;
	const struct cli_opt opts[] = {
		{ "--role", 1, &role, NULL },
		{ "--region", 1, &region, NULL },
		{ "--password-file", 1, &pwfile, NULL },
		{ "--label", 1, &label, NULL },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	char *pos[2], *cause = NULL, *password = NULL, *made = NULL;
	struct store *st;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 0)
		return EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(cmd, "需要子命令 add、passwd、list 或 token / needs add, passwd,"
		    " list or token");
	if (strcmp(pos[0], "list") != 0 && n != 2)
		return cli_usage_error(cmd, "%s 需要一个用户名 / %s needs a login", pos[0], pos[0]);
	if (strcmp(pos[0], "add") == 0 && role == NULL)
		return cli_usage_error(cmd, "add 需要 --role / add needs --role");
	if (pwfile != NULL && (password = read_password(pwfile, &cause)) == NULL) {
		fprintf(stderr, "fairmatch user: %s\n", cause);
		free(cause);
		return EXIT_REJECTED;
	}
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		fprintf(stderr, "fairmatch user: %s\n", cause);
		free(cause);
		free(password);
		return EXIT_REJECTED;
	}
	if (strcmp(pos[0], "add") == 0) {
		if (auth_user_add(st, pos[1], role, region, password, &made, &cause) == 0) {
			printf("已添加用户 %s（%s） / added %s (%s)\n", pos[1], role, pos[1], role);
			print_made(pos[1], made);
		} else
			rc = EXIT_REJECTED;
	} else if (strcmp(pos[0], "passwd") == 0) {
		if (auth_user_passwd(st, pos[1], password, &made, &cause) == 0) {
			printf("已更改 %s 的密码，原有登录已失效 / changed the password of %s; its"
			    " sessions are ended\n", pos[1], pos[1]);
			print_made(pos[1], made);
		} else
			rc = EXIT_REJECTED;
	} else if (strcmp(pos[0], "token") == 0) {
		char token[AUTH_TOKEN_LEN];

		if (auth_token_add(st, pos[1], label, token, &cause) == 0)
			printf("%s\n", token);
		else
			rc = EXIT_REJECTED;
	} else if (strcmp(pos[0], "list") == 0) {
		json_t *users = auth_user_list(st, &cause);

		if (users == NULL)
			rc = EXIT_REJECTED;
		else if (json)
			cli_print_json(json_pack("{s:o}", "users", users));
		else {
			size_t i;
			json_t *u;

			json_array_foreach(users, i, u)
				printf("%-20s %-10s %s\n", json_string_value(json_object_get(u, "login")),
				    json_string_value(json_object_get(u, "role")),
				    json_is_string(json_object_get(u, "office")) ?
				    json_string_value(json_object_get(u, "office")) : "");
			json_decref(users);
		}
	} else {
		store_close(st);
		free(password);
		return cli_usage_error(cmd, "未知子命令 / unknown subcommand: %s", pos[0]);
	}
	if (rc != EXIT_OK) {
		fprintf(stderr, "fairmatch user: %s\n", cause);
		free(cause);
	}
	free(made);
	free(password);
	store_close(st);
	return rc;
}
