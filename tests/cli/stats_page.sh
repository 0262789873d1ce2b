#!/usr/bin/env bash
# The statistics page (web/stats/) in Debian's chromium through
# playwright-core: the admin sees every province against seed 000's
# targets, in a table and an SVG chart, in Chinese and English; an
# expansion office sees only its own province; no page error, dialog or
# CSP refusal.  Fails where chromium, node or tests/browser's node_modules
# are missing (script/setup installs them).
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
export FAIRMATCH_DATA="$WORK/data"
fm=$FAIRMATCH
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.bash"
need node sqlite3
q() { sqlite3 "$WORK/data/fairmatch.db" "$1"; }
pw_mod="$here/../browser/node_modules/playwright-core/index.mjs"
chromium=${CHROMIUM:-/usr/bin/chromium}
# A missing browser is a failure, not a skip: script/setup installs chromium and runs
# npm ci in tests/browser.
[ -x "$chromium" ] || bad "chromium is not installed at $chromium (script/setup installs it)"
[ -f "$pw_mod" ] || bad "playwright-core is not in tests/browser/node_modules (script/setup runs npm ci there)"
[ "$fail" = 0 ] || { finish; exit 1; }

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  "$fm" match fair YQH-2026 --limit 5 >/dev/null &&
  "$fm" schedule setup YQH-2026 --days 2 --slots-per-day 4 --tables 3 >/dev/null &&
  "$fm" schedule YQH-2026 --time-limit 600 --publish >/dev/null &&
  "$fm" stats targets import "$FIXTURES/catalog/provinces.csv" --year 2026 >/dev/null ||
  { echo "FAIL loading"; exit 1; }
pick() { q "SELECT m.id FROM meetings m JOIN participants p ON p.id = m.buyer_pid JOIN buyers b
  ON b.id = p.buyer_id WHERE b.province = '$1' ORDER BY m.id LIMIT 1"; }
"$fm" outcome YQH-2026 "$(pick 四川省)" --held --contract --amount 300.25 >/dev/null &&
  "$fm" outcome YQH-2026 "$(pick 重庆市)" --held --contract --amount 125 >/dev/null || { echo "FAIL outcomes"; exit 1; }
printf '%s\n' stats-admin-pass-1 > "$WORK/pw-boss"; printf '%s\n' sichuan-office-1 > "$WORK/pw-sc"
"$fm" user add boss --role admin --password-file "$WORK/pw-boss" >/dev/null &&
  "$fm" user add sc --role expansion --region 四川 --password-file "$WORK/pw-sc" >/dev/null || { echo "FAIL users"; exit 1; }

"$fm" serve --listen 127.0.0.1:0 --redirect-listen 127.0.0.1:0 --port-file "$WORK/port" --threads 2 \
  --access-log "$WORK/access.log" --web-root "$here/../../web" 2>"$WORK/server.err" &
srv=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] && ok || { bad "the server did not start: $(cat "$WORK/server.err")"; finish; exit 1; }

cat > "$WORK/page.mjs" <<JS
import { chromium } from '$pw_mod';
const base = 'https://localhost:$(cat "$WORK/port")';
const problems = [];
const fail = (m) => problems.push(m);
const browser = await chromium.launch({ executablePath: '$chromium', headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
async function signIn(login, pass) {
	const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1000 } });
	ctx.setDefaultTimeout(60000);	// only stops a hang: the page gets there late, not wrong, when busy
	const page = await ctx.newPage();
	page.on('dialog', async (d) => { fail('a dialog: ' + d.message()); await d.dismiss(); });
	page.on('pageerror', (e) => fail('page error: ' + e.message));
	page.on('console', (m) => { if (m.type() === 'error') fail('console: ' + m.text()); });
	await page.goto(base + '/stats/');
	await page.fill('#login-name', login);
	await page.fill('#login-pass', pass);
	await page.click('#login-form button[type=submit]');
	await page.waitForSelector('#chart svg');
	return page;
}
try {
	const page = await signIn('boss', 'stats-admin-pass-1');
	const rows = await page.\$\$eval('#figures tbody tr', (r) => r.map((x) => [...x.children].map((c) => c.textContent)));
	if (rows.length !== 20) fail('admin: ' + rows.length + ' rows, wanted 20');
	const sc = rows.find((r) => r[0] === '四川省');
	if (!sc || sc[8] !== '300.25' || sc[9] !== '250000.00') fail('admin: 四川省 row ' + JSON.stringify(sc));
	const bars = await page.\$\$eval('#chart svg g', (g) => g.length);
	if (bars !== 20) fail('chart: ' + bars + ' bars, wanted 20');
	const tip = await page.\$\$eval('#chart svg g title', (t) => t.map((x) => x.textContent).find((s) => s.startsWith('四川省')));
	if (!tip || !tip.includes('合同 300.25 万元') || !tip.includes('目标 250000.00 万元')) fail('chart title: ' + tip);
	const total = await page.textContent('#figures tfoot');
	if (!total.includes('合计') || !total.includes('425.25')) fail('totals: ' + total);
	await page.click('#lang');
	const head = await page.textContent('h1');
	if (head !== 'Deals and performance') fail('English heading: ' + head);
	if (!(await page.textContent('#figures tfoot')).includes('total')) fail('English totals');
	await page.selectOption('#by', 'fair');
	await page.click('#query button[type=submit]');
	await page.waitForFunction(() => document.querySelectorAll('#figures tbody tr').length === 1);
	const office = await signIn('sc', 'sichuan-office-1');
	const own = await office.\$\$eval('#figures tbody tr th', (r) => r.map((x) => x.textContent));
	if (JSON.stringify(own) !== '["四川省"]') fail('expansion office sees: ' + JSON.stringify(own));
	if (!(await office.textContent('#scope')).includes('四川省')) fail('scope note');
	if ((await office.textContent('#figures tfoot')).includes('425.25')) fail('office totals include others');
} finally {
	await browser.close();
}
console.log(problems.join('\n'));
process.exit(problems.length ? 1 : 0);
JS
node "$WORK/page.mjs" > "$WORK/page.out" 2>&1 && ok || bad "page: $(cat "$WORK/page.out")"
kill -TERM "$srv"; wait "$srv"
grep -q 'AddressSanitizer\|runtime error\|LeakSanitizer' "$WORK/server.err" &&
  bad "the server reported a sanitizer error" || ok

finish
