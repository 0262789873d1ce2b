#!/usr/bin/env bash
# A read-only replica for kiosk load: the province's server and a replica's
# server (`serve --replica-of`), each with its own data directory.  The
# replica fills itself from the province and serves kiosk search; a product
# withdrawn at the province leaves the replica's search; every write to the
# replica (a kiosk's meeting request, a sign-in, a sync post) is refused 403
# naming the box to write to, and changes nothing.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
fm=$FAIRMATCH
P=$WORK/province R=$WORK/replica
source "$(dirname "$0")/lib.bash"
need curl sqlite3
q() { sqlite3 "$1/fairmatch.db" "$2"; }

"$fm" init --data "$P" >/dev/null &&
  "$fm" import supply "$FIXTURES/catalog/supply.csv" --data "$P" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" --data "$P" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" --data "$P" >/dev/null || { echo "FAIL loading"; exit 1; }
check "init replica" 0 "$fm" init --site 展厅副本1 --replica --data "$R"
"$fm" sync card --to "$WORK/p.card" --data "$P" >/dev/null &&
  "$fm" sync card --to "$WORK/r.card" --data "$R" >/dev/null &&
  "$fm" sync trust "$WORK/p.card" --data "$R" >/dev/null &&
  "$fm" sync trust "$WORK/r.card" --data "$P" >/dev/null || bad "cards"

# The replica's account on the province: the site role.
"$fm" user add replica1 --role site --data "$P" >/dev/null &&
  rtoken=$("$fm" user token replica1 --data "$P" | tail -1 | awk '{print $NF}') || bad "the replica's account"
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait' EXIT
"$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/p.port" --threads 2 \
  --data "$P" 2>"$WORK/p.err" &
pids+=($!)
for _ in $(seq 600); do [ -s "$WORK/p.port" ] && break; sleep 0.1; done
purl="https://localhost:$(cat "$WORK/p.port")"
"$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/r.port" --threads 2 \
  --replica-of "$purl" --replica-cacert "$P/tls/cert.pem" --replica-token "$rtoken" --replica-seconds 1 \
  --data "$R" 2>"$WORK/r.err" &
pids+=($!)
for _ in $(seq 600); do [ -s "$WORK/r.port" ] && break; sleep 0.1; done
rurl="https://localhost:$(cat "$WORK/r.port")"

# search_has URL CODE: polls the server's kiosk search for 龙井 until CODE is there (or not,
# with "!"), for up to five minutes: the replica catches up on its own schedule.
search_until() {
  local url=$1 want=$2 code=$3
  for _ in $(seq 1500); do
    curl -s --cacert "$R/tls/cert.pem" "$url/api/v1/search?q=%E9%BE%99%E4%BA%95&limit=50" >"$WORK/search.json"
    if grep -q "\"$code\"" "$WORK/search.json"; then [ "$want" = yes ] && return 0
    else [ "$want" = no ] && return 0; fi
    sleep 0.2
  done
  return 1
}
code=$(q "$P" "SELECT code FROM products WHERE name LIKE '%龙井%' ORDER BY id LIMIT 1")
search_until "$rurl" yes "$code" && ok || bad "the replica's search never found $code: $(head -c 200 "$WORK/search.json")"
[ "$(q "$R" "SELECT count(*) FROM products")" = "$(q "$P" "SELECT count(*) FROM products")" ] && ok ||
  bad "the replica holds $(q "$R" "SELECT count(*) FROM products") products"

# Writes are refused with the box to write to; nothing changes.
before=$(q "$R" "SELECT count(*) FROM meeting_requests; SELECT count(*) FROM sessions")
for path in /api/v1/fairs/YQH-2026/requests /api/v1/login /api/v1/sync; do
  status=$(curl -s -o "$WORK/out" -w '%{http_code}' --cacert "$R/tls/cert.pem" \
    -H 'Content-Type: application/json' -H 'X-Requested-With: test' \
    --data-binary '{"badge":"B0001","product":"HZ-0001","login":"admin","password":"x"}' "$rurl$path")
  [ "$status" = 403 ] && grep -q "read-only replica of $purl" "$WORK/out" && ok ||
    bad "POST $path on the replica: HTTP $status $(head -c 200 "$WORK/out")"
done
[ "$(q "$R" "SELECT count(*) FROM meeting_requests; SELECT count(*) FROM sessions")" = "$before" ] && ok ||
  bad "a refused write changed the replica"

# A withdrawal at the province leaves the replica's search.
check "withdraw at the province" 0 "$fm" withdraw supply "$code" --data "$P"
search_until "$rurl" no "$code" && ok || bad "$code still found at the replica"
[ "$(q "$R" "SELECT count(*) FROM sync_conflicts")" = 0 ] && ok || bad "conflicts at the replica"

finish
