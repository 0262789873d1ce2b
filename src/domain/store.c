/*
 * store.c — opening the database, pragmas, migrations, transactions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fts5_tok.h"
#include "schema.h"
#include "store.h"
#include "store_fault.h"
#include "util.h"

/*
 * The tables whose rows a box makes and another box receives (docs/sync.md).
 * site_id('table') numbers a new row in this site's own range, so that rows
 * made on two boxes never share a key when they meet.
 */
static const char *const site_tables[] = {
	"buyers", "suppliers", "participants", "meeting_requests", "meetings",
	"outcome_history", "schedule_versions",
};

struct store {
	sqlite3		*db;		/* the connection; owned */
	char		*dir;		/* the data directory; owned */
	enum store_fail	 fail;		/* the last failure recorded, until reset */
	sqlite3_stmt	*site_top[nitems(site_tables)];	/* the range's last id; owned */
	int64_t		 site_last[nitems(site_tables)];	/* the last id site_id gave */
};

/*
 * Numbered migrations: the schema is version N once migrations 1..N ran.
 * Never edit one that has shipped; add the next.
 */
static const char *const migrations[] = {
	/* 1: offices, users, catalogues, uploads. */
	"CREATE TABLE offices ("
	"  id        INTEGER PRIMARY KEY,"
	"  kind      TEXT NOT NULL CHECK (kind IN ('province', 'city', 'expansion')),"
	"  name      TEXT NOT NULL UNIQUE,"
	"  city      TEXT,"				/* a city office's prefecture */
	"  province  TEXT"				/* an expansion office's province */
	");"
	"CREATE TABLE users ("
	"  id            INTEGER PRIMARY KEY,"
	"  login         TEXT NOT NULL UNIQUE,"
	"  role          TEXT NOT NULL CHECK (role IN ('admin', 'city', 'expansion',"
	"                  'organiser', 'kiosk')),"
	"  office_id     INTEGER REFERENCES offices(id),"
	"  password_hash TEXT,"				/* argon2id encoded; NULL = cannot log in */
	"  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	");"
	"CREATE TABLE uploads ("
	"  id          INTEGER PRIMARY KEY,"
	"  kind        TEXT NOT NULL CHECK (kind IN ('supply', 'demand')),"
	"  sha256      TEXT NOT NULL,"			/* the original, kept under uploads/ */
	"  filename    TEXT NOT NULL,"			/* as the user named it */
	"  size        INTEGER NOT NULL,"
	"  format      TEXT NOT NULL,"			/* csv, xlsx, json */
	"  charset     TEXT,"
	"  uploaded_by TEXT NOT NULL,"			/* a login, or cli:<os user> */
	"  user_id     INTEGER REFERENCES users(id),"
	"  uploaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  rows        INTEGER NOT NULL DEFAULT 0,"
	"  inserted    INTEGER NOT NULL DEFAULT 0,"
	"  updated     INTEGER NOT NULL DEFAULT 0,"
	"  unchanged   INTEGER NOT NULL DEFAULT 0,"
	"  report      TEXT NOT NULL DEFAULT '{}'"	/* the JSON report shown to the user */
	");"
	"CREATE INDEX uploads_sha256 ON uploads(sha256);"
	"CREATE TABLE suppliers ("
	"  id          INTEGER PRIMARY KEY,"
	"  name        TEXT NOT NULL,"
	"  city        TEXT NOT NULL,"			/* one of the 11 prefectures */
	"  credit_code TEXT,"
	"  county      TEXT,"
	"  UNIQUE (name, city)"
	");"
	"CREATE TABLE products ("
	"  id          INTEGER PRIMARY KEY,"
	"  code        TEXT NOT NULL UNIQUE,"
	"  supplier_id INTEGER NOT NULL REFERENCES suppliers(id),"
	"  name        TEXT NOT NULL,"
	"  category    TEXT, spec TEXT, brand TEXT,"
	"  price       TEXT, price_min REAL, price_max REAL,"	/* text as given; NULL = 面议 */
	"  unit        TEXT, moq TEXT, honours TEXT, keywords TEXT, description TEXT,"
	"  contact     TEXT, phone TEXT,"
	"  upload_id   INTEGER REFERENCES uploads(id),"	/* the upload that last changed it */
	"  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	");"
	"CREATE TABLE buyers ("
	"  id          INTEGER PRIMARY KEY,"
	"  name        TEXT NOT NULL,"
	"  province    TEXT NOT NULL,"			/* canonical full name */
	"  buyer_type  TEXT NOT NULL DEFAULT '其他' CHECK (buyer_type IN"
	"                ('营销中心', '重点经销户', '商会', '其他')),"
	"  city        TEXT,"
	"  UNIQUE (name, province)"
	");"
	"CREATE TABLE demands ("
	"  id          INTEGER PRIMARY KEY,"
	"  code        TEXT NOT NULL UNIQUE,"
	"  buyer_id    INTEGER NOT NULL REFERENCES buyers(id),"
	"  product     TEXT NOT NULL,"
	"  category    TEXT, description TEXT,"
	"  quantity    REAL, unit TEXT,"
	"  price       TEXT, price_min REAL, price_max REAL,"
	"  deadline    TEXT,"				/* YYYY-MM-DD */
	"  contact     TEXT, phone TEXT,"
	"  upload_id   INTEGER REFERENCES uploads(id),"
	"  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	");",

	/*
	 * 2: search.  Every change to a product or demand is logged; the
	 * indexer replays the log into the FTS5 tables here and into Xapian
	 * beside the database, each recording the last entry it applied, so
	 * a crash between the two commits loses nothing.
	 */
	"CREATE TABLE " IX_LOG " ("
	"  seq     INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind    TEXT NOT NULL CHECK (kind IN ('supply', 'demand')),"
	"  item_id INTEGER NOT NULL"			/* products.id or demands.id */
	");"
	"CREATE TABLE " IX_STATE " ("
	"  name TEXT PRIMARY KEY,"			/* 'fts'; Xapian keeps its own */
	"  seq  INTEGER NOT NULL"			/* last index_log.seq applied */
	");"
	"INSERT INTO " IX_STATE " VALUES ('fts', 0);"
	"CREATE TRIGGER products_logi AFTER INSERT ON products BEGIN"
	"  INSERT INTO " IX_LOG " (kind, item_id) VALUES ('supply', new.id); END;"
	"CREATE TRIGGER products_logu AFTER UPDATE ON products BEGIN"
	"  INSERT INTO " IX_LOG " (kind, item_id) VALUES ('supply', new.id); END;"
	"CREATE TRIGGER products_logd AFTER DELETE ON products BEGIN"
	"  INSERT INTO " IX_LOG " (kind, item_id) VALUES ('supply', old.id); END;"
	"CREATE TRIGGER demands_logi AFTER INSERT ON demands BEGIN"
	"  INSERT INTO " IX_LOG " (kind, item_id) VALUES ('demand', new.id); END;"
	"CREATE TRIGGER demands_logu AFTER UPDATE ON demands BEGIN"
	"  INSERT INTO " IX_LOG " (kind, item_id) VALUES ('demand', new.id); END;"
	"CREATE TRIGGER demands_logd AFTER DELETE ON demands BEGIN"
	"  INSERT INTO " IX_LOG " (kind, item_id) VALUES ('demand', old.id); END;"
	"INSERT INTO " IX_LOG " (kind, item_id) SELECT 'supply', id FROM products;"
	"INSERT INTO " IX_LOG " (kind, item_id) SELECT 'demand', id FROM demands;"
	/* What is searchable, one row per item, as the indexer reads it. */
	"CREATE VIEW " IX_PRODUCT_TEXT " AS SELECT p.id, p.code, p.name, p.spec, p.brand,"
	"  p.keywords, p.category, s.name AS company, p.description, s.city, p.price_min, p.price_max,"
	"  p.honours FROM products p JOIN suppliers s ON s.id = p.supplier_id;"
	"CREATE VIEW " IX_DEMAND_TEXT " AS SELECT d.id, d.code, d.product, d.category,"
	"  b.name AS buyer, d.description, b.province, b.city, b.buyer_type, d.price_min, d.price_max"
	"  FROM demands d JOIN buyers b ON b.id = d.buyer_id;"
	/* The columns of index/indexer.c's field tables, then the region to facet by. */
	"CREATE VIRTUAL TABLE " IX_PRODUCTS_FTS " USING fts5(name, spec, brand, keywords, category,"
	"  company, description, region UNINDEXED, tokenize = 'fairmatch');"
	"CREATE VIRTUAL TABLE " IX_DEMANDS_FTS " USING fts5(product, category, buyer, description,"
	"  region UNINDEXED, tokenize = 'fairmatch');",

	/*
	 * 3: fairs, the cities and provinces each one pairs (seed 000), and
	 * the candidate meetings the matcher proposes: scheduling's input.
	 */
	"CREATE TABLE fairs ("
	"  id         INTEGER PRIMARY KEY,"
	"  code       TEXT NOT NULL UNIQUE,"
	"  name       TEXT NOT NULL,"
	"  city       TEXT,"				/* where it is held */
	"  start_date TEXT, end_date TEXT"		/* YYYY-MM-DD */
	");"
	"CREATE TABLE fair_cities ("			/* suppliers come from these; none = all */
	"  fair_id INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  city    TEXT NOT NULL,"
	"  PRIMARY KEY (fair_id, city)"
	");"
	"CREATE TABLE fair_provinces ("		/* buyers come from these; none = all */
	"  fair_id  INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  province TEXT NOT NULL,"
	"  PRIMARY KEY (fair_id, province)"
	");"
	"CREATE TABLE candidates ("
	"  fair_id    INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  demand_id  INTEGER NOT NULL REFERENCES demands(id) ON DELETE CASCADE,"
	"  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,"
	"  rank       INTEGER NOT NULL,"		/* 1 = the demand's best match */
	"  score      REAL NOT NULL,"
	"  why        TEXT NOT NULL,"			/* the reasons, JSON */
	"  PRIMARY KEY (fair_id, demand_id, product_id)"
	");",

	/*
	 * 4: the server's sign-ins.  Session and API tokens are random 256-bit
	 * values the client holds; the store keeps only their SHA-256, so a
	 * copy of the database opens no doors.  Times are Unix seconds.
	 */
	"CREATE TABLE sessions ("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL"
	");"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE api_tokens ("
	"  id           INTEGER PRIMARY KEY,"
	"  token_hash   TEXT NOT NULL UNIQUE,"
	"  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  label        TEXT NOT NULL DEFAULT '',"
	"  created_at   INTEGER NOT NULL,"
	"  last_used_at INTEGER,"
	"  revoked      INTEGER NOT NULL DEFAULT 0"
	");",

	/*
	 * 5: the fair model and its schedule.  Slots are numbered 1.. across
	 * the whole fair; a participant is one company on one side; meetings
	 * keep their id when a re-solve moves them, so deals can point at them.
	 */
	"CREATE TABLE fair_days ("
	"  fair_id INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  day     INTEGER NOT NULL,"			/* 1.. */
	"  date    TEXT,"				/* YYYY-MM-DD, if the fair has dates */
	"  PRIMARY KEY (fair_id, day)"
	");"
	"CREATE TABLE fair_slots ("
	"  fair_id INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  number  INTEGER NOT NULL,"			/* 1.., in time order over all days */
	"  day     INTEGER NOT NULL,"
	"  start   TEXT NOT NULL,"			/* HH:MM */
	"  end     TEXT NOT NULL,"
	"  session TEXT NOT NULL CHECK (session IN ('am', 'pm')),"
	"  PRIMARY KEY (fair_id, number),"
	"  FOREIGN KEY (fair_id, day) REFERENCES fair_days(fair_id, day) ON DELETE CASCADE"
	");"
	"CREATE TABLE fair_tables ("
	"  fair_id     INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  number      INTEGER NOT NULL,"		/* 1.. */
	"  name        TEXT NOT NULL,"			/* as printed: 1号桌 */
	"  supplier_id INTEGER REFERENCES suppliers(id) ON DELETE SET NULL,"	/* a booth */
	"  PRIMARY KEY (fair_id, number)"
	");"
	"CREATE TABLE participants ("
	"  id          INTEGER PRIMARY KEY,"
	"  fair_id     INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  side        TEXT NOT NULL CHECK (side IN ('buyer', 'supplier')),"
	"  buyer_id    INTEGER REFERENCES buyers(id) ON DELETE CASCADE,"
	"  supplier_id INTEGER REFERENCES suppliers(id) ON DELETE CASCADE,"
	"  badge       TEXT NOT NULL,"			/* what the kiosk scans */
	"  name        TEXT NOT NULL,"
	"  reps        INTEGER NOT NULL DEFAULT 1 CHECK (reps >= 1),"	/* representatives */
	"  UNIQUE (fair_id, badge),"
	"  CHECK ((side = 'buyer' AND supplier_id IS NULL)"
	"      OR (side = 'supplier' AND buyer_id IS NULL))"
	");"
	"CREATE INDEX participants_buyer ON participants(fair_id, buyer_id);"
	"CREATE INDEX participants_supplier ON participants(fair_id, supplier_id);"
	"CREATE TABLE participant_unavailable ("
	"  participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
	"  slot           INTEGER NOT NULL,"		/* fair_slots.number */
	"  PRIMARY KEY (participant_id, slot)"
	");"
	"CREATE TABLE meeting_requests ("
	"  id          INTEGER PRIMARY KEY,"
	"  fair_id     INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  buyer_pid   INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
	"  supplier_pid INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
	"  product_id  INTEGER REFERENCES products(id) ON DELETE SET NULL,"
	"  state       TEXT NOT NULL DEFAULT 'asked' CHECK (state IN"
	"                ('asked', 'accepted', 'declined', 'added')),"	/* added = by the organiser */
	"  value       REAL NOT NULL DEFAULT 0,"
	"  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  UNIQUE (fair_id, buyer_pid, supplier_pid)"
	");"
	"CREATE TABLE meetings ("
	"  id           INTEGER PRIMARY KEY,"
	"  fair_id      INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  buyer_pid    INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
	"  supplier_pid INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
	"  product_id   INTEGER REFERENCES products(id) ON DELETE SET NULL,"
	"  slot         INTEGER NOT NULL,"		/* fair_slots.number */
	"  table_no     INTEGER NOT NULL,"		/* fair_tables.number */
	"  locked       INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),"
	"  value        REAL NOT NULL DEFAULT 0,"
	"  UNIQUE (fair_id, buyer_pid, supplier_pid)"
	");"
	"CREATE INDEX meetings_slot ON meetings(fair_id, slot, table_no);",

	/*
	 * 6: deals and targets.  One outcome per meeting; amounts in
	 * hundredths of 万元 so sums are exact; every change to an outcome
	 * appends to outcome_history, which is never updated.  Evidence files
	 * are kept under uploads/ by SHA-256.  Targets are per year, in 亿元.
	 */
	"CREATE TABLE outcomes ("
	"  meeting_id  INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,"
	"  held        INTEGER NOT NULL CHECK (held IN (0, 1)),"	/* 0 = no-show */
	"  kind        TEXT NOT NULL DEFAULT 'none' CHECK (kind IN"
	"                ('none', 'intention', 'contract')),"
	"  amount_cents INTEGER NOT NULL DEFAULT 0 CHECK (amount_cents >= 0),"	/* 0.01 万元 */
	"  products    TEXT NOT NULL DEFAULT '',"	/* product lines, joined with '；' */
	"  deal_date   TEXT NOT NULL,"			/* YYYY-MM-DD: counts in its quarter */
	"  recorded_by TEXT NOT NULL,"			/* a login, or cli:<os user> */
	"  user_id     INTEGER REFERENCES users(id),"
	"  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  CHECK (held = 1 OR (kind = 'none' AND amount_cents = 0))"
	");"
	"CREATE TABLE outcome_history ("
	"  id          INTEGER PRIMARY KEY,"
	"  meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  field       TEXT NOT NULL,"			/* held, kind, amount, products, date, evidence */
	"  old_value   TEXT,"				/* NULL when first recorded */
	"  new_value   TEXT,"
	"  changed_by  TEXT NOT NULL,"
	"  user_id     INTEGER REFERENCES users(id),"
	"  changed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	");"
	"CREATE INDEX outcome_history_meeting ON outcome_history(meeting_id, id);"
	/* A re-solve or a new layout must not take a recorded deal with it. */
	"CREATE TRIGGER outcomes_keep_meeting BEFORE DELETE ON meetings"
	"  WHEN EXISTS (SELECT 1 FROM outcomes WHERE meeting_id = old.id) BEGIN"
	"  SELECT RAISE(ABORT, '这场洽谈已记录结果，不能删除 / a meeting with a recorded"
	" outcome cannot be removed'); END;"
	"CREATE TABLE outcome_evidence ("
	"  meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  sha256      TEXT NOT NULL,"			/* the file, kept under uploads/ */
	"  filename    TEXT NOT NULL,"
	"  size        INTEGER NOT NULL,"
	"  added_by    TEXT NOT NULL,"
	"  added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  PRIMARY KEY (meeting_id, sha256)"
	");"
	"CREATE TABLE province_targets ("
	"  year        INTEGER NOT NULL,"
	"  province    TEXT NOT NULL,"			/* canonical full name */
	"  offices     INTEGER NOT NULL DEFAULT 0,"	/* 拓展办 */
	"  centres     INTEGER NOT NULL DEFAULT 0,"	/* 营销中心 */
	"  dealers     INTEGER NOT NULL DEFAULT 0,"	/* 市场外重点经销户 */
	"  sales_yi    REAL NOT NULL DEFAULT 0,"	/* 扩销目标（亿元） */
	"  markets_yi  REAL NOT NULL DEFAULT 0,"	/* 三大市场目标（亿元） */
	"  note        TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (year, province)"
	");"
	"CREATE TABLE city_targets ("
	"  year        INTEGER NOT NULL,"
	"  city        TEXT NOT NULL,"			/* one of the 11 prefectures */
	"  sales_yi    REAL NOT NULL DEFAULT 0,"	/* 扩销目标（亿元） */
	"  markets_yi  REAL NOT NULL DEFAULT 0,"	/* 三大市场目标（亿元） */
	"  note        TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (year, city)"
	");",

	/*
	 * 7: an upload received over HTTP names its spool receipt, recorded
	 * in the import's own transaction: a crash after the commit and
	 * before the spool file is removed must not import it twice.
	 */
	"ALTER TABLE uploads ADD COLUMN receipt TEXT;"
	"CREATE UNIQUE INDEX uploads_receipt ON uploads(receipt)"
	"  WHERE receipt IS NOT NULL;",

	/*
	 * 8: schedules as versions, and the fair day.  Each solve is a
	 * version (its meetings as a snapshot by pair); `meetings` holds the
	 * published one, or before any is published the latest solve.  Tables
	 * get a location; participants a check-in and a no-show; meetings a
	 * late mark, a no-show mark and a backfill mark; requests say who
	 * asked and who decided, when.
	 */
	"CREATE TABLE schedule_versions ("
	"  id           INTEGER PRIMARY KEY,"
	"  fair_id      INTEGER NOT NULL REFERENCES fairs(id) ON DELETE CASCADE,"
	"  number       INTEGER NOT NULL,"		/* 1.. per fair */
	"  state        TEXT NOT NULL CHECK (state IN ('draft', 'published', 'old',"
	"                 'discarded')),"		/* old = published before */
	"  summary      TEXT NOT NULL DEFAULT '{}',"	/* the solver's figures, JSON */
	"  created_by   TEXT NOT NULL DEFAULT '',"
	"  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  published_at TEXT,"
	"  UNIQUE (fair_id, number)"
	");"
	"CREATE TABLE version_meetings ("
	"  version_id   INTEGER NOT NULL REFERENCES schedule_versions(id) ON DELETE CASCADE,"
	"  buyer_pid    INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
	"  supplier_pid INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
	"  product_id   INTEGER REFERENCES products(id) ON DELETE SET NULL,"
	"  slot         INTEGER NOT NULL,"
	"  table_no     INTEGER NOT NULL,"
	"  value        REAL NOT NULL DEFAULT 0,"
	"  locked       INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (version_id, buyer_pid, supplier_pid)"
	");"
	"ALTER TABLE fair_tables ADD COLUMN location TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE participants ADD COLUMN checked_in_at TEXT;"
	"ALTER TABLE participants ADD COLUMN no_show INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE participants ADD COLUMN walk_in INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE meetings ADD COLUMN late_minutes INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE meetings ADD COLUMN no_show INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE meetings ADD COLUMN backfill INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE meeting_requests ADD COLUMN asked_by TEXT NOT NULL DEFAULT 'kiosk';"
	"ALTER TABLE meeting_requests ADD COLUMN decided_by TEXT;"
	"ALTER TABLE meeting_requests ADD COLUMN decided_at TEXT;",

	/*
	 * 9: the generic words (要求, 产品, 优质 …) the indexer derives from the
	 * catalogues, which never make a match on their own: derived data,
	 * worked out again from the items whenever it is missing.
	 */
	"CREATE TABLE " IX_GENERIC " ("
	"  word       TEXT PRIMARY KEY,"		/* folded, as the tokenizer gives it */
	"  items      INTEGER NOT NULL,"		/* items using it */
	"  categories INTEGER NOT NULL,"		/* categories using it */
	"  top_share  REAL NOT NULL"			/* share of its items in its commonest one */
	") WITHOUT ROWID;",

	/*
	 * 10: an office withdraws a product or demand (and may restore it).  A
	 * withdrawn item keeps its row but leaves the views the indexes read,
	 * so the update's index_log entry takes it out of search and
	 * matching.  Demands carry their deadline to the matching index: each
	 * is logged again to be indexed with it.
	 */
	"ALTER TABLE products ADD COLUMN withdrawn_at TEXT;"	/* NULL = offered */
	"ALTER TABLE products ADD COLUMN withdrawn_by TEXT;"	/* a login, or cli:<os user> */
	"ALTER TABLE demands ADD COLUMN withdrawn_at TEXT;"
	"ALTER TABLE demands ADD COLUMN withdrawn_by TEXT;"
	"DROP VIEW " IX_PRODUCT_TEXT ";"
	"DROP VIEW " IX_DEMAND_TEXT ";"
	"CREATE VIEW " IX_PRODUCT_TEXT " AS SELECT p.id, p.code, p.name, p.spec, p.brand,"
	"  p.keywords, p.category, s.name AS company, p.description, s.city, p.price_min, p.price_max,"
	"  p.honours FROM products p JOIN suppliers s ON s.id = p.supplier_id"
	"  WHERE p.withdrawn_at IS NULL;"
	"CREATE VIEW " IX_DEMAND_TEXT " AS SELECT d.id, d.code, d.product, d.category,"
	"  b.name AS buyer, d.description, b.province, b.city, b.buyer_type, d.price_min, d.price_max,"
	"  d.deadline FROM demands d JOIN buyers b ON b.id = d.buyer_id"
	"  WHERE d.withdrawn_at IS NULL;"
	"INSERT INTO " IX_LOG " (kind, item_id) SELECT 'demand', id FROM demands;",

	/*
	 * 11: personal links (links.h).  The token in an agenda's QR code
	 * opens its participant's page; only its SHA-256 is kept.  One row per
	 * generation; a revoked row stays, so the next print derives a new
	 * token.  printed lists the meetings as printed, "slot:table:other,".
	 */
	"CREATE TABLE participant_links ("
	"  token_hash     TEXT PRIMARY KEY,"
	"  participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
	"  generation     INTEGER NOT NULL,"
	"  created_at     INTEGER NOT NULL,"		/* Unix seconds */
	"  expires_at     INTEGER NOT NULL,"		/* the day after the fair, its zone */
	"  revoked        INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),"
	"  printed        TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (participant_id, generation)"
	");",

	/*
	 * 12: the server's jobs, so that a job id given before a restart still
	 * answers after it, and a rejected upload's report is kept.
	 */
	"CREATE TABLE jobs ("
	"  id         INTEGER PRIMARY KEY,"		/* the id the client was given */
	"  kind       TEXT NOT NULL,"			/* import, match, schedule, print, … */
	"  user_id    INTEGER,"				/* who asked; NULL = the server itself */
	"  state      TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),"
	"  progress   REAL NOT NULL DEFAULT 0,"		/* 0..1 */
	"  message    TEXT,"				/* what it is doing, or why it failed */
	"  error      TEXT,"				/* a store failure's name (busy, full, …) */
	"  result     TEXT,"				/* JSON, when finished */
	"  receipt    TEXT,"				/* an upload's spool receipt */
	"  created    INTEGER NOT NULL,"		/* Unix seconds */
	"  finished   INTEGER"
	");"
	"CREATE INDEX jobs_user ON jobs(user_id, id);"
	"CREATE INDEX jobs_receipt ON jobs(receipt) WHERE receipt IS NOT NULL;",

	/*
	 * 13: the phone a kiosk request leaves for the supplier to call back
	 * (normalised as check_phone gives it).
	 */
	"ALTER TABLE meeting_requests ADD COLUMN contact_phone TEXT;",

	/*
	 * 14: the marketing network's ledger (ledger.h): the register of marketing
	 * centres and key distributors with their selection steps and 2009
	 * base; quarterly return lines with their evidence and a review
	 * history that is never changed; spot-check samples; the plan's
	 * deadlines and network targets.  Amounts in hundredths of 万元.  The
	 * finance department's reviewer joins the roles: users' CHECK is
	 * loosened in place (SQLite's documented way to change a CHECK), so
	 * that no row referring to a user is touched.
	 */
	"PRAGMA writable_schema = ON;"
	"UPDATE sqlite_schema SET sql = replace(sql, '''kiosk''))',"
	"  '''kiosk'', ''finance''))') WHERE type = 'table' AND name = 'users';"
	"PRAGMA writable_schema = RESET;"
	"CREATE TABLE ledger_outlets ("
	"  id          INTEGER PRIMARY KEY,"
	"  code        TEXT NOT NULL UNIQUE,"		/* the register's number */
	"  kind        TEXT NOT NULL CHECK (kind IN ('centre', 'distributor')),"
	"  name        TEXT NOT NULL,"
	"  market      TEXT NOT NULL DEFAULT '',"	/* a centre's market or mall */
	"  province    TEXT NOT NULL,"			/* canonical full name */
	"  city        TEXT NOT NULL,"
	"  office_id   INTEGER NOT NULL REFERENCES offices(id),"	/* its expansion office */
	"  tier_yi     INTEGER CHECK (tier_yi IN (2, 3, 5, 10)),"	/* a key centre's tier */
	"  batch       INTEGER NOT NULL CHECK (batch IN (1, 2, 3)),"
	"  is_new      INTEGER NOT NULL CHECK (is_new IN (0, 1)),"	/* counts in full */
	"  base_cents  INTEGER NOT NULL DEFAULT 0 CHECK (base_cents >= 0),"	/* 2009, 0.01 万元 */
	"  updated_by  TEXT NOT NULL,"
	"  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  CHECK (kind = 'centre' OR tier_yi IS NULL),"
	"  CHECK (is_new = 0 OR base_cents = 0)"
	");"
	"CREATE INDEX ledger_outlets_province ON ledger_outlets(province, kind);"
	"CREATE TABLE ledger_steps ("			/* 拓展办考察 → … → 挂牌运行, 1..5 */
	"  outlet_id   INTEGER NOT NULL REFERENCES ledger_outlets(id) ON DELETE CASCADE,"
	"  step        INTEGER NOT NULL CHECK (step BETWEEN 1 AND 5),"
	"  date        TEXT NOT NULL,"			/* YYYY-MM-DD */
	"  approver    TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (outlet_id, step)"
	");"
	"CREATE TABLE ledger_lines ("
	"  id           INTEGER PRIMARY KEY,"
	"  outlet_id    INTEGER NOT NULL REFERENCES ledger_outlets(id),"
	"  year         INTEGER NOT NULL,"
	"  quarter      INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),"
	"  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),"	/* Zhejiang products sold */
	"  note         TEXT NOT NULL DEFAULT '',"
	"  state        TEXT NOT NULL CHECK (state IN ('submitted', 'checked', 'reviewed',"
	"                 'verified', 'returned', 'reversed')),"
	"  submitted_by TEXT NOT NULL,"			/* a login, or cli:<os user> */
	"  submitted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  UNIQUE (outlet_id, year, quarter)"
	");"
	"CREATE TABLE ledger_history ("
	"  id           INTEGER PRIMARY KEY,"
	"  line_id      INTEGER NOT NULL REFERENCES ledger_lines(id),"
	"  action       TEXT NOT NULL,"			/* submit, check, review, joint, return, … */
	"  state        TEXT NOT NULL,"			/* the line's state after it */
	"  amount_cents INTEGER,"			/* the amount, when submitted */
	"  comment      TEXT NOT NULL DEFAULT '',"
	"  by_login     TEXT NOT NULL,"
	"  by_role      TEXT NOT NULL,"
	"  at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	");"
	"CREATE INDEX ledger_history_line ON ledger_history(line_id, id);"
	"CREATE TRIGGER ledger_history_no_update BEFORE UPDATE ON ledger_history BEGIN"
	"  SELECT RAISE(ABORT, '审核记录不能修改 / the review history is never changed'); END;"
	"CREATE TRIGGER ledger_history_no_delete BEFORE DELETE ON ledger_history BEGIN"
	"  SELECT RAISE(ABORT, '审核记录不能删除 / the review history is never removed'); END;"
	"CREATE TABLE ledger_evidence ("
	"  line_id     INTEGER NOT NULL REFERENCES ledger_lines(id),"
	"  sha256      TEXT NOT NULL,"			/* the file, kept under uploads/ */
	"  kind        TEXT NOT NULL CHECK (kind IN ('licence', 'contract', 'delivery', 'other')),"
	"  filename    TEXT NOT NULL,"
	"  size        INTEGER NOT NULL,"
	"  added_by    TEXT NOT NULL,"
	"  added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  PRIMARY KEY (line_id, sha256)"
	");"
	"CREATE TABLE ledger_samples ("
	"  id           INTEGER PRIMARY KEY,"
	"  year         INTEGER NOT NULL,"
	"  quarter      INTEGER,"			/* NULL = the whole year */
	"  seed         INTEGER NOT NULL,"
	"  per_province INTEGER NOT NULL,"
	"  drawn_by     TEXT NOT NULL,"
	"  drawn_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	");"
	"CREATE TABLE ledger_sample_lines ("
	"  sample_id   INTEGER NOT NULL REFERENCES ledger_samples(id),"
	"  line_id     INTEGER NOT NULL REFERENCES ledger_lines(id),"
	"  province    TEXT NOT NULL,"
	"  result      TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending', 'passed',"
	"                'failed')),"
	"  finding     TEXT NOT NULL DEFAULT '',"
	"  checked_by  TEXT,"
	"  checked_at  TEXT,"
	"  PRIMARY KEY (sample_id, line_id)"
	");"
	"CREATE TABLE ledger_deadlines ("
	"  year        INTEGER NOT NULL,"
	"  what        TEXT NOT NULL,"			/* as the plan words it */
	"  due         TEXT NOT NULL,"			/* YYYY-MM-DD */
	"  quarter     INTEGER CHECK (quarter BETWEEN 1 AND 4),"	/* a return's quarter */
	"  batch       INTEGER CHECK (batch BETWEEN 1 AND 3),"		/* a selection batch */
	"  PRIMARY KEY (year, what),"
	"  CHECK ((quarter IS NULL) <> (batch IS NULL))"
	");"
	"CREATE TABLE ledger_plan ("			/* the network's targets, 亿元 */
	"  year        INTEGER NOT NULL,"
	"  item        TEXT NOT NULL CHECK (item IN ('centres', 'distributors', 'markets',"
	"                'total', 'stretch')),"
	"  yi          REAL NOT NULL CHECK (yi >= 0),"
	"  PRIMARY KEY (year, item)"
	");",

	/*
	 * 15: sites in step (sync.h).  The box's own site and public key, the
	 * peers it trusts with the changesets exchanged so far, and the
	 * conflicts ownership did not settle, kept for the organiser.
	 */
	"CREATE TABLE sync_site ("
	"  id         INTEGER PRIMARY KEY CHECK (id = 1),"
	"  name       TEXT NOT NULL,"			/* 'province' or a fair box's name */
	"  role       TEXT NOT NULL CHECK (role IN ('province', 'fair', 'replica')),"
	"  public_key TEXT NOT NULL"			/* PEM; the private key is DATA/sync.key */
	");"
	"CREATE TABLE sync_peers ("
	"  id         INTEGER PRIMARY KEY,"		/* names its snapshot, DATA/sync/peer-ID.db */
	"  name       TEXT NOT NULL UNIQUE,"
	"  role       TEXT NOT NULL CHECK (role IN ('province', 'fair', 'replica')),"
	"  public_key TEXT NOT NULL,"			/* PEM, from its card */
	"  in_seq     INTEGER NOT NULL DEFAULT 0,"	/* the last of its changesets applied */
	"  out_seq    INTEGER NOT NULL DEFAULT 0,"	/* the last changeset made for it */
	"  acked_seq  INTEGER NOT NULL DEFAULT 0,"	/* the last of ours it says it applied */
	"  trusted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	");"
	"CREATE TABLE sync_conflicts ("
	"  id         INTEGER PRIMARY KEY,"
	"  peer       TEXT NOT NULL,"			/* the site whose change was not applied */
	"  seq        INTEGER NOT NULL,"		/* its changeset */
	"  tbl        TEXT NOT NULL,"
	"  row_key    TEXT NOT NULL,"			/* the primary key's values, JSON */
	"  op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'reference')),"
	"  reason     TEXT NOT NULL,"			/* why ownership did not settle it */
	"  theirs     TEXT NOT NULL DEFAULT '{}',"	/* the values the peer sent, JSON */
	"  at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  settled_at TEXT, settled_by TEXT"
	");",

	/*
	 * 16: each site numbers the rows it makes (walk-ins, requests,
	 * meetings, outcome history, schedule versions) from id_base + 1, its
	 * own range (sync_site_init sets it; 0 is the province's), so that two
	 * fair boxes' rows never share a key at the province.
	 */
	"ALTER TABLE sync_site ADD COLUMN id_base INTEGER NOT NULL DEFAULT 0;",

	/*
	 * 17: the site role, an account another box signs in with to sync and
	 * do nothing else (docs/sync.md); users' CHECK is loosened in place,
	 * as in 14.
	 */
	"PRAGMA writable_schema = ON;"
	"UPDATE sqlite_schema SET sql = replace(sql, '''finance''))',"
	"  '''finance'', ''site''))') WHERE type = 'table' AND name = 'users';"
	"PRAGMA writable_schema = RESET;",

	/*
	 * 18: the views the indexes read name each item's owner by id
	 * (owner_id: a product's supplier, a demand's buyer), so that the
	 * serving layer can list an exhibitor's products and a hit can lead
	 * to them.
	 */
	"DROP VIEW " IX_PRODUCT_TEXT ";"
	"DROP VIEW " IX_DEMAND_TEXT ";"
	"CREATE VIEW " IX_PRODUCT_TEXT " AS SELECT p.id, p.code, p.name, p.spec, p.brand,"
	"  p.keywords, p.category, s.name AS company, p.description, s.city, p.price_min, p.price_max,"
	"  p.honours, s.id AS owner_id FROM products p JOIN suppliers s ON s.id = p.supplier_id"
	"  WHERE p.withdrawn_at IS NULL;"
	"CREATE VIEW " IX_DEMAND_TEXT " AS SELECT d.id, d.code, d.product, d.category,"
	"  b.name AS buyer, d.description, b.province, b.city, b.buyer_type, d.price_min, d.price_max,"
	"  d.deadline, b.id AS owner_id FROM demands d JOIN buyers b ON b.id = d.buyer_id"
	"  WHERE d.withdrawn_at IS NULL;",

	/*
	 * 19: the Zhejiang city offices each ledger outlet docks with (对接:
	 * the city organises its firms' trade with the outlet), canonical
	 * names joined by '、'.  A city office's ledger view is those outlets.
	 */
	"ALTER TABLE ledger_outlets ADD COLUMN docking TEXT NOT NULL DEFAULT '';",

	/*
	 * 20: a return line says whether its sales came from a fair meeting
	 * (from_fair) or not; and the city offices' quarterly figures, which
	 * the plan has them report as the expansion offices do theirs: what
	 * their city's supporting, new and tender markets (三大市场) sold.
	 */
	"ALTER TABLE ledger_lines ADD COLUMN from_fair INTEGER NOT NULL DEFAULT 0"
	"  CHECK (from_fair IN (0, 1));"
	"CREATE TABLE ledger_city_reports ("
	"  id           INTEGER PRIMARY KEY,"
	"  city         TEXT NOT NULL,"			/* a Zhejiang city, canonical */
	"  year         INTEGER NOT NULL,"
	"  quarter      INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),"
	"  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),"	/* 三大市场 sales */
	"  note         TEXT NOT NULL DEFAULT '',"
	"  submitted_by TEXT NOT NULL,"			/* a login, or cli:<os user> */
	"  submitted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  UNIQUE (city, year, quarter)"
	");",

	/*
	 * 21: every city figure as reported, corrections included: a report
	 * replaces the amount that counts, never the record of what was said.
	 */
	"CREATE TABLE ledger_city_history ("
	"  id           INTEGER PRIMARY KEY,"
	"  city         TEXT NOT NULL,"
	"  year         INTEGER NOT NULL,"
	"  quarter      INTEGER NOT NULL,"
	"  amount_cents INTEGER NOT NULL,"
	"  note         TEXT NOT NULL,"
	"  by_login     TEXT NOT NULL,"
	"  at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	");"
	"CREATE INDEX ledger_city_history_report ON ledger_city_history(city, year, quarter, id);"
	"INSERT INTO ledger_city_history (city, year, quarter, amount_cents, note, by_login, at)"
	"  SELECT city, year, quarter, amount_cents, note, submitted_by, submitted_at"
	"  FROM ledger_city_reports;"
	"CREATE TRIGGER ledger_city_reported AFTER INSERT ON ledger_city_reports BEGIN"
	"  INSERT INTO ledger_city_history (city, year, quarter, amount_cents, note, by_login)"
	"  VALUES (NEW.city, NEW.year, NEW.quarter, NEW.amount_cents, NEW.note, NEW.submitted_by);"
	"  END;"
	"CREATE TRIGGER ledger_city_corrected AFTER UPDATE ON ledger_city_reports BEGIN"
	"  INSERT INTO ledger_city_history (city, year, quarter, amount_cents, note, by_login)"
	"  VALUES (NEW.city, NEW.year, NEW.quarter, NEW.amount_cents, NEW.note, NEW.submitted_by);"
	"  END;"
	"CREATE TRIGGER ledger_city_history_no_update BEFORE UPDATE ON ledger_city_history BEGIN"
	"  SELECT RAISE(ABORT, '报送记录不能修改 / the report history is never changed'); END;"
	"CREATE TRIGGER ledger_city_history_no_delete BEFORE DELETE ON ledger_city_history BEGIN"
	"  SELECT RAISE(ABORT, '报送记录不能删除 / the report history is never removed'); END;",
};

int
store_latest_version(void)
{
	return (int)nitems(migrations);
}

/* What an SQLite result code means for whoever asked. */
static enum store_fail
fail_kind(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: case SQLITE_ROW: case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY: case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_IOERR: case SQLITE_CANTOPEN: case SQLITE_PROTOCOL:
		return STORE_IO;
	case SQLITE_FULL:
		return STORE_FULL;
	case SQLITE_CORRUPT: case SQLITE_NOTADB:
		return STORE_CORRUPT;
	case SQLITE_NOMEM:
		return STORE_NOMEM;
	case SQLITE_READONLY:
		return STORE_READONLY;
	default:
		return STORE_OTHER;
	}
}

static const char *const fail_names[] = {
	[STORE_OK] = "ok", [STORE_BUSY] = "busy", [STORE_IO] = "store_io",
	[STORE_FULL] = "store_full", [STORE_CORRUPT] = "store_corrupt",
	[STORE_NOMEM] = "store_nomem", [STORE_READONLY] = "store_readonly",
	[STORE_BUG] = "store_bug", [STORE_OTHER] = "store",
};

const char *
store_fail_name(enum store_fail f)
{
	return (size_t)f < nitems(fail_names) ? fail_names[f] : "store";
}

void
store_note_failure(struct store *st)
{
	st->fail = fail_kind(sqlite3_extended_errcode(st->db));
	if (st->fail == STORE_OK)
		st->fail = STORE_OTHER;
}

enum store_fail
store_failure(const struct store *st)
{
	return st->fail;
}

void
store_failure_reset(struct store *st)
{
	st->fail = STORE_OK;
}

int
store_fail_hard(enum store_fail f)
{
	return f != STORE_OK && f != STORE_OTHER;
}

/* Records rc's kind and words it for a person: "what: SQLite's words". */
static char *
fail_message(struct store *st, int rc, const char *what, const char *words)
{
	st->fail = fail_kind(rc);
	if (st->fail == STORE_BUSY)
		return xasprintf("数据库正忙（%s）：%s，请稍后再试 / the database is busy (%s): %s;"
		    " try again shortly", what, words, what, words);
	return xasprintf("数据库错误（%s）：%s / database error (%s): %s", what, words, what,
	    words);
}

char *
store_error(struct store *st, const char *what)
{
	return fail_message(st, sqlite3_extended_errcode(st->db), what, sqlite3_errmsg(st->db));
}

/*
 * A statement named for a person: its verb and the first table it names
 * ("INSERT INTO sessions", "SELECT … FROM products", "UPDATE meetings").
 */
static void
statement_what(const char *sql, char *out, size_t size)
{
	const char *verb = sql + strspn(sql, " \t\n");
	int verblen = (int)strcspn(verb, " \t\n(");
	const char *from = strstr(verb, " FROM "), *into = strstr(verb, " INTO ");
	const char *at = from == NULL || (into != NULL && into < from) ? into : from;

	if (strncmp(verb, "UPDATE ", 7) == 0 || strncmp(verb, "PRAGMA ", 7) == 0)
		snprintf(out, size, "%.*s %.*s", verblen, verb, (int)strcspn(verb + 7, " \t\n(=;"),
		    verb + 7);
	else if (at != NULL)
		snprintf(out, size, "%.*s%s%.4s %.*s", verblen, verb,
		    at == verb + verblen ? " " : " … ", at + 1, (int)strcspn(at + 6, " \t\n(,;"),
		    at + 6);
	else					/* BEGIN IMMEDIATE, COMMIT */
		snprintf(out, size, "%.*s", (int)strcspn(verb, ";"), verb);
}

/* Records a failure of statement sql with rc as a message for a person. */
static char *
statement_error(struct store *st, const char *sql, int rc)
{
	char what[96];

	statement_what(sql != NULL ? sql : "?", what, sizeof what);
	return fail_message(st, rc, what, sqlite3_errmsg(st->db));
}

int
store_exec(struct store *st, const char *sql, char **cause)
{
	char *err = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK) {
		char what[96];

		statement_what(sql, what, sizeof what);
		*cause = fail_message(st, sqlite3_extended_errcode(st->db), what, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
store_query(struct store *st, const char *sql, sqlite3_stmt **q, char **cause)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, q, NULL);

	if (rc == SQLITE_OK)
		return 0;
	*q = NULL;
	rc = sqlite3_extended_errcode(st->db);
	if ((rc & 0xff) == SQLITE_ERROR) {
#ifndef NDEBUG
		fatal("%s: cannot prepare \"%s\": %s", __func__, sql, sqlite3_errmsg(st->db));
#endif
		*cause = statement_error(st, sql, rc);
		st->fail = STORE_BUG;
		return -1;
	}
	*cause = statement_error(st, sql, rc);
	return -1;
}

int
store_query_id(struct store *st, const char *sql, int64_t id, sqlite3_stmt **q, char **cause)
{
	if (store_query(st, sql, q, cause) != 0)
		return -1;
	sqlite3_bind_int64(*q, 1, id);
	return 0;
}

int
store_finish(struct store *st, sqlite3_stmt *q, char **cause)
{
	char what[96];
	char *msg;

	if (q == NULL)
		return 0;
	statement_what(sqlite3_sql(q), what, sizeof what);	/* q is gone after finalize */
	if (sqlite3_finalize(q) == SQLITE_OK)
		return 0;
	msg = fail_message(st, sqlite3_extended_errcode(st->db), what, sqlite3_errmsg(st->db));
	if (cause != NULL)
		*cause = msg;
	else
		free(msg);
	return -1;
}

int
store_run(struct store *st, sqlite3_stmt *q, char **cause)
{
	int rc = sqlite3_step(q);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		*cause = statement_error(st, sqlite3_sql(q), sqlite3_extended_errcode(st->db));
		sqlite3_reset(q);
		return -1;
	}
	sqlite3_reset(q);
	return 0;
}

long long
store_scalar(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *q;
	long long v = 0;

	if (store_query(st, sql, &q, cause) != 0)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	return store_finish(st, q, cause) == 0 ? v : -1;
}

int
store_version(struct store *st, char **cause)
{
	return (int)store_scalar(st, "PRAGMA user_version", cause);
}

void
store_busy_timeout(struct store *st, int ms)
{
	sqlite3_busy_timeout(st->db, ms);
}

int
store_begin(struct store *st, char **cause)
{
	return store_exec(st, "BEGIN IMMEDIATE", cause);
}

int
store_commit(struct store *st, char **cause)
{
	return store_exec(st, "COMMIT", cause);
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_read_begin(struct store *st)
{
	return sqlite3_get_autocommit(st->db) &&
	    sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void
store_read_end(struct store *st, int began)
{
	/* A read cannot fail to commit; if it did, the snapshot must still go. */
	if (began && !sqlite3_get_autocommit(st->db) &&
	    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Applies the migrations the database has not seen, each in its own transaction. */
static int
store_migrate(struct store *st, char **cause)
{
	int have = store_version(st, cause);

	if (have < 0)
		return -1;
	if (have > store_latest_version()) {
		*cause = xasprintf("数据库版本 %d 比本程序（%d）新，请升级 fairmatch / the database is"
		    " schema version %d, newer than this build knows (%d): upgrade fairmatch",
		    have, store_latest_version(), have, store_latest_version());
		return -1;
	}
	for (int v = have + 1; v <= store_latest_version(); v++) {
		char *sql = xasprintf("BEGIN IMMEDIATE; %s; PRAGMA user_version = %d; COMMIT;",
		    migrations[v - 1], v);
		int rc = store_exec(st, sql, cause);

		free(sql);
		if (rc != 0) {
			store_rollback(st);
			return -1;
		}
	}
	return 0;
}

/* The database's path in dir, or NULL with *cause if it was never made. */
static char *
store_path(const char *dir, int create, char **cause)
{
	char *path = xasprintf("%s/fairmatch.db", dir);
	struct stat sb;

	if (!create && stat(path, &sb) == -1) {
		*cause = xasprintf("数据目录 %s 尚未初始化，请先运行 fairmatch init --data %s / the data"
		    " directory %s is not initialised: run `fairmatch init --data %s` first",
		    dir, dir, dir, dir);
		free(path);
		return NULL;
	}
	return path;
}

/*
 * site_id('table'): the next id for a row this site makes in table: one past
 * the last id in the site's range (sync_site.id_base + 1 .. + STORE_SITE_SPAN)
 * and past the last this connection gave, as an INSERT … SELECT may ask for
 * several before any is inserted.  A rolled-back id leaves a gap, which is
 * harmless.
 */
static void
site_id(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store *st = sqlite3_user_data(ctx);
	const char *table = (const char *)sqlite3_value_text(argv[0]);
	int64_t lo, next;
	size_t i;

	for (i = 0; i < nitems(site_tables); i++)
		if (table != NULL && strcmp(table, site_tables[i]) == 0)
			break;
	if (i == nitems(site_tables)) {
		sqlite3_result_error(ctx, "site_id: not a table numbered by site", -1);
		return;
	}
	if (st->site_top[i] == NULL) {
		char *sql = sqlite3_mprintf("SELECT lo, (SELECT id FROM %s WHERE id > lo AND"
		    " id <= lo + %lld ORDER BY id DESC LIMIT 1) FROM (SELECT coalesce((SELECT"
		    " id_base FROM sync_site WHERE id = 1), 0) AS lo)", site_tables[i],
		    (long long)STORE_SITE_SPAN);
		int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		    &st->site_top[i], NULL);

		sqlite3_free(sql);
		if (rc != SQLITE_OK) {
			sqlite3_result_error(ctx, sqlite3_errmsg(st->db), -1);
			return;
		}
	}
	if (sqlite3_step(st->site_top[i]) != SQLITE_ROW) {
		sqlite3_result_error(ctx, sqlite3_errmsg(st->db), -1);
		sqlite3_reset(st->site_top[i]);
		return;
	}
	lo = sqlite3_column_int64(st->site_top[i], 0);
	next = sqlite3_column_type(st->site_top[i], 1) == SQLITE_NULL ? lo :
	    sqlite3_column_int64(st->site_top[i], 1);
	sqlite3_reset(st->site_top[i]);
	if (st->site_last[i] > next && st->site_last[i] <= lo + STORE_SITE_SPAN)
		next = st->site_last[i];
	if (++next > lo + STORE_SITE_SPAN) {
		sqlite3_result_error(ctx, "本站点的行号已用完 / this site has used every id of its"
		    " range", -1);
		return;
	}
	st->site_last[i] = next;
	sqlite3_result_int64(ctx, next);
}

/* Opens path with flags into a new store with the tokenizer registered; NULL with *cause. */
static struct store *
store_connect(const char *dir, const char *path, int flags, char **cause)
{
	struct store *st = xcalloc(1, sizeof *st);

	st->dir = xstrdup(dir);
	store_fault_install();
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*cause = xasprintf("无法打开数据库 %s：%s / cannot open the database %s: %s", path,
		    sqlite3_errmsg(st->db), path, sqlite3_errmsg(st->db));
		store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 10000);
	if (sqlite3_create_function_v2(st->db, "site_id", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, st,
	    site_id, NULL, NULL, NULL) != SQLITE_OK) {
		*cause = xasprintf("无法注册 site_id / cannot register site_id: %s",
		    sqlite3_errmsg(st->db));
		store_close(st);
		return NULL;
	}
	if (fts5_tok_register(st->db, cause) != 0) {
		store_close(st);
		return NULL;
	}
	return st;
}

int
store_open(const char *dir, int create, struct store **out, char **cause)
{
	struct store *st;
	char *path;

	if (create && mkdir_p(dir, 0750) == -1) {
		*cause = xasprintf("无法创建数据目录 %s：%s / cannot create the data directory %s: %s",
		    dir, strerror(errno), dir, strerror(errno));
		return -1;
	}
	if ((path = store_path(dir, create, cause)) == NULL)
		return -1;
	st = store_connect(dir, path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0),
	    cause);
	free(path);
	if (st == NULL)
		return -1;
	if (store_exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	    " PRAGMA cache_size = -65536;"
	    " PRAGMA foreign_keys = ON;", cause) != 0 || store_migrate(st, cause) != 0) {
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

int
store_open_readonly(const char *dir, struct store **out, char **cause)
{
	struct store *st;
	char *path;
	int have;

	if ((path = store_path(dir, 0, cause)) == NULL)
		return -1;
	st = store_connect(dir, path, SQLITE_OPEN_READONLY, cause);
	free(path);
	if (st == NULL)
		return -1;
	if (store_exec(st, "PRAGMA cache_size = -65536;", cause) != 0 ||
	    (have = store_version(st, cause)) < 0) {
		store_close(st);
		return -1;
	}
	if (have != store_latest_version()) {
		*cause = xasprintf("数据库版本 %d，本程序需要 %d：请先以读写方式打开一次 / the database is"
		    " schema version %d and this build needs %d: open it read-write once first",
		    have, store_latest_version(), have, store_latest_version());
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < nitems(site_tables); i++)
		sqlite3_finalize(st->site_top[i]);
	sqlite3_close_v2(st->db);
	free(st->dir);
	free(st);
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

const char *
store_dir(const struct store *st)
{
	return st->dir;
}
