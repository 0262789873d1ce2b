#!/usr/bin/env bash
# A fair's batch on the serving layer: `match fair --check-exact N` finds
# the exhaustive top 20 (recall ≥ 0.999), bad uses of it are refused, the
# batch leaves out withdrawn products and demands past their deadline, and
# it loads the layer `reindex` saved only while that is current.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
export FAIRMATCH_DATA="$WORK/data" FAIRMATCH_TODAY=2026-12-01
fm=$FAIRMATCH
db="$WORK/data/fairmatch.db"
source "$(dirname "$0")/lib.bash"
need sqlite3
q() { sqlite3 "$db" "$1"; }

load_catalogues fairs

# The exactness check: every sampled demand's exhaustive top 20 is in the fast top 20.
check "check-exact" 0 "$fm" match fair XQH-2026 --check-exact 40 --json
recall=$(sed -n 's/.*"recall":\([0-9.]*\).*/\1/p' "$WORK/out")
demands=$(sed -n 's/.*"demands":\([0-9]*\).*/\1/p' "$WORK/out")
[ "${demands:-0}" -gt 10 ] && ok || bad "check-exact sampled too few demands: $(cat "$WORK/out")"
awk -v r="${recall:-0}" 'BEGIN { exit !(r >= 0.999) }' && ok || bad "recall ${recall:-?} below 0.999"
check "check-exact, words" 0 "$fm" match fair XQH-2026 --check-exact 5
has "says the recall" "$WORK/out" "recall 1.0000"
[ "$(q 'SELECT count(*) FROM candidates')" = 0 ] && ok || bad "the check stored candidates"

# Bad input: a clear message, nothing changed.
check "check-exact 0" 2 "$fm" match fair XQH-2026 --check-exact 0
has "names the option" "$WORK/err" "--check-exact"
check "check-exact on a demand" 2 "$fm" match demand XQ-JL-007 --check-exact 5
has "says where it goes" "$WORK/err" "--check-exact goes with match fair"
check "unknown fair" 1 "$fm" match fair NO-SUCH --check-exact 5
has "names the fair" "$WORK/err" "NO-SUCH"

# The batch: a withdrawn product and a demand past its deadline are left out.
check "withdraw the frames" 0 "$fm" withdraw supply WZ-0004
FAIRMATCH_TODAY=2027-05-06 check "batch after XQ-JL-007's deadline" 0 "$fm" match fair XQH-2026 --limit 20 --json
has "reports the layer's build" "$WORK/out" '"layer_s":'
n() { q "SELECT count(*) FROM candidates c JOIN demands d ON d.id = c.demand_id WHERE d.code = '$1'"; }
[ "$(n XQ-JL-007)" = 0 ] && ok || bad "a demand past its deadline has candidates"
[ "$(n XQ-SC-001)" -gt 0 ] && ok || bad "an open glasses demand has no candidates"
q "SELECT count(*) FROM candidates c JOIN products p ON p.id = c.product_id WHERE p.code = 'WZ-0004'" |
  grep -qx 0 && ok || bad "the withdrawn frames among the candidates"
# A fair with cities: its candidates are those cities' products only.
check "batch of a fair with cities" 0 "$fm" match fair HQH-2026 --json
[ "$(q "SELECT count(*) FROM candidates c JOIN fairs f ON f.id = c.fair_id WHERE f.code = 'HQH-2026'")" -gt 0 ] &&
  ok || bad "HQH-2026 has no candidates"
q "SELECT count(*) FROM candidates c JOIN product_text p ON p.id = c.product_id WHERE
   c.fair_id = (SELECT id FROM fairs WHERE code = 'HQH-2026') AND
   p.city NOT IN (SELECT city FROM fair_cities WHERE fair_id = c.fair_id)" |
  grep -qx 0 && ok || bad "a candidate from outside the fair's cities"
check "restore the frames" 0 "$fm" withdraw supply WZ-0004 --restore
check "batch again" 0 "$fm" match fair XQH-2026 --limit 20 --json
q "SELECT count(*) FROM candidates c JOIN products p ON p.id = c.product_id WHERE p.code = 'WZ-0004'" |
  grep -qvx 0 && ok || bad "the restored frames are no candidate"

# The layer `reindex` saved is used while the store has not changed since, and gives the
# candidates a build gives; after a change, or without the file, the batch builds.
cands() { q "SELECT d.code, p.code, c.rank, printf('%.9f', c.score) FROM candidates c
  JOIN demands d ON d.id = c.demand_id JOIN products p ON p.id = c.product_id
  WHERE c.fair_id = (SELECT id FROM fairs WHERE code = 'XQH-2026') ORDER BY 1, 3"; }
check "reindex" 0 "$fm" reindex
check "batch on the saved layer" 0 "$fm" match fair XQH-2026 --limit 20 --json
has "loads the saved layer" "$WORK/out" '"layer":"saved"'
cands > "$WORK/saved.cands"
mv "$WORK/data/xapian/supply.serve" "$WORK/supply.serve"
check "batch without the file" 0 "$fm" match fair XQH-2026 --limit 20 --json
has "builds the layer" "$WORK/out" '"layer":"built"'
cands > "$WORK/built.cands"
[ -s "$WORK/saved.cands" ] && cmp -s "$WORK/saved.cands" "$WORK/built.cands" && ok ||
  bad "the saved layer's candidates differ from a build's: $(diff "$WORK/saved.cands" "$WORK/built.cands" | head -5)"
mv "$WORK/supply.serve" "$WORK/data/xapian/supply.serve"
check "withdraw the frames again" 0 "$fm" withdraw supply WZ-0004
check "batch after a change" 0 "$fm" match fair XQH-2026 --limit 20 --json
has "builds after a change" "$WORK/out" '"layer":"built"'
q "SELECT count(*) FROM candidates c JOIN products p ON p.id = c.product_id WHERE p.code = 'WZ-0004'" |
  grep -qx 0 && ok || bad "the frames withdrawn after the save are among the candidates"

finish
