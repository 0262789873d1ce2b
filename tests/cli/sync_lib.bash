# What the sync tests share, sourced after lib.bash: $P (the province's data directory) and
# $F (the fair box's) must be set.

# q DIR SQL: the query's rows in DIR's store.
q() { sqlite3 "$1/fairmatch.db" "$2"; }
# The tables a sync carries, one way or the other.
tables="uploads suppliers products buyers demands fairs fair_cities fair_provinces fair_days
  fair_slots fair_tables participants participant_unavailable candidates province_targets
  city_targets schedule_versions version_meetings meeting_requests meetings outcomes
  outcome_history outcome_evidence"
# dump DIR: every synced table's rows, in key order, as one text.
dump() {
  local t
  for t in $tables; do echo "== $t"; sqlite3 "$1/fairmatch.db" "SELECT * FROM $t" | LC_ALL=C sort; done
}
# state DIR: the synced rows and the sync state, to see that nothing changed.
state() { dump "$1"; q "$1" "SELECT * FROM sync_peers; SELECT count(*) FROM sync_conflicts"; }
# two_boxes: the province with the fixtures, 渝洽会 matched and set up; the fair box 渝洽会,
# empty; each trusting the other's card.
two_boxes() {
  "$fm" init --data "$P" >/dev/null &&
    "$fm" import supply "$FIXTURES/catalog/supply.csv" --data "$P" >/dev/null &&
    "$fm" import demand "$FIXTURES/catalog/demand.csv" --data "$P" >/dev/null &&
    "$fm" import fairs "$FIXTURES/catalog/fairs.csv" --data "$P" >/dev/null &&
    "$fm" match fair YQH-2026 --limit 5 --data "$P" >/dev/null &&
    "$fm" schedule setup YQH-2026 --days 2 --slots-per-day 4 --tables 3 --data "$P" >/dev/null &&
    "$fm" init --site 渝洽会 --data "$F" >/dev/null &&
    "$fm" sync card --to "$WORK/p.card" --data "$P" >/dev/null &&
    "$fm" sync card --to "$WORK/f.card" --data "$F" >/dev/null &&
    "$fm" sync trust "$WORK/p.card" --data "$F" >/dev/null &&
    "$fm" sync trust "$WORK/f.card" --data "$P" >/dev/null
}
