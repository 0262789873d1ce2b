// A fair run end to end through the organiser console alone, in Debian's
// chromium (playwright-core) against the server run.sh started ($BASE):
// matching, the layout, the schedule published as version 1, a request
// made late and accepted, a re-solve whose draft shows what it changes,
// publish, a walk-in matched at once from what it wants and paired in a
// click, check-in, a no-show and its backfill, an outcome on the meeting's
// own screen opened from the grid and in the participant's details, a
// participant's agenda as .ics, the schedule (current, and an earlier version
// from the list of versions) and the outcomes downloaded as spreadsheets.
// Screenshots go to $WORK/screenshots (docs/fair-day.md shows some).
// Prints "N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ok, step, finish } from './harness.mjs';

const { BASE, WORK, CHROMIUM = '/usr/bin/chromium', ORG_PASSWORD } = process.env;
const SHOTS = path.join(WORK, 'screenshots');
const FAIR = 'YQH-2026';
mkdirSync(SHOTS, { recursive: true });

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 1000 } });
const con = await ctx.newPage();
const problems = [];
con.on('pageerror', (e) => problems.push(e.message));
con.on('dialog', async (d) => { problems.push('a dialog: ' + d.message()); await d.dismiss(); });
const shot = (name, el) => (el ? con.locator(el) : con).screenshot({ path: path.join(SHOTS, name + '.png') });
const text = (sel) => con.textContent(sel);
const jobDone = () => con.waitForFunction(() => document.body.dataset.job === 'done', null, { timeout: 150000 });
const api = (p) => con.evaluate(async (u) => (await fetch(u)).json(), `/api/v1/fairs/${FAIR}${p}`);
const reopen = async () => {
	await con.locator('#fairs tbody tr', { hasText: FAIR }).locator('button').click();
	await con.waitForSelector('#people-list tbody tr');
};

const steps = [
	['sign in and open the fair', async () => {
		await con.goto(BASE + '/console/');
		await con.fill('#login-name', 'org');
		await con.fill('#login-pass', ORG_PASSWORD);
		await con.click('#login-form button[type=submit]');
		await con.waitForSelector('#app:not([hidden])');
		await con.waitForFunction(() => document.querySelectorAll('#fairs tbody tr').length > 0);
		await con.locator('#fairs tbody tr', { hasText: FAIR }).locator('button').click();
		await con.waitForSelector('#setup:not([hidden])');
		// The section shows at once; what it says comes with the fair's layout.
		const said = await con.waitForFunction(() => document.querySelector('#setup-status').textContent.trim(), null, { timeout: 60000 })
			.then(() => text('#setup-status'), () => '');
		ok(/还没有布局/.test(said), 'a fair with no layout says so', said);
	}],
	['matching', async () => {
		await con.click('#run-match');
		await jobDone();
		ok(/匹配完成/.test(await text('#job-status')), 'matching finishes', await text('#job-status'));
	}],
	['a refused layout, then the layout', async () => {
		await con.fill('#s-lunch-from', '13:00');
		await con.fill('#s-lunch-to', '12:00');
		await con.click('#setup-save');
		await con.waitForFunction(() => /lunch|午休/.test(document.querySelector('#setup-status').textContent));
		ok(/午休须先开始后结束/.test(await text('#setup-status')), 'a bad lunch is refused, saying why', await text('#setup-status'));
		await con.fill('#s-days', '1');
		await con.fill('#s-per', '6');
		await con.fill('#s-min', '20');
		await con.fill('#s-start', '10:40');
		await con.fill('#s-lunch-from', '12:00');
		await con.fill('#s-lunch-to', '13:30');
		await con.fill('#s-tables', '3');
		await con.click('#setup-save');
		await con.waitForFunction(() => /布局已保存/.test(document.querySelector('#setup-status').textContent));
		await con.waitForSelector('#tables-list tbody tr');
		await con.fill('#tables-list tbody tr:first-child .t-name', 'A厅1号');
		await con.fill('#tables-list tbody tr:first-child .t-where', 'A厅东侧');
		await con.click('#tables-save');
		await con.waitForFunction(() => /桌名与位置已保存/.test(document.querySelector('#setup-status').textContent));
		const s = await api('/setup');
		ok(s.slots.length === 6 && s.tables[0].name === 'A厅1号' && s.lunch === '12:00-13:30', 'the layout is stored', JSON.stringify(s).slice(0, 200));
		await shot('fair-day-setup', '#setup');
	}],
	['schedule and publish version 1', async () => {
		await con.waitForSelector('#people-list tbody tr');
		await con.click('#run-schedule');
		await jobDone();
		// The first solve is a draft like every other: nothing is scheduled until it is published.
		ok(/草稿/.test(await text('#job-status')), 'the first solve is a draft', await text('#job-status'));
		ok((await api('/schedule')).meetings.length === 0, 'nothing is scheduled before publishing');
		await con.waitForSelector('#diff:not([hidden]) #diff-list li');
		await con.click('#publish');
		await con.waitForFunction(() => /第 1 版已发布/.test(document.querySelector('#versions-status').textContent));
		await con.waitForSelector('#grid td.meeting');
		ok((await api('/versions')).published === 1, 'version 1 is published');
	}],
	['a late request, recorded and accepted in the console', async () => {
		const cands = await con.evaluate(async () => (await fetch('/api/v1/fairs/YQH-2026/participants')).json());
		// A buyer's candidate not in the schedule.
		let ask = null;
		for (const p of cands.participants.filter((x) => x.side === 'buyer')) {
			const d = await api('/participants/' + p.badge);
			const c = d.candidates.find((x) => !x.scheduled);
			if (c) { ask = { buyer: p.badge, supplier: c.badge }; break; }
		}
		ok(ask !== null, 'a candidate pair outside the schedule');
		// Asked on the day: the organiser records it by badges, then accepts it.
		await con.fill('#pair-buyer', ask.buyer);
		await con.fill('#pair-supplier', ask.supplier);
		await con.click('#pair-form button[type=submit]');
		await con.waitForFunction(() => /组织方添加/.test(document.querySelector('#requests-status').textContent));
		await con.waitForSelector('#requests-list tbody tr');
		const row = con.locator('#requests-list tbody tr').first();
		await row.locator('button.accept').click();
		await con.waitForFunction(() => /已处理/.test(document.querySelector('#requests-status').textContent));
		const rs = (await api('/requests')).requests;
		ok(rs[0].state === 'accepted' && rs[0].decided_by === 'org', 'the request is accepted, by whom', JSON.stringify(rs[0]));
		globalThis.asked = ask;
	}],
	['re-solve: a draft and its diff, then publish', async () => {
		const before = (await api('/schedule')).meetings.length;
		await con.click('#run-schedule');
		await jobDone();
		ok(/草稿/.test(await text('#job-status')), 'a re-solve after publishing is a draft', await text('#job-status'));
		ok((await api('/schedule')).meetings.length === before, 'the published schedule is untouched by the draft');
		await con.waitForSelector('#diff:not([hidden]) #diff-list li');
		const diff = await text('#diff-list');
		ok(/新增/.test(diff) && /第1天/.test(diff), 'the diff names the added meeting by time', diff.slice(0, 200));
		await shot('fair-day-diff', '#versions');
		await con.click('#publish');
		await con.waitForFunction(() => /第 2 版已发布/.test(document.querySelector('#versions-status').textContent));
		const g = await api('/schedule');
		ok(g.meetings.some((m) => m.buyer.badge === globalThis.asked.buyer && m.supplier.badge === globalThis.asked.supplier), 'the accepted pair is scheduled');
		ok(g.version === 2, 'the grid carries the version');
	}],
	['walk-in, check-in, no-show and backfill', async () => {
		const g = await api('/schedule');
		const m = g.meetings.slice().sort((a, b) => a.slot - b.slot || a.table - b.table)[0];
		await con.fill('#w-name', '临时采购商');
		await con.fill('#w-region', '重庆市');
		await con.fill('#w-pairs', m.supplier.badge);
		await con.fill('#w-text', '衬衫');
		await con.fill('#w-category', '纺织服装');
		await con.click('#walkin-form button[type=submit]');
		await con.waitForFunction(() => /BW001/.test(document.querySelector('#people-status').textContent));
		// Matched at once: the fair's suppliers of shirts, in the walk-in's details, one click to pair.
		await con.waitForSelector('#person .matches li[data-badge]');
		const found = await text('#person .matches');
		ok(/衬衫/.test(found) && /共同点：衬衫/.test(found), 'the walk-in\'s matches are suppliers of what it wants, saying why', found.slice(0, 300));
		const r = await api('/participants/BW001/matches?text=' + encodeURIComponent('衬衫') + '&category=' + encodeURIComponent('纺织服装'));
		const pick = r.matches.find((x) => !x.pair);
		ok(r.matches.length >= 2 && pick, 'two suppliers of shirts, one not paired yet', JSON.stringify(r.matches.map((x) => [x.badge, x.item.name, x.pair])));
		ok(await con.locator('#person .matches li[data-badge]').count() === r.matches.length, 'the console lists every match');
		await con.locator(`#person .matches li[data-badge="${pick.badge}"] button.add-pair`).click();
		await con.waitForFunction(() => /已添加候选洽谈/.test(document.querySelector('#people-status').textContent));
		await con.waitForSelector(`#person .matches li[data-badge="${pick.badge}"] .paired`);
		const rs = (await api('/requests')).requests;
		ok(rs.some((x) => x.buyer.badge === 'BW001' && x.supplier.badge === pick.badge && x.state === 'added' && x.decided_by === 'org'),
			'the match is a candidate pair, added by the organiser', JSON.stringify(rs.filter((x) => x.buyer.badge === 'BW001')));
		await shot('fair-day-walkin', '#person');
		await con.fill('#checkin-badge', m.supplier.badge.toLowerCase());
		await con.click('#checkin-form button[type=submit]');
		await con.waitForFunction(() => /已签到/.test(document.querySelector('#checkin-status').textContent));
		await con.locator(`#people-list tr[data-badge="${m.buyer.badge}"] button.noshow`).click();
		await con.waitForFunction(() => /未到场/.test(document.querySelector('#people-status').textContent));
		await con.waitForSelector(`#backfill li[data-meeting="${m.id}"] button`);
		ok((await text('#backfill')).includes('临时采购商'), 'backfill proposes the walk-in in the freed place');
		await shot('fair-day-backfill', '#day');
		await con.locator(`#backfill li[data-meeting="${m.id}"] button`).click();
		await con.waitForFunction(() => /已补位/.test(document.querySelector('#backfill-status').textContent));
		const after = await api('/schedule');
		ok(after.meetings.some((x) => x.buyer.badge === 'BW001' && x.slot === m.slot && x.table === m.table), 'the backfill meeting takes the freed place');
		// Another desk checks someone in: the board shows it with no click here.
		const other = after.meetings.map((x) => x.supplier.badge).find((b) => b !== m.supplier.badge);
		ok(!(await text('#arrivals')).includes(`（${other}）`), 'the other supplier has not arrived yet', other);
		const desk = await con.evaluate(async (u) => (await fetch(u, { method: 'POST', headers: { 'X-Requested-With': 'fetch' } })).status,
			`/api/v1/fairs/${FAIR}/participants/${encodeURIComponent(other)}/checkin`);
		ok(desk === 200, 'a second desk checks a supplier in', String(desk));
		await con.waitForFunction((b) => document.querySelector('#arrivals').textContent.includes(`（${b}）`), other, { timeout: 30000 });
		ok((await text('#arrivals')).includes(other), 'the arrivals board shows the other desk\'s check-in by itself', other);
	}],
	['a meeting\'s outcome screen, from its cell in the grid', async () => {
		await reopen();
		await con.waitForSelector('#grid td.meeting');
		const g = await api('/schedule');
		const m = g.meetings.find((x) => x.buyer.badge !== 'BW001' && !x.no_show);
		const cell = con.locator(`#grid td.meeting[data-meeting="${m.id}"]`);
		await cell.locator('button.outcome').click();
		await con.waitForSelector('#meeting:not([hidden]) form.outcome-form');
		const head = await text('#meeting');
		ok(head.includes(m.buyer.name) && head.includes(m.supplier.name) && /尚未记录结果/.test(head), 'the screen names both sides and says nothing is recorded', head.slice(0, 200));
		const f = con.locator('#meeting form.outcome-form');
		await f.locator('.o-kind').selectOption('intention');
		await f.locator('.o-amount').fill('12.5');
		await f.locator('.o-products').fill('样品');
		await f.locator('button[type=submit]').click();
		await con.waitForFunction(() => /结果已保存/.test(document.querySelector('#meeting-status')?.textContent ?? ''));
		await f.locator('.o-amount').waitFor();
		ok(await con.locator('#meeting form.outcome-form .o-amount').inputValue() === '12.50' &&
			await con.locator('#meeting form.outcome-form .o-kind').inputValue() === 'intention', 'the form shows what is recorded');
		// A change: held, then a no-show after all; the history keeps both.
		await con.locator('#meeting form.outcome-form .o-held').selectOption('0');
		await con.locator('#meeting form.outcome-form button[type=submit]').click();
		await con.waitForFunction(() => /是否举行 已举行 → 未到场/.test(document.querySelector('#meeting .o-trail')?.textContent ?? ''));
		const trail = await text('#meeting .o-trail');
		ok(/金额（万元） — → 12\.50/.test(trail) && /成果 意向 → 无/.test(trail), 'the screen shows the history of changes', trail.slice(0, 400));
		const o = await api(`/meetings/${m.id}/outcome`);
		ok(o.recorded && o.held === false && o.history.length >= 4, 'the outcome is stored with its history', JSON.stringify(o).slice(0, 300));
		// Running late: marked on the screen, shown in the grid, then cleared.
		await con.fill('#meeting .late-min', '15');
		await con.click('#meeting form.late-form button[type=submit]');
		await con.waitForFunction((id) => /迟到 15 分钟/.test(document.querySelector(`#grid td[data-meeting="${id}"]`)?.textContent ?? ''), m.id);
		ok((await api('/schedule')).meetings.find((x) => x.id === m.id).late_minutes === 15, 'the meeting is marked 15 minutes late');
		await shot('fair-day-meeting', '#meeting');
		await con.fill('#meeting .late-min', '0');
		await con.click('#meeting form.late-form button[type=submit]');
		await con.waitForFunction(() => /已取消迟到标记/.test(document.querySelector('#meeting-status')?.textContent ?? ''));
		await con.waitForFunction((id) => !/迟到/.test(document.querySelector(`#grid td[data-meeting="${id}"]`)?.textContent ?? '迟到'), m.id);
		ok(!(await api('/schedule')).meetings.find((x) => x.id === m.id).late_minutes, 'the late mark is cleared');
		await con.locator('#meeting button', { hasText: '关闭' }).click();
		ok(await con.locator('#meeting').isHidden(), 'the screen closes');
	}],
	['an outcome for the backfill meeting', async () => {
		await con.locator('#people-list tr[data-badge="BW001"] button.details').click();
		await con.waitForSelector('#person:not([hidden]) form.outcome-form');
		const f = con.locator('#person form.outcome-form').first();
		await f.locator('.o-kind').selectOption('contract');
		await f.locator('.o-amount').fill('50');
		await f.locator('.o-products').fill('火锅底料');
		await f.locator('button[type=submit]').click();
		await con.waitForFunction(() => /结果已保存/.test(document.querySelector('#people-status').textContent));
		await con.waitForFunction(() => /已记录/.test(document.querySelector('#person').textContent));
		// Its evidence, a scanned contract, and the history that records both.
		await con.locator('#person form.evidence-form input.o-file').first().setInputFiles({
			name: '合同扫描件.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 a signed contract\n'),
		});
		await con.locator('#person form.evidence-form button[type=submit]').first().click();
		await con.waitForFunction(() => /凭证已保存/.test(document.querySelector('#people-status').textContent));
		await con.waitForFunction(() => /合同扫描件\.pdf/.test(document.querySelector('#person .o-trail')?.textContent ?? ''));
		const trail = await text('#person .o-trail');
		ok(await con.locator('#person form.outcome-form .o-amount').first().inputValue() === '50.00' &&
			await con.locator('#person form.outcome-form .o-kind').first().inputValue() === 'contract', 'the details\' form shows what is recorded');
		ok(/修改记录/.test(trail) && /金额（万元） — → 50\.00/.test(trail) && /凭证 合同扫描件\.pdf/.test(trail), 'the outcome shows its evidence and history', trail.slice(0, 300));
		await shot('fair-day-outcome', '#people');
		const stats = await con.evaluate(async () => (await fetch('/api/v1/stats?by=fair&fair=YQH-2026')).json());
		ok(stats.totals.contracts === 1 && stats.totals.contract_wan === '50.00', 'the statistics count the contract', JSON.stringify(stats.totals));
		await shot('fair-day-console');
	}],
	['a participant\'s agenda as .ics', async () => {
		await con.locator('#people-list tr[data-badge="BW001"] button.details').click();
		await con.waitForSelector('#person:not([hidden]) a.ics');
		const [d] = await Promise.all([con.waitForEvent('download', { timeout: 60000 }), con.click('#person a.ics')]);
		ok(d.suggestedFilename() === `${FAIR}-BW001.ics`, 'the agenda downloads as FAIR-BADGE.ics', d.suggestedFilename());
		const file = path.join(WORK, d.suggestedFilename());
		await d.saveAs(file);
		// Unfolded (RFC 5545), one event per meeting, each at its slot's date and time.
		const lines = readFileSync(file, 'utf8').replace(/\r\n /g, '').split('\r\n');
		const events = [];
		for (const l of lines) {
			if (l === 'BEGIN:VEVENT') events.push({});
			else if (events.length && l.includes(':')) { const i = l.indexOf(':'); events.at(-1)[l.slice(0, i).split(';')[0]] ??= l.slice(i + 1); }
		}
		const me = await api('/participants/BW001'), setup = await api('/setup');
		const slots = new Map(setup.slots.map((s) => [s.slot, s]));
		// The fair opens on 2026-05-21: day N is N - 1 days later.
		const at = (s, hm) => new Date(Date.UTC(2026, 4, 20 + s.day)).toISOString().slice(0, 10).replaceAll('-', '') + `T${hm.replace(':', '')}00`;
		ok(lines[0] === 'BEGIN:VCALENDAR' && events.length === me.meetings.length && me.meetings.length > 0, 'a calendar with every meeting', `${events.length} ${me.meetings.length}`);
		ok(me.meetings.every((m) => events.some((e) => e.UID.startsWith(`meeting-${m.id}-`) && e.DTSTART === at(slots.get(m.slot), slots.get(m.slot).start) &&
			e.DTEND === at(slots.get(m.slot), slots.get(m.slot).end) && e.LOCATION.includes(m.table_name))), 'each event at its meeting\'s time and table',
			JSON.stringify(events).slice(0, 400));
	}],
	['the schedule and the outcomes downloaded', async () => {
		const download = async (sel) => {
			const [d] = await Promise.all([con.waitForEvent('download', { timeout: 60000 }), con.click(sel)]);
			const file = path.join(WORK, d.suggestedFilename());
			await d.saveAs(file);
			return file;
		};
		const csv = readFileSync(await download('button[data-render="export/schedule?format=csv"]'), 'utf8');
		const rows = csv.split('\r\n').filter(Boolean).slice(1);
		const g = await api('/schedule');
		ok(csv.startsWith('\ufeff版本,日期,时间,桌号') && rows.length === g.meetings.length && rows.every((l) => l.startsWith(`${g.version},`)),
			'the schedule CSV has every meeting of the published version', csv.slice(0, 200));
		ok(rows.some((l) => /,A厅1号,A厅东侧,BW001,临时采购商,.*,补位$/.test(l)) && rows.some((l) => l.endsWith(',未到场')),
			'the schedule CSV names tables and carries the day\'s marks', rows.slice(0, 3).join(' | '));
		// An earlier version, from the list of versions.
		const v1 = (await api('/versions')).versions.find((x) => x.number === 1);
		const csv1 = readFileSync(await download('#versions-list tr[data-version="1"] button[data-render$="format=csv"]'), 'utf8');
		const rows1 = csv1.split('\r\n').filter(Boolean).slice(1);
		ok(v1.state === 'old' && rows1.length === v1.meetings && rows1.every((l) => l.startsWith('1,')),
			'version 1, published before, downloads as CSV from the list of versions', `${v1.state} ${v1.meetings} ${rows1.length} ${rows1[0]}`);
		const xlsx = await download('button[data-render="export/outcomes"]');
		ok(/outcomes-YQH-2026\.xlsx$/.test(xlsx) && readFileSync(xlsx).subarray(0, 2).toString() === 'PK', 'the outcomes download as XLSX', xlsx);
	}],
	['print view hides the controls', async () => {
		await con.emulateMedia({ media: 'print' });
		ok(await con.locator('#setup').isHidden() && await con.locator('#day').isHidden() && await con.locator('#grid .cell-actions').first().isHidden(), 'print shows the grid alone');
		await con.emulateMedia({ media: 'screen' });
	}],
];

// Stops at the first step that throws: each step needs the one before it.
for (const [name, fn] of steps) if (!(await step(name, fn))) break;
await finish(browser, problems);
