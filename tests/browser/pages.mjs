// The personal page on a phone, in Debian's chromium (playwright-core)
// against the server run.sh started ($BASE), after fair_day.mjs has run
// 渝洽会.  The console shows the certificate to install on phones; a buyer
// asks for a meeting at the kiosk's API; the agendas are printed and their
// QR codes read (pdftoppm, zbarimg); at 390 px the supplier opens theirs,
// sees their meetings, accepts the request, and the organiser's console
// shows it accepted; the supplier marks a slot away and sets their
// representatives, which the console sees.  The phone is set to another
// time zone than the fair's: the page shows the schedule's own times and
// names the fair's zone.  A buyer goes from their page to the product
// search and asks for a meeting there with no badge or PIN: the request
// goes with their link; another buyer pastes their agenda's link into a
// kiosk's request form, as a scanner types it.  The organiser revokes a
// link in the console's participants list: it opens nothing and asks for
// nothing; the next print's link works.  The page switches between
// 中文, English and Русский, keeps the choice over a reload, and shows no
// key and no string of another language.  Prints "N passed, N failed".
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strings } from '../../web/lib/strings.js';
import { ok, step, finish } from './harness.mjs';

const { BASE, WORK, CHROMIUM = '/usr/bin/chromium', ORG_PASSWORD, ASK_BADGE, ASK_PIN, ASK_PRODUCT, ASK_SUPPLIER } = process.env;
const SHOTS = path.join(WORK, 'screenshots');
const FAIR = 'YQH-2026';
mkdirSync(SHOTS, { recursive: true });


const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const desk = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 1000 } });
// A phone far from the fair, in its own zone: times on the page are the fair's all the same.
const phone = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, timezoneId: 'America/Los_Angeles' });
const con = await desk.newPage();
const me = await phone.newPage();
const problems = [];
for (const p of [con, me]) {
	p.on('pageerror', (e) => problems.push(e.message));
	p.on('dialog', async (d) => { problems.push('a dialog: ' + d.message()); await d.dismiss(); });
}
let links = new Map();	// badge → the URL its agenda's QR code holds
let requestId = 0;
const DB = path.join(WORK, 'data', 'fairmatch.db');
const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 10000', '-separator', ' ', DB, q]).toString().trim();
const pageOf = (badge) => BASE + new URL(links.get(badge)).pathname;	// the phone reaches this server

// Prints the fair's agendas through the console's session and reads each page's QR code:
// badge → the URL it holds.
async function printAgendas(tag) {
	const pdf = await con.evaluate(async (fair) => {
		const post = { method: 'POST', headers: { 'X-Requested-With': 'fetch' } };
		let job = await (await fetch(`/api/v1/fairs/${fair}/print/agendas?wait=1`, post)).json();
		for (let i = 0; i < 120 && !(job.result && job.result.url); i++) {
			await new Promise((r) => setTimeout(r, 500));
			job = await (await fetch(`/api/v1/jobs/${job.id}`)).json();
		}
		const bytes = new Uint8Array(await (await fetch(job.result.url)).arrayBuffer());
		let s = '';
		for (const b of bytes) s += String.fromCharCode(b);
		return btoa(s);
	}, FAIR);
	const file = path.join(WORK, tag + '.pdf');
	const found = new Map();
	writeFileSync(file, Buffer.from(pdf, 'base64'));
	execFileSync('pdftoppm', ['-r', '100', '-png', file, path.join(WORK, tag)]);
	for (const png of readdirSync(WORK).filter((f) => new RegExp(`^${tag}-\\d+\\.png$`).test(f))) {
		const n = png.match(/(\d+)\.png$/)[1];
		let url = '';
		try {
			url = execFileSync('zbarimg', ['-q', '--raw', path.join(WORK, png)], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
		} catch { /* no code on this page: the checks name what is missing */ }
		const text = execFileSync('pdftotext', ['-f', n, '-l', n, file, '-']).toString();
		const badge = (text.match(/编号 \/ ID ([A-Z0-9]+)/) || [])[1];
		if (badge && url) found.set(badge, url);
	}
	return found;
}
// The fair's requests, as the organisers' API lists them.
const requests = async () => (await con.evaluate(async (fair) => (await fetch(`/api/v1/fairs/${fair}/requests`)).json(), FAIR)).requests;

// The strings of the page's own keys in language l: each one's longest literal part.
const pageStrings = (l) => Object.entries(strings).filter(([k]) => k.startsWith('page.'))
	.map(([, v]) => v[l].split(/\{[^}]*\}/).sort((a, b) => b.length - a.length)[0]);
// Visible text of the page, without the language buttons (each labelled in its own language).
const bodyText = () => me.evaluate(() => {
	const c = document.body.cloneNode(true);
	c.querySelector('.langs')?.remove();
	for (const el of c.querySelectorAll('[hidden]')) el.remove();
	return c.innerText;
});

const steps = [
	['a request, and the agendas printed and read', async () => {
		await con.goto(BASE + '/console/');
		await con.fill('#login-name', 'org');
		await con.fill('#login-pass', ORG_PASSWORD);
		await con.click('#login-form button[type=submit]');
		await con.waitForSelector('#app:not([hidden])');
		// The certificate card: the fingerprint the server presents, and the file to install.
		await con.waitForSelector('#cert:not([hidden])');
		const tls = await con.evaluate(async () => (await fetch('/api/v1/tls')).json());
		ok(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(tls.fingerprint_sha256) && (await con.textContent('#cert-fp')) === tls.fingerprint_sha256, 'the console shows the certificate\'s fingerprint', tls.fingerprint_sha256);
		const pem = await con.evaluate(async (u) => (await fetch(u)).text(), await con.getAttribute('#cert-download', 'href'));
		ok(pem.startsWith('-----BEGIN CERTIFICATE-----'), 'the console offers the certificate to download');
		await con.locator('#cert').screenshot({ path: path.join(SHOTS, 'console-certificate.png') });
		const asked = await con.evaluate(async ([fair, badge, pin, product]) => {
			const r = await fetch(`/api/v1/fairs/${fair}/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch' }, body: JSON.stringify({ badge, pin, product, phone: '13812345678' }) });
			return r.status;
		}, [FAIR, ASK_BADGE, ASK_PIN, ASK_PRODUCT]);
		ok(asked === 200 || asked === 201, 'the kiosk request is taken', String(asked));
		links = await printAgendas('agenda');
		ok(links.has(ASK_SUPPLIER), 'the supplier\'s agenda has a QR code', [...links.keys()].join(' '));
	}],
	['the supplier accepts on their phone', async () => {
		// The QR code names the configured public_url; the phone reaches this server.
		const url = BASE + new URL(links.get(ASK_SUPPLIER)).pathname;
		await me.goto(url);
		await me.waitForSelector('#app:not([hidden])');
		const data = await me.evaluate(async (u) => (await fetch('/api/v1/p/' + u.split('/').pop())).json(), url);
		ok(await me.locator('#meetings li[data-meeting]').count() === data.meetings.length && data.meetings.length > 0, 'the page lists the supplier\'s meetings', String(data.meetings.length));
		const width = await me.evaluate(() => document.documentElement.scrollWidth);
		ok(width <= 390, 'nothing wider than the phone', String(width));
		// The schedule's own times, on a phone in Los Angeles; the fair's zone named.
		const first = data.meetings[0];
		const when = await me.textContent(`#meetings li[data-meeting="${first.id}"] .when`);
		ok(when.includes(`${first.start}–${first.end}`), 'the meeting at the fair\'s time, not the phone\'s', `${when} / ${first.start}–${first.end}`);
		const zone = await me.textContent('#zone');
		ok(data.time_zone === 'Asia/Shanghai' && zone.includes(data.time_zone) && zone.includes('中国标准时间'), 'the page names the fair\'s zone, in words too', zone);
		ok(await me.locator('#ask-more').isHidden(), 'a supplier is not offered to ask for meetings');

		const item = me.locator('#incoming li[data-request]', { hasText: data.incoming.find((r) => r.state === 'asked')?.with.name ?? '?' });
		requestId = Number(await item.getAttribute('data-request'));
		await me.screenshot({ path: path.join(SHOTS, 'personal-page-phone.png'), fullPage: true });
		await item.locator('button.accept').click();
		await me.waitForFunction(() => /已接受/.test(document.querySelector('#answer-status').textContent));
		ok(await item.locator('button').count() === 0, 'the answered request has no buttons left');
	}],
	['the console sees the answer', async () => {
		await con.locator('#fairs tbody tr', { hasText: FAIR }).locator('button').click();
		await con.waitForSelector('#requests:not([hidden])');
		const row = con.locator(`#requests-list tr[data-request="${requestId}"]`);
		await row.waitFor({ timeout: 20000 });
		const text = await row.textContent();
		ok(text.includes('已同意') && text.includes('link:' + ASK_SUPPLIER), 'the console\'s row says accepted, by the supplier\'s link', text);
		await con.locator('#requests').screenshot({ path: path.join(SHOTS, 'personal-page-console.png') });
		const list = await con.evaluate(async (fair) => (await fetch(`/api/v1/fairs/${fair}/requests`)).json(), FAIR);
		const r = list.requests.find((x) => x.id === requestId);
		ok(r && r.state === 'accepted' && r.decided_by === 'link:' + ASK_SUPPLIER, 'the request is accepted by the supplier\'s link', JSON.stringify(r));
	}],
	['the supplier says when they are away', async () => {
		const box = me.locator('#away-slots input[type=checkbox]').first();
		const slot = Number(await box.getAttribute('data-slot'));
		ok(!(await box.isChecked()), 'the first slot starts free');
		await box.check();
		await me.waitForFunction(() => /已保存/.test(document.querySelector('#avail-status').textContent));
		await me.fill('#reps', '3');
		await me.click('#reps-form button[type=submit]');
		const seen = async () => con.evaluate(async ([fair, badge]) =>
			(await fetch(`/api/v1/fairs/${fair}/participants/${badge}`)).json(), [FAIR, ASK_SUPPLIER]);
		let p = await seen();
		for (let i = 0; i < 300 && p.reps !== 3; i++) { await con.waitForTimeout(200); p = await seen(); }
		ok(p.away.includes(slot) && p.reps === 3, 'the organisers see the away slot and 3 representatives', JSON.stringify([p.away, p.reps]));
		await me.locator('#away').screenshot({ path: path.join(SHOTS, 'personal-page-away.png') });
		await me.reload();
		await me.waitForSelector('#app:not([hidden])');
		ok(await me.locator(`#away-slots input[data-slot="${slot}"]`).isChecked(), 'the away slot is ticked after a reload');
		ok(await me.inputValue('#reps') === '3', 'the representatives stay 3 after a reload');
		await me.locator(`#away-slots input[data-slot="${slot}"]`).uncheck();
		await me.waitForFunction(() => /已保存/.test(document.querySelector('#avail-status').textContent));
		p = await seen();
		ok(!p.away.includes(slot), 'back in that slot', JSON.stringify(p.away));
	}],
	['a buyer asks from their page, with no badge or PIN', async () => {
		await me.goto(pageOf(ASK_BADGE));
		await me.waitForSelector('#app:not([hidden])');
		const token = new URL(links.get(ASK_BADGE)).pathname.split('/').pop();
		// A product of another of the fair's suppliers, which this buyer has not asked for.
		const [code, supplier] = sql(`SELECT p.code, s.badge FROM participants s JOIN fairs f ON f.id = s.fair_id
			JOIN products p ON p.supplier_id = s.supplier_id WHERE f.code = '${FAIR}' AND s.side = 'supplier'
			AND s.badge <> '${ASK_SUPPLIER}' AND NOT EXISTS (SELECT 1 FROM meeting_requests r JOIN participants b
			ON b.id = r.buyer_pid WHERE r.supplier_pid = s.id AND b.badge = '${ASK_BADGE}') ORDER BY s.id, p.id LIMIT 1`).split(' ');
		ok(Boolean(code), 'the fair has another supplier to ask for', code);
		await me.click('#ask-more');
		await me.waitForSelector('body[data-ready="1"]');
		await me.waitForSelector('#as-buyer:not([hidden])');
		ok((await me.textContent('#as-buyer')).includes(ASK_BADGE), 'the search says whom it asks as', await me.textContent('#as-buyer'));
		ok(!me.url().includes(token), 'the token leaves the address (a shared product page does not carry it)', me.url());
		await me.evaluate((c) => { location.hash = '#/p/' + c; }, code);
		await me.waitForSelector('#p-body:not([hidden])');
		await me.click('#ask');
		await me.waitForSelector('#ask-dialog[open]');
		ok(await me.isChecked('#ask-by-link'), 'the request goes by the personal link');
		ok(await me.locator('#ask-badge').isHidden(), 'no badge code is asked for');
		await me.fill('#ask-phone', '13912340000');
		await me.click('#ask-send');
		await me.waitForFunction(() => document.querySelector('#ask-result').textContent.trim() !== '');
		const said = await me.textContent('#ask-result');
		ok(said.startsWith(strings['kiosk.asked'].zh.split('{')[0]), 'the request is taken', said);
		await me.screenshot({ path: path.join(SHOTS, 'personal-page-ask.png') });
		const r = (await requests()).find((x) => x.buyer.badge === ASK_BADGE && x.supplier.badge === supplier);
		ok(r && r.state === 'asked' && r.product_code === code, 'the organisers see the buyer\'s request', JSON.stringify(r));
		const sent = await con.evaluate(async ([fair, tok, product]) => (await fetch(`/api/v1/fairs/${fair}/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch' }, body: JSON.stringify({ link: tok, product, phone: '13912340000' }) })).json(), [FAIR, token, code]);
		ok(r && sent.id === r.id, 'asking again by the link is the same request', JSON.stringify(sent));
		// Back to the agenda: the request is among theirs.
		await me.click('#ask-close');
		await me.click('#as-buyer-back');
		await me.waitForSelector('#app:not([hidden])');
		ok(await me.locator(`#outgoing li[data-request="${r?.id}"]`).count() === 1, 'the buyer\'s page lists the request', await me.textContent('#outgoing'));
	}],
	['a kiosk takes a request by a scanned personal link', async () => {
		const buyer = [...links.keys()].filter((b) => b.startsWith('B') && b !== ASK_BADGE).sort()[0];
		const code = sql(`SELECT p.code FROM products p JOIN participants s ON s.supplier_id = p.supplier_id
			JOIN fairs f ON f.id = s.fair_id WHERE f.code = '${FAIR}' AND s.badge = '${ASK_SUPPLIER}' ORDER BY p.id LIMIT 1`);
		const k = await desk.newPage();
		k.on('pageerror', (e) => problems.push(e.message));
		await k.goto(`${BASE}/?fair=${FAIR}&idle=off#/p/${code}`);
		await k.waitForSelector('#p-body:not([hidden])');
		await k.click('#ask');
		await k.waitForSelector('#ask-dialog[open]');
		ok(await k.isChecked('#ask-by-pin'), 'a kiosk asks for the badge and PIN first');
		await k.check('#ask-by-link');
		ok(await k.locator('#ask-pin').isHidden() && await k.locator('#ask-link').isVisible(), 'the link replaces the badge and PIN');
		// A link that opens nothing is said so, and refused.
		await k.fill('#ask-link', 'https://fair.example/p/' + 'Zx9'.repeat(14) + 'Q');
		await k.waitForFunction((s) => document.querySelector('#ask-who').textContent === s, strings['kiosk.linkInvalid'].zh);
		await k.fill('#ask-phone', '13712345678');
		await k.click('#ask-send');
		await k.waitForFunction(() => document.querySelector('#ask-result').textContent.trim() !== '');
		ok((await k.textContent('#ask-result')).includes('PIN'), 'a guessed link is refused', await k.textContent('#ask-result'));
		// The buyer's agenda scanned: the address its QR code holds, typed by the scanner.
		await k.fill('#ask-link', '');
		await k.type('#ask-link', links.get(buyer));
		await k.waitForFunction((b) => document.querySelector('#ask-who').textContent.includes(b), buyer);
		await k.click('#ask-send');
		await k.waitForFunction((s) => document.querySelector('#ask-result').textContent.startsWith(s), strings['kiosk.asked'].zh.split('{')[0]);
		await k.screenshot({ path: path.join(SHOTS, 'kiosk-ask-by-link.png') });
		const r = (await requests()).find((x) => x.buyer.badge === buyer && x.supplier.badge === ASK_SUPPLIER);
		ok(r && r.product_code === code, 'the request is the scanned buyer\'s', JSON.stringify(r));
		await k.close();
		// A kiosk left with a buyer's link forgets it at the idle reset: the next visitor is someone else.
		const idle = await desk.newPage();
		idle.on('pageerror', (e) => problems.push(e.message));
		await idle.goto(`${BASE}/?fair=${FAIR}&idle=4&link=${new URL(links.get(buyer)).pathname.split('/').pop()}`);
		await idle.waitForSelector('#as-buyer:not([hidden])');
		await idle.waitForFunction(() => Number(document.body.dataset.idleReset || 0) > 0, null, { timeout: 30000 });
		ok(await idle.locator('#as-buyer').isHidden() && !idle.url().includes('link='), 'the idle reset forgets the buyer', idle.url());
		await idle.reload();
		await idle.waitForSelector('body[data-ready="1"]');
		await idle.waitForTimeout(500);
		ok(await idle.locator('#as-buyer').isHidden(), 'a reload after the idle reset does not bring the buyer back');
		await idle.close();
	}],
	['the organiser revokes a link; the next print\'s works', async () => {
		const buyer = [...links.keys()].filter((b) => b.startsWith('B') && b !== ASK_BADGE).sort()[0];
		const old = links.get(buyer);
		const row = con.locator(`#people-list tr[data-badge="${buyer}"]`);
		await row.locator('button.revoke').click();
		ok(await row.locator('button.revoke').textContent() === strings['console.p.revokeSure'].zh, 'the first press asks again');
		await row.locator('button.revoke').click();
		await con.waitForFunction((s) => document.querySelector('#people-status').textContent.includes(s), strings['console.p.revoked'].zh.split('{')[0]);
		await con.locator('#people').screenshot({ path: path.join(SHOTS, 'console-revoke.png') });
		await me.goto(BASE + new URL(old).pathname);
		await me.waitForFunction((s) => document.querySelector('#status').textContent === s, strings['page.noLink'].zh);
		ok(await me.locator('#app').isHidden(), 'the revoked link shows nothing of the buyer');
		const asked = await con.evaluate(async ([fair, tok]) => (await fetch(`/api/v1/fairs/${fair}/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch' }, body: JSON.stringify({ link: tok, product: 'X', phone: '13812345678' }) })).status, [FAIR, new URL(old).pathname.split('/').pop()]);
		ok(asked === 403, 'the revoked link asks for nothing', String(asked));
		const again = await printAgendas('reissued');
		ok(again.has(buyer) && again.get(buyer) !== old, 'the next print carries a new link', again.get(buyer));
		await me.goto(BASE + new URL(again.get(buyer)).pathname);
		await me.waitForSelector('#app:not([hidden])');
		ok((await me.textContent('#me-line')).includes(buyer), 'the new link opens the buyer\'s page', await me.textContent('#me-line'));
		await me.goto(pageOf(ASK_SUPPLIER));
		await me.waitForSelector('#app:not([hidden])');
	}],
	['中文, English, Русский', async () => {
		const langs = { zh: ['zh-CN', '洽谈日程'], en: ['en', 'Agenda'], ru: ['ru', 'Расписание'] };
		for (const [l, [tag, heading]] of Object.entries(langs)) {
			await me.click(`.langs button[data-lang="${l}"]`);
			await me.waitForFunction((t) => document.documentElement.lang === t, tag);
			const text = await bodyText();
			ok(text.includes(heading), `${l}: the agenda's heading`, heading);
			ok(!/\bpage\.[a-zA-Z]/.test(text), `${l}: no key shown`, (text.match(/\bpage\.[a-zA-Z.]+/) || [])[0]);
			for (const other of Object.keys(langs).filter((o) => o !== l)) {
				const stray = pageStrings(other).filter((s) => s.length > 3 && !pageStrings(l).includes(s) && text.includes(s));
				ok(stray.length === 0, `${l}: no ${other} strings`, stray.join(' | '));
			}
			await me.screenshot({ path: path.join(SHOTS, `personal-page-${l}.png`) });
		}
		await me.reload();
		await me.waitForSelector('#app:not([hidden])');
		ok(await me.evaluate(() => document.documentElement.lang) === 'ru', 'the choice is kept over a reload');
		ok((await bodyText()).includes('Расписание'), 'the page is Russian again after a reload');
		const day = await me.textContent('#meetings li[data-meeting] .when');
		ok(/[а-я]/.test(day), 'dates are written in Russian', day);
		await me.click('.langs button[data-lang="zh"]');
	}],
];

for (const [name, fn] of steps) if (!(await step(name, fn))) break;
await finish(browser, problems);
