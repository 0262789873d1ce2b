#!/usr/bin/env bash
# The web front end in a real browser: Debian's chromium driven by
# playwright-core (test.mjs) against the real server on a loopback port,
# with a data directory made here from the fixtures.  Screenshots land in
# $WORK as artifacts.  Needs FAIRMATCH, FIXTURES and WORK (ctest sets them).
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$WORK" && mkdir -p "$WORK"
export FAIRMATCH_DATA="$WORK/data"
fm=$FAIRMATCH

# What it needs, all installed by script/setup: a missing one fails the test, never skips it.
missing=0
[ -x "${CHROMIUM:=/usr/bin/chromium}" ] || { echo "FAIL chromium is not installed at $CHROMIUM (script/setup installs it)"; missing=$((missing + 1)); }
command -v node >/dev/null || { echo "FAIL node is not installed (script/setup installs it)"; missing=$((missing + 1)); }
for m in playwright-core axe-core; do
  [ -d "$here/node_modules/$m" ] ||
    { echo "FAIL $m is not in tests/browser/node_modules (script/setup runs npm ci there)"; missing=$((missing + 1)); }
done
[ "$missing" = 0 ] || { echo "0 passed, $missing failed"; exit 1; }

# The data: the fixtures, one product whose name is markup, and one account per role; the
# address phones use (public_url), which QR codes name instead of 127.0.0.1.
mkdir -p "$WORK/data" && printf '[server]\npublic_url = https://fair.example/\n' > "$WORK/data/fairmatch.conf"
{
  "$fm" init &&
    "$fm" import supply "$FIXTURES/catalog/supply.csv" &&
    "$fm" import demand "$FIXTURES/catalog/demand.csv" &&
    "$fm" import fairs "$FIXTURES/catalog/fairs.csv"
} >"$WORK/load.log" 2>&1 || { cat "$WORK/load.log"; echo "FAIL loading the fixtures"; echo "0 passed, 1 failed"; exit 1; }
printf '%s\n' '产品编号,产品名称,企业名称,所在城市,产品类别,关键词,产品简介' \
  'XSS-0001,<img src=x onerror=alert(1)>,杭州脚本测试有限公司,杭州市,日用小商品,onerror,"<script>alert(2)</script> 描述"' \
  > "$WORK/xss.csv"
"$fm" import supply "$WORK/xss.csv" >>"$WORK/load.log" 2>&1 || { cat "$WORK/load.log"; echo "FAIL importing xss.csv"; echo "0 passed, 1 failed"; exit 1; }
# A good file for the clerk: some of Hangzhou's rows, as the fixtures have them.
{ head -1 "$FIXTURES/catalog/supply.csv"; grep '^HZ-' "$FIXTURES/catalog/supply.csv" | head -5; } > "$WORK/hangzhou.csv"
pw() { printf '%s\n' "$2" > "$WORK/pw-$1"; echo "$WORK/pw-$1"; }
{
  "$fm" user add clerk --role city --region 杭州 --password-file "$(pw clerk hangzhou-clerk-1)" &&
    "$fm" user add org --role organiser --password-file "$(pw org organiser-pass-1)"
} >>"$WORK/load.log" 2>&1 || { cat "$WORK/load.log"; echo "FAIL adding users"; echo "0 passed, 1 failed"; exit 1; }

# The server on free loopback ports; the repository's web/ as its web root; its scheduled
# backups (the first a few seconds after the start) into $WORK/backups, for the console.
"$fm" serve --listen 127.0.0.1:0 --redirect-listen 127.0.0.1:0 --port-file "$WORK/port" \
  --threads 2 --access-log "$WORK/access.log" --web-root "$here/../../web" \
  --backup-dir "$WORK/backups" --backup-keep 2 2>"$WORK/server.err" &
srv=$!
stop() { kill -TERM "$srv" 2>/dev/null && wait "$srv" 2>/dev/null; }
trap stop EXIT
for _ in $(seq 150); do [ -s "$WORK/port" ] && break; sleep 0.1; done
if [ ! -s "$WORK/port" ]; then
  cat "$WORK/server.err"
  echo "FAIL the server did not start"
  echo "0 passed, 1 failed"
  exit 1
fi

export BASE="https://localhost:$(cat "$WORK/port")" CHROMIUM BACKUP_DIR="$WORK/backups"
export CLERK_PASSWORD=hangzhou-clerk-1 ORG_PASSWORD=organiser-pass-1
# Hang guards for each script, together inside ctest's own (3000 s): a shared,
# loaded machine runs an ASan build slowly.  BROWSER_ONLY=pages.mjs (a space-separated
# list) runs only those scripts, for a developer at work on one page.
rc=0
for f in ${BROWSER_ONLY:-}; do
  case " test.mjs fair_day.mjs pages.mjs langs.mjs ledger.mjs " in
    *" $f "*) ;;
    *) echo "FAIL BROWSER_ONLY names $f, which is not one of the browser scripts"; rc=1 ;;
  esac
done
[ -z "${BROWSER_ONLY:-}" ] || echo "note: BROWSER_ONLY=$BROWSER_ONLY: the other scripts are skipped"
js() {
  local t=$1 f=$2
  case " ${BROWSER_ONLY:-$f} " in *" $f "*) ;; *) echo "skip $f (BROWSER_ONLY)"; return 0 ;; esac
  shift 2
  timeout "$t" node "$here/$f" "$@" || rc=1
}
js 560 test.mjs
# A fair run from setup to the last no-show through the console alone.
js 800 fair_day.mjs
# The personal page on a phone: a buyer of 渝洽会 with no request yet asks for a
# product of a supplier there; the fixtures' fairs are over, so their links
# would have expired: 渝洽会 ends in three days here.
db="$WORK/data/fairmatch.db"
sqlite3 -cmd ".timeout 10000" "$db" "UPDATE fairs SET end_date = date('now', '+3 days') WHERE code = 'YQH-2026'"
read -r ASK_BADGE ASK_PRODUCT ASK_SUPPLIER < <(sqlite3 -cmd ".timeout 10000" -separator ' ' "$db" "
  SELECT b.badge, p.code, s.badge FROM participants b JOIN participants s ON s.fair_id = b.fair_id
  JOIN products p ON p.supplier_id = s.supplier_id JOIN fairs f ON f.id = b.fair_id
  WHERE f.code = 'YQH-2026' AND b.side = 'buyer' AND s.side = 'supplier' AND NOT EXISTS
    (SELECT 1 FROM meeting_requests r WHERE r.buyer_pid = b.id AND r.supplier_pid = s.id)
  ORDER BY b.id, s.id LIMIT 1")
ASK_PIN=$("$fm" schedule pin YQH-2026 "$ASK_BADGE")
export ASK_BADGE ASK_PIN ASK_PRODUCT ASK_SUPPLIER
js 400 pages.mjs
# The ledger: the register, the province targets, 四川's two clerks, the province office and
# the finance reviewer, 嘉兴's city clerk; one line through all three review steps.
ledger_user() { "$fm" user add "$1" --role "$2" ${3:+--region "$3"} --password-file "$(pw "$1" ledger-pass-2010)"; }
{
  "$fm" stats targets import "$FIXTURES/catalog/provinces.csv" --year 2010 &&
    "$fm" ledger import "$FIXTURES/ledger/register.csv" &&
    ledger_user sc1 expansion 四川 && ledger_user sc2 expansion 四川 && ledger_user prov admin &&
    ledger_user fin finance && ledger_user jx city 嘉兴
} >>"$WORK/load.log" 2>&1 || { tail -5 "$WORK/load.log"; echo "FAIL loading the ledger"; rc=1; }
# Every page in each of its languages, with nothing left untranslated.
export LEDGER_PASSWORD=ledger-pass-2010
js 480 langs.mjs
# The plan's deadlines, for who is late: its wording (统计上报第三季度…) is data in Chinese, which
# langs.mjs would take for the 中文 of a string on the English page.
"$fm" ledger plan import "$FIXTURES/ledger/plan-2010.csv" --year 2010 >>"$WORK/load.log" 2>&1 ||
  { tail -5 "$WORK/load.log"; echo "FAIL loading the ledger's plan"; rc=1; }
js 300 ledger.mjs
stop
trap - EXIT
if [ -s "$WORK/server.err" ] && grep -q 'ERROR: AddressSanitizer\|runtime error' "$WORK/server.err"; then
  sed 's/^/  server: /' "$WORK/server.err" | head -40
  echo "FAIL the server reported a sanitizer error"
  exit 1
fi
exit $rc
