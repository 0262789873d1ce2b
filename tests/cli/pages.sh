#!/usr/bin/env bash
# Personal pages: the real server on a loopback port with public_url set to
# https://fair.example/, a stored schedule of 渝洽会, its agendas printed
# over the API.  Every QR code in the PDF is decoded (zbarimg) and fetched
# from the server (curl --connect-to, trusting the certificate that init
# made for public_url's host, which also names host_names and the box's
# IPv4 addresses): each opens its participant's page with their
# meetings and no one else's.  The .ics of each is parsed and its times
# checked against the schedule; a supplier accepts a request from their
# page and the organiser's list shows it; a participant sets their away
# slots and representatives from their page, and only their own; a revoked (by the API or
# `schedule revoke-link`), an expired, a guessed and a malformed token open nothing, all with
# the same answer, and the next print's code opens the page again; another fair's token
# neither asks nor answers here.  The kiosk
# takes a meeting request from a buyer's link, or from their badge (any
# case) with the PIN printed on their agenda, with a contact phone; asking
# twice is one request; an unknown badge and a wrong PIN get the same
# answer; too many requests from one address get 429.  With the fair's time_zone set to
# Asia/Tokyo (no summer time) the page names the zone and the .ics keeps Tokyo's wall times
# with a VTIMEZONE of +0900; with Europe/Berlin (summer time) its times are in UTC; each
# checked against the schedule's wall times in that zone (Python's zoneinfo), and the links
# printed there end at the start of the day after the fair in Berlin.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need zbarimg pdftoppm pdftotext sqlite3 curl openssl
q() { sqlite3 "$db" "$1"; }
py=/usr/bin/python3; [ -x "$py" ] || py=python3
jq_() { "$py" -c "import json,sys; d=json.load(open('$WORK/out')); print($1)"; }

mkdir -p "$WORK/data" && printf '[server]\npublic_url = https://fair.example/\nhost_names = fair-hall.lan, fair.local\nkiosk_per_minute = 8\n' > "$WORK/data/fairmatch.conf"
"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" --no-index >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" --no-index >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  printf 'organiser-pass-1\n' > "$WORK/pw" &&
  "$fm" user add org --role organiser --password-file "$WORK/pw" >/dev/null || { echo "FAIL loading"; exit 1; }
token=$("$fm" user token org | tail -1 | awk '{print $NF}')
cert="$WORK/data/tls/cert.pem"
openssl x509 -in "$cert" -noout -ext subjectAltName > "$WORK/san" 2>&1
has "certificate names public_url's host" "$WORK/san" "DNS:fair.example"
has "certificate names the first of host_names" "$WORK/san" "DNS:fair-hall.lan"
has "certificate names the second of host_names" "$WORK/san" "DNS:fair.local"
# Each of the box's IPv4 addresses, so that a phone reaching it by address gets no warning.
lan=0
for a in $(hostname -I 2>/dev/null); do
  case "$a" in *:*|169.254.*) continue ;; esac
  has "certificate names the LAN address $a" "$WORK/san" "IP Address:$a"
  lan=$((lan + 1))
done
[ "$lan" -gt 0 ] || echo "note: hostname -I names no IPv4 address on this machine: no LAN address to look for"

# 渝洽会: 2 days of 4 slots, 3 tables, 4 buyers, 3 suppliers; in slots 1–4 table t
# seats supplier t with buyer (slot + t) mod 4.  杭州's fair gets one buyer and one supplier.
q "
INSERT INTO fair_days SELECT id, 1, '2026-05-21' FROM fairs WHERE code = 'YQH-2026';
INSERT INTO fair_days SELECT id, 2, '2026-05-22' FROM fairs WHERE code = 'YQH-2026';
INSERT INTO fair_slots SELECT f.id, s.n, s.d, s.st, s.en, s.se FROM fairs f,
  (SELECT 1 n, 1 d, '09:00' st, '09:20' en, 'am' se UNION ALL SELECT 2, 1, '09:30', '09:50', 'am'
   UNION ALL SELECT 3, 1, '14:00', '14:20', 'pm' UNION ALL SELECT 4, 1, '14:30', '14:50', 'pm'
   UNION ALL SELECT 5, 2, '09:00', '09:20', 'am') s
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
INSERT INTO participants (fair_id, side, buyer_id, badge, name)
  SELECT f.id, 'buyer', b.id, 'B001', b.name FROM fairs f, buyers b
  WHERE f.code <> 'YQH-2026' ORDER BY f.id, b.id DESC LIMIT 1;
-- Links last until the day after a fair: these fairs end in three days.
UPDATE fairs SET end_date = date('now', '+3 days');
" || { echo "FAIL: the schedule fixture does not fit the store's schema"; exit 1; }
other=$(q "SELECT f.code FROM participants p JOIN fairs f ON f.id = p.fair_id WHERE f.code <> 'YQH-2026'")
[ "$(q "SELECT count(*) FROM meetings")" = 12 ] && ok || bad "schedule fixture: 12 meetings expected"

# serve: the server on a free loopback port, as $srv on $port.
serve() {
  rm -f "$WORK/port"
  "$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/port" --threads 2 \
    --access-log "$WORK/access.log" 2>>"$WORK/server.err" &
  srv=$!
  for _ in $(seq 150); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  port=$(cat "$WORK/port")
}
serve
trap 'kill -TERM $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
# fair.example:443 is the loopback server, verified against the certificate init made.
fetch() { curl -s --connect-to "fair.example:443:127.0.0.1:$port" --cacert "$cert" "$@"; }
# api NAME STATUS METHOD PATH [JSON]: the organiser's request; the body in $WORK/out.
api() {
  local name=$1 want=$2 method=$3 path=$4 body=${5-} got
  local args=(-o "$WORK/out" -w '%{http_code}' -H "Authorization: Bearer $token" -X "$method")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  got=$(fetch "${args[@]}" "https://fair.example$path")
  [ "$got" = "$want" ] && ok || bad "$name: HTTP $got, wanted $want: $(head -c 300 "$WORK/out")"
}
# print FAIR OUT.pdf: the agendas rendered by the server, fetched.
print() {
  local url code i
  code=$(fetch -o "$WORK/out" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
    "https://fair.example/api/v1/fairs/$1/print/agendas?wait=1")
  case "$code" in 200|202) ok ;; *) bad "print agendas of $1: HTTP $code" ;; esac
  # Until the job is done.
  for i in $(seq 60); do
    url=$(jq_ 'd.get("result") and d["result"].get("url") or ""')
    [ -n "$url" ] && break
    sleep 0.5
    fetch -o "$WORK/out" -H "Authorization: Bearer $token" "https://fair.example/api/v1/jobs/$(jq_ 'd["id"]')"
  done
  fetch -o "$2" -H "Authorization: Bearer $token" "https://fair.example$url"
}
api "tls info" 200 GET /api/v1/tls
has "tls info: public_url" "$WORK/out" '"public_url":"https://fair.example"'
fp=$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | sed 's/.*=//')
has "tls info: the fingerprint openssl gives" "$WORK/out" "\"fingerprint_sha256\":\"$fp\""
fetch -o "$WORK/dl.crt" https://fair.example/api/v1/tls/fairmatch.crt
cmp -s "$WORK/dl.crt" "$cert" && ok || bad "the certificate download is not the certificate served"

print YQH-2026 "$WORK/agendas.pdf"
n=$(pdfinfo "$WORK/agendas.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
[ "$n" = 7 ] && ok || bad "agendas: 7 pages expected, got '$n'"
pdftoppm -r 100 -png "$WORK/agendas.pdf" "$WORK/page"
# ics_times TOKEN: the participant's .ics, checked against RFC 5545's form, as its meetings'
# sorted start-end times; sched_times BADGE: the same times from the stored schedule.
ics_times() {
  fetch -o "$WORK/agenda.ics" "https://fair.example/api/v1/p/$1/agenda.ics"
  "$py" - "$WORK/agenda.ics" <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read().decode('utf-8')
assert raw.endswith('\r\n') and '\n' not in raw.replace('\r\n', ''), 'lines must end in CRLF'
lines = raw.replace('\r\n ', '').split('\r\n')[:-1]
assert all(len(l.encode()) <= 75 for l in raw.split('\r\n')), 'a line longer than 75 octets'
assert lines[0] == 'BEGIN:VCALENDAR' and lines[-1] == 'END:VCALENDAR'
assert 'VERSION:2.0' in lines and any(l.startswith('PRODID:') for l in lines)
assert 'TZID:Asia/Shanghai' in lines
events, cur = [], None
for l in lines:
    if l == 'BEGIN:VEVENT': cur = {}
    elif l == 'END:VEVENT': events.append(cur); cur = None
    elif cur is not None:
        k, v = l.split(':', 1)
        cur[k] = v
uids = [e['UID'] for e in events]
assert len(set(uids)) == len(uids), 'UIDs repeat'
for e in events:
    assert 'DTSTAMP' in e and 'SUMMARY' in e
print(' '.join(sorted(e['DTSTART;TZID=Asia/Shanghai'] + '-' + e['DTEND;TZID=Asia/Shanghai'][9:] for e in events)))
PY
}
sched_times() {
  q "SELECT group_concat(w, ' ') FROM (SELECT replace(d.date, '-', '') || 'T' ||
    replace(s.start, ':', '') || '00-' || replace(s.end, ':', '') || '00' AS w FROM meetings m
    JOIN participants me ON me.badge = '$1' AND me.fair_id = m.fair_id
    JOIN fair_slots s ON s.fair_id = m.fair_id AND s.number = m.slot
    JOIN fair_days d ON d.fair_id = m.fair_id AND d.day = s.day
    WHERE m.buyer_pid = me.id OR m.supplier_pid = me.id ORDER BY w)"
}
seen=0
for i in $(seq 1 "${n:-0}"); do
  png=$(ls "$WORK"/page-*"$i".png | head -1)
  url=$(zbarimg -q --raw "$png" 2>/dev/null | head -1)
  badge=$(pdftotext -f "$i" -l "$i" "$WORK/agendas.pdf" - | sed -n 's/.*编号 \/ ID \([A-Z0-9]*\).*/\1/p' | head -1)
  case "$url" in
    https://fair.example/p/*) ok ;;
    *) bad "page $i: QR code '$url' is not https://fair.example/p/TOKEN"; continue ;;
  esac
  tok=${url#https://fair.example/p/}
  [ "${#tok}" = 43 ] && ok || bad "page $i: token '$tok' is not 256 bits of base64url"
  echo "$badge $tok" >> "$WORK/tokens"
  # The page itself, then what it reads.
  code=$(fetch -o "$WORK/page.html" -w '%{http_code}' "$url")
  [ "$code" = 200 ] && grep -q '/p/page.js' "$WORK/page.html" && ok || bad "page $i: $url answers $code"
  code=$(fetch -o "$WORK/out" -w '%{http_code}' "https://fair.example/api/v1/p/$tok")
  [ "$code" = 200 ] && ok || { bad "page $i: its data answers $code"; continue; }
  [ "$(jq_ 'd["me"]["badge"], d["fair"]["code"]')" = "$badge YQH-2026" ] && ok ||
    bad "page $i ($badge): opens $(jq_ 'd["me"]["badge"], d["fair"]["code"]')"
  # Exactly their meetings: the partners and slots the store has for this badge.
  got=$(jq_ '" ".join(sorted("%s@%s" % (m["with"]["badge"], m["slot"]) for m in d["meetings"]))')
  want=$(q "SELECT group_concat(w, ' ') FROM (SELECT o.badge || '@' || m.slot AS w FROM meetings m
    JOIN participants me ON me.badge = '$badge' AND me.fair_id = m.fair_id
    JOIN participants o ON o.id = CASE WHEN m.buyer_pid = me.id THEN m.supplier_pid ELSE m.buyer_pid END
    WHERE m.buyer_pid = me.id OR m.supplier_pid = me.id ORDER BY w)")
  [ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "page $i ($badge): meetings '$got', the store has '$want'"
  [ "$(jq_ 'sum(1 for m in d["meetings"] if m["changed"])')" = 0 ] && ok || bad "page $i: a meeting marked changed right after printing"
  # The calendar: one VEVENT per meeting, each at its slot's time in Asia/Shanghai.
  got=$(ics_times "$tok") want=$(sched_times "$badge")
  [ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "page $i ($badge): .ics has '$got', the schedule '$want'"
  seen=$((seen + 1))
done
[ "$seen" = 7 ] && ok || bad "only $seen of 7 QR codes led to a page"

tok_of() { awk -v b="$1" '$1 == b { print $2 }' "$WORK/tokens"; }
page() { fetch -o "$WORK/out" -w '%{http_code}' "https://fair.example/api/v1/p/$1${2-}"; }

# Printing again gives the same codes: the paper already handed out stays good.
print YQH-2026 "$WORK/again.pdf"
pdftoppm -r 100 -png -f 1 -l 1 "$WORK/again.pdf" "$WORK/again"
[ "$(zbarimg -q --raw "$WORK"/again-*1.png 2>/dev/null | sed 's|.*/p/||')" = "$(tok_of B001)" ] && ok ||
  bad "a second print changed B001's code"

# A request from B001 to S001, answered on S001's page; the organisers see the answer.
q "INSERT INTO meeting_requests (fair_id, buyer_pid, supplier_pid, state, asked_by)
  SELECT b.fair_id, b.id, s.id, 'asked', 'kiosk' FROM participants b, participants s
  WHERE b.badge = 'B001' AND s.badge = 'S001' AND b.fair_id = s.fair_id
  AND b.fair_id = (SELECT id FROM fairs WHERE code = 'YQH-2026')"
rid=$(q "SELECT id FROM meeting_requests")
[ "$(page "$(tok_of S001)")" = 200 ] && ok || bad "S001's page"
[ "$(jq_ '[(r["id"], r["state"], r["with"]["badge"]) for r in d["incoming"]]')" = "[($rid, 'asked', 'B001')]" ] &&
  ok || bad "S001's page: incoming $(jq_ 'd["incoming"]')"
[ "$(page "$(tok_of B001)")" = 200 ] && [ "$(jq_ '[(r["state"], r["with"]["badge"]) for r in d["outgoing"]]')" = "[('asked', 'S001')]" ] &&
  ok || bad "B001's page: outgoing $(jq_ 'd.get("outgoing")')"
answer() { fetch -o "$WORK/out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -H 'X-Requested-With: fetch' \
  --data-binary "{\"state\":\"$3\"}" "https://fair.example/api/v1/p/$1/requests/$2"; }
[ "$(answer "$(tok_of B001)" "$rid" accepted)" = 404 ] && ok || bad "the buyer answered a request to someone else"
[ "$(answer "$(tok_of S002)" "$rid" accepted)" = 404 ] && ok || bad "S002 answered S001's request"
[ "$(answer "$(tok_of S001)" "$rid" maybe)" = 400 ] && ok || bad "an answer 'maybe' taken"
[ "$(q "SELECT state FROM meeting_requests")" = asked ] && ok || bad "a refused answer changed the request"
[ "$(answer "$(tok_of S001)" "$rid" accepted)" = 200 ] && ok || bad "S001 cannot accept: $(cat "$WORK/out")"
api "requests" 200 GET /api/v1/fairs/YQH-2026/requests
[ "$(jq_ '[(r["state"], r["decided_by"]) for r in d["requests"]]')" = "[('accepted', 'link:S001')]" ] &&
  ok || bad "the organisers' list: $(cat "$WORK/out")"

# Availability from the page: S003 is away in slot 2 and comes with 2; the organisers see it.
avail() { fetch -o "$WORK/out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -H 'X-Requested-With: fetch' \
  --data-binary "$2" "https://fair.example/api/v1/p/$1/availability"; }
away_of() { q "SELECT coalesce(group_concat(u.slot), '') || ' ' || p.reps FROM participants p LEFT JOIN
  participant_unavailable u ON u.participant_id = p.id WHERE p.badge = '$1' AND p.fair_id =
  (SELECT id FROM fairs WHERE code = 'YQH-2026')"; }
s1=$(away_of S001)
[ "$(avail "$(tok_of S003)" '{"away":[2],"reps":2,"badge":"S001"}')" = 200 ] &&
  [ "$(jq_ 'd["me"]["badge"], d["me"]["away"], d["me"]["reps"]')" = "S003 [2] 2" ] && ok ||
  bad "S003 away in slot 2 from the page: $(cat "$WORK/out")"
[ "$(away_of S003)" = "2 2" ] && ok || bad "S003's availability in the store: $(away_of S003)"
[ "$(away_of S001)" = "$s1" ] && ok || bad "a badge in the body changed S001: $(away_of S001)"
api "the organisers see S003 away" 200 GET /api/v1/fairs/YQH-2026/participants/S003
[ "$(jq_ 'd["away"], d["reps"]')" = "[2] 2" ] && ok || bad "the organisers' view of S003: $(cat "$WORK/out")"
[ "$(avail "$(tok_of S003)" '{"away":[99]}')" = 400 ] && ok || bad "away in slot 99: $(cat "$WORK/out")"
has "slot 99 is named" "$WORK/out" "has no slot 99"
[ "$(avail "$(tok_of S003)" '{"reps":21}')" = 400 ] && ok || bad "21 representatives taken: $(cat "$WORK/out")"
[ "$(avail "$(tok_of S003)" '{"back":"all"}')" = 400 ] && ok || bad "back: all taken from a page: $(cat "$WORK/out")"
[ "$(away_of S003)" = "2 2" ] && ok || bad "a refused change changed S003: $(away_of S003)"
[ "$(avail "$(tok_of S003)" '{"back":[2]}')" = 200 ] && [ "$(away_of S003)" = " 2" ] && ok ||
  bad "S003 back in slot 2: $(away_of S003) $(cat "$WORK/out")"
guess1=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | head -c 43)
[ "$(avail "$guess1" '{"away":[1]}')" = 404 ] && ok || bad "a guessed token set availability: $(cat "$WORK/out")"

# The kiosk: B002 asks for S002's product by badge (lower case) and the PIN on its agenda.
pdftotext "$WORK/agendas.pdf" "$WORK/agendas.txt"
pin=$(tr '\n' ' ' < "$WORK/agendas.txt" | sed -n 's/.*ID B002 · 自助机 PIN \/ kiosk PIN *\([0-9]\{6\}\).*/\1/p')
[ -n "$pin" ] && ok || bad "B002's agenda has no kiosk PIN: $(grep -m1 'B002' "$WORK/agendas.txt")"
[ "$("$fm" schedule pin YQH-2026 B002)" = "$pin" ] && ok || bad "schedule pin differs from the printed PIN"
tr '\n' ' ' < "$WORK/agendas.txt" | grep -q 'ID S001 · 自助机 PIN' && bad "a supplier's agenda has a kiosk PIN" || ok
pcode=$(q "SELECT p.code FROM products p JOIN participants s ON s.supplier_id = p.supplier_id
  WHERE s.badge = 'S002' AND s.fair_id = (SELECT id FROM fairs WHERE code = 'YQH-2026') ORDER BY p.id LIMIT 1")
kiosk() { fetch -o "$WORK/out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -H 'X-Requested-With: fetch' --data-binary "$1" https://fair.example/api/v1/fairs/YQH-2026/requests; }
asks() { q "SELECT count(*) || ' ' || coalesce(group_concat(contact_phone), '') FROM meeting_requests"; }
[ "$(kiosk "{\"badge\":\"b002\",\"pin\":\"$pin\",\"product\":\"$pcode\",\"phone\":\"138 1234 5678\"}")" = 201 ] &&
  ok || bad "a request by badge and PIN: $(cat "$WORK/out")"
kid=$(jq_ 'd.get("id")')
[ "$(asks)" = "2 13812345678" ] && ok || bad "the request's phone: $(asks)"
[ "$(kiosk "{\"badge\":\"B002\",\"pin\":\"$pin\",\"product\":\"$pcode\",\"phone\":\"0571-87654321\"}")" = 201 ] &&
  [ "$(jq_ 'd.get("id")')" = "$kid" ] && ok || bad "asking again: $(cat "$WORK/out")"
[ "$(asks)" = "2 0571-87654321" ] && ok || bad "asking again made another request: $(asks)"
[ "$(kiosk "{\"badge\":\"B002\",\"pin\":\"$pin\",\"product\":\"$pcode\",\"phone\":\"12345\"}")" = 400 ] &&
  has "a bad phone is named" "$WORK/out" 'contact phone' || bad "a bad phone taken: $(cat "$WORK/out")"
[ "$(asks)" = "2 0571-87654321" ] && ok || bad "a bad phone changed the request: $(asks)"
# An unknown badge and a wrong PIN: one answer, naming no badge.
[ "$(kiosk "{\"badge\":\"B999\",\"pin\":\"$pin\",\"product\":\"$pcode\",\"phone\":\"13812345678\"}")" = 403 ] &&
  ok || bad "an unknown badge: $(cat "$WORK/out")"
cp "$WORK/out" "$WORK/unknown.json"
has "the refusal says what to check" "$WORK/unknown.json" 'check the badge number and PIN printed on your agenda'
grep -q 'B0\|B9' "$WORK/unknown.json" && bad "the refusal names a badge: $(cat "$WORK/unknown.json")" || ok
wrong=$(printf '%06d' $(( (10#$pin + 1) % 1000000 )))
[ "$(kiosk "{\"badge\":\"B003\",\"pin\":\"$wrong\",\"product\":\"$pcode\",\"phone\":\"13812345678\"}")" = 403 ] &&
  cmp -s "$WORK/out" "$WORK/unknown.json" && ok || bad "a wrong PIN answers differently: $(cat "$WORK/out")"
guess0=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | head -c 43)
[ "$(kiosk "{\"link\":\"$guess0\",\"product\":\"$pcode\",\"phone\":\"13812345678\"}")" = 403 ] &&
  cmp -s "$WORK/out" "$WORK/unknown.json" && ok || bad "a guessed link answers differently: $(cat "$WORK/out")"
[ "$(asks)" = "2 0571-87654321" ] && ok || bad "a refused request changed something: $(asks)"
# By the personal link: B004 asks for the same product.
[ "$(kiosk "{\"link\":\"$(tok_of B004)\",\"product\":\"$pcode\",\"phone\":\"13912345678\"}")" = 201 ] &&
  ok || bad "a request by link: $(cat "$WORK/out")"
[ "$(q "SELECT b.badge FROM meeting_requests r JOIN participants b ON b.id = r.buyer_pid WHERE r.contact_phone = '13912345678'")" = B004 ] &&
  ok || bad "the request by link is not B004's"
# Eight requests a minute from one address: asking on and on is refused with 429.  Asked
# until refused rather than counted, as on a loaded machine a minute may pass between two
# requests; eight a minute cannot last 40 requests unless each took 7.5 s.
for k in $(seq 10 49); do
  phone=137000000$k
  code=$(fetch -o "$WORK/out" -D "$WORK/headers" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H 'X-Requested-With: fetch' --data-binary "{\"badge\":\"B002\",\"pin\":\"$pin\",\"product\":\"$pcode\",\"phone\":\"$phone\"}" \
    https://fair.example/api/v1/fairs/YQH-2026/requests)
  [ "$code" = 429 ] && break
done
[ "$code" = 429 ] && grep -qi '^retry-after: [1-9]' "$WORK/headers" && ok || bad "asking on and on: HTTP $code"
has "429 says what to do" "$WORK/out" 'too many meeting requests from this device; try again in'
[ "$(q "SELECT count(*) FROM meeting_requests WHERE contact_phone = '$phone'")" = 0 ] && ok ||
  bad "a refused request was recorded"

# A moved meeting is marked on the page as changed since printing.
ics_before=$(ics_times "$(tok_of S001)")
q "UPDATE meetings SET slot = 5 WHERE slot = 1 AND table_no = 1"
page "$(tok_of S001)" >/dev/null
[ "$(jq_ '[m["slot"] for m in d["meetings"] if m["changed"]]')" = "[5]" ] && ok ||
  bad "the moved meeting is not marked: $(jq_ '[(m["slot"], m["changed"]) for m in d["meetings"]]')"
# The calendar follows the schedule: S001's .ics now has the meeting at slot 5's time.
got=$(ics_times "$(tok_of S001)") want=$(sched_times S001)
[ -n "$want" ] && [ "$got" = "$want" ] && [ "$got" != "$ics_before" ] && ok ||
  bad "S001's .ics after the move has '$got', the schedule '$want', before the move '$ics_before'"

# What opens nothing: each answers the same 404, saying nothing of why.
api "revoke B002" 200 POST /api/v1/fairs/YQH-2026/participants/B002/link/revoke
api "revoke again" 404 POST /api/v1/fairs/YQH-2026/participants/B002/link/revoke
[ "$(page "$(tok_of B002)")" = 404 ] && ok || bad "a revoked link still opens"
cp "$WORK/out" "$WORK/revoked.json"
[ "$(page "$(tok_of B002)" /agenda.ics)" = 404 ] && ok || bad "a revoked link still gives the .ics"
[ "$(avail "$(tok_of B002)" '{"away":[1]}')" = 404 ] && cmp -s "$WORK/out" "$WORK/revoked.json" && ok ||
  bad "a revoked link sets availability: $(cat "$WORK/out")"
q "UPDATE participant_links SET expires_at = strftime('%s', 'now') - 1 WHERE participant_id =
  (SELECT p.id FROM participants p JOIN fairs f ON f.id = p.fair_id WHERE f.code = 'YQH-2026' AND badge = 'B003')"
[ "$(page "$(tok_of B003)")" = 404 ] && ok || bad "an expired link still opens"
cmp -s "$WORK/out" "$WORK/revoked.json" && ok || bad "expired and revoked answer differently"
guess=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | head -c 43)
[ "$(page "$guess")" = 404 ] && ok || bad "a guessed token opens something"
cmp -s "$WORK/out" "$WORK/revoked.json" && ok || bad "a guess answers differently from a revoked link"
[ "$(page "B001")" = 404 ] && ok || bad "a badge works as a token"
[ "$(page "$(tok_of B001 | tr 'A-Za-f' 'B-Za-g')")" = 404 ] && ok || bad "a changed token opens"
[ "$(fetch -o /dev/null -w '%{http_code}' https://fair.example/p/B001)" = 200 ] && ok || bad "/p/ANY serves the page"
# The help desk revokes B004's link from the command line (the badge in any case).
"$fm" schedule revoke-link YQH-2026 b004 > "$WORK/revoke.out" 2>&1 && ok || bad "schedule revoke-link: $(cat "$WORK/revoke.out")"
has "revoke-link says what it did" "$WORK/revoke.out" "revoked the personal link of b004"
[ "$(page "$(tok_of B004)")" = 404 ] && cmp -s "$WORK/out" "$WORK/revoked.json" && ok ||
  bad "B004's link opens after schedule revoke-link: $(cat "$WORK/out")"
"$fm" schedule revoke-link YQH-2026 B004 > "$WORK/revoke.out" 2>&1
[ $? = 1 ] && ok || bad "revoking B004 twice did not fail"
has "a second revoke names the badge" "$WORK/revoke.out" "B004 has no live link at YQH-2026"
"$fm" schedule revoke-link NO-SUCH-FAIR B001 > "$WORK/revoke.out" 2>&1
[ $? = 1 ] && grep -q 'NO-SUCH-FAIR' "$WORK/revoke.out" && ok || bad "revoking at an unknown fair: $(cat "$WORK/revoke.out")"
"$fm" schedule revoke-link YQH-2026 > "$WORK/revoke.out" 2>&1
[ $? = 2 ] && has "revoke-link's usage" "$WORK/revoke.out" "schedule revoke-link FAIR BADGE" || bad "revoke-link without a badge: $(cat "$WORK/revoke.out")"
[ "$(page "$(tok_of B001)")" = 200 ] && ok || bad "revoking B002 and B004 shut B001's link"
# The next print gives B002 a new code that opens its page; the old one stays shut.
print YQH-2026 "$WORK/third.pdf"
pdftoppm -r 100 -png -f 2 -l 2 "$WORK/third.pdf" "$WORK/third"
new=$(zbarimg -q --raw "$WORK"/third-*2.png 2>/dev/null | sed 's|.*/p/||')
[ -n "$new" ] && [ "$new" != "$(tok_of B002)" ] && [ "$(page "$new")" = 200 ] &&
  [ "$(jq_ 'd["me"]["badge"]')" = B002 ] && ok || bad "B002's new code after revoking: '$new'"
[ "$(page "$(tok_of B002)")" = 404 ] && ok || bad "a revoked link opens again after printing"
pdftoppm -r 100 -png -f 4 -l 4 "$WORK/third.pdf" "$WORK/third"
new4=$(zbarimg -q --raw "$WORK"/third-*4.png 2>/dev/null | sed 's|.*/p/||')
[ -n "$new4" ] && [ "$new4" != "$(tok_of B004)" ] && [ "$(page "$new4")" = 200 ] &&
  [ "$(jq_ 'd["me"]["badge"]')" = B004 ] && ok || bad "B004's new code after schedule revoke-link: '$new4'"
[ "$(page "$(tok_of B004)")" = 404 ] && ok || bad "the link revoked on the command line opens again after printing"

# A lost link.key: printing still works, with new codes; the old ones stop opening.
rm "$WORK/data/link.key"
print YQH-2026 "$WORK/newkey.pdf"
pdftoppm -r 100 -png -f 1 -l 1 "$WORK/newkey.pdf" "$WORK/newkey"
nk=$(zbarimg -q --raw "$WORK"/newkey-*1.png 2>/dev/null | sed 's|.*/p/||')
[ -n "$nk" ] && [ "$nk" != "$(tok_of B001)" ] && [ "$(page "$nk")" = 200 ] &&
  [ "$(jq_ 'd["me"]["badge"]')" = B001 ] && ok || bad "printing after link.key was lost: '$nk'"
[ "$(page "$(tok_of B001)")" = 404 ] && ok || bad "B001's code from the old key still opens"
[ "$(stat -c %a "$WORK/data/link.key")" = 600 ] && ok || bad "link.key is not 0600"

# Another fair's B001 has its own code: its page is that fair's, with none of 渝洽会's meetings.
print "$other" "$WORK/other.pdf"
pdftoppm -r 100 -png -f 1 -l 1 "$WORK/other.pdf" "$WORK/other"
otok=$(zbarimg -q --raw "$WORK"/other-*1.png 2>/dev/null | sed 's|.*/p/||')
[ -n "$otok" ] && [ "$otok" != "$(tok_of B001)" ] && [ "$(page "$otok")" = 200 ] &&
  [ "$(jq_ 'd["fair"]["code"], len(d["meetings"]), len(d["incoming"]) + len(d["outgoing"])')" = "$other 0 0" ] &&
  ok || bad "the other fair's B001: $(cat "$WORK/out")"
b1=$(away_of B001)
avail "$otok" '{"away":[1]}' >/dev/null
[ "$(away_of B001)" = "$b1" ] && ok || bad "the other fair's B001 changed 渝洽会's B001: $(away_of B001)"
# Nor does it ask at 渝洽会's kiosk (from another address: this one has used up its
# requests) or answer 渝洽会's requests.
code=$(fetch --interface 127.0.0.3 -o "$WORK/out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -H 'X-Requested-With: fetch' --data-binary "{\"link\":\"$otok\",\"product\":\"$pcode\",\"phone\":\"13812345678\"}" \
  https://fair.example/api/v1/fairs/YQH-2026/requests)
[ "$code" = 403 ] && cmp -s "$WORK/out" "$WORK/unknown.json" && ok || bad "another fair's link asked at 渝洽会: $code $(cat "$WORK/out")"
[ "$(answer "$otok" "$kid" declined)" = 404 ] && [ "$(q "SELECT state FROM meeting_requests WHERE id = $kid")" = asked ] &&
  ok || bad "another fair's link answered 渝洽会's request $kid: $(cat "$WORK/out")"

# The fair's time zone.  zone_check ZONE TOKEN BADGE: the page names ZONE, and the .ics's
# meetings are the schedule's wall times in ZONE: in ZONE itself (TZID, with a VTIMEZONE of
# its one offset) when fixed is "tzid", in UTC when it is "utc".
zone_check() {
  local zone=$1 tok=$2 badge=$3 form=$4
  [ "$(page "$tok")" = 200 ] && [ "$(jq_ 'd.get("time_zone")')" = "$zone" ] && ok ||
    bad "$zone: the page's time_zone: $(head -c 200 "$WORK/out")"
  q "SELECT d.date || ' ' || s.start || ' ' || s.end FROM meetings m
    JOIN participants me ON me.badge = '$badge' AND me.fair_id = m.fair_id
    JOIN fair_slots s ON s.fair_id = m.fair_id AND s.number = m.slot
    JOIN fair_days d ON d.fair_id = m.fair_id AND d.day = s.day
    WHERE m.buyer_pid = me.id OR m.supplier_pid = me.id" > "$WORK/walls"
  fetch -o "$WORK/agenda.ics" "https://fair.example/api/v1/p/$tok/agenda.ics"
  "$py" - "$WORK/agenda.ics" "$WORK/walls" "$zone" "$form" > "$WORK/zone.out" 2>&1 <<'PY'
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo
raw = open(sys.argv[1], 'rb').read().decode('utf-8')
zone, form = sys.argv[3], sys.argv[4]
tz = ZoneInfo(zone)
lines = raw.replace('\r\n ', '').split('\r\n')[:-1]
assert 'X-WR-TIMEZONE:' + zone in lines, 'no X-WR-TIMEZONE of the zone'
def utc(when):
    return datetime.strptime(when, '%Y-%m-%d %H:%M').replace(tzinfo=tz).astimezone(timezone.utc)
want = sorted((utc(d + ' ' + s), utc(d + ' ' + e)) for d, s, e in (l.split() for l in open(sys.argv[2]) if l.strip()))
offset, events, cur, block = None, [], None, []
for l in lines:
    block.append(l)
    if l.startswith('TZOFFSETTO:'):
        v = l.split(':', 1)[1]
        sign = -1 if v[0] == '-' else 1
        offset = sign * timedelta(hours=int(v[1:3]), minutes=int(v[3:5]))
    if l == 'BEGIN:VEVENT': cur = {}
    elif l == 'END:VEVENT': events.append(cur); cur = None
    elif cur is not None:
        k, v = l.split(':', 1)
        cur[k] = v
if form == 'tzid':
    assert 'TZID:' + zone in lines and offset is not None, 'no VTIMEZONE for ' + zone
    def at(e, k):
        v = e['%s;TZID=%s' % (k, zone)]
        return (datetime.strptime(v, '%Y%m%dT%H%M%S') - offset).replace(tzinfo=timezone.utc)
else:
    assert not any(l.startswith('TZID') or ';TZID=' in l for l in lines), 'a TZID for a zone with summer time'
    def at(e, k):
        v = e[k]
        assert v.endswith('Z'), k + ' is not UTC: ' + v
        return datetime.strptime(v, '%Y%m%dT%H%M%SZ').replace(tzinfo=timezone.utc)
got = sorted((at(e, 'DTSTART'), at(e, 'DTEND')) for e in events)
assert want and got == want, 'the .ics has %s, the schedule %s' % (got, want)
print('ok')
PY
  [ "$(cat "$WORK/zone.out")" = ok ] && ok || bad "$zone: the .ics of $badge: $(tail -3 "$WORK/zone.out")"
}
restart_in() {
  kill -TERM "$srv" 2>/dev/null; wait "$srv" 2>/dev/null
  printf '[server]\npublic_url = https://fair.example/\nhost_names = fair-hall.lan, fair.local\nkiosk_per_minute = 8\ntime_zone = %s\n' "$1" > "$WORK/data/fairmatch.conf"
  serve
}
restart_in Asia/Tokyo
zone_check Asia/Tokyo "$nk" B001 tzid
grep -q 'TZOFFSETTO:+0900' "$WORK/agenda.ics" && ok || bad "Tokyo's VTIMEZONE is not +0900"
restart_in Europe/Berlin
zone_check Europe/Berlin "$nk" B001 utc
# Printed in Berlin, the links end at the start of the day after the fair there.
print YQH-2026 "$WORK/berlin.pdf"
want=$("$py" -c "
from datetime import date, datetime, timedelta; from zoneinfo import ZoneInfo
d = date.fromisoformat('$(q "SELECT end_date FROM fairs WHERE code = 'YQH-2026'")') + timedelta(days=1)
print(int(datetime(d.year, d.month, d.day, tzinfo=ZoneInfo('Europe/Berlin')).timestamp()))")
[ "$(q "SELECT DISTINCT k.expires_at FROM participant_links k JOIN participants p ON p.id = k.participant_id
  JOIN fairs f ON f.id = p.fair_id WHERE f.code = 'YQH-2026' AND k.revoked = 0")" = "$want" ] && ok ||
  bad "links printed in Berlin end at $(q "SELECT group_concat(DISTINCT expires_at) FROM participant_links WHERE revoked = 0"), not $want"
finish
