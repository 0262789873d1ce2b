/*
 * config.h — the server's settings: one declarative table serves the
 * config file (INI, read with inih), the command line and validation.
 */
#ifndef FM_CONFIG_H
#define FM_CONFIG_H

struct settings {
	char	*listen;		/* HTTPS ADDR:PORT; port 0 = any free port */
	char	*redirect_listen;	/* plain HTTP that only redirects; "" = off */
	char	*plain_listen;		/* plain HTTP serving everything (a local TLS proxy,
					   benchmarks); "" = off */
	char	*public_url;		/* scheme://host[:port][/path], no trailing slash; "" =
					   the Host the request came with */
	char	*host_names;		/* more names for the certificate, comma separated */
	char	*cert;			/* PEM certificate; "" = DATA/tls/cert.pem, made at first start */
	char	*key;			/* PEM private key; "" = DATA/tls/key.pem */
	char	*web_root;		/* the static front end */
	char	*access_log;		/* a path, "-" = stdout, "" = off */
	char	*port_file;		/* where the bound HTTPS port is written; "" = nowhere */
	long	 threads;		/* event loops; 0 = one per core */
	long	 max_connections;	/* open connections over all loops */
	long	 max_idle_connections;	/* idle keep-alive HTTPS ones kept; 0 = a tenth of the above */
	long	 max_header_bytes;	/* request line and headers */
	long	 max_body_bytes;	/* any request body but an upload */
	long	 max_upload_bytes;	/* a catalogue upload */
	long	 timeout_seconds;	/* read, write and keep-alive idle */
	long	 request_timeout_seconds; /* a request whole from its first byte, plus a
					   second per REQUEST_MIN_RATE bytes (server.c) */
	long	 session_hours;		/* a sign-in lasts this long */
	long	 login_per_minute;	/* failed sign-ins allowed per client address */
	long	 kiosk_per_minute;	/* kiosk meeting requests allowed per client address */
	long	 busy_timeout_ms;	/* a statement waits this long for another writer's lock */
	long	 search_cache;		/* search replies kept per loop; 0 = off */
	char	*backup_dir;		/* scheduled backups go here (another disk); "" = off */
	long	 backup_minutes;	/* between scheduled backups */
	long	 backup_keep;		/* the newest scheduled backups kept */
	char	*time_zone;		/* the fair's, for the times pages and PDFs show */
	char	*replica_of;		/* a read-only replica of this box's URL; "" = not one */
	char	*replica_cacert;	/* that box's server certificate; "" = the system's CAs */
	long	 replica_seconds;	/* between the replica's exchanges with its box */
	char	*replica_token;		/* a site account's API token on that box */
};

/* The defaults; web_root defaults to the source tree's web/. */
void settings_init(struct settings *s);
void settings_free(struct settings *s);

/*
 * Sets NAME (a key of the table, e.g. "listen" or "max_upload_bytes") from
 * text.  0, or -1 with *cause naming the setting and what is wrong.
 */
int settings_set(struct settings *s, const char *name, const char *value, char **cause);

/*
 * Reads an INI file: keys in any section ([server], [tls], [limits],
 * [log]) or none.  0, or -1 with *cause naming the file, line and key.
 * A missing file is an error only when required.
 */
int settings_load(struct settings *s, const char *path, int required, char **cause);

/*
 * The names the certificate should carry beside localhost and the box's
 * own: public_url's host and host_names.  NULL-terminated; caller frees
 * each and the array.
 */
char **settings_cert_names(const struct settings *s);
void settings_cert_names_free(char **names);

/* The table's keys, in order, for usage text and the command line. */
const char *settings_key(unsigned i);
const char *settings_help(unsigned i);

#endif
