#!/usr/bin/env bash
# Two boxes in step by file (a USB stick): the province's box and 渝洽会's
# box, each its own data directory, cards exchanged once.  The province's
# catalogues, fair and participants reach the fair box, where search finds
# them (indexes replayed); the fair's schedule, an outcome and its evidence
# file come back; a product withdrawn at the province leaves the fair box's
# search; both boxes then hold the same rows, table by table.  A replayed
# file, a tampered file, a file for another box and a file from an unknown
# site are refused with nothing changed.  Ownership: the owner's change
# wins over a local edit; a fair box's change to a province column is kept
# for the organiser, not applied, and so is its edit of a province company
# that the province did not touch, whose value then goes back to the fair box.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
fm=$FAIRMATCH
P=$WORK/province F=$WORK/fair X=$WORK/xibo
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/sync_lib.bash"
need sqlite3 python3
# same NAME: both boxes hold the same rows in every synced table.
same() {
  dump "$P" >"$WORK/p.dump"; dump "$F" >"$WORK/f.dump"
  if cmp -s "$WORK/p.dump" "$WORK/f.dump"; then ok; else
    bad "$1: the boxes differ"; diff "$WORK/p.dump" "$WORK/f.dump" | head -8; fi
}
# unchanged NAME DIR BEFORE: the box's synced rows and sync state are BEFORE still.
unchanged() {
  if [ "$(state "$2" | md5sum)" = "$3" ]; then ok; else bad "$1: the box changed"; fi
}

# The province (the default site) with the catalogues and 渝洽会 laid out; the fair box.
"$fm" init --data "$P" >/dev/null &&
  "$fm" import supply "$FIXTURES/catalog/supply.csv" --data "$P" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" --data "$P" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" --data "$P" >/dev/null &&
  "$fm" match fair YQH-2026 --limit 5 --data "$P" >/dev/null &&
  "$fm" schedule setup YQH-2026 --days 2 --slots-per-day 4 --tables 3 --data "$P" >/dev/null ||
  { echo "FAIL loading the province"; exit 1; }
check "init fair box" 0 "$fm" init --site 渝洽会 --data "$F"
has "init names the site" "$WORK/out" '同步站点“渝洽会”'
check "init again, same site" 0 "$fm" init --site 渝洽会 --data "$F"
check "init as another site" 1 "$fm" init --site 西博会 --data "$F"
has "init as another site" "$WORK/err" 'already the site "渝洽会"'
[ "$(stat -c %a "$F/sync.key")" = 600 ] && ok || bad "sync.key is not 0600"

# Cards, exchanged once.
check "province card" 0 "$fm" sync card --to "$WORK/province.card" --data "$P"
check "fair card" 0 "$fm" sync card --to "$WORK/fair.card" --data "$F"
check "fair trusts the province" 0 "$fm" sync trust "$WORK/province.card" --data "$F"
check "province trusts the fair" 0 "$fm" sync trust "$WORK/fair.card" --data "$P"
check "own card" 1 "$fm" sync trust "$WORK/fair.card" --data "$F"
has "own card" "$WORK/err" "this site's own card"
printf 'fairmatch-site 1\nname 渝洽会\nrole fair\nnot a key\n' >"$WORK/bad.card"
check "bad card" 1 "$fm" sync trust "$WORK/bad.card" --data "$P"
has "bad card" "$WORK/err" "not a valid ECDSA key"

# Province → fair box: catalogues, the fair, its participants; search works there.
check "export to fair" 0 "$fm" sync export --to "$WORK/p1.sync" --json --data "$P"
has "export counts" "$WORK/out" '"peer":"渝洽会","seq":1'
check "import at fair" 0 "$fm" sync import "$WORK/p1.sync" --json --data "$F"
has "import counts" "$WORK/out" '"conflicts":0'
same "after the province's first file"
"$fm" search 茶 --json --data "$P" >"$WORK/search.p" && "$fm" search 茶 --json --data "$F" >"$WORK/search.f"
[ -s "$WORK/search.f" ] && cmp -s "$WORK/search.p" "$WORK/search.f" && grep -q '"code"' "$WORK/search.f" &&
  ok || bad "search at the fair box differs: $(head -c 200 "$WORK/search.f")"

# Refused with nothing changed: replayed, tampered, for another box, from an unknown site.
before=$(state "$F" | md5sum)
check "replayed file" 1 "$fm" sync import "$WORK/p1.sync" --data "$F"
has "replayed file" "$WORK/err" "was already applied"
unchanged "replayed file" "$F" "$before"
# A fresh province file to tamper with, so that its number is not a replay.
"$fm" withdraw supply "$(q "$P" "SELECT code FROM products ORDER BY id LIMIT 1")" --data "$P" >/dev/null
"$fm" sync export --to "$WORK/p2.sync" --data "$P" >/dev/null
python3 - "$WORK/p2.sync" "$WORK/tampered.sync" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.index(b'\n\n') + 20          # a byte of the changeset
b[i] ^= 0x01
open(sys.argv[2], 'wb').write(b)
PY
check "tampered file" 1 "$fm" sync import "$WORK/tampered.sync" --data "$F"
has "tampered file" "$WORK/err" "the signature does not match"
unchanged "tampered file" "$F" "$before"
head -c 300 "$WORK/p2.sync" >"$WORK/cut.sync"
check "truncated file" 1 "$fm" sync import "$WORK/cut.sync" --data "$F"
has "truncated file" "$WORK/err" "truncated or damaged"
unchanged "truncated file" "$F" "$before"
"$fm" init --site 西博会 --data "$X" >/dev/null && "$fm" sync trust "$WORK/province.card" --data "$X" >/dev/null &&
  "$fm" sync card --to "$WORK/xibo.card" --data "$X" >/dev/null &&
  "$fm" sync export --to "$WORK/x1.sync" --data "$X" >/dev/null || bad "the third box"
check "unknown site" 1 "$fm" sync import "$WORK/x1.sync" --data "$F"
has "unknown site" "$WORK/err" 'unknown site "西博会"'
unchanged "unknown site" "$F" "$before"
"$fm" sync trust "$WORK/xibo.card" --data "$P" >/dev/null
"$fm" sync export --for 西博会 --to "$WORK/px.sync" --data "$P" >/dev/null
check "file for another box" 1 "$fm" sync import "$WORK/px.sync" --data "$F"
has "file for another box" "$WORK/err" 'this sync file is for the site "西博会"'
unchanged "file for another box" "$F" "$before"

# The withdrawal reaches the fair box and leaves its search.
check "import p2" 0 "$fm" sync import "$WORK/p2.sync" --data "$F"
[ -n "$(q "$F" "SELECT withdrawn_at FROM products ORDER BY id LIMIT 1")" ] && ok || bad "withdrawal not applied"
wcode=$(q "$P" "SELECT code FROM products ORDER BY id LIMIT 1")
wname=$(q "$P" "SELECT name FROM products ORDER BY id LIMIT 1")
"$fm" search "$wname" --json --data "$F" >"$WORK/out"
if grep -q "\"$wcode\"" "$WORK/out"; then bad "withdrawn $wcode still found at the fair box"; else ok; fi

# Fair box → province: the schedule, an outcome with its evidence file.
check "schedule at fair" 0 "$fm" schedule YQH-2026 --time-limit 5 --publish --data "$F"
mid=$(q "$F" "SELECT id FROM meetings ORDER BY id LIMIT 1")
printf '渝洽会合同扫描件 %s\n' "$mid" >"$WORK/合同.txt"
check "outcome at fair" 0 "$fm" outcome YQH-2026 "$mid" --held --contract --amount 120 \
  --evidence "$WORK/合同.txt" --data "$F"
check "export to province" 0 "$fm" sync export --to "$WORK/f1.sync" --json --data "$F"
has "evidence carried" "$WORK/out" '"files":1'
check "import at province" 0 "$fm" sync import "$WORK/f1.sync" --data "$P"
sha=$(sha256sum "$WORK/合同.txt" | cut -d' ' -f1)
cmp -s "$WORK/合同.txt" "$P/uploads/${sha:0:2}/$sha" && ok || bad "evidence file not kept at the province"
[ "$(q "$P" "SELECT amount_cents FROM outcomes WHERE meeting_id = $mid")" = 12000 ] && ok ||
  bad "outcome not at the province"
# The province acknowledges the fair's file in its next one; the fair box acknowledges back.
"$fm" sync export --for 渝洽会 --to "$WORK/p3.sync" --data "$P" >/dev/null &&
  "$fm" sync import "$WORK/p3.sync" --data "$F" >/dev/null || bad "p3 round"
"$fm" sync export --to "$WORK/f2.sync" --json --data "$F" >"$WORK/out" &&
  "$fm" sync import "$WORK/f2.sync" --data "$P" >/dev/null || bad "f2 round"
has "nothing left to send once acknowledged" "$WORK/out" '"changes":0'
same "after the round trip"

# Ownership.  The province's change wins over a local edit of its row at the fair box.
pid=$(q "$P" "SELECT id FROM products ORDER BY id DESC LIMIT 1")
q "$F" "UPDATE products SET name = '本地改名' WHERE id = $pid"
q "$P" "UPDATE products SET name = '省里改名' WHERE id = $pid"
"$fm" sync export --for 渝洽会 --to "$WORK/p4.sync" --data "$P" >/dev/null
check "owner wins" 0 "$fm" sync import "$WORK/p4.sync" --json --data "$F"
has "owner wins, no conflict" "$WORK/out" '"conflicts":0'
[ "$(q "$F" "SELECT name FROM products WHERE id = $pid")" = 省里改名 ] && ok || bad "the province's name lost"
# A participant's name is the province's: the fair box's edit of it is kept for the organiser.
ppid=$(q "$P" "SELECT id FROM participants ORDER BY id LIMIT 1")
q "$P" "UPDATE participants SET name = name || '（省）' WHERE id = $ppid"
q "$F" "UPDATE participants SET name = name || '（展会）', checked_in_at = '2026-05-21T09:00:00Z' WHERE id = $ppid"
"$fm" sync export --to "$WORK/f3.sync" --data "$F" >/dev/null
check "not the owner" 0 "$fm" sync import "$WORK/f3.sync" --json --data "$P"
has "conflict kept" "$WORK/out" '"conflicts":1'
case "$(q "$P" "SELECT name FROM participants WHERE id = $ppid")" in
  *（省）) ok ;; *) bad "the fair box overwrote the province's participant name" ;; esac
check "conflicts listed" 0 "$fm" sync conflicts --json --data "$P"
has "conflicts listed" "$WORK/out" '"table":"participants"'
has "conflict names the sender" "$WORK/out" '"peer":"渝洽会"'
cid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["conflicts"][0]["id"])' "$WORK/out")
check "settle" 0 "$fm" sync settle "$cid" --data "$P"
check "settle again" 1 "$fm" sync settle "$cid" --data "$P"
has "settle again" "$WORK/err" "no unsettled sync conflict"
check "settle bad id" 1 "$fm" sync settle abc --data "$P"

# A fair box edits a province supplier's credit code (no edit at the province, so no
# conflict to judge it by): the province refuses it and lists it; its next file puts the
# province's value back at the fair box, and the boxes are in step again.
# A round both ways first, so that the fair box's next file carries this edit alone.
"$fm" sync export --for 渝洽会 --to "$WORK/p5.sync" --data "$P" >/dev/null &&
  "$fm" sync import "$WORK/p5.sync" --data "$F" >/dev/null &&
  "$fm" sync export --to "$WORK/f4.sync" --data "$F" >/dev/null &&
  "$fm" sync import "$WORK/f4.sync" --data "$P" >/dev/null || bad "p5 round"
sid=$(q "$P" "SELECT id FROM suppliers ORDER BY id LIMIT 1")
code=$(q "$P" "SELECT coalesce(credit_code, '') FROM suppliers WHERE id = $sid")
q "$F" "UPDATE suppliers SET credit_code = '91500000MA5U000000' WHERE id = $sid"
"$fm" sync export --to "$WORK/f5.sync" --data "$F" >/dev/null
check "a province company edited at the fair" 0 "$fm" sync import "$WORK/f5.sync" --json --data "$P"
has "refused and listed" "$WORK/out" '"conflicts":1'
[ "$(q "$P" "SELECT coalesce(credit_code, '') FROM suppliers WHERE id = $sid")" = "$code" ] && ok ||
  bad "the fair box changed the province's supplier"
"$fm" sync conflicts --json --data "$P" >"$WORK/out"
has "the refusal names the table" "$WORK/out" '"table":"suppliers"'
has "the refusal says why" "$WORK/out" "a fair's box may not change or delete it"
"$fm" sync export --for 渝洽会 --to "$WORK/p6.sync" --data "$P" >/dev/null
check "the province's value back to the fair" 0 "$fm" sync import "$WORK/p6.sync" --json --data "$F"
has "back without a conflict" "$WORK/out" '"conflicts":0'
[ "$(q "$F" "SELECT coalesce(credit_code, '') FROM suppliers WHERE id = $sid")" = "$code" ] && ok ||
  bad "the fair box kept its edit of the province's supplier"
"$fm" sync export --to "$WORK/f6.sync" --data "$F" >/dev/null &&
  "$fm" sync import "$WORK/f6.sync" --data "$P" >/dev/null || bad "f6 round"
same "after a fair box's edit of a province company"
check "no sync site" 1 "$fm" sync export --to "$WORK/none.sync" --data "$WORK/nowhere"

finish
