/*
 * cli.h — the command line: a table of commands, each parsing its own
 * options through one small option table.
 */
#ifndef FM_CLI_H
#define FM_CLI_H

#include <jansson.h>

/* Exit statuses (DESIGN.md, "Command line"). */
#define EXIT_OK		0
#define EXIT_REJECTED	1	/* the input was rejected, with a message */
#define EXIT_USAGE	2

struct cli_opt {
	const char	*name;		/* "--json" */
	int		 takes_arg;
	const char	**arg;		/* where the argument goes, if takes_arg */
	int		*flag;		/* set to 1 when present, if not takes_arg */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* after "fairmatch NAME " */
	const char	*help;		/* what it does, Chinese then English */
	int		(*exec)(const struct cmd_entry *, int, char **);
};

/*
 * Parses argv (after the command name) against opts plus --data and
 * --help; positional arguments are collected into pos (at most npos).
 * Returns the number of positionals, or -1 after printing a usage error.
 * --help prints the command's help and exits 0.
 */
int cli_parse(const struct cmd_entry *cmd, int argc, char **argv,
    const struct cli_opt *opts, char **pos, int npos);
/* The data directory: --data, else $FAIRMATCH_DATA, else ./var. */
const char *cli_data_dir(void);
struct store;
/* Opens the store of the data directory, or prints why not; NULL then. */
struct store *cli_open_store(const struct cmd_entry *cmd);
/* Prints "fairmatch NAME: message" to stderr with the usage line; returns EXIT_USAGE. */
int cli_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "cli:<login>", the record of who did something from the command line; caller frees. */
char *cli_who(void);

/* Prints v as one line of compact JSON and releases it. */
void cli_print_json(json_t *v);
/*
 * Reports a failed command: with json, {"<list>": [], "error": cause} on
 * stdout; always "fairmatch NAME: cause" on stderr.  Frees cause.
 */
void cli_fail(const struct cmd_entry *cmd, int json, const char *list, char *cause);

/* DIR/tls/cert.pem and key.pem, made self-signed if missing (init, restore); 0 or -1 with *cause. */
int cli_make_certificate(const char *dir, char **cause);

int cmd_init(const struct cmd_entry *, int, char **);
int cmd_import(const struct cmd_entry *, int, char **);
int cmd_status(const struct cmd_entry *, int, char **);
int cmd_search(const struct cmd_entry *, int, char **);
int cmd_reindex(const struct cmd_entry *, int, char **);
int cmd_match(const struct cmd_entry *, int, char **);
int cmd_evaluate(const struct cmd_entry *, int, char **);
int cmd_schedule(const struct cmd_entry *, int, char **);
/* `schedule VERB …` for versions and the fair day (cmd_fairday.c): the exit status, or -1 if VERB is none of them. */
int cmd_schedule_fairday(const struct cmd_entry *, int, char **);
int cmd_serve(const struct cmd_entry *, int, char **);
int cmd_user(const struct cmd_entry *, int, char **);
int cmd_print(const struct cmd_entry *, int, char **);
int cmd_export(const struct cmd_entry *, int, char **);
int cmd_template(const struct cmd_entry *, int, char **);
int cmd_outcome(const struct cmd_entry *, int, char **);
int cmd_stats(const struct cmd_entry *, int, char **);
int cmd_withdraw(const struct cmd_entry *, int, char **);
int cmd_backup(const struct cmd_entry *, int, char **);
int cmd_restore(const struct cmd_entry *, int, char **);
int cmd_ledger(const struct cmd_entry *, int, char **);
int cmd_sync(const struct cmd_entry *, int, char **);

#endif
