#!/usr/bin/env bash
# A fair run end to end over the API only, as the console runs it: the real
# server on a loopback port, an organiser's token.  Batch matching, layout
# (with a refused one), table names, availability, a solve that is a draft
# (nothing scheduled) published as version 1, a kiosk request accepted
# late, a re-solve that is a draft (the current schedule untouched) whose
# diff names the added meeting, publish,
# undo and publish again, a walk-in with a hand pair, check-in, a no-show
# whose freed place is backfilled, a meeting marked late, an outcome with
# its evidence file and the figures that follow it.  Then the exports: the schedule of version 1 and
# the current one with the day's marks, the outcomes with their history,
# over the API (fetched as files) and from the command line; the agendas
# and the sign-in sheet carry the version, the sign-in sheet and the badges
# the badge numbers.
# Last, a scheduled pair removed by hand, which the next solve drops.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
q() { sqlite3 "$db" "$1"; }
py=/usr/bin/python3; [ -x "$py" ] || py=python3
jq_() { "$py" -c "import json,sys; d=json.load(open('$WORK/out')); print($1)"; }

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  printf 'organiser-pass-1\n' > "$WORK/pw" &&
  "$fm" user add org --role organiser --password-file "$WORK/pw" >/dev/null || { echo "FAIL loading"; exit 1; }
token=$("$fm" user token org | tail -1 | awk '{print $NF}')

"$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/port" --threads 2 \
  --access-log "$WORK/access.log" 2>"$WORK/server.err" &
srv=$!
trap 'kill -TERM $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
for _ in $(seq 150); do [ -s "$WORK/port" ] && break; sleep 0.1; done
base="https://localhost:$(cat "$WORK/port")/api/v1/fairs/YQH-2026"

# api NAME STATUS METHOD PATH [JSON]: the reply's body in $WORK/out, its status checked.
api() {
  local name=$1 want=$2 method=$3 path=$4 body=${5-}
  local args=(-s -o "$WORK/out" -w '%{http_code}' --cacert "$WORK/data/tls/cert.pem"
    -H "Authorization: Bearer $token" -X "$method")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local got
  got=$(curl "${args[@]}" "$base$path")
  if [ "$got" = "$want" ]; then ok; else bad "$name: HTTP $got, wanted $want: $(head -c 300 "$WORK/out")"; fi
}

api "match" 200 POST "/match?top=5&wait=1"
api "setup refused" 400 POST /schedule/setup '{"days":1,"slots_per_day":6,"lunch":"13:00-12:00"}'
has "setup refused says why" "$WORK/out" "lunch must end after it starts"
api "setup" 200 POST /schedule/setup \
  '{"days":1,"slots_per_day":6,"slot_minutes":20,"start":"10:40","lunch":"12:00-13:30","tables":3}'
api "setup read" 200 GET /setup
[ "$(jq_ 'd["slot_minutes"], d["start"], d["lunch"], len(d["tables"])')" = "20 10:40 12:00-13:30 3" ] &&
  ok || bad "setup read back: $(cat "$WORK/out")"
api "tables" 200 POST /tables '{"tables":[{"table":1,"name":"A厅1号","location":"A厅东"}]}'
has "table named" "$WORK/out" '"name":"A厅1号"'
api "table unknown" 404 POST /tables '{"tables":[{"table":9,"name":"X"}]}'

api "participants" 200 GET /participants
nb=$(jq_ 'sum(1 for p in d["participants"] if p["side"] == "buyer")')
[ "$nb" -gt 0 ] && ok || bad "no buyers listed"
away=$(q "SELECT badge FROM participants WHERE side = 'supplier' ORDER BY id LIMIT 1")
api "availability" 200 POST "/participants/$away/availability" '{"away":[2],"reps":2}'
[ "$(jq_ 'd["away"], d["reps"]')" = "[2] 2" ] && ok || bad "availability: $(cat "$WORK/out")"
api "availability bad slot" 400 POST "/participants/$away/availability" '{"away":[99]}'

# Version 1: a draft, like every solve, then published.
api "schedule" 200 POST "/schedule?wait=1"
[ "$(jq_ 'd["result"]["version"], d["result"]["applied"]')" = "1 False" ] && ok || bad "first solve: $(cat "$WORK/out")"
[ "$(q "SELECT count(*) FROM meetings")" = 0 ] && ok || bad "the first solve filled the schedule before publishing"
api "publish 1" 200 POST /versions/1/publish
n1=$(q "SELECT count(*) FROM meetings")
[ "$n1" -gt 0 ] && ok || bad "publishing version 1 scheduled nothing"
api "versions" 200 GET /versions
[ "$(jq_ 'd["published"], d["draft"]')" = "1 None" ] && ok || bad "versions: $(cat "$WORK/out")"

# A kiosk request for a pair not scheduled, accepted late.
read -r badge product sbadge < <(q "SELECT pb.badge, p.code, ps.badge FROM candidates c JOIN demands d ON d.id = c.demand_id
  JOIN products p ON p.id = c.product_id JOIN participants pb ON pb.buyer_id = d.buyer_id
  JOIN participants ps ON ps.supplier_id = p.supplier_id WHERE NOT EXISTS (SELECT 1 FROM meetings m
  WHERE m.buyer_pid = pb.id AND m.supplier_pid = ps.id) ORDER BY c.score LIMIT 1" | tr '|' ' ')
curl -s -o /dev/null --cacert "$WORK/data/tls/cert.pem" -H 'Content-Type: application/json' -H 'X-Requested-With: fetch' \
  --data-binary "{\"badge\":\"$badge\",\"pin\":\"$("$fm" schedule pin YQH-2026 "$badge")\",\"product\":\"$product\",\"phone\":\"13812345678\"}" "$base/requests"
api "requests" 200 GET /requests
rid=$(jq_ 'd["requests"][0]["id"]')
[ "$(jq_ 'd["requests"][0]["state"], d["requests"][0]["asked_by"]')" = "asked kiosk" ] && ok ||
  bad "request listed: $(cat "$WORK/out")"
api "accept" 200 POST "/requests/$rid/decide" '{"state":"accepted"}'
api "accepted by" 200 GET /requests
[ "$(jq_ 'd["requests"][0]["state"], d["requests"][0]["decided_by"]')" = "accepted org" ] && ok ||
  bad "decided: $(cat "$WORK/out")"

# The re-solve is a draft: the current schedule stays until it is published.
before=$(q "SELECT group_concat(id || ':' || slot || ':' || table_no) FROM meetings ORDER BY id")
api "re-solve" 200 POST "/schedule?wait=1"
[ "$(jq_ 'd["result"]["version"], d["result"]["applied"]')" = "2 False" ] && ok || bad "re-solve: $(cat "$WORK/out")"
[ "$(q "SELECT group_concat(id || ':' || slot || ':' || table_no) FROM meetings ORDER BY id")" = "$before" ] &&
  ok || bad "a draft changed the current schedule"
api "diff" 200 GET /versions/draft/diff
jq_ "[c['buyer']['badge'] for c in d['added']]" > "$WORK/added"
has "diff names the accepted request" "$WORK/added" "$badge"
jq_ "d['added'][0]['to']['when'], d['added'][0]['to']['table_name']" > "$WORK/where"
has "diff names the slot by time" "$WORK/where" "第1天"
api "publish 2" 200 POST /versions/2/publish
held() { q "SELECT count(*) FROM meetings m JOIN meeting_requests r ON r.buyer_pid = m.buyer_pid
  AND r.supplier_pid = m.supplier_pid WHERE r.id = $rid"; }
[ "$(held)" = 1 ] && ok || bad "accepted request not held after publishing"
api "undo" 200 POST /schedule/undo
[ "$(jq_ 'd["version"]')" = 1 ] && [ "$(held)" = 0 ] && ok || bad "undo: $(cat "$WORK/out")"
api "publish 2 again" 200 POST /versions/2/publish
[ "$(held)" = 1 ] && ok || bad "publish again"
api "discard published" 409 POST /versions/2/discard

# The day: a walk-in paired by hand, check-in, a no-show, its place backfilled.
read -r mid nb ns < <(q "SELECT m.id, b.badge, s.badge FROM meetings m JOIN participants b ON b.id = m.buyer_pid
  JOIN participants s ON s.id = m.supplier_pid ORDER BY m.slot, m.id LIMIT 1" | tr '|' ' ')
api "walk-in" 200 POST /participants "{\"side\":\"buyer\",\"name\":\"临时采购商\",\"region\":\"重庆市\",\"pairs\":[\"$ns\"]}"
walk=$(jq_ 'd["badge"]')
[ "$walk" = BW001 ] && ok || bad "walk-in badge: $walk"
api "walk-in refused" 400 POST /participants '{"side":"visitor","name":"x"}'
# The walk-in matched at once from what it wants: the fair's suppliers of it, best first,
# each with the product that makes the match; one of them paired in a click.
enc() { "$py" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
api "walk-in matches" 200 GET "/participants/$walk/matches?text=$(enc 汤圆)&category=$(enc 食品)"
jq_ "d['side'], d['matches'][0]['item']['name'], d['matches'][0]['why'][0]['word']" > "$WORK/wm"
has "a buyer's words find a supplier of them" "$WORK/wm" "buyer"
grep -q "汤圆" "$WORK/wm" && ok || bad "walk-in's best match: $(cat "$WORK/out")"
[ "$(jq_ "all(m['badge'].startswith('S') for m in d['matches']) and
  len(set(m['badge'] for m in d['matches'])) == len(d['matches'])")" = True ] &&
  ok || bad "matches: each a supplier of the fair, once: $(cat "$WORK/out")"
wsup=$(jq_ "d['matches'][0]['badge']")
[ "$(jq_ "d['matches'][0]['pair']")" = "$( [ "$wsup" = "$ns" ] && echo added || echo None)" ] &&
  ok || bad "a match says whether the walk-in is paired with it already: $(cat "$WORK/out")"
[ "$(q "SELECT count(*) FROM participants p JOIN products pr ON pr.supplier_id = p.supplier_id
  WHERE p.badge = '$wsup' AND pr.name LIKE '%汤圆%'")" -ge 1 ] && ok || bad "$wsup sells no 汤圆"
api "walk-in pair from a match" 200 POST /pairs "{\"buyer\":\"$walk\",\"supplier\":\"$wsup\"}"
api "walk-in matches again" 200 GET "/participants/$(echo "$walk" | tr A-Z a-z)/matches?text=$(enc 汤圆)"
[ "$(jq_ "[m['pair'] for m in d['matches'] if m['badge'] == '$wsup']")" = "['added']" ] &&
  ok || bad "the paired match says so: $(cat "$WORK/out")"
api "walk-in matches, no words" 400 GET "/participants/$walk/matches?text=$(enc '，。')"
has "no words named" "$WORK/out" "no words to match on"
api "walk-in matches, no text" 400 GET "/participants/$walk/matches"
api "walk-in matches, unknown badge" 404 GET "/participants/NOPE/matches?text=x"
api "supplier walk-in" 200 POST /participants '{"side":"supplier","name":"临时茶企","region":"宁波市"}'
wsw=$(jq_ 'd["badge"]')
api "supplier walk-in matches" 200 GET "/participants/$wsw/matches?text=$(enc 宁波汤圆礼盒)&category=$(enc 食品)"
[ "$(jq_ "d['side'] == 'supplier' and len(d['matches']) > 0 and all(m['badge'].startswith('B') for m in d['matches'])")" = True ] &&
  ok || bad "a supplier's words find the fair's buyers: $(cat "$WORK/out")"
api "check-in" 200 POST "/participants/$ns/checkin"
api "check-in unknown" 404 POST "/participants/NOPE/checkin"
api "arrivals" 200 GET /arrivals
[ "$(jq_ 'd["arrived"] >= 1 and any(a["badge"] == "'"$ns"'" for a in d["arrivals"])')" = True ] && ok ||
  bad "arrivals: $(cat "$WORK/out")"
api "no-show" 200 POST "/participants/$nb/noshow"
[ "$(jq_ 'd["meetings"] >= 1')" = True ] && ok || bad "no-show: $(cat "$WORK/out")"
[ "$(q "SELECT no_show FROM meetings WHERE id = $mid")" = 1 ] && ok || bad "meeting not marked"
api "backfill" 200 GET /backfill
jq_ "[(p['meeting'], p['partner']['badge']) for p in d['proposals']]" > "$WORK/proposals"
has "backfill proposes the walk-in" "$WORK/proposals" "($mid, '$walk')"
api "backfill accept" 200 POST /backfill "{\"meeting\":$mid}"
bid=$(jq_ 'd["id"]')
[ "$(q "SELECT b.badge || ' ' || m.locked || ' ' || m.backfill FROM meetings m JOIN participants b ON
  b.id = m.buyer_pid WHERE m.id = $bid")" = "$walk 1 1" ] && ok || bad "backfill meeting"
api "backfill again" 409 POST /backfill "{\"meeting\":$mid}"
api "late" 200 POST "/meetings/$bid/late" '{"minutes":10}'
api "late unknown" 404 POST "/meetings/999999/late" '{"minutes":10}'

# The outcome, and the figures that follow.
api "outcome" 200 POST "/meetings/$bid/outcome" '{"held":true,"kind":"contract","amount":"120.5","products":"茶叶"}'
# Evidence: the file is the body, its name in the query; kept with the outcome and in its history.
evidence() {
  curl -s -o "$WORK/out" -w '%{http_code}' --cacert "$WORK/data/tls/cert.pem" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/pdf' --data-binary "@$2" "$base/meetings/$1/evidence${3-}"
}
printf '%%PDF-1.4 a signed contract\n' > "$WORK/contract.pdf"
[ "$(evidence "$bid" "$WORK/contract.pdf" '?filename=%E5%90%88%E5%90%8C.pdf')" = 200 ] && ok || bad "evidence: $(cat "$WORK/out")"
[ "$(jq_ 'd["evidence"][0]["filename"], d["evidence"][0]["size"], d["history"][-1]["field"]')" = "合同.pdf 27 evidence" ] &&
  ok || bad "evidence kept: $(cat "$WORK/out")"
[ "$(evidence "$bid" "$WORK/contract.pdf")" = 400 ] && ok || bad "evidence without a filename: $(cat "$WORK/out")"
has "evidence without a filename says so" "$WORK/out" "filename is required"
: > "$WORK/empty.pdf"
[ "$(evidence "$bid" "$WORK/empty.pdf" '?filename=x.pdf')" = 400 ] && ok || bad "empty evidence: $(cat "$WORK/out")"
bare=$(q "SELECT id FROM meetings WHERE id NOT IN (SELECT meeting_id FROM outcomes) LIMIT 1")
[ "$(evidence "$bare" "$WORK/contract.pdf" '?filename=x.pdf')" = 422 ] && ok || bad "evidence before an outcome: $(cat "$WORK/out")"
[ -z "$(ls "$WORK/data/tmp")" ] && ok || bad "evidence uploads left temporary files: $(ls "$WORK/data/tmp")"
api "participant" 200 GET "/participants/$walk"
[ "$(jq_ 'd["meetings"][0]["outcome"], d["meetings"][0]["late_minutes"]')" = "contract 10" ] && ok ||
  bad "participant's meeting: $(cat "$WORK/out")"
# The walk-in's agenda as a calendar file, for the organisers: it parses, one event per
# meeting, each at its slot's date and time.
cp "$WORK/out" "$WORK/walk.json"
api "setup for the agenda" 200 GET /setup
cp "$WORK/out" "$WORK/setup.json"
ics=$(curl -s -o "$WORK/walk.ics" -D "$WORK/ics.h" -w '%{http_code}' --cacert "$WORK/data/tls/cert.pem" \
  -H "Authorization: Bearer $token" "$base/participants/$(echo "$walk" | tr A-Z a-z)/agenda.ics")
[ "$ics" = 200 ] && ok || bad "agenda.ics: HTTP $ics $(head -c 300 "$WORK/walk.ics")"
has "agenda.ics is a calendar download" "$WORK/ics.h" "text/calendar"
has "agenda.ics named for the badge" "$WORK/ics.h" "YQH-2026-$walk.ics"
"$py" - "$WORK/walk.ics" "$WORK/walk.json" "$WORK/setup.json" <<'PY' && ok || bad "agenda.ics: $(head -c 600 "$WORK/walk.ics")"
import datetime, json, re, sys
raw = open(sys.argv[1], encoding="utf-8", newline="").read()
assert raw.startswith("BEGIN:VCALENDAR\r\n") and raw.endswith("END:VCALENDAR\r\n"), "not a calendar"
lines = raw.replace("\r\n ", "").split("\r\n")	# RFC 5545 unfolding
events, ev = [], None
for l in lines:
    if l == "BEGIN:VEVENT": ev = {}
    elif l == "END:VEVENT": events.append(ev); ev = None
    elif ev is not None and ":" in l:
        k, v = l.split(":", 1); ev[k.split(";")[0]] = v
me, setup = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
slots = {s["slot"]: s for s in setup["slots"]}
assert len(events) == len(me["meetings"]) >= 1, (len(events), len(me["meetings"]))
for m in me["meetings"]:
    e = next(e for e in events if e["UID"].startswith("meeting-%d-" % m["id"]))
    s = slots[m["slot"]]
    day = datetime.date(2026, 5, 21) + datetime.timedelta(days=s["day"] - 1)
    want = lambda hm: day.strftime("%Y%m%d") + "T" + hm.replace(":", "") + "00"
    assert e["DTSTART"] == want(s["start"]) and e["DTEND"] == want(s["end"]), (e, s)
    assert m["with_name"] in e["SUMMARY"] and m["table_name"] in e["LOCATION"], e
PY
ics=$(curl -s -o "$WORK/out" -w '%{http_code}' --cacert "$WORK/data/tls/cert.pem" \
  -H "Authorization: Bearer $token" "$base/participants/NOPE/agenda.ics")
[ "$ics" = 404 ] && ok || bad "agenda.ics of no one: HTTP $ics"
has "agenda.ics of no one names the badge" "$WORK/out" "has the badge NOPE"
api "stats" 200 GET "/../../stats?by=fair&fair=YQH-2026"
has "stats count the contract" "$WORK/out" "120.5"

# Exports: each a job whose file is fetched; CSV rows read back by the shell, XLSX cells by unzip.
need unzip
# export NAME QUERY FILE: runs the export job, fetches its file into $WORK/FILE.
export_() {
  api "export $1" 200 POST "/export/$2"
  local url
  url=$(jq_ 'd["result"]["url"]')
  curl -s -o "$WORK/$3" --cacert "$WORK/data/tls/cert.pem" -H "Authorization: Bearer $token" \
    "https://localhost:$(cat "$WORK/port")$url" || bad "fetching $url"
}
export_ "schedule v1 csv" "schedule?format=csv&version=1&wait=1" v1.csv
[ "$(head -c 3 "$WORK/v1.csv" | xxd -p)" = efbbbf ] && ok || bad "v1.csv does not begin with the BOM"
has "schedule header" "$WORK/v1.csv" "版本,日期,时间,桌号,位置,采购商胸牌,采购单位,所在省份,供应商胸牌,供应企业"
[ "$(($(wc -l < "$WORK/v1.csv") - 1))" = "$n1" ] && ok || bad "v1.csv: $n1 meetings expected, $(cat "$WORK/v1.csv" | head -3)"
# in_csv FILE: whether a row of FILE schedules $badge with $sbadge (the buyer may meet others).
in_csv() { awk -F, -v b="$badge" -v s="$sbadge" '$6 == b && $9 == s { f = 1 } END { exit !f }' "$1"; }
in_csv "$WORK/v1.csv" && bad "version 1 holds the request accepted after it" || ok
has "a slot by time, a table by name" "$WORK/v1.csv" "10:40–11:00,A厅1号,A厅东"
export_ "schedule current xlsx" "schedule?wait=1" now.xlsx
unzip -p "$WORK/now.xlsx" xl/worksheets/sheet1.xml > "$WORK/now.xml"
python3 -c 'import re, sys
rows = re.findall(r"<row[^>]*>(.*?)</row>", open(sys.argv[1], encoding="utf-8").read(), re.S)
sys.exit(not any("<t>%s</t>" % sys.argv[2] in r and "<t>%s</t>" % sys.argv[3] in r for r in rows))' \
  "$WORK/now.xml" "$badge" "$sbadge" && ok || bad "the current schedule lacks the accepted request $badge–$sbadge"
has "the current schedule marks the no-show" "$WORK/now.xml" "<t>未到场</t>"
has "the current schedule marks the late backfill" "$WORK/now.xml" "<t>补位 晚 10 分钟</t>"
grep -q '<c r="A2"[^>]*><v>2</v>' "$WORK/now.xml" && ok || bad "the current schedule is version 2, as a number"
api "export unknown version" 404 POST "/export/schedule?version=9&wait=1"
has "unknown version named" "$WORK/out" "has no schedule version 9"
api "export version of outcomes" 400 POST "/export/outcomes?version=1"
api "export unknown kind" 404 POST "/export/meetings"
export_ "outcomes xlsx" "outcomes?wait=1" outcomes.xlsx
unzip -p "$WORK/outcomes.xlsx" xl/worksheets/sheet1.xml > "$WORK/o1.xml"
has "outcomes: the contract" "$WORK/o1.xml" "<t>合同</t>"
grep -q '<v>120.5</v>' "$WORK/o1.xml" && ok || bad "outcomes: the amount as a number"
has "outcomes: a meeting not yet recorded" "$WORK/o1.xml" "<t>未记录</t>"
api "outcome changed" 200 POST "/meetings/$bid/outcome" '{"held":true,"kind":"contract","amount":"130","products":"茶叶"}'
export_ "outcomes history" "outcomes?wait=1" outcomes2.xlsx
unzip -p "$WORK/outcomes2.xlsx" xl/worksheets/sheet2.xml > "$WORK/o2.xml"
has "history: the amount changed" "$WORK/o2.xml" "<t>120.50</t>"
# Printed documents say which version they show; the sign-in sheet lists the badges.
need pdftotext
export_print() {
  api "print $1" 200 POST "/print/$1?wait=1"
  curl -s -o "$WORK/$1.pdf" --cacert "$WORK/data/tls/cert.pem" -H "Authorization: Bearer $token" \
    "https://localhost:$(cat "$WORK/port")$(jq_ 'd["result"]["url"]')" || bad "fetching the $1 PDF"
  pdftotext -layout "$WORK/$1.pdf" "$WORK/$1.txt"
}
export_print agendas
has "agendas carry the version" "$WORK/agendas.txt" "日程第 2 版 / schedule version 2"
export_print signin
has "sign-in sheet carries the version" "$WORK/signin.txt" "日程第 2 版"
has "sign-in sheet: a badge column" "$WORK/signin.txt" "胸牌号"
has "sign-in sheet: the walk-in's badge" "$WORK/signin.txt" "$walk"
export_print badges
has "badges: the walk-in's" "$WORK/badges.txt" "$walk"
has "badges: a scheduled buyer's" "$WORK/badges.txt" "$nb"
# The same from the command line.
check "cli export schedule" 0 "$fm" export schedule YQH-2026 --version 2 --out "$WORK/v2.csv" --json
has "cli rows" "$WORK/out" "\"rows\":$(q "SELECT count(*) FROM version_meetings v JOIN schedule_versions s ON s.id = v.version_id WHERE s.number = 2")"
check "cli export, no version 9" 1 "$fm" export schedule YQH-2026 --version 9 --out "$WORK/v9.csv"
has "cli names the version" "$WORK/err" "no schedule version 9"
[ ! -e "$WORK/v9.csv" ] && ok || bad "a refused export left a file"
check "cli --version on outcomes" 2 "$fm" export outcomes YQH-2026 --version 1 --out "$WORK/o.xlsx"
check "cli export outcomes" 0 "$fm" export outcomes YQH-2026 --out "$WORK/o.csv"

# A scheduled pair removed by hand: the next solve drops that meeting, and only it has to go.
read -r rb rs < <(q "SELECT b.badge, s.badge FROM meetings m JOIN participants b ON b.id = m.buyer_pid
  JOIN participants s ON s.id = m.supplier_pid WHERE m.locked = 0 AND m.no_show = 0 AND m.id <> $bid
  AND m.buyer_pid <> (SELECT buyer_pid FROM meeting_requests WHERE id = $rid) ORDER BY m.id DESC LIMIT 1" | tr '|' ' ')
pair_met() { q "SELECT count(*) FROM meetings m JOIN participants b ON b.id = m.buyer_pid
  JOIN participants s ON s.id = m.supplier_pid WHERE b.badge = '$rb' AND s.badge = '$rs'"; }
[ -n "$rs" ] && [ "$(pair_met)" = 1 ] && ok || bad "no scheduled pair to remove: '$rb' '$rs'"
api "remove a pair" 200 POST /pairs "{\"buyer\":\"$rb\",\"supplier\":\"$rs\",\"remove\":true}"
[ "$(jq_ 'd["state"]')" = declined ] && ok || bad "pair removed: $(cat "$WORK/out")"
api "remove a pair, sides swapped" 400 POST /pairs "{\"buyer\":\"$rs\",\"supplier\":\"$rb\",\"remove\":true}"
has "swapped sides named" "$WORK/out" "$rs is not a buyer"
api "the removal is listed" 200 GET /requests
[ "$(jq_ "[(r['state'], r['decided_by']) for r in d['requests'] if r['buyer']['badge'] == '$rb' and r['supplier']['badge'] == '$rs']")" = "[('declined', 'org')]" ] &&
  ok || bad "the removed pair in the requests: $(cat "$WORK/out")"
[ "$(pair_met)" = 1 ] && ok || bad "removing a pair changed the published schedule before a solve"
api "re-solve without the pair" 200 POST "/schedule?wait=1"
draft=$(jq_ 'd["result"]["version"]')
api "diff without the pair" 200 GET /versions/draft/diff
# Dropped: the removed pair, and otherwise only the no-show's meetings (away from now on).
[ "$(jq_ "sorted(set((c['buyer']['badge'], c['supplier']['badge']) for c in d['dropped'] if c['buyer']['badge'] != '$nb'))")" = "[('$rb', '$rs')]" ] &&
  ok || bad "the draft drops the removed pair's meeting, and no one else's: $(cat "$WORK/out")"
api "publish without the pair" 200 POST "/versions/$draft/publish"
[ "$(pair_met)" = 0 ] && ok || bad "the removed pair is still scheduled after publishing"
[ "$(q "SELECT count(*) FROM meetings WHERE id = $bid")" = 1 ] && ok || bad "the backfill meeting was lost"

[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/data/tls/cert.pem" "$base/participants")" = 401 ] &&
  ok || bad "participants without signing in"
finish
