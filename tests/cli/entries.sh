#!/usr/bin/env bash
# An office's own entries over the API, as the portal asks for them: a city
# office's products only (another city's and the demands stay out), paged,
# sorted, filtered by category and by the day they last changed; exported
# as XLSX in the template's columns, edited with openpyxl (a tool outside
# fairmatch, as a clerk edits in Excel), uploaded again: the edit lands and
# every other row is unchanged.  The blank templates over HTTP, filled in
# and uploaded: accepted.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need sqlite3 curl
py=/usr/bin/python3
"$py" -c 'import openpyxl' 2>/dev/null || { bad "python3-openpyxl is not installed (script/setup installs it)"; finish; exit 1; }
q() { sqlite3 "$db" "$1"; }
js() { "$py" -c "import json,sys; d=json.load(open('$WORK/out')); print($1)"; }
load_catalogues
for u in "hz city 杭州" "ln expansion 辽宁"; do
  set -- $u
  "$fm" user add "$1" --role "$2" --region "$3" >/dev/null || { echo "FAIL user add $1"; exit 1; }
done
tok_hz=$("$fm" user token hz | tail -1 | awk '{print $NF}')
tok_ln=$("$fm" user token ln | tail -1 | awk '{print $NF}')

"$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/port" --threads 2 \
  --access-log "$WORK/access.log" 2>"$WORK/server.err" &
srv=$!
trap 'kill -TERM $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
base="https://localhost:$(cat "$WORK/port")/api/v1"

# api NAME STATUS TOKEN PATH [curl args…]: the reply in $WORK/out, its status checked.
api() {
  local name=$1 want=$2 token=$3 path=$4 got
  shift 4
  got=$(curl -s -o "$WORK/out" -w '%{http_code}' --cacert "$WORK/data/tls/cert.pem" \
    -H "Authorization: Bearer $token" "$@" "$base$path")
  if [ "$got" = "$want" ]; then ok; else bad "$name: HTTP $got, wanted $want: $(head -c 300 "$WORK/out")"; fi
}
eq() { [ "$2" = "$3" ] && ok || bad "$1: got '$2', wanted '$3'"; }

hz_all=$(q "SELECT count(*) FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE s.city = '杭州市'")
hz_tea=$(q "SELECT count(*) FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE s.city = '杭州市' AND p.category = '茶叶'")
[ "$hz_tea" -gt 2 ] && [ "$hz_all" -gt "$hz_tea" ] || bad "the fixture should give 杭州 tea and more"

# A page: 杭州's products only, the total of them all, sorted by code.
api "list" 200 "$tok_hz" "/entries?sort=code&limit=10"
eq "total" "$(js 'd["total"]')" "$hz_all"
eq "one page" "$(js 'len(d["entries"])')" 10
eq "all 杭州市" "$(js 'set(e["city"] for e in d["entries"])')" "{'杭州市'}"
eq "by code" "$(js '[e["code"] for e in d["entries"]] == sorted(e["code"] for e in d["entries"])')" True
first=$(js 'd["entries"][0]["code"]'); tenth=$(js 'd["entries"][9]["code"]')
api "next page" 200 "$tok_hz" "/entries?sort=code&limit=10&offset=9"
eq "pages meet" "$(js 'd["entries"][0]["code"]')" "$tenth"
api "descending" 200 "$tok_hz" "/entries?sort=-code&limit=500"
eq "descending ends where ascending begins" "$(js 'd["entries"][-1]["code"]')" "$first"
api "category" 200 "$tok_hz" "/entries?category=%E8%8C%B6%E5%8F%B6&limit=500"
eq "茶叶 only" "$(js 'd["total"], set(e["category"] for e in d["entries"])')" "$hz_tea {'茶叶'}"
api "bad sort" 400 "$tok_hz" "/entries?sort=password"
api "bad since" 400 "$tok_hz" "/entries?since=2026-02-30"
api "a city office's demands" 403 "$tok_hz" "/entries?kind=demand"
eq "the fair's time zone" "$(curl -s --cacert "$WORK/data/tls/cert.pem" "$base/me" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["time_zone"])')" Asia/Shanghai
api "an expansion office's list" 200 "$tok_ln" "/entries"
eq "辽宁's demands" "$(js 'd["kind"], d["total"] > 0, set(e["province"] for e in d["entries"])')" \
  "demand True {'辽宁省'}"

# The catalogues as a clerk left them last month: 04:48 on 1 November in Beijing, still
# 31 October in UTC.
q "UPDATE products SET updated_at = '2026-10-31T20:48:00Z'"
api "since 1 November" 200 "$tok_hz" "/entries?since=2026-11-01&limit=1"
eq "changed on 1 November, Beijing time" "$(js 'd["total"]')" "$hz_all"
api "since 2 November" 200 "$tok_hz" "/entries?since=2026-11-02&limit=1"
eq "nothing changed since 2 November" "$(js 'd["total"]')" 0

# Export → edit → upload: the edited row changes, every other row is unchanged.
api "export" 200 "$tok_hz" "/entries/export?format=xlsx" -D "$WORK/headers"
cp "$WORK/out" "$WORK/mine.xlsx"
grep -qi "filename\*=UTF-8''.*\.xlsx" "$WORK/headers" && ok || bad "the export should be an attachment: $(cat "$WORK/headers")"
edited=$(q "SELECT p.code FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE s.city = '杭州市' ORDER BY p.code LIMIT 1")
"$py" - "$WORK/mine.xlsx" "$edited" >"$WORK/py.out" 2>&1 <<'EOF' || bad "openpyxl could not edit the export: $(tail -3 "$WORK/py.out")"
import sys, openpyxl
path, code = sys.argv[1:3]
wb = openpyxl.load_workbook(path)
ws = wb.worksheets[0]
head = [c.value for c in ws[1]]
for row in ws.iter_rows(min_row=2):
    if row[head.index("产品编号")].value == code:
        row[head.index("参考价格")].value = "99-128"
        row[head.index("联系人")].value = "钱晓雯"
print(ws.max_row - 1)
wb.save(path)
EOF
eq "the export holds 杭州's rows" "$(head -1 "$WORK/py.out")" "$hz_all"
api "upload the edit" 200 "$tok_hz" "/uploads?kind=supply&wait=1&filename=mine.xlsx" --data-binary "@$WORK/mine.xlsx" \
  -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
eq "one row updated, the rest unchanged" "$(js 'd["result"]["ok"], d["result"]["inserted"], d["result"]["updated"], d["result"]["unchanged"]')" \
  "True 0 1 $((hz_all - 1))"
eq "the edit landed" "$(q "SELECT price || ' ' || contact FROM products WHERE code = '$edited'")" "99-128 钱晓雯"

# Changed since today (in the fair's time zone, Asia/Shanghai by default): the edited row
# alone.  Between 16:00 and 24:00 UTC that day is tomorrow in UTC.
today=$(TZ=Asia/Shanghai date +%F)
api "since today" 200 "$tok_hz" "/entries?since=$today"
eq "changed today" "$(js '[e["code"] for e in d["entries"]]')" "['$edited']"
api "export since today as CSV" 200 "$tok_hz" "/entries/export?format=csv&since=$today"
[ "$(head -c 3 "$WORK/out" | xxd -p)" = efbbbf ] && ok || bad "the CSV export lacks the BOM"
eq "the CSV holds the header and the edited row" "$(tr -d '\r' <"$WORK/out" | sed 1d | cut -d, -f1)" "$edited"

# The templates over HTTP: the blank file, filled in and uploaded, is accepted.
api "template" 200 "$tok_hz" "/templates/supply.xlsx"
cp "$WORK/out" "$WORK/blank.xlsx"
"$py" - "$WORK/blank.xlsx" >"$WORK/py.out" 2>&1 <<'EOF' || bad "openpyxl could not fill the template: $(tail -3 "$WORK/py.out")"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
head = [c.value for c in ws[1]]
for h, v in {"产品编号": "HZ-N001", "产品名称": "九曲红梅红茶", "企业名称": "杭州龙坞茶业有限公司",
             "所在城市": "杭州市", "产品类别": "茶叶", "参考价格": "260", "联系电话": "0571-86123456"}.items():
    ws.cell(2, head.index(h) + 1, v)
wb.save(sys.argv[1])
EOF
api "upload the filled template" 200 "$tok_hz" "/uploads?kind=supply&wait=1&filename=blank.xlsx" --data-binary "@$WORK/blank.xlsx" \
  -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
eq "the template's row is in" "$(js 'd["result"]["ok"], d["result"]["inserted"]')" "True 1"
api "CSV template" 200 "$tok_ln" "/templates/demand.csv"
eq "the CSV template's header" "$(head -1 "$WORK/out" | tr -d '\r' | cut -d, -f1-3)" $'\xef\xbb\xbf需求编号,需求产品,采购单位'
api "no such template" 404 "$tok_hz" "/templates/fairs.xlsx"
finish
