#!/usr/bin/env bash
# Two boxes in step over HTTPS: the province's server and 渝洽会's server,
# each on its own loopback port with its own data directory.  The fair box
# runs `sync --peer` against the province: the catalogues, the fair and its
# participants arrive and the fair box's own server searches them; the
# fair's schedule, an outcome and its evidence go home in the next
# exchange.  The exchange needs the token of a `site` account on the
# province: without one it is refused (401), with an organiser's too (403),
# and a site's token is refused on every other route the server has.  An
# exchange repeated moves nothing; both boxes then hold the same rows.  A
# tampered file and one from an unknown site are refused (403) with nothing
# changed; a wrong certificate is refused by the client.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
fm=$FAIRMATCH
P=$WORK/province F=$WORK/fair X=$WORK/xibo
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/sync_lib.bash"
need curl sqlite3 python3

two_boxes || { echo "FAIL setting up"; exit 1; }

# serve DIR NAME: a server on a free loopback port; its port in $WORK/NAME.port.
pids=()
serve() {
  "$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/$2.port" --threads 2 \
    --data "$1" 2>"$WORK/$2.err" &
  pids+=($!)
}
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait' EXIT
serve "$P" province
serve "$F" fair
for _ in $(seq 600); do [ -s "$WORK/province.port" ] && [ -s "$WORK/fair.port" ] && break; sleep 0.1; done
purl="https://localhost:$(cat "$WORK/province.port")"
furl="https://localhost:$(cat "$WORK/fair.port")"

check "who is the peer" 0 curl -sf --cacert "$P/tls/cert.pem" "$purl/api/v1/sync"
has "who is the peer" "$WORK/out" '"site":"province"'

# The fair box's account on the province: the site role, which syncs and does nothing else.
"$fm" user add yqh-box --role site --data "$P" >/dev/null &&
  stoken=$("$fm" user token yqh-box --label 渝洽会 --data "$P" | tail -1 | awk '{print $NF}') ||
  { echo "FAIL the site account"; exit 1; }
check "sync without a token" 1 "$fm" sync --peer "$purl" --cacert "$P/tls/cert.pem" --data "$F"
has "sync without a token" "$WORK/err" "HTTP 401"
printf 'organiser-pass-1\n' >"$WORK/pw"
"$fm" user add org --role organiser --password-file "$WORK/pw" --data "$P" >/dev/null
otoken=$("$fm" user token org --data "$P" | tail -1 | awk '{print $NF}')
check "an organiser's token" 1 "$fm" sync --peer "$purl" --cacert "$P/tls/cert.pem" --token "$otoken" --data "$F"
has "an organiser's token" "$WORK/err" "HTTP 403"
[ "$(q "$F" "SELECT count(*) FROM products")" = 0 ] && ok || bad "a refused exchange brought rows"
# Every other route refuses the site's token: each POST route the server lists, and a read.
grep -o '{ "POST", *"/[^"]*"' "$(dirname "$0")/../../src/server/api.c" | sed 's/.*"\(\/[^"]*\)"/\1/' |
  grep -v '^/api/v1/sync' | sed 's/\*/YQH-2026/g' >"$WORK/routes"
[ "$(wc -l <"$WORK/routes")" -gt 30 ] && ok || bad "the server's routes were not read: $(wc -l <"$WORK/routes")"
while read -r path; do
  status=$(curl -s -o "$WORK/out" -w '%{http_code}' --cacert "$P/tls/cert.pem" -H "Authorization: Bearer $stoken" \
    -H 'Content-Type: application/json' --data-binary '{}' "$purl$path")
  [ "$status" = 403 ] && grep -q "may not do this" "$WORK/out" && ok || bad "POST $path with a site's token: HTTP $status"
done <"$WORK/routes"
status=$(curl -s -o "$WORK/out" -w '%{http_code}' --cacert "$P/tls/cert.pem" -H "Authorization: Bearer $stoken" \
  "$purl/api/v1/search?q=%E8%8C%B6")
[ "$status" = 403 ] && ok || bad "search with a site's token: HTTP $status"

# The first exchange: the province's catalogues and fair come down.
check "sync down" 0 "$fm" sync --peer "$purl" --cacert "$P/tls/cert.pem" --token "$stoken" --json --data "$F"
has "sync down" "$WORK/out" '"peer":"province"'
[ "$(q "$F" "SELECT count(*) FROM products")" = "$(q "$P" "SELECT count(*) FROM products")" ] &&
  [ "$(q "$F" "SELECT count(*) FROM participants")" -gt 0 ] && ok ||
  bad "catalogues not at the fair box: $(q "$F" "SELECT count(*) FROM products") products"
# The fair box's own server searches what arrived (its indexes were replayed); poll, as
# the server notices a changed index on its own schedule.
found=0
for _ in $(seq 300); do
  curl -s --cacert "$F/tls/cert.pem" "$furl/api/v1/search?q=%E8%8C%B6" >"$WORK/search.json"
  grep -q '"code"' "$WORK/search.json" && { found=1; break; }
  sleep 0.2
done
[ "$found" = 1 ] && ok || bad "the fair box's server finds nothing: $(head -c 200 "$WORK/search.json")"

# The fair runs: a schedule and an outcome with evidence go up in the next exchange.
check "schedule at fair" 0 "$fm" schedule YQH-2026 --time-limit 5 --publish --data "$F"
mid=$(q "$F" "SELECT id FROM meetings ORDER BY id LIMIT 1")
printf '渝洽会签约合同 %s\n' "$mid" >"$WORK/合同.pdf"
check "outcome at fair" 0 "$fm" outcome YQH-2026 "$mid" --held --contract --amount 300 \
  --evidence "$WORK/合同.pdf" --data "$F"
# A changeset over max_body_bytes (1 MB: a 2 MB scan): the site's token lifts the limit.
head -c 2097152 /dev/urandom >"$WORK/扫描件.bin"
check "outcome with a big scan" 0 "$fm" outcome YQH-2026 "$mid" --evidence "$WORK/扫描件.bin" --data "$F"
token=$stoken
# The two files go home first on a USB stick; the link then comes up before the province's
# answer reached the fair box, so the exchange repeats their rows: the province says it holds
# them and they are not carried again, only a file added since is.
check "by USB first" 0 "$fm" sync export --to "$WORK/usb.sync" --json --data "$F"
has "by USB first" "$WORK/out" '"files":2'
check "the province applies the USB file" 0 "$fm" sync import "$WORK/usb.sync" --data "$P"
printf '渝洽会补充协议 %s\n' "$mid" >"$WORK/补充协议.txt"
check "outcome with one more file" 0 "$fm" outcome YQH-2026 "$mid" --evidence "$WORK/补充协议.txt" --data "$F"
check "sync up" 0 "$fm" sync --peer "$purl" --cacert "$P/tls/cert.pem" --token "$token" --json --data "$F"
python3 - "$WORK/out" <<'PY' && ok || bad "the files the province holds were carried again: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["sent"]["files"] == 1 and d["sent"]["held"] == 2, d
PY
[ "$(q "$P" "SELECT amount_cents FROM outcomes WHERE meeting_id = $mid")" = 30000 ] && ok ||
  bad "the outcome did not reach the province"
for f in 合同.pdf 扫描件.bin 补充协议.txt; do
  sha=$(sha256sum "$WORK/$f" | cut -d' ' -f1)
  cmp -s "$WORK/$f" "$P/uploads/${sha:0:2}/$sha" && ok || bad "evidence $f not kept at the province"
done
[ "$(q "$P" "SELECT count(*) FROM meetings")" = "$(q "$F" "SELECT count(*) FROM meetings")" ] && ok ||
  bad "meetings differ"

# Repeated until acknowledged both ways, an exchange moves nothing; the boxes hold the same rows.
"$fm" sync --peer "$purl" --cacert "$P/tls/cert.pem" --token "$token" --data "$F" >/dev/null
check "idle exchange" 0 "$fm" sync --peer "$purl" --cacert "$P/tls/cert.pem" --token "$token" --json --data "$F"
python3 - "$WORK/out" <<'PY' && ok || bad "an idle exchange moved something: $(cat "$WORK/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["sent"]["changes"] == 0 and d["received"]["changes"] == 0, d
PY
dump "$P" >"$WORK/p.dump"; dump "$F" >"$WORK/f.dump"
cmp -s "$WORK/p.dump" "$WORK/f.dump" && ok || { bad "the boxes differ"; diff "$WORK/p.dump" "$WORK/f.dump" | head -6; }

# Refused with nothing changed: a tampered file, a file from an unknown site.
"$fm" sync export --to "$WORK/f.sync" --data "$F" >/dev/null
python3 - "$WORK/f.sync" "$WORK/tampered.json" "$WORK/f.json" <<'PY'
import base64, json, sys
b = bytearray(open(sys.argv[1], 'rb').read())
json.dump({"file": base64.b64encode(bytes(b)).decode()}, open(sys.argv[3], 'w'))
b[b.index(b'\nack ') + 5] ^= 0x01     # a digit of the signed header
json.dump({"file": base64.b64encode(bytes(b)).decode()}, open(sys.argv[2], 'w'))
PY
before=$(state "$P" | md5sum)
status=$(curl -s -o "$WORK/out" -w '%{http_code}' --cacert "$P/tls/cert.pem" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary @"$WORK/tampered.json" "$purl/api/v1/sync")
[ "$status" = 403 ] && grep -q "signature does not match" "$WORK/out" && ok ||
  bad "tampered file: HTTP $status $(head -c 200 "$WORK/out")"
"$fm" init --site 西博会 --data "$X" >/dev/null && "$fm" sync trust "$WORK/p.card" --data "$X" >/dev/null
check "unknown site" 1 "$fm" sync --peer "$purl" --cacert "$P/tls/cert.pem" --token "$token" --data "$X"
has "unknown site" "$WORK/err" 'unknown site "西博会"'
[ "$(state "$P" | md5sum)" = "$before" ] && ok || bad "a refused file changed the province"
check "wrong certificate" 1 "$fm" sync --peer "$purl" --cacert "$F/tls/cert.pem" --data "$F"
has "wrong certificate" "$WORK/err" "cannot reach the peer"

finish
