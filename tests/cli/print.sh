#!/usr/bin/env bash
# Printing: the supply–demand guide of the fixtures and a small stored
# schedule of 渝洽会 as agendas, table sheets, grid, sign-in sheets and badges.  Each
# PDF opens in pdfinfo with the page count the data implies, pdftotext
# finds the names, times and tables in it, and one page of each is kept
# as a PNG in $WORK for a person to look at.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need pdfinfo pdftotext pdftoppm zbarimg sqlite3
q() { sqlite3 "$db" "$1"; }
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
text() { pdftotext -layout "$1" - 2>/dev/null; }
# png FILE PAGE: page PAGE of FILE as FILE-PAGE.png, the test's artifact.
png() { pdftoppm -r 50 -png -f "$2" -l "$2" -singlefile "$1" "${1%.pdf}-p$2" && [ -s "${1%.pdf}-p$2.png" ]; }

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" --no-index >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" --no-index >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null || { echo "FAIL loading"; exit 1; }

# --- the guide ---------------------------------------------------------------
check "print guide" 0 "$fm" print guide --out "$WORK/guide.pdf" --json
has "print guide --json" "$WORK/out" '"document":"guide"'
n=$(pages "$WORK/guide.pdf")
[ -n "$n" ] && [ "$n" -gt 3 ] && ok || bad "guide: pdfinfo pages '$n'"
text "$WORK/guide.pdf" > "$WORK/guide.txt"
has "guide cover" "$WORK/guide.txt" "供需信息指南"
has "guide counts" "$WORK/guide.txt" "收录产品 $(q "SELECT count(*) FROM products") 项"
has "guide footer" "$WORK/guide.txt" "共 $n 页"
# Every product and every demand is in it, by code.
missing=0
for c in $(q "SELECT code FROM products UNION ALL SELECT code FROM demands"); do
  grep -qF -- "$c" "$WORK/guide.txt" || { missing=$((missing + 1)); [ $missing -le 3 ] && echo "  missing $c"; }
done
[ "$missing" = 0 ] && ok || bad "guide lacks $missing codes"
has "guide product" "$WORK/guide.txt" "明前西湖龙井"
has "guide demand" "$WORK/guide.txt" "水晶奖杯"
# The contents' page numbers are right: the page that a city's entry names
# is the page whose text starts that city's section.
for city in 杭州市 舟山市 丽水市; do
  want=$(grep -m1 -E "^ *${city}（[0-9]+ 项）.* [0-9]+$" "$WORK/guide.txt" | awk '{print $NF}')
  got=$(pdftotext -f "$want" -l "$want" "$WORK/guide.pdf" - | grep -c "^${city}（")
  [ -n "$want" ] && [ "$got" -ge 1 ] && ok || bad "contents: $city on page '$want', not found there"
done
want=$(grep -m1 -E "^ *四川省（[0-9]+ 项）.* [0-9]+$" "$WORK/guide.txt" | awk '{print $NF}')
pdftotext -f "$want" -l "$want" "$WORK/guide.pdf" - | grep -q "^四川省（" && ok || bad "contents: 四川省 not on page $want"
png "$WORK/guide.pdf" 5 && ok || bad "guide page 5 to PNG"

# Refusals: no --out, a directory that does not exist, an unknown document.
check "print guide without --out" 2 "$fm" print guide
check "print guide to nowhere" 1 "$fm" print guide --out "$WORK/no/such/dir/g.pdf"
has "unwritable path named" "$WORK/err" "no/such/dir/g.pdf"
[ ! -e "$WORK/no/such/dir/g.pdf.part" ] && ok || bad "a .part file left behind"
check "print unknown document" 2 "$fm" print brochure --out "$WORK/x.pdf"

# --- a stored schedule: 渝洽会, 2 days of 4 slots, 3 tables -------------------
# 4 buyers from its provinces and 3 suppliers from its cities; in slots 1–4,
# table t seats supplier t with buyer (slot + t) mod 4: every pair once.
q "
INSERT INTO fair_days SELECT id, 1, '2026-05-21' FROM fairs WHERE code = 'YQH-2026';
INSERT INTO fair_days SELECT id, 2, '2026-05-22' FROM fairs WHERE code = 'YQH-2026';
INSERT INTO fair_slots SELECT f.id, s.n, s.d, s.st, s.en, s.se FROM fairs f,
  (SELECT 1 n, 1 d, '09:00' st, '09:20' en, 'am' se UNION ALL SELECT 2, 1, '09:30', '09:50', 'am'
   UNION ALL SELECT 3, 1, '14:00', '14:20', 'pm' UNION ALL SELECT 4, 1, '14:30', '14:50', 'pm'
   UNION ALL SELECT 5, 2, '09:00', '09:20', 'am' UNION ALL SELECT 6, 2, '09:30', '09:50', 'am'
   UNION ALL SELECT 7, 2, '14:00', '14:20', 'pm' UNION ALL SELECT 8, 2, '14:30', '14:50', 'pm') s
  WHERE f.code = 'YQH-2026';
INSERT INTO fair_tables (fair_id, number, name) SELECT id, t.n, t.n || '号桌' FROM fairs,
  (SELECT 1 n UNION ALL SELECT 2 UNION ALL SELECT 3) t WHERE code = 'YQH-2026';
INSERT INTO participants (fair_id, side, buyer_id, badge, name)
  SELECT (SELECT id FROM fairs WHERE code = 'YQH-2026'), 'buyer', id,
    'B' || printf('%03d', row_number() OVER (ORDER BY id)), name
  FROM buyers WHERE province IN ('重庆市', '四川省', '云南省') ORDER BY id LIMIT 4;
INSERT INTO participants (fair_id, side, supplier_id, badge, name)
  SELECT (SELECT id FROM fairs WHERE code = 'YQH-2026'), 'supplier', id,
    'S' || printf('%03d', row_number() OVER (ORDER BY id)), name
  FROM suppliers WHERE city IN ('宁波市', '舟山市') ORDER BY id LIMIT 3;
INSERT INTO meetings (fair_id, buyer_pid, supplier_pid, product_id, slot, table_no)
  SELECT b.fair_id, b.id, s.id, (SELECT min(id) FROM products WHERE supplier_id = s.supplier_id),
    sl.n, t.n
  FROM (SELECT 1 n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) sl,
       (SELECT 1 n UNION ALL SELECT 2 UNION ALL SELECT 3) t
  JOIN participants s ON s.side = 'supplier' AND s.badge = printf('S%03d', t.n)
  JOIN participants b ON b.side = 'buyer' AND b.badge = printf('B%03d', (sl.n + t.n) % 4 + 1);
" || { echo "FAIL: the schedule fixture does not fit the store's schema"; exit 1; }
[ "$(q "SELECT count(*) FROM meetings")" = 12 ] && ok || bad "schedule fixture: 12 meetings expected"

check "print agendas" 0 "$fm" print agendas YQH-2026 --out "$WORK/agendas.pdf" \
  --base-url https://fair.example:8443 --json
has "agendas --json pages" "$WORK/out" '"pages":7'
[ "$(pages "$WORK/agendas.pdf")" = 7 ] && ok || bad "agendas: 7 pages (one per participant) expected, got $(pages "$WORK/agendas.pdf")"
text "$WORK/agendas.pdf" > "$WORK/agendas.txt"
has "agenda fair" "$WORK/agendas.txt" "中国西部国际投资贸易洽谈会（渝洽会）"
has "agenda time" "$WORK/agendas.txt" "09:30–09:50"
has "agenda table" "$WORK/agendas.txt" "2号桌"
has "agenda date" "$WORK/agendas.txt" "2026-05-21"
has "agenda role" "$WORK/agendas.txt" "采购商日程"
has "agenda role" "$WORK/agendas.txt" "供应商日程"
for name in $(q "SELECT name FROM participants"); do
  has "agenda of $name" "$WORK/agendas.txt" "$name"
done
# The first buyer's page lists exactly its 3 meetings, with its suppliers.
b1=$(q "SELECT name FROM participants WHERE badge = 'B001'")
pdftotext -f 1 -l 1 "$WORK/agendas.pdf" "$WORK/a1.txt"
has "page 1 is B001's" "$WORK/a1.txt" "$b1"
[ "$(grep -c '^2026-05-21$' "$WORK/a1.txt")" = 3 ] && ok || bad "B001's page: 3 meetings expected: $(grep -c '2026-05-21' "$WORK/a1.txt")"
# The QR code is there: a raster of the page has a dense black square top right.
png "$WORK/agendas.pdf" 1 && ok || bad "agenda page 1 to PNG"
qr() { pdftoppm -r 100 -png -f 1 -l 1 -singlefile "$1" "$WORK/qr" && zbarimg -q --raw "$WORK/qr.png" 2>/dev/null | head -1; }
url=$(qr "$WORK/agendas.pdf")
[[ $url == https://fair.example:8443/p/* ]] && ok || bad "the agenda's QR code holds --base-url's personal link: '$url'"
# Without --base-url, the data directory's public_url: the address phones use, as when the server prints.
printf '[server]\npublic_url = https://192.168.1.10:8443/\n' > "$WORK/data/fairmatch.conf"
check "print agendas with public_url" 0 "$fm" print agendas YQH-2026 --out "$WORK/public.pdf"
url2=$(qr "$WORK/public.pdf")
[ "$url2" = "https://192.168.1.10:8443/p/${url##*/p/}" ] && ok || bad "the QR code holds public_url's link, the same token: '$url2' (from '$url')"
check "print agendas, --base-url over public_url" 0 "$fm" print agendas YQH-2026 --out "$WORK/over.pdf" \
  --base-url https://fair.example:8443
[ "$(qr "$WORK/over.pdf")" = "$url" ] && ok || bad "--base-url wins over public_url: '$(qr "$WORK/over.pdf")'"
# A config whose public_url is no address stops the print, naming the file and the setting.
printf '[server]\npublic_url = 192.168.1.10\n' > "$WORK/data/fairmatch.conf"
check "print agendas, bad public_url" 1 "$fm" print agendas YQH-2026 --out "$WORK/bad.pdf"
has "bad public_url named" "$WORK/err" "public_url"
has "bad public_url's file named" "$WORK/err" "fairmatch.conf"
[ ! -e "$WORK/bad.pdf" ] && ok || bad "a refused print writes no file"
rm "$WORK/data/fairmatch.conf"
check "print tables" 0 "$fm" print tables YQH-2026 --out "$WORK/tables.pdf"
[ "$(pages "$WORK/tables.pdf")" = 3 ] && ok || bad "tables: 3 pages expected"
pdftotext -f 3 -l 3 "$WORK/tables.pdf" "$WORK/t3.txt"
has "table sheet 3" "$WORK/t3.txt" "3号桌"
has "table sheet 3 time" "$WORK/t3.txt" "14:30–14:50"
# Names wrap in their cells: look for the first six characters.
has "table sheet 3 supplier" "$WORK/t3.txt" "$(q "SELECT substr(name, 1, 6) FROM participants WHERE badge = 'S003'")"
png "$WORK/tables.pdf" 1 && ok || bad "table sheet to PNG"
check "print grid" 0 "$fm" print grid YQH-2026 --out "$WORK/grid.pdf"
[ "$(pages "$WORK/grid.pdf")" = 1 ] && ok || bad "grid: 1 page expected"
pdfinfo "$WORK/grid.pdf" | grep -q "841.89 x 595.276" && ok || bad "grid: A4 landscape expected"
text "$WORK/grid.pdf" > "$WORK/grid.txt"
has "grid tables" "$WORK/grid.txt" "1号桌"
has "grid slot" "$WORK/grid.txt" "14:00–14:20"
png "$WORK/grid.pdf" 1 && ok || bad "grid to PNG"
check "print signin" 0 "$fm" print signin YQH-2026 --out "$WORK/signin.pdf"
# Two days, buyers and suppliers each: 4 sheets.
[ "$(pages "$WORK/signin.pdf")" = 4 ] && ok || bad "signin: 4 pages expected, got $(pages "$WORK/signin.pdf")"
pdftotext -f 1 -l 1 -layout "$WORK/signin.pdf" "$WORK/s1.txt"
has "signin title" "$WORK/s1.txt" "签到表"
has "signin buyer" "$WORK/s1.txt" "$b1"
png "$WORK/signin.pdf" 1 && ok || bad "sign-in to PNG"
# Each row's QR code holds its badge number, as the badge's does: every sheet's rows decoded
# (the second day's sheets list no one in this fixture).
pdftoppm -r 150 -png "$WORK/signin.pdf" "$WORK/signin"
all=
for i in 1 2 3 4; do
  got=$(zbarimg -q --raw "$WORK/signin-$i.png" 2>/dev/null | sort | tr '\n' ' ')
  want=$(pdftotext -f $i -l $i -layout "$WORK/signin.pdf" - | grep -oE '\b[BS][0-9]{3}\b' | sort | tr '\n' ' ')
  [ "$got" = "$want" ] && ok || bad "sign-in sheet $i: QR codes '$got', badge numbers '$want'"
  all+=$got
done
want=$(q "SELECT badge FROM participants WHERE fair_id = (SELECT id FROM fairs WHERE code = 'YQH-2026') ORDER BY side, badge" | tr '\n' ' ')
[ "$all" = "$want" ] && ok || bad "the sign-in sheets' QR codes: '$all', the participants: '$want'"
# Badges: every participant's, its QR code the badge number the console's check-in box reads.
check "print badges" 0 "$fm" print badges YQH-2026 --out "$WORK/badges.pdf" --json
has "badges --json" "$WORK/out" '"document":"badges"'
pdftoppm -r 150 -png "$WORK/badges.pdf" "$WORK/badge"
got=$(zbarimg -q --raw "$WORK"/badge-*.png 2>/dev/null | sort | tr '\n' ' ')
want=$(q "SELECT badge FROM participants WHERE fair_id = (SELECT id FROM fairs WHERE code = 'YQH-2026') ORDER BY badge" | tr '\n' ' ')
[ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "badges' QR codes: '$got', the participants: '$want'"
text "$WORK/badges.pdf" > "$WORK/badges.txt"
has "a badge's company" "$WORK/badges.txt" "$b1"
has "a badge's side" "$WORK/badges.txt" "供应商 Supplier"
has "a badge says what its code is for" "$WORK/badges.txt" "scan to check in"
png "$WORK/badges.pdf" 1 && ok || bad "badges to PNG"
check "print agendas, unknown fair" 1 "$fm" print agendas NO-SUCH --out "$WORK/x.pdf"
has "unknown fair named" "$WORK/err" "NO-SUCH"
check "print agendas without a fair" 2 "$fm" print agendas --out "$WORK/x.pdf"
# A fair with no schedule still prints: nothing to list.
check "print grid of an unscheduled fair" 0 "$fm" print grid HQH-2026 --out "$WORK/empty.pdf"
[ "$(pages "$WORK/empty.pdf")" = 1 ] && ok || bad "an empty grid is one page"


# --- the fair's time zone governs the dates printed ---------------------------
# The guide's cover carries the day it was printed.  At a known instant, 20:30 UTC (the last
# one before now, set by libfaketime), it is already the next day in Shanghai (04:30) and
# still the same day in Moscow (23:30): the command line follows $TZ, the server its
# time_zone setting.
need faketime
libft=$(find /usr/lib -name libfaketimeMT.so.1 -print -quit 2>/dev/null)
[ -n "$libft" ] && ok || { bad "libfaketimeMT.so.1 not found (script/setup installs faketime)"; finish; exit 1; }
now=$(date +%s)
at=$(( (now - 73800) / 86400 * 86400 + 73800 ))		# 73800 s = 20:30:00 UTC
day() { TZ=$1 date -d "@$at" '+%Y 年 %m 月 %d 日'; }
[ "$(day Asia/Shanghai)" != "$(day Europe/Moscow)" ] && ok || bad "the test's instant is one day in both zones"
# ft: the environment that runs a command at $at; ASan accepts libfaketime loaded before it.
# The prints above are checked for leaks; these are not, as LeakSanitizer's slow unwinding
# (for the suppressions) makes the server's print of the guide take minutes on a busy machine.
ft=(FAKETIME="$((at - now))s" LD_PRELOAD="$libft"
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0")
for tz in Asia/Shanghai Europe/Moscow; do
  f="$WORK/guide-${tz#*/}.pdf"
  check "print guide in $tz" 0 env "${ft[@]}" TZ=$tz "$fm" print guide --out "$f"
  pdftotext -l 1 "$f" "${f%.pdf}.txt" 2>/dev/null
  has "guide printed in $tz: the day there" "${f%.pdf}.txt" "$(day "$tz")"
done
# No $TZ: China's time, as a clerk's command line on any box.
check "print guide without TZ" 0 env -u TZ "${ft[@]}" "$fm" print guide --out "$WORK/guide-noTZ.pdf"
pdftotext -l 1 "$WORK/guide-noTZ.pdf" "$WORK/guide-noTZ.txt" 2>/dev/null
has "guide printed without TZ: Shanghai's day" "$WORK/guide-noTZ.txt" "$(day Asia/Shanghai)"

# The server prints in its time_zone setting, whatever the box's $TZ.
need curl
printf 'organiser-pass-1\n' > "$WORK/pw"
"$fm" user add org --role organiser --password-file "$WORK/pw" >/dev/null || bad "user add"
token=$("$fm" user token org | tail -1 | awk '{print $NF}')
rm -f "$WORK/port"
printf '[server]\ntime_zone = Europe/Moscow\n' > "$WORK/data/fairmatch.conf"
env "${ft[@]}" TZ=Asia/Shanghai "$fm" serve --listen 127.0.0.1:0 --redirect-listen= \
  --port-file "$WORK/port" --threads 1 >/dev/null 2>"$WORK/server.err" &
srv=$!
trap 'kill -TERM $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
for _ in $(seq 1200); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] && ok || bad "the server did not start: $(head -3 "$WORK/server.err")"
api="https://localhost:$(cat "$WORK/port" 2>/dev/null)"
curl -s --max-time 900 -o "$WORK/out" --cacert "$WORK/data/tls/cert.pem" \
  -H "Authorization: Bearer $token" -X POST "$api/api/v1/print/guide?wait=1"
url=$("${PYTHON:-python3}" -c 'import json,sys; print(json.load(open(sys.argv[1]))["result"]["url"])' "$WORK/out" 2>/dev/null)
[ -n "$url" ] && ok || bad "the server printed no guide: $(head -c 300 "$WORK/out")"
curl -s --max-time 60 -o "$WORK/guide-server.pdf" --cacert "$WORK/data/tls/cert.pem" \
  -H "Authorization: Bearer $token" "$api$url"
pdftotext -l 1 "$WORK/guide-server.pdf" "$WORK/guide-server.txt" 2>/dev/null
has "guide printed by a server set to Europe/Moscow: Moscow's day" "$WORK/guide-server.txt" "$(day Europe/Moscow)"
kill -TERM $srv 2>/dev/null; wait $srv 2>/dev/null; trap - EXIT

finish
