/*
 * main.c — fairmatch's entry point: find the command in the table and run it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct cmd_entry commands[] = {
	{ "init", "[--data DIR]",
	  "创建数据目录、数据库与各办公室 / create the data directory, the database"
	  " and the offices", cmd_init },
	{ "import", "supply|demand|fairs FILE [--json] [--sheet NAME] [--no-index] [--data DIR]",
	  "校验并导入目录文件（CSV、XLSX 或 JSON）；有任何错误则不做任何改动 / validate and"
	  " load a catalogue file (CSV, XLSX or JSON); any error and nothing changes",
	  cmd_import },
	{ "search", "QUERY [--kind supply|demand] [--limit N] [--region R] [--category C]"
	  " [--prefix] [--json] [--data DIR]",
	  "搜索产品或需求（中文、繁体、拼音、型号均可） / search products or demands (Chinese,"
	  " traditional, pinyin, model numbers)", cmd_search },
	{ "match", "demand|supply|fair CODE [--limit N] [--region R] [--honour H] [--json]"
	  " [--data DIR]",
	  "为需求找产品、为产品找需求，并说明理由；或为一个展会批量生成候选洽谈 / the products"
	  " that fit a demand, or the demands that want a product, best first, with reasons;"
	  " or a fair's candidate meetings, in one batch", cmd_match },
	{ "evaluate", "JUDGMENTS.tsv [--json] [--data DIR]",
	  "用人工评测集衡量匹配质量（nDCG@10、recall@10、MRR） / measure matching against a"
	  " judged set (nDCG@10, recall@10, MRR)", cmd_evaluate },
	{ "reindex", "[--data DIR]",
	  "从数据库重建全文索引 / rebuild the full-text indexes from the store", cmd_reindex },
	{ "status", "[--json] [--data DIR]",
	  "显示已导入的目录与最近的上传 / show what the catalogues hold and the latest"
	  " uploads", cmd_status },
	{ "schedule", "--dzn FILE [--fairness D] [--time-limit S] [--seed N] [--json]",
	  "求解公开的 B2B 会谈排程算例（按展会排程随展会模型提供） / solve a published B2B"
	  " meeting-scheduling instance (scheduling a stored fair comes with the fair model)",
	  cmd_schedule },
};

/* The overall usage, listing every command. */
static void
usage(FILE *f)
{
	fprintf(f, "fairmatch — 供需对接平台 / supply–demand matchmaking for trade fairs\n\n"
	    "usage: fairmatch COMMAND [ARGS] [--data DIR]\n\n");
	for (size_t i = 0; i < nitems(commands); i++)
		fprintf(f, "  %-7s %s\n          %s\n", commands[i].name, commands[i].usage,
		    commands[i].help);
	fprintf(f, "\n--data DIR (or FAIRMATCH_DATA) chooses the data directory; default ./var.\n"
	    "exit status: 0 success, 1 input rejected, 2 usage\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < nitems(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].exec(&commands[i], argc - 2, argv + 2);
	fprintf(stderr, "fairmatch: 未知命令 / unknown command: %s\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
