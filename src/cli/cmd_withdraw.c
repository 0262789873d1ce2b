/*
 * cmd_withdraw.c — `fairmatch withdraw supply|demand CODE [--restore]`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "indexing.h"
#include "util.h"
#include "withdraw.h"

int
cmd_withdraw(const struct cmd_entry *cmd, int argc, char **argv)
{
	int json = 0, restore = 0, n, rc = EXIT_REJECTED;
	const struct cli_opt opts[] = {
		{ "--restore", 0, NULL, &restore },
		{ "--json", 0, NULL, &json },
		{ NULL, 0, NULL, NULL },
	};
	enum withdraw_result r;
	struct store *st;
	char *pos[2], *cause = NULL, *who;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 0)
		return EXIT_USAGE;
	if (n != 2)
		return cli_usage_error(cmd, "需要类型和编号 / needs a kind and a code");
	if (strcmp(pos[0], "supply") != 0 && strcmp(pos[0], "demand") != 0)
		return cli_usage_error(cmd, "类型应为 supply 或 demand / the kind must be supply or"
		    " demand, not “%s”", pos[0]);
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		cli_fail(cmd, json, "withdrawn", cause);
		return EXIT_REJECTED;
	}
	who = cli_who();
	r = withdraw_item(st, pos[0], pos[1], restore, who, NULL, &cause);
	free(who);
	/* Search and matching follow at once: the change goes through the index log. */
	if ((r == WITHDRAW_DONE || r == WITHDRAW_ALREADY) && indexing_update(st, 0, NULL,
	    &cause) == 0) {
		const char *what = strcmp(pos[0], "supply") == 0 ? "产品" : "需求";
		const char *en = strcmp(pos[0], "supply") == 0 ? "product" : "demand";

		if (json)
			cli_print_json(json_pack("{s:s, s:s, s:b, s:b}", "kind", pos[0], "code",
			    pos[1], "withdrawn", !restore, "changed", r == WITHDRAW_DONE));
		else if (r == WITHDRAW_ALREADY)
			printf("%s %s 已是%s状态，未作改动 / %s %s was %s already: nothing changed\n",
			    what, pos[1], restore ? "在供" : "撤回", en, pos[1],
			    restore ? "on offer" : "withdrawn");
		else
			printf("%s %s 已%s / %s %s %s\n", what, pos[1], restore ? "恢复" : "撤回",
			    en, pos[1], restore ? "restored: searched and matched again" :
			    "withdrawn: no longer searched or matched");
		rc = EXIT_OK;
	} else
		cli_fail(cmd, json, "withdrawn", cause);
	store_close(st);
	return rc;
}
