/*
 * main.c — fairmatch's entry point: find the command in the table and run it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct cmd_entry commands[] = {
	{ "init", "[--site NAME] [--data DIR]",
	  "创建数据目录、数据库与各办公室；--site 给展会现场服务器命名（默认 province，省经合办） /"
	  " create the data directory, the database and the offices; --site names a fair's box"
	  " (default province, the province office's)", cmd_init },
	{ "import", "supply|demand|fairs FILE [--json] [--sheet NAME] [--no-index] [--data DIR]",
	  "校验并导入目录文件（CSV、XLSX 或 JSON）；有任何错误则不做任何改动 / validate and"
	  " load a catalogue file (CSV, XLSX or JSON); any error and nothing changes",
	  cmd_import },
	{ "search", "QUERY [--kind supply|demand] [--limit N] [--region R] [--category C]"
	  " [--fair CODE] [--exhibitor ID] [--engine serve|fts5] [--prefix] [--json] [--data DIR]",
	  "搜索产品或需求（中文、繁体、拼音、型号均可） / search products or demands (Chinese,"
	  " traditional, pinyin, model numbers)", cmd_search },
	{ "match", "demand|supply|fair CODE [--limit N] [--region R] [--honour H]"
	  " [--check-exact N] [--json] [--data DIR]",
	  "为需求找产品、为产品找需求，并说明理由；或为一个展会批量生成候选洽谈（--check-exact N："
	  "抽查 N 个需求，与穷举打分比较） / the products that fit a demand, or the demands that"
	  " want a product, best first, with reasons; or a fair's candidate meetings, in one batch"
	  " (--check-exact N: compare N sampled demands with exhaustive scoring)", cmd_match },
	{ "evaluate", "JUDGMENTS.tsv [--json] [--data DIR]",
	  "用人工评测集衡量匹配质量（nDCG@10、recall@10、MRR） / measure matching against a"
	  " judged set (nDCG@10, recall@10, MRR)", cmd_evaluate },
	{ "reindex", "[--data DIR]",
	  "从数据库重建全文索引 / rebuild the full-text indexes from the store", cmd_reindex },
	{ "status", "[--json] [--data DIR]",
	  "显示已导入的目录与最近的上传 / show what the catalogues hold and the latest"
	  " uploads", cmd_status },
	{ "serve", "[--listen ADDR:PORT] [--redirect-listen ADDR:PORT] [--config FILE]"
	  " [--cert PEM --key PEM] [--web-root DIR] [--threads N] [--port-file F] [--data DIR]",
	  "运行 HTTPS 服务（网页、接口）；设置见 README / run the HTTPS server (pages and API);"
	  " every setting is in README", cmd_serve },
	{ "user", "add LOGIN --role admin|city|expansion|organiser|kiosk|finance [--region R]"
	  " [--password-file F] | passwd LOGIN | list [--json] | token LOGIN [--label L]",
	  "管理账号与接口令牌 / manage accounts and API tokens", cmd_user },
	{ "schedule", "FAIR [--time-limit S] [--seed N] [--publish] [--json] |\n"
	  "          setup FAIR [--days N] [--slots-per-day N] [--slot-minutes M] [--start HH:MM]"
	  " [--lunch HH:MM-HH:MM|none] [--tables N] |\n"
	  "          show FAIR [--json] | participant FAIR BADGE [--away SLOTS] [--back SLOTS|all]"
	  " [--reps N] |\n"
	  "          request FAIR BADGE PRODUCT [--organiser] | accept|decline FAIR REQUEST |\n"
	  "          pin FAIR BADGE | revoke-link FAIR BADGE |\n"
	  "          lock|unlock FAIR MEETING | move FAIR MEETING SLOT TABLE |\n"
	  "          versions FAIR | diff|publish|discard FAIR [VERSION|draft] | undo FAIR |\n"
	  "          tables FAIR [TABLE NAME [--location L]] |\n"
	  "          walk-in FAIR buyer|supplier NAME --region R [--reps N] [--pairs BADGE,…] |\n"
	  "          check-in|no-show FAIR BADGE | arrivals FAIR |\n"
	  "          backfill FAIR [--accept MEETING] | late FAIR MEETING MINUTES |\n"
	  "          --dzn FILE [--fairness D] [--time-limit S] [--seed N] [--threads 1|2]\n"
	  "          [--conflicts N] [--anneal-only] [--json]",
	  "为展会排一对一洽谈，存为草稿版本，核对变化后发布（可撤回）；设置时段与桌位、参会者、"
	  "洽谈请求；锁定或移动洽谈；展会当天：现场登记、签到、未到场与补位、晚点；"
	  "求解公开的 B2B 排程算例 / schedule a fair's one-to-one meetings as a draft version,"
	  " see its changes, publish (and undo); lay out slots and tables, participants,"
	  " meeting requests; lock or move a meeting; the fair day: walk-ins, check-in,"
	  " no-shows and backfill, meetings running late; solve a published B2B instance",
	  cmd_schedule },
	{ "print", "guide|agendas|tables|grid|signin|badges [FAIR] --out FILE.pdf [--base-url URL]"
	  " [--json] [--data DIR]",
	  "打印供需信息指南，或展会的洽谈日程、桌位表、总表、签到表、胸牌（PDF） / print the"
	  " supply–demand guide, or a fair's agendas, table sheets, grid, sign-in sheets or badges"
	  " (PDF)", cmd_print },
	{ "export", "supply|demand|candidates FAIR|schedule FAIR [--version N]|outcomes FAIR|"
	  "upload ID --out FILE [--format xlsx|csv] [--json] [--data DIR]",
	  "导出目录、展会候选洽谈、洽谈日程（任一版本）、洽谈结果或上传校验报告（XLSX 或带 BOM 的"
	  " CSV） / export a catalogue, a fair's candidate meetings, its schedule (any"
	  " version), its outcomes, or an upload's report (XLSX, or CSV with a BOM)",
	  cmd_export },
	{ "template", "supply|demand --out FILE [--format xlsx|csv] [--json] [--data DIR]",
	  "空白目录模板：表头、各列填写说明、城市/省份/单位类型/产品类别下拉列表（XLSX），或带 BOM"
	  " 的 CSV / a blank catalogue to fill in: the header, each column explained, drop-downs"
	  " for city, province, buyer type and category (XLSX), or a CSV with a BOM",
	  cmd_template },
	{ "outcome", "FAIR MEETING-ID [--held|--no-show] [--intention|--contract|--no-deal]"
	  " [--amount 万元] [--products P] [--date YYYY-MM-DD] [--evidence FILE] [--json]",
	  "记录或查看洽谈结果：是否到场、意向或合同、金额（万元）、产品、凭证；每次修改留有记录 /"
	  " record or show what came of a meeting: held or no-show, intention or contract,"
	  " amount (万元), products, evidence; every change is kept", cmd_outcome },
	{ "stats", "[--by fair|province|city|centre|quarter] [--year Y] [--quarter Q]"
	  " [--fair CODE] [--json] [--out FILE.xlsx|.csv] |\n"
	  "          targets [import FILE] --year Y [--json]",
	  "绩效统计：洽谈、未到率、意向、合同与金额，对照年度目标；导入省份与城市目标 /"
	  " performance figures: meetings, no-show rate, intentions, contracts and amounts"
	  " against the year's targets; load the province and city targets", cmd_stats },
	{ "withdraw", "supply|demand CODE [--restore] [--json] [--data DIR]",
	  "撤回一个产品或需求（不再被搜索和匹配），或用 --restore 恢复；再次导入同一编号不会恢复 /"
	  " withdraw a product or demand (no longer searched or matched), or restore it with"
	  " --restore; importing the same code again does not restore it", cmd_withdraw },
	{ "backup", "--out FILE.zip [--json] [--data DIR]",
	  "在服务运行时备份数据库、原件与凭证（带 SHA-256 清单的 zip） / back up the store, the"
	  " kept originals and the evidence while the server runs (a zip with a manifest of"
	  " SHA-256s)", cmd_backup },
	{ "restore", "FILE.zip [--json] [--data DIR]",
	  "把备份恢复到空的数据目录，核对每个文件的 SHA-256 并重建索引 / restore a backup into an"
	  " empty data directory, checking every file's SHA-256, and rebuild the indexes",
	  cmd_restore },
	{ "ledger", "import|export FILE | list | plan import FILE --year Y |\n"
	  "          submit CODE --year Y --quarter Q --amount A [--fair] | returns import FILE"
	  " --year Y --quarter Q |\n"
	  "          evidence LINE FILE --kind K | check|review|joint|return|comment LINE"
	  " [--comment C] |\n"
	  "          line LINE | lines --year Y | sample draw|show|record … |\n"
	  "          figures --year Y [--by province|centre|distributor|city|network]"
	  " [--province P|--docking CITY] [--out F] | late --year Y |\n"
	  "          city-report --year Y --quarter Q --amount A [--city C]\n"
	  "          [--as LOGIN] [--json] [--data DIR]",
	  "营销网络台账：名录、季度申报与初核/复审/联审、随机抽查、对照方案的业绩、逾期 / the"
	  " marketing network's ledger: register, quarterly returns and their review, spot"
	  " checks, figures against the plan, who is late", cmd_ledger },
	{ "sync", "--peer URL [--cacert PEM] [--token T] | card --to FILE | trust CARD |\n"
	  "          export --to FILE [--for SITE] | import FILE | conflicts | settle ID"
	  " [--json] [--data DIR]",
	  "多个站点保持同步：经 HTTPS 与对方站点交换改动；本站名片、信任对方名片；用签名文件（U 盘）"
	  "导出与导入改动；列出待处理的冲突 / keep several boxes in step: exchange changes with a"
	  " peer over HTTPS; this site's card, trusting a peer's; export and import changes as a"
	  " signed file (a USB stick); the conflicts to settle", cmd_sync },
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
	/* The fair's time zone, for dates and times shown: $TZ, else China's (serve: time_zone). */
	if (getenv("TZ") == NULL || *getenv("TZ") == '\0') {
		char *cause = NULL;

		if (time_zone_use("Asia/Shanghai", &cause) != 0)
			free(cause);	/* no tzdata: the system's zone */
	}
	for (size_t i = 0; i < nitems(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].exec(&commands[i], argc - 2, argv + 2);
	fprintf(stderr, "fairmatch: 未知命令 / unknown command: %s\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
