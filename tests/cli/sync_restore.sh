#!/usr/bin/env bash
# A fair box restored from its backup resumes syncing: the backup holds its
# signing key and its sync state, so the restored box signs files the
# province accepts (its changesets are numbered past any it made after the
# backup, which the province applied and would otherwise take the next for
# a replay), and the province, seeing the box acknowledge less than it had,
# sends it everything again: a withdrawal the box had applied and lost
# comes back, and the catalogue, fairs and participants are the same on
# both boxes.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
fm=$FAIRMATCH
P=$WORK/province F=$WORK/fair R=$WORK/restored
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/sync_lib.bash"
need sqlite3 unzip
province_tables="uploads suppliers products buyers demands fairs fair_cities fair_provinces
  fair_days fair_slots fair_tables participants participant_unavailable candidates
  province_targets city_targets"
# rows DIR: the province's tables, sorted, each line led by its table.
rows() {
  local t
  for t in $province_tables; do q "$1" "SELECT '$t', * FROM $t"; done | LC_ALL=C sort
}
# round N FROM TO: FROM's file for TO, applied at TO.
round() {
  "$fm" sync export --to "$WORK/$1.sync" --data "$2" >/dev/null &&
    "$fm" sync import "$WORK/$1.sync" --data "$3" >"$WORK/out" 2>"$WORK/err"
}

two_boxes || { echo "FAIL setting up"; exit 1; }
round p1 "$P" "$F" && "$fm" schedule YQH-2026 --time-limit 5 --publish --data "$F" >/dev/null || bad "the first round"
mids=($(q "$F" "SELECT id FROM meetings ORDER BY id LIMIT 3"))
"$fm" outcome YQH-2026 "${mids[0]}" --held --contract --amount 50 --data "$F" >/dev/null &&
  round f1 "$F" "$P" && round p2 "$P" "$F" || bad "the second round"

check "backup of the fair box" 0 "$fm" backup --out "$WORK/fair.zip" --data "$F"
unzip -l "$WORK/fair.zip" >"$WORK/list"
has "the backup holds the signing key" "$WORK/list" "sync.key"
has "the backup holds the province's snapshot" "$WORK/list" "sync/peer-1.db"

# After the backup: an outcome goes home, the province withdraws a product, and the fair
# box applies the withdrawal and acknowledges it.  Then the box is lost.
"$fm" outcome YQH-2026 "${mids[1]}" --held --contract --amount 60 --data "$F" >/dev/null &&
  round f2 "$F" "$P" || bad "the round after the backup"
wcode=$(q "$P" "SELECT code FROM products ORDER BY id LIMIT 1")
"$fm" withdraw supply "$wcode" --data "$P" >/dev/null && round p3 "$P" "$F" && round f3 "$F" "$P" ||
  bad "the withdrawal's round"
[ -n "$(q "$F" "SELECT withdrawn_at FROM products WHERE code = '$wcode'")" ] && ok || bad "withdrawal not at the fair box"

check "restore" 0 "$fm" restore "$WORK/fair.zip" --data "$R"
cmp -s "$F/sync.key" "$R/sync.key" && ok || bad "the restored box has another signing key"
[ "$(stat -c %a "$R/sync.key")" = 600 ] && ok || bad "the restored sync.key is not 0600"
[ -z "$(q "$R" "SELECT withdrawn_at FROM products WHERE code = '$wcode'")" ] && ok ||
  bad "the restore holds what came after the backup"

# The restored box records and sends an outcome: the province takes it, not as a replay.
check "outcome at the restored box" 0 "$fm" outcome YQH-2026 "${mids[2]}" --held --contract --amount 70 --data "$R"
check "restored box's file" 0 "$fm" sync export --to "$WORK/r1.sync" --json --data "$R"
check "the province applies it" 0 "$fm" sync import "$WORK/r1.sync" --json --data "$P"
[ "$(q "$P" "SELECT amount_cents FROM outcomes WHERE meeting_id = ${mids[2]}")" = 7000 ] && ok ||
  bad "the restored box's outcome did not reach the province: $(cat "$WORK/err")"
# The province sends it everything again: the withdrawal it lost comes back.
check "province to the restored box" 0 "$fm" sync export --for 渝洽会 --to "$WORK/p4.sync" --data "$P"
check "the restored box applies it" 0 "$fm" sync import "$WORK/p4.sync" --json --data "$R"
has "no conflict" "$WORK/out" '"conflicts":0'
[ -n "$(q "$R" "SELECT withdrawn_at FROM products WHERE code = '$wcode'")" ] && ok ||
  bad "the withdrawal lost with the box did not come back"
rows "$P" >"$WORK/p.rows"; rows "$R" >"$WORK/r.rows"
cmp -s "$WORK/p.rows" "$WORK/r.rows" && ok ||
  { bad "the province's tables differ on the restored box"; diff "$WORK/p.rows" "$WORK/r.rows" | head -6; }
# Exchanges go on as before: nothing left to send once acknowledged both ways.
round r2 "$R" "$P" && round p5 "$P" "$R" || bad "the next rounds"
"$fm" sync export --to "$WORK/r3.sync" --json --data "$R" >"$WORK/out"
has "nothing left to send" "$WORK/out" '"changes":0'

finish
