/*
 * cmd_sync.c — `fairmatch sync`: the site's card, trusting a peer's,
 * changesets carried by file, and an exchange with a peer over HTTPS
 * (docs/sync.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "store.h"
#include "sync.h"
#include "sync_peer.h"
#include "util.h"

/* What one subcommand gets: the open store, its positionals and options. */
struct sync_args {
	struct store	*st;
	char		**pos;		/* after the subcommand */
	int		  npos;
	const char	 *out;		/* --out / --to */
	const char	 *peer;		/* --for */
	int		  json;
};

struct sync_sub {
	const char	*name;
	int		 npos;		/* positionals it needs after its name */
	int		 needs_out;
	int		(*run)(struct sync_args *, char **);
};

/* `sync card --out FILE`: this site's card, for its peers to trust. */
static int
sub_card(struct sync_args *a, char **cause)
{
	if (sync_card_write(a->st, a->out, cause) != 0)
		return -1;
	if (a->json)
		cli_print_json(json_pack("{s:s}", "card", a->out));
	else
		printf("已写出本站名片 %s；请交给对方站点运行 fairmatch sync trust / wrote this site's"
		    " card to %s; give it to the peer for `fairmatch sync trust`\n", a->out, a->out);
	return 0;
}

/* `sync trust CARD`: a peer's card, checked once by a person and trusted from then on. */
static int
sub_trust(struct sync_args *a, char **cause)
{
	char *name;

	if (sync_trust(a->st, a->pos[0], &name, cause) != 0)
		return -1;
	if (a->json)
		cli_print_json(json_pack("{s:s}", "trusted", name));
	else
		printf("已信任站点“%s” / trusted the site \"%s\"\n", name, name);
	free(name);
	return 0;
}

/* Prints what a changeset carried. */
static void
report_print(const char *zh, const char *en, const struct sync_report *r, int json)
{
	if (json)
		cli_print_json(json_pack("{s:s, s:I, s:i, s:i, s:i}", "peer", r->peer, "seq",
		    (json_int_t)r->seq, "changes", (int)r->changes, "files", (int)r->files,
		    "conflicts", (int)r->conflicts));
	else
		printf("%s“%s”第 %lld 号：%ld 处改动，%ld 个文件，%ld 个冲突待处理 / %s \"%s\","
		    " changeset %lld: %ld changes, %ld files, %ld conflicts to settle\n", zh, r->peer,
		    (long long)r->seq, r->changes, r->files, r->conflicts, en, r->peer,
		    (long long)r->seq, r->changes, r->files, r->conflicts);
}

/* `sync export --to FILE [--for SITE]`: what the peer does not have yet, signed. */
static int
sub_export(struct sync_args *a, char **cause)
{
	struct sync_report r;
	struct buf out = { 0 };
	char *peer = a->peer != NULL ? xstrdup(a->peer) : sync_only_peer(a->st, cause);
	int rc = -1;

	if (peer != NULL && sync_export(a->st, peer, NULL, NULL, &out, &r, cause) == 0) {
		if (sync_write_file(a->out, out.data, out.len, 0600, cause) == 0) {
			report_print("已导出给", "exported for", &r, a->json);
			rc = 0;
		}
		sync_report_free(&r);
	}
	buf_free(&out);
	free(peer);
	return rc;
}

/* `sync import FILE`: a peer's signed changeset. */
static int
sub_import(struct sync_args *a, char **cause)
{
	struct sync_report r;
	struct buf in = { 0 };
	int rc = -1;

	if (sync_read_file(a->pos[0], &in, cause) == 0) {
		if ((rc = sync_import(a->st, in.data, in.len, &r, cause)) == 0)
			report_print("已导入", "applied", &r, a->json);
		sync_report_free(&r);
		rc = rc == 0 ? 0 : -1;
	}
	buf_free(&in);
	return rc;
}

/* `sync conflicts`: what ownership did not settle. */
static int
sub_conflicts(struct sync_args *a, char **cause)
{
	json_t *list = sync_conflicts(a->st, cause), *c;
	size_t i;

	if (list == NULL)
		return -1;
	if (a->json) {
		cli_print_json(json_pack("{s:o}", "conflicts", list));
		return 0;
	}
	json_array_foreach(list, i, c) {
		char *key = json_dumps(json_object_get(c, "key"), JSON_COMPACT);
		char *theirs = json_dumps(json_object_get(c, "theirs"), JSON_COMPACT);

		printf("%lld\t%s #%lld\t%s %s %s\t%s\t%s\n",
		    (long long)json_integer_value(json_object_get(c, "id")),
		    json_string_value(json_object_get(c, "peer")),
		    (long long)json_integer_value(json_object_get(c, "seq")),
		    json_string_value(json_object_get(c, "op")),
		    json_string_value(json_object_get(c, "table")), key,
		    json_string_value(json_object_get(c, "reason")), theirs);
		free(key);
		free(theirs);
	}
	if (json_array_size(list) == 0)
		printf("没有待处理的同步冲突 / no sync conflicts to settle\n");
	json_decref(list);
	return 0;
}

/* `sync settle ID`: the organiser has dealt with a conflict. */
static int
sub_settle(struct sync_args *a, char **cause)
{
	char *who = cli_who();
	long id;
	int rc;

	if (parse_long(a->pos[0], 1, 0x7fffffffffffffffL, &id) != 0) {
		*cause = xasprintf("冲突编号“%s”不是正整数 / the conflict id \"%s\" is not a positive"
		    " whole number", a->pos[0], a->pos[0]);
		free(who);
		return -1;
	}
	if ((rc = sync_settle(a->st, id, who, cause)) == 0)
		printf("冲突 %ld 已标记为已处理 / conflict %ld marked settled\n", id, id);
	free(who);
	return rc;
}

/* What an exchange with a peer moved (sync_with_peer's summary, released). */
static void
summary_print(json_t *sum, int json)
{
	json_t *sent = json_object_get(sum, "sent"), *got = json_object_get(sum, "received");
	const char *site = json_string_value(json_object_get(sum, "peer"));
	json_int_t sc = json_integer_value(json_object_get(sent, "changes"));
	json_int_t sf = json_integer_value(json_object_get(sent, "files"));
	json_int_t gc = json_integer_value(json_object_get(got, "changes"));
	json_int_t gf = json_integer_value(json_object_get(got, "files"));
	json_int_t gk = json_integer_value(json_object_get(got, "conflicts"));

	if (json) {
		cli_print_json(sum);
		return;
	}
	printf("与站点“%s”同步：发出 %lld 处改动、%lld 个文件；收到 %lld 处改动、%lld 个文件，%lld 个"
	    "冲突待处理 / in step with \"%s\": sent %lld changes and %lld files; received %lld"
	    " changes and %lld files, %lld conflicts to settle\n", site, (long long)sc,
	    (long long)sf, (long long)gc, (long long)gf, (long long)gk, site, (long long)sc,
	    (long long)sf, (long long)gc, (long long)gf, (long long)gk);
	json_decref(sum);
}

static const struct sync_sub subs[] = {
	{ "card", 0, 1, sub_card },
	{ "trust", 1, 0, sub_trust },
	{ "export", 0, 1, sub_export },
	{ "import", 1, 0, sub_import },
	{ "conflicts", 0, 0, sub_conflicts },
	{ "settle", 1, 0, sub_settle },
};

int
cmd_sync(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct sync_args a = { 0 };
	const char *to = NULL, *url = NULL, *cacert = NULL, *token = NULL;
	const struct cli_opt opts[] = { { "--out", 1, &a.out, NULL }, { "--to", 1, &to, NULL },
	    { "--for", 1, &a.peer, NULL }, { "--json", 0, NULL, &a.json },
	    { "--peer", 1, &url, NULL }, { "--cacert", 1, &cacert, NULL },
	    { "--token", 1, &token, NULL },
	    { NULL, 0, NULL, NULL } };
	const struct sync_sub *sub = NULL;
	char *pos[3], *cause = NULL;
	int n;

	if ((n = cli_parse(cmd, argc, argv, opts, pos, 3)) < 0)
		return EXIT_USAGE;
	if (n == 0 && url != NULL) {
		json_t *sum;

		if (store_open(cli_data_dir(), 0, &a.st, &cause) != 0 ||
		    sync_with_peer(a.st, url, cacert, token, &sum, &cause) != 0) {
			store_close(a.st);
			cli_fail(cmd, a.json, "conflicts", cause);
			return EXIT_REJECTED;
		}
		store_close(a.st);
		summary_print(sum, a.json);
		return EXIT_OK;
	}
	if (n == 0)
		return cli_usage_error(cmd, "需要子命令或 --peer URL / a subcommand or --peer URL is"
		    " needed");
	for (size_t i = 0; i < nitems(subs); i++)
		if (strcmp(pos[0], subs[i].name) == 0)
			sub = &subs[i];
	if (sub == NULL)
		return cli_usage_error(cmd, "未知子命令 / unknown subcommand: %s", pos[0]);
	if (n - 1 != sub->npos)
		return cli_usage_error(cmd, "%s 需要 %d 个参数 / %s takes %d arguments", sub->name,
		    sub->npos, sub->name, sub->npos);
	if (to != NULL)
		a.out = to;
	if (sub->needs_out && (a.out == NULL || *a.out == '\0'))
		return cli_usage_error(cmd, "%s 需要 --to FILE / %s needs --to FILE", sub->name,
		    sub->name);
	a.pos = pos + 1;
	a.npos = n - 1;
	if (store_open(cli_data_dir(), 0, &a.st, &cause) != 0 || sub->run(&a, &cause) != 0) {
		store_close(a.st);
		cli_fail(cmd, a.json, "conflicts", cause);
		return EXIT_REJECTED;
	}
	store_close(a.st);
	return EXIT_OK;
}
