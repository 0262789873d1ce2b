#!/usr/bin/env bash
# Fairs and batch matching: the fairs of seed 000 loaded, a bad fairs file
# refused with its row and nothing changed, and a fair's candidate meetings
# drawn only from its paired cities and provinces.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need sqlite3
q() { sqlite3 "$db" "$1"; }

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null || { echo "FAIL loading"; exit 1; }

"$fm" import fairs "$FIXTURES/catalog/fairs.csv" > "$WORK/out" 2>&1 && ok || bad "import fairs: $(cat "$WORK/out")"
[ "$(q "SELECT count(*) FROM fairs")" = 7 ] && ok || bad "7 fairs expected"
[ "$(q "SELECT group_concat(c.city, '、') FROM fair_cities c JOIN fairs f ON f.id = c.fair_id
        WHERE f.code = 'YQH-2026'")" = "宁波市、舟山市" ] && ok || bad "渝洽会 pairs 宁波、舟山 (seed 000)"

# A bad fairs file: its row named, nothing changed.
before=$(q "SELECT group_concat(code) FROM fairs")
printf '展会编号,展会名称,开始日期,对接城市\nX1,测试会,2026-02-30,杭州\nX2,另一个会,2026-03-01,上海\n' > "$WORK/bad.csv"
"$fm" import fairs "$WORK/bad.csv" > "$WORK/out" 2>&1; st=$?
[ "$st" -eq 1 ] && ok || bad "bad fairs file: exit $st"
grep -q "row 2" "$WORK/out" && grep -q "row 3" "$WORK/out" && grep -q "上海" "$WORK/out" && ok ||
  bad "bad fairs file: rows not named: $(cat "$WORK/out")"
[ "$(q "SELECT group_concat(code) FROM fairs")" = "$before" ] && ok || bad "a bad fairs file changed the fairs"

# Batch matching for 渝洽会: buyers from 重庆/四川/云南, suppliers from 宁波/舟山.
"$fm" match fair YQH-2026 --limit 5 --json > "$WORK/out" 2>"$WORK/err" && ok || bad "match fair: $(cat "$WORK/err")"
n=$(q "SELECT count(*) FROM candidates")
[ "$n" -gt 0 ] && ok || bad "no candidates"
[ "$(q "SELECT count(*) FROM candidates c JOIN products p ON p.id = c.product_id
        JOIN suppliers s ON s.id = p.supplier_id WHERE s.city NOT IN ('宁波市', '舟山市')")" = 0 ] && ok ||
  bad "a candidate from a city the fair does not pair"
[ "$(q "SELECT count(*) FROM candidates c JOIN demands d ON d.id = c.demand_id
        JOIN buyers b ON b.id = d.buyer_id WHERE b.province NOT IN ('重庆市', '四川省', '云南省')")" = 0 ] && ok ||
  bad "a candidate for a buyer from a province the fair does not pair"
[ "$(q "SELECT max(rank) FROM candidates")" -le 5 ] && ok || bad "more than --limit candidates per demand"
grep -q "\"candidates\":$n" "$WORK/out" && ok || bad "reported count differs: $(cat "$WORK/out")"
"$fm" match fair YQH-2026 --limit 5 >/dev/null 2>&1
[ "$(q "SELECT count(*) FROM candidates")" = "$n" ] && ok || bad "matching again should replace, not add"
"$fm" match fair NO-SUCH-FAIR > "$WORK/out" 2>&1; st=$?
[ "$st" -eq 1 ] && grep -q "no fair has the code NO-SUCH-FAIR" "$WORK/out" && ok || bad "unknown fair: exit $st"

finish
