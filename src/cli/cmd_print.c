/*
 * cmd_print.c — `fairmatch print`: the guide, and a fair's agendas, table
 * sheets, grid and sign-in sheets, as PDF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "config.h"
#include "print.h"
#include "util.h"

/* Shows progress on a terminal. */
static void
show_progress(void *arg, double done)
{
	if (*(int *)arg)
		fprintf(stderr, "\r排版中 / laying out: %3.0f%%", done * 100);
}

/* Prints the outcome: a line, or JSON; the file's pages if known (> 0). */
static int
report(const char *out, const char *what, int pages, int json)
{
	if (json)
		cli_print_json(json_pack("{s:s, s:s, s:i}", "file", out, "document", what,
		    "pages", pages));
	else if (pages > 0)
		printf("已写入 %s（%d 页） / wrote %s (%d pages)\n", out, pages, out, pages);
	else
		printf("已写入 %s / wrote %s\n", out, out);
	return EXIT_OK;
}

/*
 * The base of the agendas' QR codes: --base-url, else the public_url of
 * the data directory's fairmatch.conf (the address phones use, as when the
 * server prints), else NULL (no QR code).  0 and *url (caller frees), or
 * -1 with *cause naming the file and line.
 */
static int
qr_base(const char *base_url, char **url, char **cause)
{
	char *conf;
	struct settings cfg;
	int rc;

	*url = NULL;
	if (base_url != NULL) {
		*url = xstrdup(base_url);
		return 0;
	}
	conf = xasprintf("%s/fairmatch.conf", cli_data_dir());
	settings_init(&cfg);
	if ((rc = settings_load(&cfg, conf, 0, cause)) == 0 && cfg.public_url[0] != '\0')
		*url = xstrdup(cfg.public_url);
	settings_free(&cfg);
	free(conf);
	return rc;
}

int
cmd_print(const struct cmd_entry *cmd, int argc, char **argv)
{
	const char *out = NULL, *base_url = NULL;
	char *url = NULL;
	int json = 0, tty, n, which = -1, pages = 0, rc;
	const struct cli_opt opts[] = {
		{ "--out", 1, &out, NULL }, { "--base-url", 1, &base_url, NULL },
		{ "--json", 0, NULL, &json }, { NULL, 0, NULL, NULL },
	};
	char *pos[2], *cause = NULL;
	struct store *st;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 2)) < 0)
		return EXIT_USAGE;
	if (n == 0)
		return cli_usage_error(cmd, "缺少要打印的文档 / which document?");
	if (strcmp(pos[0], "guide") != 0 && (which = print_agenda_doc_by_name(pos[0])) < 0)
		return cli_usage_error(cmd, "未知文档 / unknown document: %s", pos[0]);
	if (which < 0 && n != 1)
		return cli_usage_error(cmd, "guide 不需要展会编号 / guide takes no fair");
	if (which >= 0 && n != 2)
		return cli_usage_error(cmd, "缺少展会编号 / which fair?");
	if (out == NULL)
		return cli_usage_error(cmd, "缺少 --out FILE.pdf / --out FILE.pdf is required");
	if (base_url != NULL && strncmp(base_url, "https://", 8) != 0 &&
	    strncmp(base_url, "http://", 7) != 0)
		return cli_usage_error(cmd, "--base-url 应以 https:// 开头 / --base-url starts with"
		    " https://");
	if (which >= 0 && qr_base(base_url, &url, &cause) != 0) {
		cli_fail(cmd, json, "pages", cause);
		return EXIT_REJECTED;
	}
	if (store_open(cli_data_dir(), 0, &st, &cause) != 0) {
		cli_fail(cmd, 0, NULL, cause);
		free(url);
		return EXIT_REJECTED;
	}
	tty = !json && isatty(STDERR_FILENO);
	if (which < 0)
		rc = print_guide(st, out, show_progress, &tty, &cause);
	else {
		struct print_opts po = { url, show_progress, &tty };
		struct agenda *a;

		rc = agenda_load(st, pos[1], &a, &cause);
		/* The QR codes carry the personal links, issued now. */
		if (rc == 0 && url != NULL && which == AGENDA_DOC_PARTIES &&
		    (rc = agenda_load_links(st, a, &cause)) != 0)
			agenda_free(a);
		if (rc == 0) {
			rc = print_agenda_doc(a, (enum agenda_doc)which, &po, out, &pages, &cause);
			agenda_free(a);
		}
	}
	store_close(st);
	free(url);
	if (tty)
		fputc('\n', stderr);
	if (rc != 0) {
		cli_fail(cmd, json, "pages", cause);
		return EXIT_REJECTED;
	}
	return report(out, pos[0], pages, json);
}
