#!/usr/bin/env bash
# Deals and statistics end to end: 渝洽会 scheduled from the
# fixtures; seed 000's province targets and the city targets loaded (their
# totals reproduced); outcomes recorded for a hand-made set of meetings, one
# corrected (its history kept), evidence kept by SHA-256; bad amounts, dates
# and unknown meetings refused naming them, with nothing changed; the
# figures by province, quarter and centre equal to the numbers worked out
# by hand; XLSX and CSV exports; over HTTPS, an office reads only its own
# figures and outcomes and cannot record any.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need curl python3 sqlite3 unzip
q() { sqlite3 "$db" "$1"; }
py=/usr/bin/python3; [ -x "$py" ] || py=python3

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  "$fm" match fair YQH-2026 --limit 5 >/dev/null &&
  "$fm" schedule setup YQH-2026 --days 2 --slots-per-day 4 --tables 3 >/dev/null &&
  "$fm" schedule YQH-2026 --time-limit 600 --publish >/dev/null || { echo "FAIL loading"; exit 1; }

# Targets: seed 000's table reproduces its totals row; the city table too.
check "targets import provinces" 0 "$fm" stats targets import "$FIXTURES/catalog/provinces.csv" --year 2026 --json
has "province totals" "$WORK/out" '"totals":{"offices":20,"centres":300,"dealers":500,"sales_yi":400.0,"markets_yi":100.0}'
has "20 provinces" "$WORK/out" '"rows":20'
check "targets import cities" 0 "$fm" stats targets import "$FIXTURES/stats/cities.csv" --year 2026 --json
has "city totals" "$WORK/out" '"rows":11,"totals":{"sales_yi":400.0,"markets_yi":100.0}'
check "targets show" 0 "$fm" stats targets --year 2026
has "targets text" "$WORK/out" "拓展办 20，营销中心 300，经销户 500， 扩销目标 400 亿元，三大市场 100 亿元"
[ "$(q "SELECT province || ':' || sales_yi FROM province_targets WHERE year = 2026 AND province = '新疆维吾尔自治区'")" = "新疆维吾尔自治区:15.0" ] &&
  ok || bad "新疆 stored under its full name"
printf '城市,扩销目标（亿元）,三大市场目标（亿元）\n温洲,10,2\n' > "$WORK/bad-city.csv"
check "targets: a misspelt city" 1 "$fm" stats targets import "$WORK/bad-city.csv" --year 2026
has "misspelt city named" "$WORK/err" '"温洲" is not one of Zhejiang'"'"'s 11 prefectures'
has "nothing changed" "$WORK/err" "nothing was changed"
[ "$(q "SELECT count(*) FROM city_targets WHERE year = 2026")" = 11 ] && ok || bad "a refused file changed the targets"
check "targets without a year" 2 "$fm" stats targets import "$FIXTURES/catalog/provinces.csv"

# The hand-made set: three 重庆 meetings, three 四川, two with 云南's 营销中心.
pick() { q "SELECT m.id FROM meetings m JOIN participants p ON p.id = m.buyer_pid JOIN buyers b
  ON b.id = p.buyer_id WHERE b.province = '$1' $2 ORDER BY m.id LIMIT $3" | tr '\n' ' '; }
read -r c1 c2 c3 <<< "$(pick 重庆市 '' 3)"
read -r s1 s2 s3 <<< "$(pick 四川省 '' 3)"
read -r y1 y2 <<< "$(pick 云南省 "AND b.buyer_type = '营销中心'" 2)"
[ -n "${c3:-}" ] && [ -n "${s3:-}" ] && [ -n "${y2:-}" ] && ok ||
  { bad "the fixture schedule lacks the meetings this test needs"; finish; exit 1; }
centre=$(q "SELECT b.name FROM meetings m JOIN participants p ON p.id = m.buyer_pid JOIN buyers b ON b.id = p.buyer_id WHERE m.id = $y1")

check "record c1" 0 "$fm" outcome YQH-2026 "$c1" --held --contract --amount 120.5 --products '电动工具；水泵' --json
has "c1 amount" "$WORK/out" '"amount":"120.50"'
check "record c2" 0 "$fm" outcome YQH-2026 "$c2" --held --intention --amount 80
check "record c3" 0 "$fm" outcome YQH-2026 "$c3" --no-show
check "record s1" 0 "$fm" outcome YQH-2026 "$s1" --held --contract --amount 300.25 --date 2026-07-10
check "record s2" 0 "$fm" outcome YQH-2026 "$s2" --held
check "record s3" 0 "$fm" outcome YQH-2026 "$s3" --no-show
check "record y1" 0 "$fm" outcome YQH-2026 "$y1" --held --intention --amount 45.75
check "record y2" 0 "$fm" outcome YQH-2026 "$y2" --held --contract --amount 1000 --date 2026年10月8日
has "date normalised" "$WORK/out" "2026-10-08"

# A correction and its evidence: the old amount stays in the history.
printf '购销合同 HT-2026-0518\n' > "$WORK/合同.txt"
check "correct c1" 0 "$fm" outcome YQH-2026 "$c1" --amount 125 --evidence "$WORK/合同.txt" --json
$py - "$WORK/out" "$WORK/合同.txt" <<'PY' && ok || bad "c1 history or evidence: $(cat "$WORK/out")"
import hashlib, json, sys
d = json.load(open(sys.argv[1]))
sha = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
assert d["amount"] == "125.00" and d["kind"] == "contract" and d["held"] is True, d
am = [h for h in d["history"] if h["field"] == "amount"]
assert [(h["old"], h["new"]) for h in am] == [(None, "120.50"), ("120.50", "125.00")], am
assert all(h["by"].startswith("cli:") and h["at"] for h in d["history"])
assert d["evidence"] == [dict(d["evidence"][0], sha256=sha, filename="合同.txt")], d["evidence"]
PY
sha=$(sha256sum "$WORK/合同.txt" | cut -d' ' -f1)
cmp -s "$WORK/合同.txt" "$WORK/data/uploads/${sha:0:2}/$sha" && ok || bad "evidence not kept under uploads/"
check "show c1" 0 "$fm" outcome YQH-2026 "$c1"
has "show c1 text" "$WORK/out" "合同 / contract，125.00 万元"

# Refusals name the field and the value, and change nothing.
before=$(q "SELECT count(*) || '/' || sum(amount_cents) FROM outcomes")
hbefore=$(q "SELECT count(*) FROM outcome_history")
for a in -5 1.234 abc 1e3; do
  check "bad amount $a" 1 "$fm" outcome YQH-2026 "$c2" --amount "$a"
  has "bad amount $a named" "$WORK/err" "amount: \"$a\""
done
check "bad date" 1 "$fm" outcome YQH-2026 "$c2" --date 2026-02-30
has "bad date named" "$WORK/err" "date “2026-02-30”"
check "unknown meeting" 1 "$fm" outcome YQH-2026 999999 --held
has "unknown meeting named" "$WORK/err" "fair YQH-2026 has no meeting 999999"
check "unknown fair" 1 "$fm" outcome NO-SUCH 1 --held
has "unknown fair named" "$WORK/err" "no fair has the code NO-SUCH"
check "no-show with a contract" 1 "$fm" outcome YQH-2026 "$c3" --contract --amount 5
has "no-show contradiction" "$WORK/err" "is a no-show"
check "amount without a deal" 1 "$fm" outcome YQH-2026 "$s2" --amount 5
has "amount needs a kind" "$WORK/err" "needs --intention or --contract"
check "missing evidence" 1 "$fm" outcome YQH-2026 "$c2" --evidence "$WORK/none.pdf"
has "missing evidence named" "$WORK/err" "none.pdf"
check "both held and no-show" 2 "$fm" outcome YQH-2026 "$c2" --held --no-show
[ "$(q "SELECT count(*) || '/' || sum(amount_cents) FROM outcomes")" = "$before" ] &&
  [ "$(q "SELECT count(*) FROM outcome_history")" = "$hbefore" ] && ok || bad "a refusal changed something"

# A new layout may not drop a meeting whose outcome is recorded.
check "re-layout over recorded deals" 1 "$fm" schedule setup YQH-2026 --days 1 --slots-per-day 1 --tables 1
has "re-layout refused" "$WORK/err" "a meeting with a recorded outcome cannot be removed"
[ "$(q "SELECT count(*) || '/' || sum(amount_cents) FROM outcomes")" = "$before" ] &&
  [ "$(q "SELECT count(*) FROM fair_slots")" = 8 ] && ok || bad "a refused layout changed something"
sqlite3 "$db" "DELETE FROM meetings WHERE id = $c1" 2>"$WORK/err" && bad "a recorded meeting deleted" || ok
has "the store refuses too" "$WORK/err" "recorded outcome"

# The figures, against the numbers worked out by hand.
meetings() { q "SELECT count(*) FROM meetings m JOIN participants p ON p.id = m.buyer_pid JOIN buyers b ON b.id = p.buyer_id WHERE b.province = '$1'"; }
check "stats by province" 0 "$fm" stats --by province --year 2026 --json
$py - "$WORK/out" "$(meetings 重庆市)" "$(meetings 四川省)" "$(meetings 云南省)" "$(q 'SELECT count(*) FROM meetings')" <<'PY' && ok || bad "by province: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
cq, sc, yn, total = map(int, sys.argv[2:])
rows = {r["key"]: r for r in d["rows"]}
assert len(rows) == 20, sorted(rows)
def same(r, **want):
    for k, v in want.items():
        assert r[k] == v, (r["key"], k, r[k], v)
same(rows["重庆市"], meetings=cq, recorded=3, held=2, no_show=1, no_show_rate=0.3333, intentions=1,
     contracts=1, intention_wan="80.00", contract_wan="125.00", amount_wan="205.00",
     target_wan="200000.00", progress=0.0006)
same(rows["四川省"], meetings=sc, recorded=3, held=2, no_show=1, no_show_rate=0.3333, intentions=0,
     contracts=1, intention_wan="0.00", contract_wan="300.25", target_wan="250000.00", progress=0.0012)
same(rows["云南省"], meetings=yn, recorded=2, held=2, no_show=0, no_show_rate=0.0, intentions=1,
     contracts=1, intention_wan="45.75", contract_wan="1000.00", target_wan="200000.00", progress=0.005)
same(rows["北京市"], meetings=0, held=0, no_show_rate=None, contract_wan="0.00", target_wan="250000.00")
same(d["totals"], meetings=total, recorded=8, held=6, no_show=2, no_show_rate=0.25, intentions=2,
     contracts=3, intention_wan="125.75", contract_wan="1425.25", amount_wan="1551.00",
     target_wan="4000000.00", progress=0.0004)
PY
check "stats third quarter" 0 "$fm" stats --by province --year 2026 --quarter 3 --json
$py - "$WORK/out" <<'PY' && ok || bad "quarter 3: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
rows = {r["key"]: r for r in d["rows"]}
assert rows["四川省"]["contracts"] == 1 and rows["四川省"]["contract_wan"] == "300.25", rows["四川省"]
assert rows["重庆市"]["meetings"] == 0 and rows["云南省"]["contract_wan"] == "0.00"
assert d["totals"]["contract_wan"] == "300.25" and d["totals"]["meetings"] == 1, d["totals"]
PY
check "stats by quarter" 0 "$fm" stats --by quarter --json
$py - "$WORK/out" <<'PY' && ok || bad "by quarter: $(cat "$WORK/out")"
import json, sys
rows = {r["key"]: r for r in json.load(open(sys.argv[1]))["rows"]}
assert sorted(rows) == ["2026-Q2", "2026-Q3", "2026-Q4"], sorted(rows)
assert (rows["2026-Q2"]["contract_wan"], rows["2026-Q2"]["intention_wan"], rows["2026-Q2"]["no_show"]) == ("125.00", "125.75", 2)
assert (rows["2026-Q3"]["meetings"], rows["2026-Q3"]["contract_wan"]) == (1, "300.25")
assert (rows["2026-Q4"]["meetings"], rows["2026-Q4"]["contract_wan"]) == (1, "1000.00")
PY
check "stats by centre" 0 "$fm" stats --by centre --year 2026 --json
$py - "$WORK/out" "$centre" <<'PY' && ok || bad "by centre: $(cat "$WORK/out")"
import json, sys
rows = {r["key"]: r for r in json.load(open(sys.argv[1]))["rows"]}
r = rows[sys.argv[2]]
assert (r["held"], r["intention_wan"], r["contract_wan"], r["label"]) == (2, "45.75", "1000.00", sys.argv[2]), r
assert all(r["label"] == k for k, r in rows.items()), "a centre labelled by something else"
assert not any("批发部" in k or "商行" in k for k in rows), "a dealer counted as a centre"
PY
check "stats by centre text" 0 "$fm" stats --by centre --year 2026
has "stats by centre prints the centre" "$WORK/out" "$centre"
check "stats by city" 0 "$fm" stats --by city --year 2026 --json
$py - "$WORK/out" <<'PY' && ok || bad "by city: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
rows = {r["key"]: r for r in d["rows"]}
assert len(rows) == 11 and rows["宁波市"]["target_wan"] == "650000.00", rows.get("宁波市")
assert sum(float(r["contract_wan"]) for r in d["rows"]) == 1425.25
PY
check "stats text" 0 "$fm" stats --by fair
has "stats text row" "$WORK/out" "中国西部国际投资贸易洽谈会（渝洽会）"
check "stats bad grouping" 1 "$fm" stats --by county
has "bad grouping named" "$WORK/err" 'by: "county"'
check "stats quarter without year" 2 "$fm" stats --quarter 2
check "stats bad year" 2 "$fm" stats --year 20266
has "bad year named" "$WORK/err" '--year: "20266"'

# Exports.
check "export xlsx" 0 "$fm" stats --by province --year 2026 --out "$WORK/stats.xlsx"
has "export says rows" "$WORK/out" "(20 rows)"
unzip -p "$WORK/stats.xlsx" 'xl/*.xml' 'xl/worksheets/*.xml' > "$WORK/strings.xml" 2>/dev/null
has "xlsx has 四川省" "$WORK/strings.xml" "四川省"
has "xlsx headers" "$WORK/strings.xml" "合同金额（万元）"
check "export csv" 0 "$fm" stats --by province --year 2026 --out "$WORK/stats.csv"
[ "$(head -c3 "$WORK/stats.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] && ok || bad "csv BOM"
grep -q '^四川省,四川省,[0-9]*,3,2,1,0.3333,0,1,0.00,300.25,300.25,250000.00,0.0012' "$WORK/stats.csv" && ok ||
  bad "csv 四川省 row: $(grep 四川 "$WORK/stats.csv")"

# Over HTTPS: the figures and outcomes, scoped to the office asking.
pw() { printf '%s\n' "$2" > "$WORK/pw-$1"; echo "$WORK/pw-$1"; }
nbcity=$(q "SELECT s.city FROM meetings m JOIN participants p ON p.id = m.supplier_pid JOIN suppliers s ON s.id = p.supplier_id WHERE m.id = $s1")
other=$(q "SELECT m.id FROM meetings m JOIN participants p ON p.id = m.supplier_pid JOIN suppliers s ON s.id = p.supplier_id WHERE s.city != '$nbcity' ORDER BY m.id LIMIT 1")
"$fm" user add sc --role expansion --region 四川 --password-file "$(pw sc sichuan-office-1)" >/dev/null &&
  "$fm" user add cityclerk --role city --region "$nbcity" --password-file "$(pw cityclerk city-clerk-pass-1)" >/dev/null &&
  "$fm" user add org --role organiser --password-file "$(pw org organiser-pass-1)" >/dev/null &&
  "$fm" user add kiosk1 --role kiosk --password-file "$(pw kiosk1 kiosk-pass-123)" >/dev/null && ok || bad "user add"
rm -f "$WORK/port"
"$fm" serve --listen 127.0.0.1:0 --redirect-listen 127.0.0.1:0 --port-file "$WORK/port" --threads 2 \
  --access-log "$WORK/access.log" 2>>"$WORK/server.err" &
srv=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
base="https://localhost:$(cat "$WORK/port" 2>/dev/null)"
ca="$WORK/data/tls/cert.pem"
C() { curl -sS --cacert "$ca" "$@"; }
login() { C -c "$WORK/jar-$1" -o /dev/null -w '%{http_code}' -H 'X-Requested-With: fetch' \
  -H 'Content-Type: application/json' -d "{\"login\":\"$1\",\"password\":\"$2\"}" "$base/api/v1/login"; }
[ "$(login sc sichuan-office-1)" = 200 ] && [ "$(login cityclerk city-clerk-pass-1)" = 200 ] &&
  [ "$(login org organiser-pass-1)" = 200 ] && [ "$(login kiosk1 kiosk-pass-123)" = 200 ] && ok ||
  bad "sign-in: $(cat "$WORK/server.err")"
as() { local who=$1 m=$2 p=$3; shift 3
  C -o "$WORK/body" -w '%{http_code}' -X "$m" -b "$WORK/jar-$who" -H 'X-Requested-With: fetch' "$@" "$base$p"; }

[ "$(as sc GET '/api/v1/stats?by=province&year=2026')" = 200 ] && ok || bad "sc stats: $(cat "$WORK/body")"
$py - "$WORK/body" <<'PY' && ok || bad "四川's office sees others' figures: $(cat "$WORK/body")"
import json, sys
d = json.load(open(sys.argv[1]))
assert [r["key"] for r in d["rows"]] == ["四川省"], d["rows"]
assert d["rows"][0]["contract_wan"] == "300.25" and d["totals"]["contract_wan"] == "300.25"
PY
[ "$(as sc GET '/api/v1/stats?by=fair')" = 200 ] && ok || bad "sc stats by fair"
grep -q '"contract_wan":"300.25"' "$WORK/body" && ! grep -q '1425.25' "$WORK/body" && ok ||
  bad "四川's office: by fair counts others: $(cat "$WORK/body")"
[ "$(as cityclerk GET '/api/v1/stats?by=city&year=2026')" = 200 ] && ok || bad "city stats"
$py - "$WORK/body" "$nbcity" <<'PY' && ok || bad "the city office sees other cities: $(cat "$WORK/body")"
import json, sys
d = json.load(open(sys.argv[1]))
assert [r["key"] for r in d["rows"]] == [sys.argv[2]], d["rows"]
PY
[ "$(as org GET '/api/v1/stats?by=province&year=2026')" = 200 ] && grep -q '"contract_wan":"1425.25"' "$WORK/body" &&
  ok || bad "the organiser sees every figure: $(cat "$WORK/body")"
[ "$(as kiosk1 GET '/api/v1/stats')" = 403 ] && ok || bad "a kiosk reads the figures"
[ "$(C -o /dev/null -w '%{http_code}' "$base/api/v1/stats")" = 401 ] && ok || bad "nobody reads the figures"
[ "$(as org GET '/api/v1/stats?by=county')" = 400 ] && grep -q 'county' "$WORK/body" && ok || bad "bad by over HTTP"

# Outcomes: an office reads its own, not another's, and records none.
[ "$(as sc GET "/api/v1/fairs/YQH-2026/meetings/$s1/outcome")" = 200 ] && grep -q '"amount":"300.25"' "$WORK/body" &&
  ok || bad "sc reads its own outcome: $(cat "$WORK/body")"
[ "$(as sc GET "/api/v1/fairs/YQH-2026/meetings/$c1/outcome")" = 403 ] && ! grep -q '125.00' "$WORK/body" &&
  ok || bad "sc reads 重庆's outcome: $(cat "$WORK/body")"
[ "$(as cityclerk GET "/api/v1/fairs/YQH-2026/meetings/$other/outcome")" = 403 ] && ok ||
  bad "a city office reads another city's outcome: $(cat "$WORK/body")"
j='Content-Type: application/json'
[ "$(as sc POST "/api/v1/fairs/YQH-2026/meetings/$c1/outcome" -H "$j" -d '{"amount":"1"}')" = 403 ] && ok ||
  bad "an office changes another's outcome"
[ "$(as sc POST "/api/v1/fairs/YQH-2026/meetings/$s1/outcome" -H "$j" -d '{"amount":"1"}')" = 403 ] && ok ||
  bad "an office records an outcome"
[ "$(q "SELECT amount_cents FROM outcomes WHERE meeting_id = $c1")" = 12500 ] && ok || bad "c1 changed over HTTP"
[ "$(as org POST "/api/v1/fairs/YQH-2026/meetings/$s2/outcome" -H "$j" -d '{"kind":"intention","amount":66.5,"products":"轴承"}')" = 200 ] &&
  grep -q '"amount":"66.50"' "$WORK/body" && ok || bad "organiser records: $(cat "$WORK/body")"
[ "$(q "SELECT changed_by FROM outcome_history WHERE meeting_id = $s2 AND field = 'amount' ORDER BY id DESC LIMIT 1")" = org ] &&
  ok || bad "history names the organiser"
[ "$(as org POST "/api/v1/fairs/YQH-2026/meetings/$s2/outcome" -H "$j" -d '{"amount":"-3"}')" = 422 ] &&
  grep -q 'amount: \\"-3\\"' "$WORK/body" && ok || bad "bad amount over HTTP: $(cat "$WORK/body")"
[ "$(as org POST "/api/v1/fairs/YQH-2026/meetings/999999/outcome" -H "$j" -d '{"held":true}')" = 404 ] && ok ||
  bad "unknown meeting over HTTP"
[ "$(as org POST "/api/v1/fairs/YQH-2026/meetings/$s2/outcome" -H "$j" -d '{"held":"yes"}')" = 400 ] && ok ||
  bad "held not a boolean"
kill -TERM "$srv"; wait "$srv"
grep -q 'AddressSanitizer\|runtime error\|LeakSanitizer' "$WORK/server.err" &&
  bad "the server reported a sanitizer error: $(grep -m3 'Sanitizer\|runtime error' "$WORK/server.err")" || ok

finish
