#!/usr/bin/env bash
# Benchmark: two boxes in step.  The province holds PRODUCTS generated
# products (default 10,000) and 1,000 demands; 渝洽会 has 300 buyers and 300
# suppliers as participants.  A round trip of the whole fair: the province's
# first changeset to a new fair box, then the fair's schedule (2,000
# meetings), 2,000 outcomes and 200 evidence files back, by file and over
# HTTPS on loopback (two servers' worth: the province's server answers the
# fair box's `sync --peer`).  Then the province re-imports a changed
# catalogue (every product changed) and the fair box applies that changeset
# and replays its index log.  The peer: copying the province's whole store
# (sqlite3 .backup), what an operator without sync would do, which would
# also overwrite the fair's work.  The fair's rows are generated with SQL: the
# benchmark times the carrying, not the fair.
set -euo pipefail
products=${1:-10000}
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait; rm -rf "$work"' EXIT
fm=$FAIRMATCH
q() { sqlite3 "$1/fairmatch.db" "$2"; }
# secs COMMAND…: runs it, prints the wall-clock seconds.
secs() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$work/out" 2>"$work/err" || { head -c 2000 "$work/err" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

"$FMGEN" supply --count "$products" --seed 1 -o "$work/supply.csv"
# The same catalogue with every product's description changed: PRODUCTS updates.
python3 - "$work/supply.csv" "$work/supply2.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig')))
col = rows[0].index('产品简介')
for r in rows[1:]:
    r[col] += '（2026年新款）'
csv.writer(open(sys.argv[2], 'w', encoding='utf-8', newline='')).writerows(rows)
PY
"$FMGEN" demand --count 1000 --seed 1 -o "$work/demand.csv"
P0=$work/p0 F0=$work/f0
"$fm" init --data "$P0" >/dev/null
"$fm" import supply "$work/supply.csv" --data "$P0" >/dev/null
"$fm" import demand "$work/demand.csv" --data "$P0" >/dev/null
"$fm" import fairs fixtures/catalog/fairs.csv --data "$P0" >/dev/null
"$fm" schedule setup YQH-2026 --days 2 --slots-per-day 8 --tables 150 --data "$P0" >/dev/null
# 300 buyers and 300 suppliers take part.
q "$P0" "DELETE FROM participants;
  INSERT INTO participants (fair_id, side, buyer_id, badge, name)
    SELECT f.id, 'buyer', b.id, printf('B%04d', b.id), b.name FROM buyers b, fairs f
    WHERE f.code = 'YQH-2026' ORDER BY b.id LIMIT 300;
  INSERT INTO participants (fair_id, side, supplier_id, badge, name)
    SELECT f.id, 'supplier', s.id, printf('S%04d', s.id), s.name FROM suppliers s, fairs f
    WHERE f.code = 'YQH-2026' ORDER BY s.id LIMIT 300;"
[ "$(q "$P0" "SELECT count(*) FROM participants")" = 600 ] || { echo "bench: fewer than 300 × 300 participants" >&2; exit 1; }
"$fm" init --site 渝洽会 --data "$F0" >/dev/null
"$fm" sync card --to "$work/p.card" --data "$P0" >/dev/null
"$fm" sync card --to "$work/f.card" --data "$F0" >/dev/null
"$fm" sync trust "$work/p.card" --data "$F0" >/dev/null
"$fm" sync trust "$work/f.card" --data "$P0" >/dev/null
# The fair box's site account on the province, whose token `sync --peer` needs.
"$fm" user add yqh-box --role site --data "$P0" >/dev/null
token=$("$fm" user token yqh-box --data "$P0" | tail -1 | awk '{print $NF}')
for pair in file https; do cp -a "$P0" "$work/p-$pair"; cp -a "$F0" "$work/f-$pair"; done

# The fair at DIR: 2,000 meetings, each with an outcome, 200 with an evidence file.
fair_happens() {
  local dir=$1 i
  q "$dir" "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 1999),
      b AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS r FROM participants WHERE side = 'buyer'),
      s AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS r FROM participants WHERE side = 'supplier')
    INSERT INTO meetings (fair_id, buyer_pid, supplier_pid, slot, table_no, value)
      SELECT (SELECT id FROM fairs WHERE code = 'YQH-2026'), b.id, s.id, n / 150 + 1, n % 150 + 1, 1
      FROM k JOIN b ON b.r = n % 300 JOIN s ON s.r = (n % 300 + n / 300 + 1) % 300;
    INSERT INTO outcomes (meeting_id, held, kind, amount_cents, products, deal_date, recorded_by)
      SELECT id, 1, CASE WHEN id % 3 = 0 THEN 'contract' ELSE 'intention' END, (id % 500) * 100,
        '样品', '2026-05-22', 'bench' FROM meetings;"
  mkdir -p "$work/evidence"
  for i in $(seq 200); do
    [ -f "$work/evidence/$i.bin" ] || head -c 65536 /dev/urandom >"$work/evidence/$i.bin"
    local sha
    sha=$(sha256sum "$work/evidence/$i.bin" | cut -d' ' -f1)
    mkdir -p "$dir/uploads/${sha:0:2}"
    cp "$work/evidence/$i.bin" "$dir/uploads/${sha:0:2}/$sha"
    echo "INSERT INTO outcome_evidence (meeting_id, sha256, filename, size, added_by)
      SELECT id, '$sha', '合同$i.pdf', 65536, 'bench' FROM meetings ORDER BY id LIMIT 1 OFFSET $(((i - 1) * 10));"
  done | sqlite3 "$dir/fairmatch.db"
}

# By file.
P=$work/p-file F=$work/f-file
down_export=$(secs "$fm" sync export --to "$work/down.sync" --data "$P")
down_import=$(secs "$fm" sync import "$work/down.sync" --data "$F")
down_mb=$(awk -v b="$(stat -c %s "$work/down.sync")" 'BEGIN { printf "%.1f", b / 1048576 }')
fair_happens "$F"
up_export=$(secs "$fm" sync export --to "$work/up.sync" --data "$F")
up_import=$(secs "$fm" sync import "$work/up.sync" --data "$P")
up_mb=$(awk -v b="$(stat -c %s "$work/up.sync")" 'BEGIN { printf "%.1f", b / 1048576 }')
[ "$(q "$P" "SELECT count(*) FROM outcomes")" = 2000 ] && [ "$(q "$P" "SELECT count(*) FROM outcome_evidence")" = 200 ] ||
  { echo "bench: the outcomes did not all arrive" >&2; exit 1; }
file_trip=$(awk -v a="$down_export" -v b="$down_import" -v c="$up_export" -v d="$up_import" 'BEGIN { printf "%.2f", a + b + c + d }')

# 10,000 changed products: the province re-imports a changed catalogue; the fair box applies it.
"$fm" sync export --to "$work/ack.sync" --data "$P" >/dev/null
"$fm" sync import "$work/ack.sync" --data "$F" >/dev/null
"$fm" import supply "$work/supply2.csv" --data "$P" >/dev/null 2>"$work/import.err" ||
  { head -c 2000 "$work/import.err" >&2; exit 1; }
changed_export=$(secs "$fm" sync export --to "$work/changed.sync" --json --data "$P")
changed=$(grep -o '"changes":[0-9]*' "$work/out" | cut -d: -f2)
changed_apply=$(secs "$fm" sync import "$work/changed.sync" --data "$F")
[ "$(q "$F" "SELECT count(*) FROM index_log WHERE seq > (SELECT seq FROM index_state WHERE name = 'fts')")" = 0 ] ||
  { echo "bench: the fair box's index is behind" >&2; exit 1; }

# Over HTTPS on loopback: the province's server; the fair box's `sync --peer`.
P=$work/p-https F=$work/f-https
"$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$work/port" --threads 2 \
  --data "$P" 2>"$work/server.err" &
pids+=($!)
for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
url="https://localhost:$(cat "$work/port")"
https_down=$(secs "$fm" sync --peer "$url" --cacert "$P/tls/cert.pem" --token "$token" --data "$F")
fair_happens "$F"
https_up=$(secs "$fm" sync --peer "$url" --cacert "$P/tls/cert.pem" --token "$token" --data "$F")
[ "$(q "$P" "SELECT count(*) FROM outcomes")" = 2000 ] || { echo "bench: HTTPS outcomes missing" >&2; exit 1; }
https_trip=$(awk -v a="$https_down" -v b="$https_up" 'BEGIN { printf "%.2f", a + b }')

# The peer: a copy of the province's whole store.
peer_copy=$(secs sqlite3 "$work/p-file/fairmatch.db" ".backup '$work/copy.db'")
db_mb=$(awk -v b="$(stat -c %s "$work/copy.db")" 'BEGIN { printf "%.1f", b / 1048576 }')

load=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\n%-58s %10s\n' "sync: $products products, 300 × 300 participants, 2,000 outcomes" "seconds"
printf '%-58s %10s\n' "file: province → fair (export + import, ${down_mb} MB)" "$(awk -v a="$down_export" -v b="$down_import" 'BEGIN { printf "%.2f", a + b }')"
printf '%-58s %10s\n' "file: fair → province (export + import, ${up_mb} MB, 200 files)" "$(awk -v a="$up_export" -v b="$up_import" 'BEGIN { printf "%.2f", a + b }')"
printf '%-58s %10s\n' "file: round trip (goal ≤ 30)" "$file_trip"
printf '%-58s %10s\n' "HTTPS loopback: sync --peer down" "$https_down"
printf '%-58s %10s\n' "HTTPS loopback: sync --peer up" "$https_up"
printf '%-58s %10s\n' "HTTPS loopback: round trip (goal ≤ 30)" "$https_trip"
printf '%-58s %10s\n' "$changed changed products: export at the province" "$changed_export"
printf '%-58s %10s\n' "$changed changed products: apply + index replay (goal ≤ 10)" "$changed_apply"
printf '%-58s %10s\n' "peer: sqlite3 .backup of the province's store (${db_mb} MB)" "$peer_copy"
printf 'load average: %s\n' "$load"
printf '{"bench":"sync","products":%s,"file_round_trip_s":%s,"https_round_trip_s":%s,"changed":%s,"changed_export_s":%s,"changed_apply_s":%s,"peer_backup_s":%s,"load":"%s"}\n' \
  "$products" "$file_trip" "$https_trip" "$changed" "$changed_export" "$changed_apply" "$peer_copy" "$load"
