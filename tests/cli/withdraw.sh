#!/usr/bin/env bash
# Withdrawn entries and demands past their deadline: `fairmatch withdraw`,
# and search, single matching and a fair's batch matching leaving them out.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
export FAIRMATCH_DATA="$WORK/data" FAIRMATCH_TODAY=2026-12-01
fm=$FAIRMATCH
db="$WORK/data/fairmatch.db"
source "$(dirname "$0")/lib.bash"
need curl sqlite3
q() { sqlite3 "$db" "$1"; }
# lacks NAME FILE TEXT : FILE does not contain TEXT.
lacks() { grep -qF -- "$3" "$2" && bad "$1: $(basename "$2") has: $3" || ok; }

load_catalogues fairs

check "match before" 0 "$fm" match demand XQ-JL-007 --limit 50 --json
has "the frames match before" "$WORK/out" '"code":"WZ-0004"'

# Withdrawing a product: out of matching and search at once.
check "withdraw a product" 0 "$fm" withdraw supply WZ-0004
has "says so" "$WORK/out" "product WZ-0004 withdrawn: no longer searched or matched"
[ -n "$(q "SELECT withdrawn_at FROM products WHERE code = 'WZ-0004'")" ] && ok || bad "withdrawn_at not set"
q "SELECT withdrawn_by FROM products WHERE code = 'WZ-0004'" | grep -q '^cli:' && ok || bad "withdrawn_by not cli:<user>"
check "match after" 0 "$fm" match demand XQ-JL-007 --limit 50 --json
lacks "a withdrawn product is not matched" "$WORK/out" '"code":"WZ-0004"'
has "the other frames still are" "$WORK/out" '"code":"WZ-0006"'
check "search after" 0 "$fm" search 光学镜架 --limit 50 --json
lacks "a withdrawn product is not searched" "$WORK/out" '"code":"WZ-0004"'
check "withdraw again" 0 "$fm" withdraw supply WZ-0004
has "nothing changed" "$WORK/out" "product WZ-0004 was withdrawn already: nothing changed"
check "match from a withdrawn product" 1 "$fm" match supply WZ-0004
has "refused with why" "$WORK/err" "product WZ-0004 was withdrawn on"

# Importing the same code again updates it and leaves it withdrawn.
check "import again" 0 "$fm" import supply "$FIXTURES/catalog/supply.csv" --json
[ -n "$(q "SELECT withdrawn_at FROM products WHERE code = 'WZ-0004'")" ] && ok || bad "an import restored WZ-0004"
check "match after the import" 0 "$fm" match demand XQ-JL-007 --limit 50 --json
lacks "still not matched" "$WORK/out" '"code":"WZ-0004"'

check "restore" 0 "$fm" withdraw supply WZ-0004 --restore
has "restored" "$WORK/out" "product WZ-0004 restored: searched and matched again"
[ -z "$(q "SELECT withdrawn_at FROM products WHERE code = 'WZ-0004'")" ] && ok || bad "withdrawn_at kept"
check "match after restoring" 0 "$fm" match demand XQ-JL-007 --limit 50 --json
has "matched again" "$WORK/out" '"code":"WZ-0004"'

check "unknown code" 1 "$fm" withdraw supply NO-SUCH
has "unknown code named" "$WORK/err" "no product has the code NO-SUCH"
check "bad kind" 2 "$fm" withdraw widget X
check "no code" 2 "$fm" withdraw supply

# A withdrawn demand: not matched from products, not in a fair's batch.
check "withdraw a demand --json" 0 "$fm" withdraw demand XQ-BJ-009 --json
has "json" "$WORK/out" '{"kind":"demand","code":"XQ-BJ-009","withdrawn":true,"changed":true}'
check "match a tea" 0 "$fm" match supply HZ-0024 --limit 100 --json
lacks "withdrawn demand not matched" "$WORK/out" '"code":"XQ-BJ-009"'
has "other tea demands are" "$WORK/out" '"code":"XQ-'
check "fair batch" 0 "$fm" match fair XQH-2026 --limit 5 --json
n() { q "SELECT count(*) FROM candidates c JOIN demands d ON d.id = c.demand_id WHERE d.code = '$1'"; }
[ "$(n XQ-BJ-009)" = 0 ] && ok || bad "a withdrawn demand has candidates"
[ "$(n XQ-JL-007)" -gt 0 ] && ok || bad "an open demand has no candidates"
q "SELECT count(*) FROM candidates c JOIN products p ON p.id = c.product_id WHERE p.withdrawn_at IS NOT NULL" |
  grep -qx 0 && ok || bad "a withdrawn product among the candidates"
check "restore the demand" 0 "$fm" withdraw demand XQ-BJ-009 --restore

# Deadlines: XQ-JL-007 closes on 2027-05-05; that day it is still open.
FAIRMATCH_TODAY=2027-05-05 check "on its last day" 0 "$fm" match demand XQ-JL-007 --limit 5
FAIRMATCH_TODAY=2027-05-06 check "past its deadline" 1 "$fm" match demand XQ-JL-007 --limit 5
has "closed, with the date" "$WORK/err" "demand XQ-JL-007 closed on 2027-05-05 (its deadline) and is not matched"
FAIRMATCH_TODAY=2027-05-05 check "frames to demands, open" 0 "$fm" match supply WZ-0004 --limit 100 --json
has "open demand matched" "$WORK/out" '"code":"XQ-JL-007"'
FAIRMATCH_TODAY=2027-05-06 check "frames to demands, closed" 0 "$fm" match supply WZ-0004 --limit 100 --json
lacks "closed demand not matched" "$WORK/out" '"code":"XQ-JL-007"'
has "later deadlines still matched" "$WORK/out" '"code":"XQ-SC-001"'
FAIRMATCH_TODAY=2027-05-06 check "fair batch, later" 0 "$fm" match fair XQH-2026 --limit 5
[ "$(n XQ-JL-007)" = 0 ] && ok || bad "a closed demand has candidates"
[ "$(n XQ-SC-001)" -gt 0 ] && ok || bad "a demand still open has no candidates"

# The running server's kiosk search answers from its serving layer, which follows the
# index log: a withdrawal from the command line takes the product out within a second,
# and restoring it brings it back, with no restart or rebuild.
rm -f "$WORK/port"
"$fm" serve --listen 127.0.0.1:0 --redirect-listen 127.0.0.1:0 --port-file "$WORK/port" \
  --threads 2 2>>"$WORK/server.err" &
srv=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
base="https://localhost:$(cat "$WORK/port" 2>/dev/null)"
# kiosk: searches 光学镜架 as the kiosk does, headers in $WORK/hdr, hits in $WORK/out.
kiosk() { curl -sS --cacert "$WORK/data/tls/cert.pem" -D "$WORK/hdr" -o "$WORK/out" \
  "$base/api/v1/search?q=%E5%85%89%E5%AD%A6%E9%95%9C%E6%9E%B6&limit=50"; }
# within_a_second TEST: runs the kiosk search until TEST holds, for at most a second.
within_a_second() {
  local t0=$(date +%s%N)
  while :; do
    kiosk && "$@" && return 0
    [ $(( ($(date +%s%N) - t0) / 1000000 )) -ge 1000 ] && return 1
    sleep 0.05
  done
}
found() { grep -q '"code":"WZ-0004"' "$WORK/out"; }
gone() { grep -q '"code":"WZ-0006"' "$WORK/out" && ! found; }
kiosk && found && grep -qi '^x-search-engine: serve' "$WORK/hdr" && ok ||
  bad "kiosk search through the serving layer does not find WZ-0004: $(head -c 300 "$WORK/out") $(cat "$WORK/server.err")"
check "withdraw beside the server" 0 "$fm" withdraw supply WZ-0004
within_a_second gone && ok || bad "the server's kiosk search still finds WZ-0004 a second after its withdrawal"
grep -qi '^x-search-engine: serve' "$WORK/hdr" && ok || bad "not answered by the serving layer: $(cat "$WORK/hdr")"
check "restore beside the server" 0 "$fm" withdraw supply WZ-0004 --restore
within_a_second found && ok || bad "the server's kiosk search does not find WZ-0004 a second after it was restored"
kill -TERM "$srv"; wait "$srv" && ok || bad "server exit: $(tail -3 "$WORK/server.err")"

finish
