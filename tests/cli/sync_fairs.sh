#!/usr/bin/env bash
# Two fair boxes and the province: 哈洽会 and 渝洽会 overlap in May, each on
# its own box, each scheduling, taking walk-ins (a new company each),
# checking in and recording outcomes with evidence while offline.  哈洽会's
# box goes home by file, 渝洽会's over HTTPS.  Each box numbers the rows it
# makes in a range of its own, so the province holds every row of both, with
# nothing listed as a conflict: its fair tables are exactly the two boxes'
# put together, and after a last round its catalogue, fairs and participants
# (both fairs' walk-ins included) are the same on all three boxes.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
fm=$FAIRMATCH
P=$WORK/province H=$WORK/hqh Y=$WORK/yqh
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/sync_lib.bash"
need curl sqlite3 python3
province_tables="uploads suppliers products buyers demands fairs fair_cities fair_provinces
  fair_days fair_slots fair_tables participants participant_unavailable candidates
  province_targets city_targets"
fair_tables="schedule_versions version_meetings meeting_requests meetings outcomes
  outcome_history outcome_evidence"
# rows DIR TABLES: the tables' rows, sorted, each line led by its table.
rows() {
  local t
  for t in $2; do sqlite3 "$1/fairmatch.db" "SELECT '$t', * FROM $t"; done | LC_ALL=C sort
}

# The province with both fairs matched and laid out; two fair boxes; cards exchanged.
"$fm" init --data "$P" >/dev/null &&
  "$fm" import supply "$FIXTURES/catalog/supply.csv" --data "$P" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" --data "$P" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" --data "$P" >/dev/null &&
  for code in HQH-2026 YQH-2026; do
    "$fm" match fair $code --limit 5 --data "$P" >/dev/null &&
      "$fm" schedule setup $code --days 2 --slots-per-day 4 --tables 3 --data "$P" >/dev/null || exit 1
  done &&
  "$fm" init --site 哈洽会 --data "$H" >/dev/null && "$fm" init --site 渝洽会 --data "$Y" >/dev/null &&
  "$fm" sync card --to "$WORK/p.card" --data "$P" >/dev/null &&
  for b in "$H" "$Y"; do
    "$fm" sync card --to "$b.card" --data "$b" >/dev/null &&
      "$fm" sync trust "$b.card" --data "$P" >/dev/null &&
      "$fm" sync trust "$WORK/p.card" --data "$b" >/dev/null || exit 1
  done || { echo "FAIL setting up"; exit 1; }

# The fairs' new rows are numbered in ranges that do not meet.
hbase=$(q "$H" "SELECT id_base FROM sync_site") ybase=$(q "$Y" "SELECT id_base FROM sync_site")
[ "$hbase" -gt 0 ] && [ "$ybase" -gt 0 ] && [ "$hbase" != "$ybase" ] && [ "$(q "$P" "SELECT id_base FROM sync_site")" = 0 ] &&
  ok || bad "site ranges: 哈洽会 $hbase, 渝洽会 $ybase"

# Province → each fair box, by file.
check "to 哈洽会" 0 "$fm" sync export --for 哈洽会 --to "$WORK/p-h1.sync" --data "$P"
check "at 哈洽会" 0 "$fm" sync import "$WORK/p-h1.sync" --data "$H"
check "to 渝洽会" 0 "$fm" sync export --for 渝洽会 --to "$WORK/p-y1.sync" --data "$P"
check "at 渝洽会" 0 "$fm" sync import "$WORK/p-y1.sync" --data "$Y"

# serve DIR NAME: a server on a free loopback port; its port in $WORK/NAME.port.
pids=()
serve() {
  "$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/$2.port" --threads 2 \
    --data "$1" 2>"$WORK/$2.err" &
  pids+=($!)
}
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait' EXIT
# api DIR NAME TOKEN NAME STATUS METHOD PATH [JSON]: against box NAME; the reply in $WORK/out.
api() {
  local dir=$1 box=$2 tok=$3 name=$4 want=$5 method=$6 path=$7 body=${8-}
  local args=(-s -o "$WORK/out" -w '%{http_code}' --cacert "$dir/tls/cert.pem"
    -H "Authorization: Bearer $tok" -X "$method")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local got
  got=$(curl "${args[@]}" "https://localhost:$(cat "$WORK/$box.port")$path")
  if [ "$got" = "$want" ]; then ok; else bad "$name: HTTP $got, wanted $want: $(head -c 300 "$WORK/out")"; fi
}
printf 'organiser-pass-1\n' >"$WORK/pw"
serve "$P" province
for b in H Y; do
  dir=${!b}
  "$fm" user add org --role organiser --password-file "$WORK/pw" --data "$dir" >/dev/null
  serve "$dir" "$b"
done
for _ in $(seq 600); do
  [ -s "$WORK/province.port" ] && [ -s "$WORK/H.port" ] && [ -s "$WORK/Y.port" ] && break; sleep 0.1
done

# Each fair, offline: a schedule, a walk-in buyer and a walk-in supplier (new companies)
# each paired by hand, a check-in, two outcomes, one with a scanned contract.
for b in H Y; do
  dir=${!b} code=$([ $b = H ] && echo HQH-2026 || echo YQH-2026)
  tok=$("$fm" user token org --data "$dir" | tail -1 | awk '{print $NF}')
  check "$code schedule" 0 "$fm" schedule $code --time-limit 5 --publish --data "$dir"
  read -r nb ns < <(q "$dir" "SELECT b.badge, s.badge FROM meetings m JOIN participants b ON
    b.id = m.buyer_pid JOIN participants s ON s.id = m.supplier_pid ORDER BY m.id LIMIT 1" | tr '|' ' ')
  api "$dir" $b "$tok" "$code walk-in buyer" 200 POST /api/v1/fairs/$code/participants \
    "{\"side\":\"buyer\",\"name\":\"$code 现场采购商\",\"region\":\"四川省\",\"pairs\":[\"$ns\"]}"
  api "$dir" $b "$tok" "$code walk-in supplier" 200 POST /api/v1/fairs/$code/participants \
    "{\"side\":\"supplier\",\"name\":\"$code 现场供应商\",\"region\":\"宁波市\",\"pairs\":[\"$nb\"]}"
  api "$dir" $b "$tok" "$code check-in" 200 POST "/api/v1/fairs/$code/participants/$ns/checkin"
  for mid in $(q "$dir" "SELECT id FROM meetings ORDER BY id LIMIT 2"); do
    printf '%s 合同扫描件 %s\n' "$code" "$mid" >"$WORK/$code-$mid.txt"
    check "$code outcome $mid" 0 "$fm" outcome $code "$mid" --held --contract --amount 80 \
      --evidence "$WORK/$code-$mid.txt" --data "$dir"
  done
done
[ "$(q "$H" "SELECT count(*) FROM participants WHERE walk_in = 1")" = 2 ] &&
  [ "$(q "$Y" "SELECT count(*) FROM participants WHERE walk_in = 1")" = 2 ] && ok || bad "walk-ins not recorded"

# 哈洽会 goes home by file, 渝洽会 over HTTPS.
check "哈洽会 export" 0 "$fm" sync export --to "$WORK/h-p1.sync" --data "$H"
check "哈洽会 at the province" 0 "$fm" sync import "$WORK/h-p1.sync" --json --data "$P"
has "哈洽会: no conflict" "$WORK/out" '"conflicts":0'
"$fm" user add yqh-box --role site --data "$P" >/dev/null
ptok=$("$fm" user token yqh-box --data "$P" | tail -1 | awk '{print $NF}')
purl="https://localhost:$(cat "$WORK/province.port")"
check "渝洽会 over HTTPS" 0 "$fm" sync --peer "$purl" --cacert "$P/tls/cert.pem" --token "$ptok" --json --data "$Y"
python3 - "$WORK/out" <<'PY' && ok || bad "渝洽会's exchange: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["sent"]["changes"] > 0 and d["peer_applied"]["conflicts"] == 0, d
PY

# The province holds every row both boxes made, and nothing is kept as a conflict.
check "conflicts at the province" 0 "$fm" sync conflicts --json --data "$P"
has "no conflict listed" "$WORK/out" '"conflicts":[]'
rows "$P" "$fair_tables" >"$WORK/p.fair"
{ rows "$H" "$fair_tables"; rows "$Y" "$fair_tables"; } | LC_ALL=C sort >"$WORK/hy.fair"
[ -s "$WORK/p.fair" ] && cmp -s "$WORK/p.fair" "$WORK/hy.fair" && ok ||
  { bad "the province's fair tables are not the two boxes' together"; diff "$WORK/p.fair" "$WORK/hy.fair" | head -8; }
[ "$(q "$P" "SELECT count(*) FROM participants WHERE walk_in = 1")" = 4 ] &&
  [ "$(q "$P" "SELECT count(*) FROM outcome_evidence")" = 4 ] && ok ||
  bad "walk-ins or evidence missing at the province"
for f in "$WORK"/*-2026-*.txt; do
  sha=$(sha256sum "$f" | cut -d' ' -f1)
  cmp -s "$f" "$P/uploads/${sha:0:2}/$sha" && ok || bad "evidence $(basename "$f") not at the province"
done

# A last round to 哈洽会 (渝洽会 had the province's reply): the province's tables, each
# fair's walk-ins among them, are the same on all three boxes.
check "back to 哈洽会" 0 "$fm" sync export --for 哈洽会 --to "$WORK/p-h2.sync" --data "$P"
check "at 哈洽会 again" 0 "$fm" sync import "$WORK/p-h2.sync" --json --data "$H"
has "哈洽会: no conflict" "$WORK/out" '"conflicts":0'
rows "$P" "$province_tables" >"$WORK/p.prov"
for b in H Y; do
  rows "${!b}" "$province_tables" >"$WORK/$b.prov"
  cmp -s "$WORK/p.prov" "$WORK/$b.prov" && ok ||
    { bad "$b's province tables differ"; diff "$WORK/p.prov" "$WORK/$b.prov" | head -6; }
done
for b in H Y; do
  "$fm" sync conflicts --json --data "${!b}" >"$WORK/out"
  has "no conflict at $b" "$WORK/out" '"conflicts":[]'
done

# Two fair boxes whose names draw the same range cannot both be trusted.
"$fm" init --site 展会125 --data "$WORK/a" >/dev/null && "$fm" init --site 展会462 --data "$WORK/b" >/dev/null &&
  "$fm" sync card --to "$WORK/a.card" --data "$WORK/a" >/dev/null &&
  "$fm" sync card --to "$WORK/b.card" --data "$WORK/b" >/dev/null || bad "the two boxes of one range"
check "trust the first of one range" 0 "$fm" sync trust "$WORK/a.card" --data "$P"
check "trust the second of one range" 1 "$fm" sync trust "$WORK/b.card" --data "$P"
has "the range is named" "$WORK/err" 'would number their rows in the same range'

finish
