#!/usr/bin/env bash
# A fair run end to end from the command line only: matching, the layout and
# a table named, a solve that is a draft (nothing scheduled until published)
# and its diff, publish, a request accepted late, a re-solve whose draft
# leaves the published schedule alone and whose diff names the accepted
# pair, publish, undo and publish again, a walk-in paired by hand, check-in
# and the arrivals, a no-show whose freed place is backfilled, a meeting
# marked late, its outcome; bad input refused with a message naming it.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need python3 sqlite3
q() { sqlite3 "$db" "$1"; }
# jq_ EXPR: EXPR over the JSON in $WORK/out, as d.
jq_() { python3 -c "import json,sys; d=json.load(open('$WORK/out')); print($1)"; }
F=YQH-2026

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  "$fm" match fair $F --limit 5 >/dev/null || { echo "FAIL loading"; exit 1; }
check "setup" 0 "$fm" schedule setup $F --days 1 --slots-per-day 6 --slot-minutes 20 \
  --start 10:40 --lunch 12:00-13:30 --tables 3

# Tables: named and placed, listed; an unknown one named.
check "name a table" 0 "$fm" schedule tables $F 1 A厅1号 --location A厅东
has "the table's name and place" "$WORK/out" "table 1  A厅1号  A厅东"
check "tables --json" 0 "$fm" schedule tables $F --json
[ "$(jq_ 'len(d["tables"]), d["tables"][0]["name"]')" = "3 A厅1号" ] && ok || bad "tables: $(cat "$WORK/out")"
check "an unknown table" 1 "$fm" schedule tables $F 9 X
has "the unknown table named" "$WORK/err" "has no table 9"
check "a table without its name" 2 "$fm" schedule tables $F 1

# The first solve is a draft: nothing is scheduled until it is published.
check "diff before any solve" 1 "$fm" schedule diff $F
has "no draft yet" "$WORK/err" "has no draft schedule"
check "solve" 0 "$fm" schedule $F --time-limit 600
has "the solve says it is a draft" "$WORK/out" "version 1 is a draft"
[ "$(q "SELECT count(*) FROM meetings")" = 0 ] && ok || bad "a draft filled the schedule"
check "versions" 0 "$fm" schedule versions $F --json
[ "$(jq_ 'd["draft"], d["published"]')" = "1 None" ] && ok || bad "versions: $(cat "$WORK/out")"
n1=$(q "SELECT count(*) FROM version_meetings")
check "diff of the first draft" 0 "$fm" schedule diff $F
has "the diff counts" "$WORK/out" "added $n1，移动 / moved 0，取消 / dropped 0"
[ "$(grep -c '^+ ' "$WORK/out")" = "$n1" ] && ok || bad "the diff lists $n1 meetings added: $(head -3 "$WORK/out")"
has "a place by time and table name" "$WORK/out" "第1天 10:40–11:00，A厅1号"
check "publish 1" 0 "$fm" schedule publish $F --json
[ "$(jq_ 'd["version"], d["added"], d["meetings"]')" = "1 $n1 $n1" ] && ok || bad "publish 1: $(cat "$WORK/out")"
[ "$(q "SELECT count(*) FROM meetings")" = "$n1" ] && ok || bad "publishing did not fill the schedule"
check "undo with nothing before" 1 "$fm" schedule undo $F
has "nothing to go back to" "$WORK/err" "has no earlier published schedule"

# A request for a pair not scheduled, accepted late.
read -r badge product sbadge < <(q "SELECT pb.badge, p.code, ps.badge FROM candidates c JOIN demands d ON d.id = c.demand_id
  JOIN products p ON p.id = c.product_id JOIN participants pb ON pb.buyer_id = d.buyer_id
  JOIN participants ps ON ps.supplier_id = p.supplier_id WHERE NOT EXISTS (SELECT 1 FROM meetings m
  WHERE m.buyer_pid = pb.id AND m.supplier_pid = ps.id) ORDER BY c.score LIMIT 1" | tr '|' ' ')
[ -n "$sbadge" ] && ok || bad "no candidate pair outside the schedule"
check "request" 0 "$fm" schedule request $F "$badge" "$product"
rid=$(sed -n 's/.*meeting request \([0-9]*\).*/\1/p' "$WORK/out")
check "accept" 0 "$fm" schedule accept $F "$rid"
held() { q "SELECT count(*) FROM meetings m JOIN meeting_requests r ON r.buyer_pid = m.buyer_pid
  AND r.supplier_pid = m.supplier_pid WHERE r.id = $rid"; }

# The re-solve is a draft; its diff names the accepted pair; publishing schedules it.
before=$(q "SELECT group_concat(id || ':' || slot || ':' || table_no) FROM meetings ORDER BY id")
check "re-solve" 0 "$fm" schedule $F --time-limit 600 --json
[ "$(jq_ 'd["version"], d["applied"]')" = "2 False" ] && ok || bad "re-solve: $(cat "$WORK/out")"
[ "$(q "SELECT group_concat(id || ':' || slot || ':' || table_no) FROM meetings ORDER BY id")" = "$before" ] &&
  ok || bad "a draft changed the published schedule"
check "diff 2" 0 "$fm" schedule diff $F 2
grep -q "^+ $badge .* — $sbadge " "$WORK/out" && ok || bad "the diff lacks the accepted pair $badge–$sbadge: $(cat "$WORK/out")"
has "against the published version" "$WORK/out" "version 2 against published version 1"
check "diff --json" 0 "$fm" schedule diff $F draft --json
[ "$(jq_ "any(c['buyer']['badge'] == '$badge' and c['supplier']['badge'] == '$sbadge' for c in d['added'])")" = True ] &&
  ok || bad "diff JSON: $(cat "$WORK/out")"
check "diff of a version that is not" 1 "$fm" schedule diff $F 9
has "the missing version named" "$WORK/err" "has no schedule version 9"
check "diff of a word" 2 "$fm" schedule diff $F latest
has "the word named" "$WORK/err" "the version must be a number or draft, not “latest”"
[ "$(held)" = 0 ] && ok || bad "the accepted pair was scheduled before publishing"
check "publish the draft" 0 "$fm" schedule publish $F
has "publish says which" "$WORK/out" "version 2 published"
[ "$(held)" = 1 ] && ok || bad "the accepted request is not held after publishing"
check "undo" 0 "$fm" schedule undo $F --json
[ "$(jq_ 'd["version"]')" = 1 ] && [ "$(held)" = 0 ] && ok || bad "undo: $(cat "$WORK/out"), held $(held)"
check "publish 2 again" 0 "$fm" schedule publish $F 2
[ "$(held)" = 1 ] && ok || bad "publishing 2 again"
check "discard the published" 1 "$fm" schedule discard $F 2
has "only a draft" "$WORK/err" "only a draft can be discarded"
check "re-solve to discard" 0 "$fm" schedule $F --time-limit 600
check "discard the draft" 0 "$fm" schedule discard $F
has "discarded" "$WORK/out" "the draft was discarded"
check "versions after discarding" 0 "$fm" schedule versions $F
has "version 3 discarded" "$WORK/out" "version 3  已放弃 / discarded"
has "version 2 published" "$WORK/out" "version 2  已发布 / published"
check "publish a discarded" 1 "$fm" schedule publish $F 3
has "a discarded version stays so" "$WORK/err" "was discarded and cannot be published"

# The day: a walk-in paired by hand, check-in, a no-show, its place backfilled.
read -r mid nb ns < <(q "SELECT m.id, b.badge, s.badge FROM meetings m JOIN participants b ON b.id = m.buyer_pid
  JOIN participants s ON s.id = m.supplier_pid ORDER BY m.slot, m.id LIMIT 1" | tr '|' ' ')
check "walk-in" 0 "$fm" schedule walk-in $F buyer 临时采购商 --region 重庆市 --pairs "$ns" --json
walk=$(jq_ 'd["badge"]')
[ "$walk" = BW001 ] && [ "$(jq_ 'd["walk_in"], d["checked_in_at"] is not None')" = "True True" ] && ok ||
  bad "walk-in: $(cat "$WORK/out")"
[ "$(q "SELECT state FROM meeting_requests r JOIN participants b ON b.id = r.buyer_pid WHERE b.badge = '$walk'")" = added ] &&
  ok || bad "the walk-in's pair is not recorded"
check "walk-in, no such side" 2 "$fm" schedule walk-in $F visitor X --region 重庆市
has "the side named" "$WORK/err" "the side must be buyer or supplier, not “visitor”"
check "walk-in without a region" 2 "$fm" schedule walk-in $F buyer X
check "walk-in paired with an unknown badge" 1 "$fm" schedule walk-in $F supplier 临时供应商 --region 重庆市 --pairs NOPE
has "the unknown badge named" "$WORK/err" "has the badge NOPE"
[ "$(q "SELECT count(*) FROM participants WHERE name = '临时供应商'")" = 0 ] && ok || bad "a refused walk-in was stored"

check "check-in" 0 "$fm" schedule check-in $F "$(echo "$ns" | tr 'A-Z' 'a-z')"
has "checked in" "$WORK/out" "$ns"
has "checked in, in English" "$WORK/out" "checked in"
[ "$(q "SELECT checked_in_at IS NOT NULL FROM participants WHERE badge = '$ns'")" = 1 ] && ok || bad "check-in not stored"
check "check-in unknown" 1 "$fm" schedule check-in $F NOPE
has "the unknown badge named" "$WORK/err" "no participant of fair $F has the badge NOPE"
check "arrivals" 0 "$fm" schedule arrivals $F --json
[ "$(jq_ 'd["arrived"] >= 1 and any(a["badge"] == "'"$ns"'" for a in d["arrivals"])')" = True ] && ok ||
  bad "arrivals: $(cat "$WORK/out")"
check "arrivals text" 0 "$fm" schedule arrivals $F
has "arrivals counted" "$WORK/out" "arrived"

check "no-show" 0 "$fm" schedule no-show $F "$nb"
has "no-show counted" "$WORK/out" "$nb is a no-show"
[ "$(q "SELECT no_show FROM meetings WHERE id = $mid")" = 1 ] && ok || bad "the no-show's meeting not marked"
check "backfill" 0 "$fm" schedule backfill $F --json
[ "$(jq_ "any(p['meeting'] == $mid and p['partner']['badge'] == '$walk' for p in d['proposals'])")" = True ] &&
  ok || bad "backfill proposals: $(cat "$WORK/out")"
check "backfill text" 0 "$fm" schedule backfill $F
has "the proposal names the walk-in" "$WORK/out" "$walk 临时采购商"
check "backfill accept" 0 "$fm" schedule backfill $F --accept "$mid" --json
bid=$(jq_ 'd["id"]')
[ "$(q "SELECT b.badge || ' ' || m.locked || ' ' || m.backfill FROM meetings m JOIN participants b ON
  b.id = m.buyer_pid WHERE m.id = $bid")" = "$walk 1 1" ] && ok || bad "the backfill meeting: $bid"
check "backfill again" 1 "$fm" schedule backfill $F --accept "$mid"
has "no backfill left" "$WORK/err" "no backfill is possible any more in the place meeting $mid freed"
check "backfill a word" 2 "$fm" schedule backfill $F --accept first

check "late" 0 "$fm" schedule late $F "$bid" 10
has "late said" "$WORK/out" "running 10 minutes late"
[ "$(q "SELECT late_minutes FROM meetings WHERE id = $bid")" = 10 ] && ok || bad "late not stored"
check "late unknown" 1 "$fm" schedule late $F 999999 10
has "the unknown meeting named" "$WORK/err" "has no meeting 999999"
check "late too late" 2 "$fm" schedule late $F "$bid" 300
has "the minutes named" "$WORK/err" "not “300”"
[ "$(q "SELECT late_minutes FROM meetings WHERE id = $bid")" = 10 ] && ok || bad "a refused late changed the meeting"

# The outcome of the backfill meeting.
check "outcome" 0 "$fm" outcome $F "$bid" --held --contract --amount 120.5 --products 茶叶
[ "$(q "SELECT held || ' ' || kind || ' ' || amount_cents FROM outcomes WHERE meeting_id = $bid")" = "1 contract 12050" ] &&
  ok || bad "outcome: $(q "SELECT * FROM outcomes WHERE meeting_id = $bid")"
check "the walk-in's meetings" 0 "$fm" schedule check-in $F "$walk"
has "its backfill meeting, listed" "$WORK/out" "#$bid"

# A solve published at once, for a script that reviews nothing.
check "solve --publish" 0 "$fm" schedule $F --time-limit 600 --publish --json
v=$(jq_ 'd["version"]')
[ "$(jq_ 'd["applied"]')" = True ] && ok || bad "solve --publish: $(cat "$WORK/out")"
check "versions after --publish" 0 "$fm" schedule versions $F --json
[ "$(jq_ 'd["published"], d["draft"]')" = "$v None" ] && ok || bad "versions: $(cat "$WORK/out")"
[ "$(q "SELECT count(*) FROM meetings WHERE id = $bid")" = 1 ] && ok || bad "the backfill meeting with its outcome was lost"
check "--publish with --dzn" 2 "$fm" schedule --dzn /dev/null --publish
finish
