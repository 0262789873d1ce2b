// Every page in each of its languages, in Debian's chromium (playwright-core)
// against the server run.sh started ($BASE), after fair_day.mjs has run
// 渝洽会: the kiosk in 中文, English and Русский (start, results, a product,
// the meeting request form, by badge and PIN and by personal link), the office portal, the organiser console (the
// fair open, a participant's details), the statistics page and the network
// ledger (the province office's, and a city office's) in 中文 and English.  In each language the page must show no string key and no
// string of strings.js in another language: a string left untranslated,
// or made outside strings.js in one language only, shows up as one.
// strings.js itself must give every string in 中文 and English, and the
// strings of the pages participants read in Русский too.  Prints "N passed,
// N failed".
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { strings } from '../../web/lib/strings.js';
import { ok, step, finish } from './harness.mjs';

const { BASE, WORK, CHROMIUM = '/usr/bin/chromium', ORG_PASSWORD, CLERK_PASSWORD, LEDGER_PASSWORD } = process.env;
const SHOTS = path.join(WORK, 'screenshots');
const FAIR = 'YQH-2026';
const HANG = 60000;
mkdirSync(SHOTS, { recursive: true });


// The keys of the pages participants read, which need Русский too.
const RU_KEYS = /^(kiosk|field|page|offline|common|api)\./;
const TAGS = { zh: 'zh-CN', en: 'en', ru: 'ru' };

// Each string's literal parts (around {name}), in language l, long enough
// not to turn up inside the data by chance: Chinese of 4 characters or more,
// English or Russian of two words or more.
function literals(l) {
	const out = new Set();
	for (const v of Object.values(strings)) {
		for (const part of (v[l] ?? '').split(/\{[^}]*\}/).map((s) => s.trim())) {
			if (l === 'zh' ? [...part.replace(/[^\u3400-\u9fff]/g, '')].length >= 4 : /\S+ \S+/.test(part) && part.length >= 8) out.add(part);
		}
	}
	return out;
}
const LIT = { zh: literals('zh'), en: literals('en'), ru: literals('ru') };

// What a person can read on the page: its title, the visible text, and the
// visible labels, placeholders and options.  (The language buttons, each
// labelled in its own language, are single words: no literal above.)
const readable = (page) => page.evaluate(() => {
	const texts = [document.title, document.body.innerText];
	for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], [alt]')) {
		if (!el.checkVisibility()) continue;
		for (const a of ['placeholder', 'aria-label', 'title', 'alt']) texts.push(el.getAttribute(a) || '');
	}
	for (const o of document.querySelectorAll('select option')) if (o.parentElement.checkVisibility()) texts.push(o.textContent);
	return texts.join('\n');
});

// The keys and the other languages' strings the page shows in language l.
async function strays(page, l, others) {
	const text = await readable(page);
	const keys = text.match(/\b(?:kiosk|field|page|offline|common|api|login|role|kind|office|entry|console|stats|ledger)\.[a-zA-Z][a-zA-Z_.]*/g) || [];
	const found = { keys };
	for (const o of others) found[o] = [...LIT[o]].filter((s) => !LIT[l].has(s) && text.includes(s));
	return found;
}

// The page, in language l, shows no key and no string of another language.
// A page redraws what it fetched after a switch, so this waits (polling, up
// to HANG) for a clean page before it reports what is left.
async function check(page, name, l, others) {
	await page.waitForFunction((t) => document.documentElement.lang === t, TAGS[l]);
	let found = await strays(page, l, others);
	for (const until = Date.now() + HANG; Object.values(found).some((a) => a.length) && Date.now() < until;) {
		await page.waitForTimeout(250);
		found = await strays(page, l, others);
	}
	ok(found.keys.length === 0, `${name} (${l}): no string key shown`, found.keys.join(' '));
	for (const o of others) ok(found[o].length === 0, `${name} (${l}): no ${o} string shown`, found[o].slice(0, 8).join(' | '));
}

// Switches page to l with the header's buttons: #lang between 中文 and English, #lang-ru to Русский.
async function switchTo(page, l) {
	const now = await page.getAttribute('html', 'lang');
	if (now === TAGS[l]) return;
	if (l === 'ru') await page.click('#lang-ru');
	else if (now === 'ru' && l === 'en') { await page.click('#lang'); await page.waitForFunction(() => document.documentElement.lang === 'zh-CN'); await page.click('#lang'); }
	else await page.click('#lang');
	await page.waitForFunction((t) => document.documentElement.lang === t, TAGS[l]);
}

// Checks the page in each of langs, back in 中文 at the end.
async function walk(page, name, langs) {
	for (const l of langs) {
		await switchTo(page, l);
		await check(page, name, l, langs.filter((o) => o !== l));
	}
	await switchTo(page, 'zh');
	/*
	 * A switch redraws from fresh requests (the console reloads its lists):
	 * they finish before the caller clicks, or a click's mousedown and
	 * mouseup can land on two renderings of a row, which is no click.
	 */
	await page.waitForLoadState('networkidle');
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const problems = [];
async function open(url, viewport = { width: 1400, height: 1000 }) {
	const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport });
	ctx.setDefaultTimeout(HANG);
	const p = await ctx.newPage();
	p.on('pageerror', (e) => problems.push(e.message));
	p.on('dialog', async (d) => { problems.push('a dialog: ' + d.message()); await d.dismiss(); });
	await p.goto(BASE + url);
	return p;
}
async function signIn(p, login, pass) {
	await p.fill('#login-name', login);
	await p.fill('#login-pass', pass);
	await p.click('#login-form button[type=submit]');
	await p.waitForSelector('#app:not([hidden])');
}

await step('strings.js: every string in 中文 and English, the participants\' in Русский', async () => {
	const missing = Object.entries(strings).filter(([k, v]) => !v.zh || !v.en || (RU_KEYS.test(k) && !v.ru)).map(([k]) => k);
	ok(missing.length === 0, 'no string lacks a language', missing.join(' '));
});

await step('kiosk: 中文, English, Русский', async () => {
	const k = await open('/?idle=off', { width: 1080, height: 1920 });
	await k.waitForSelector('body[data-ready="1"]');
	ok(await k.locator('#lang-ru').isVisible(), 'the kiosk offers Русский');
	await k.waitForFunction(() => document.querySelectorAll('#f-fair option').length > 1);
	await walk(k, 'kiosk start', ['zh', 'en', 'ru']);
	await k.fill('#q', '龙井');
	await k.waitForSelector('#results a.card');
	await walk(k, 'kiosk results', ['zh', 'en', 'ru']);
	await k.locator('#results a.card').first().click();
	await k.waitForSelector('#p-body:not([hidden])');
	await walk(k, 'kiosk product', ['zh', 'en', 'ru']);
	await switchTo(k, 'ru');
	ok((await k.textContent('#ask')) === strings['kiosk.ask'].ru, 'the product page asks in Russian', await k.textContent('#ask'));
	ok(await k.locator('#p-fields dt', { hasText: strings['field.category'].ru }).count() === 1, 'the fields are named in Russian');
	await k.click('#ask');
	await k.waitForSelector('#ask-dialog[open]');
	await check(k, 'kiosk request form', 'ru', ['zh', 'en']);
	// Asking by the agenda's personal link instead: its form, and what it says of a link that opens nothing.
	await k.check('#ask-by-link');
	await k.fill('#ask-link', BASE + '/p/' + 'Zx9'.repeat(14) + 'Q');
	await k.waitForFunction((s) => document.querySelector('#ask-who').textContent === s, strings['kiosk.linkInvalid'].ru);
	await check(k, 'kiosk request form by personal link', 'ru', ['zh', 'en']);
	await k.check('#ask-by-pin');
	// The server's answer ("中文 / English") shows its English part in Russian.
	await k.fill('#ask-badge', 'B999');
	await k.fill('#ask-pin', '000000');
	await k.fill('#ask-phone', '13812345678');
	await k.click('#ask-send');
	await k.waitForFunction(() => document.querySelector('#ask-result').textContent.trim() !== '');
	const said = await k.textContent('#ask-result');
	ok(/[A-Za-z]/.test(said) && !/[\u3400-\u9fff]/.test(said), 'the server\'s refusal in English, not Chinese', said);
	await k.screenshot({ path: path.join(SHOTS, 'kiosk-ru.png') });
	await k.click('#ask-close');
	await k.reload();
	await k.waitForSelector('body[data-ready="1"]');
	ok(await k.getAttribute('html', 'lang') === 'ru', 'the kiosk keeps Русский over a reload');
	ok(await k.getAttribute('#lang-ru', 'aria-pressed') === 'true', 'the Русский button is pressed');
	// Amounts as Russian writes them: a price range of 2400-2900 yuan, grouped by thousands.
	await k.goto(BASE + '/?idle=off#/p/HZ-0003');
	await k.waitForSelector('#p-body:not([hidden])');
	const [from, to] = await k.evaluate(() => [2400, 2900].map((n) => new Intl.NumberFormat('ru').format(n)));
	const fields = await k.textContent('#p-fields');
	ok(from !== '2400' && fields.includes(`${from}-${to} юаней`), 'the price is grouped as Russian writes it', fields.slice(0, 200));
	await switchTo(k, 'zh');
	await k.context().close();
});

await step('office portal: 中文, English', async () => {
	const o = await open('/office/');
	ok(await noRussian(o), 'the office portal does not offer Русский');
	await signIn(o, 'clerk', CLERK_PASSWORD);
	await o.waitForFunction(() => document.querySelectorAll('#history tr, #history li').length > 0 || document.querySelector('#hist-status')?.textContent);
	await walk(o, 'office', ['zh', 'en']);
	await o.context().close();
});

await step('organiser console: 中文, English', async () => {
	const c = await open('/console/');
	await signIn(c, 'org', ORG_PASSWORD);
	await c.waitForFunction(() => document.querySelectorAll('#fairs tbody tr').length > 0);
	await walk(c, 'console fairs', ['zh', 'en']);
	await c.locator('#fairs tbody tr', { hasText: FAIR }).locator('button').click();
	await c.waitForSelector('#people-list tbody tr');
	await c.waitForSelector('#requests-list tr');
	await walk(c, 'console fair', ['zh', 'en']);
	await c.locator('#people-list tbody tr').first().locator('button').first().click();
	await c.waitForSelector('#person:not([hidden])');
	await walk(c, 'console participant', ['zh', 'en']);
	await switchTo(c, 'en');
	await c.screenshot({ path: path.join(SHOTS, 'console-en.png'), fullPage: true });
	await switchTo(c, 'zh');
	await c.context().close();
});

await step('statistics: 中文, English', async () => {
	const s = await open('/stats/');
	await signIn(s, 'org', ORG_PASSWORD);
	await s.waitForFunction(() => document.querySelectorAll('#figures thead th').length > 0);
	await walk(s, 'stats', ['zh', 'en']);
	await s.context().close();
});

await step('ledger: 中文, English', async () => {
	for (const [login, ready] of [['prov', '#o-pick option + option'], ['jx', '#city-view:not([hidden])']]) {
		const g = await open('/ledger/');
		await signIn(g, login, LEDGER_PASSWORD);
		await g.fill('#year', '2010');
		await g.click('#period button[type=submit]');
		await g.waitForSelector(ready, { state: 'attached' });
		await g.waitForFunction(() => document.querySelectorAll('#figures tbody tr').length > 0);
		await walk(g, `ledger (${login})`, ['zh', 'en']);
		await g.context().close();
	}
});

// The Русский button is there only on the pages that offer it.
async function noRussian(p) {
	await p.waitForSelector('#lang');
	return p.locator('#lang-ru').isHidden();
}

await finish(browser, problems);
