#!/usr/bin/env bash
# A stored fair's schedule end to end: the fixtures loaded, 渝洽会 matched,
# laid out and scheduled; the JSON grid has no double booking and every
# meeting in a real slot and table; a request accepted is held; a lock
# survives a re-solve that moves few; a buyer gone for a slot loses its
# meeting there; bad input (unknown badge, an occupied table, a slot the
# buyer is away for, a fair not laid out) is refused naming what.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need python3 sqlite3
q() { sqlite3 "$db" "$1"; }

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  "$fm" match fair YQH-2026 --limit 5 >/dev/null || { echo "FAIL loading"; exit 1; }

# Not laid out yet.
check "schedule before setup" 1 "$fm" schedule YQH-2026
has "schedule before setup" "$WORK/err" "run \`fairmatch schedule setup YQH-2026\` first"

check "setup" 0 "$fm" schedule setup YQH-2026 --days 1 --slots-per-day 6 --slot-minutes 20 \
  --start 10:40 --lunch 12:00-13:30 --tables 3 --json
has "setup JSON" "$WORK/out" '"slots":6,"tables":3'
# 10:40, 11:00, 11:20, 11:40 would end at 12:00; then lunch; 13:30, 13:50.
[ "$(q "SELECT group_concat(start || '-' || session, ' ') FROM fair_slots ORDER BY number")" = \
  "10:40-am 11:00-am 11:20-am 11:40-am 13:30-pm 13:50-pm" ] && ok ||
  bad "slots around lunch: $(q "SELECT group_concat(start, ' ') FROM fair_slots")"
# The participants are the candidates' buyers and suppliers, each once.
want=$(q "SELECT (SELECT count(DISTINCT d.buyer_id) FROM candidates c JOIN demands d ON d.id = c.demand_id)
  || ' ' || (SELECT count(DISTINCT p.supplier_id) FROM candidates c JOIN products p ON p.id = c.product_id)")
got=$(q "SELECT (SELECT count(*) FROM participants WHERE side = 'buyer') || ' ' ||
  (SELECT count(*) FROM participants WHERE side = 'supplier')")
[ "$got" = "$want" ] && [ "$want" != "0 0" ] && ok || bad "participants (buyers suppliers): $got, the candidates have $want"
check "setup bad lunch" 2 "$fm" schedule setup YQH-2026 --lunch 13:00-12:00
has "setup bad lunch" "$WORK/err" "--lunch must be HH:MM-HH:MM"

# A request: an unknown badge is named; a real one accepted.
check "request unknown badge" 1 "$fm" schedule request YQH-2026 B99999 P0001
has "request unknown badge" "$WORK/err" "no participant of 中国西部国际投资贸易洽谈会（渝洽会） has the badge B99999"
read -r badge product < <(q "SELECT pb.badge, p.code FROM candidates c JOIN demands d ON d.id = c.demand_id
  JOIN products p ON p.id = c.product_id JOIN participants pb ON pb.buyer_id = d.buyer_id
  ORDER BY c.score ASC LIMIT 1" | tr '|' ' ')
check "request" 0 "$fm" schedule request YQH-2026 "$badge" "$product"
rid=$(sed -n 's/.*meeting request \([0-9]*\).*/\1/p' "$WORK/out")
check "accept" 0 "$fm" schedule accept YQH-2026 "$rid"
[ "$(q "SELECT state FROM meeting_requests WHERE id = $rid")" = accepted ] && ok || bad "request not accepted"

# The time limit is a cap that only stops a hang: the search ends by itself long before,
# so the schedule does not depend on how fast the machine is.
check "schedule" 0 "$fm" schedule YQH-2026 --time-limit 600 --publish --json
cp "$WORK/out" "$WORK/run1.json"
python3 - "$WORK/run1.json" <<'PY' && ok || bad "schedule summary: $(cat "$WORK/run1.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["fair"] == "YQH-2026" and d["valid"] is True
assert d["meetings"] > 0 and 0 < d["value"] <= d["bound"] + 1e-6, d
assert d["moved"] == 0 and d["dropped"] == 0, d
PY
n=$(q "SELECT count(*) FROM meetings")
[ "$n" -gt 0 ] && [ "$n" = "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["meetings"])' "$WORK/run1.json")" ] &&
  ok || bad "$n meetings stored, not the $(cat "$WORK/run1.json") reported"
# The accepted request is held (it outranks every matcher score).
[ "$(q "SELECT count(*) FROM meetings m JOIN meeting_requests r ON r.buyer_pid = m.buyer_pid
        AND r.supplier_pid = m.supplier_pid WHERE r.id = $rid")" = 1 ] && ok || bad "accepted request not held"

check "show" 0 "$fm" schedule show YQH-2026 --json
python3 - "$WORK/out" <<'PY' && ok || bad "grid JSON wrong"
import json, sys
d = json.load(open(sys.argv[1]))
slots = {s["slot"] for s in d["slots"]}
tables = {t["table"] for t in d["tables"]}
assert len(slots) == 6 and len(tables) == 3
seen, busy = set(), set()
for m in d["meetings"]:
    assert m["slot"] in slots and m["table"] in tables
    assert (m["slot"], m["table"]) not in seen; seen.add((m["slot"], m["table"]))
    for side in ("buyer", "supplier"):
        key = (m["slot"], m[side]["badge"]); assert key not in busy; busy.add(key)
        assert m[side]["name"]
    assert m["product"] is None or m["product"]["code"]
    assert m["locked"] is False
PY
check "show text" 0 "$fm" schedule show YQH-2026
has "show text" "$WORK/out" "10:40–11:00"

# Lock one meeting, make another's buyer away for its slot, re-solve.
read -r lid lslot ltable < <(q "SELECT id, slot, table_no FROM meetings ORDER BY id LIMIT 1" | tr '|' ' ')
check "lock" 0 "$fm" schedule lock YQH-2026 "$lid"
read -r oid obadge oslot < <(q "SELECT m.id, p.badge, m.slot FROM meetings m JOIN participants p ON
  p.id = m.buyer_pid WHERE m.id != $lid AND m.buyer_pid != (SELECT buyer_pid FROM meetings
  WHERE id = $lid) ORDER BY m.id LIMIT 1" | tr '|' ' ')
check "away" 0 "$fm" schedule participant YQH-2026 "$obadge" --away "$oslot"
check "move into an away slot" 1 "$fm" schedule move YQH-2026 "$oid" "$oslot" 1
has "move into an away slot" "$WORK/err" "is unavailable in that slot"
check "re-solve" 0 "$fm" schedule YQH-2026 --time-limit 600 --publish --json
python3 - "$WORK/out" <<'PY' && ok || bad "re-solve moved too many: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] and 1 <= d["moved"] <= 4, d
PY
[ "$(q "SELECT slot || ' ' || table_no || ' ' || locked FROM meetings WHERE id = $lid")" = "$lslot $ltable 1" ] &&
  ok || bad "locked meeting moved"
[ "$(q "SELECT count(*) FROM meetings m JOIN participants p ON p.id = m.buyer_pid
        WHERE p.badge = '$obadge' AND m.slot = $oslot")" = 0 ] && ok || bad "meeting kept in an away slot"

# Move into an occupied table: the message names the meeting there by its two sides, and the
# place by its time and table name.
read -r a aslot atable < <(q "SELECT id, slot, table_no FROM meetings WHERE id != $lid ORDER BY id LIMIT 1" | tr '|' ' ')
apair=$(q "SELECT b.name || ' — ' || s.name FROM meetings m JOIN participants b ON b.id = m.buyer_pid
  JOIN participants s ON s.id = m.supplier_pid WHERE m.id = $a")
aplace=$(q "SELECT '第' || s.day || '天 ' || s.start || '–' || s.end || ', ' || t.name FROM fair_slots s
  JOIN fair_tables t ON t.fair_id = s.fair_id AND t.number = $atable WHERE s.number = $aslot
  AND s.fair_id = (SELECT fair_id FROM meetings WHERE id = $a)")
read -r b < <(q "SELECT id FROM meetings m WHERE slot != $aslot AND id != $lid AND NOT EXISTS
  (SELECT 1 FROM meetings o WHERE o.slot = $aslot AND (o.buyer_pid = m.buyer_pid OR
  o.supplier_pid = m.supplier_pid)) AND NOT EXISTS (SELECT 1 FROM participant_unavailable u
  WHERE u.slot = $aslot AND u.participant_id IN (m.buyer_pid, m.supplier_pid)) ORDER BY id LIMIT 1")
[ -n "$b" ] && ok || bad "the fixture fair has no meeting free to move into slot $aslot"
if [ -n "$b" ]; then
  check "move onto a taken table" 1 "$fm" schedule move YQH-2026 "$b" "$aslot" "$atable"
  has "move onto a taken table" "$WORK/err" "to $aplace: the table is taken then by the meeting $apair"
fi
check "move to no such table" 1 "$fm" schedule move YQH-2026 "$lid" 1 9
has "move to no such table" "$WORK/err" "there is no table 9"
check "lock unknown meeting" 1 "$fm" schedule lock YQH-2026 999999
has "lock unknown meeting" "$WORK/err" "fair YQH-2026 has no meeting 999999"
check "unknown fair" 1 "$fm" schedule NO-SUCH
has "unknown fair" "$WORK/err" "no fair has the code NO-SUCH"

finish
