// One return line through all three review steps in the ledger page, in
// Debian's chromium (playwright-core) against the server run.sh started
// ($BASE), each person in a browser of their own: 四川's clerk submits a
// line for 成都荷花池市场浙江产品营销中心 and adds the purchase contract;
// the clerk cannot pass it; a second clerk of the office passes 初核; the
// province office passes 复审 and signs 联审, which does not yet verify
// it; the finance reviewer, who has no form to submit or add evidence,
// signs 联审 and the line is verified, its history naming each of them;
// the figures count it.  The province office sees who is late (the
// offices that missed the third batch's papers, and the expansion and city
// offices without Q3 figures by 15 October), the chart's bars carrying the
// figures' counted and target values, the network's sales quarter by
// quarter, and downloads the figures as Excel.  A spot check drawn with a
// seed fails the line and it stops counting, its history kept.  A returns
// file with a bad row is refused with a report naming its row and cell; a
// good one submits its lines.  The page in English shows no key.
// The line is marked as sales from a fair meeting, the file's lines as
// not, and the figures split the verified amount so.  The province office
// downloads the register as Excel and imports a register file (a bad cell
// refused by its row and column).
// 嘉兴's city clerk lands on the figures of the outlets docking with 嘉兴
// (四川's), without the lines or the deadlines, and reports its quarter's
// figure.  The province office adds a distributor on the page; a missing
// approver and a distributor's tier are refused by their field.
// Prints "N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { axeViolations } from './axe.mjs';

const { BASE, WORK, CHROMIUM = '/usr/bin/chromium', LEDGER_PASSWORD } = process.env;
const SHOTS = path.join(WORK, 'screenshots');
mkdirSync(SHOTS, { recursive: true });

let passed = 0;
let failed = 0;
const ok = (cond, what, detail = '') => {
	if (cond) passed++;
	else { failed++; console.log(`FAIL ${what}${detail ? ': ' + detail : ''}`); }
};
async function step(name, fn) {
	try {
		await fn();
		console.log(`  ${name}`);
		return true;
	} catch (e) {
		failed++;
		console.log(`FAIL ${name}: ${e.message.split('\n').slice(0, 4).join(' | ')}`);
		return false;
	}
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const problems = [];
const evidence = path.join(WORK, '购销合同-荷花池.txt');
writeFileSync(evidence, '购销合同：成都荷花池市场某商户 × 义乌某小商品有限公司，2010-08-02，50,000 万元\n');
let lineId = 0;

// A page signed in as login, on the ledger for 2010 Q3.
async function signIn(login) {
	const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1300, height: 1000 } });
	const p = await ctx.newPage();
	p.on('pageerror', (e) => problems.push(`${login}: ${e.message}`));
	p.on('dialog', async (d) => { problems.push('a dialog: ' + d.message()); await d.dismiss(); });
	await p.goto(BASE + '/ledger/');
	await p.fill('#login-name', login);
	await p.fill('#login-pass', LEDGER_PASSWORD);
	await p.click('#login-form button[type=submit]');
	await p.waitForSelector('#app:not([hidden])');
	await p.fill('#year', '2010');
	await p.selectOption('#quarter', '3');
	await p.click('#period button[type=submit]');
	return p;
}

// Opens the line in p and waits for its detail.
async function open(p) {
	// The lines list loads after sign-in: on a loaded machine that takes more than the default 30 s.
	await p.locator(`#lines tbody tr[data-line="${lineId}"]`).click({ timeout: 60000 });
	await p.waitForFunction((id) => document.querySelector('#line-title')?.textContent.includes(`${id}`), lineId,
		{ timeout: 60000 });
}

// Presses the action button, waits for the server's answer, and checks the line's state is want.
async function press(p, action, want) {
	await p.evaluate(() => { document.querySelector('#line-status').textContent = ''; });
	await p.click('#do-' + action);
	await p.waitForFunction(() => document.querySelector('#line-status').textContent !== '', null, { timeout: 60000 });
	const state = await p.getAttribute('#line', 'data-state');
	if (state !== want) throw new Error(`${action}: the line is ${state}, not ${want}: ${await p.textContent('#line-status')}`);
}

const steps = [
	['the clerk submits a line with its contract', async () => {
		const p = await signIn('sc1');
		await p.waitForFunction(() => document.querySelectorAll('#s-outlet option').length > 40);
		await p.selectOption('#s-outlet', 'SC-C01');
		await p.selectOption('#s-quarter', '3');
		await p.fill('#s-amount', '50000');
		await p.fill('#s-note', '服装、鞋帽、小商品');
		await p.check('#s-fair');
		await p.click('#submit button[type=submit]');
		await p.waitForSelector('#line:not([hidden])');
		lineId = Number(await p.getAttribute('#lines tbody tr[aria-selected="true"]', 'data-line'));
		ok(lineId > 0, 'the new line is listed and open');
		ok(await p.textContent(`#lines tbody tr[data-line="${lineId}"] td[data-fair]`) === '来自洽谈会' &&
			/来自洽谈会/.test(await p.textContent('#line-state')), 'the line says its sales came from a fair meeting');
		ok(/待初核/.test(await p.textContent('#line-state')), 'a new line awaits 初核', await p.textContent('#line-state'));
		await p.selectOption('#e-kind', 'contract');
		await p.setInputFiles('#e-file', evidence);
		await p.click('#evidence-form button[type=submit]');
		await p.waitForFunction(() => /购销合同-荷花池/.test(document.querySelector('#evidence').textContent));
		await p.click('#do-check');
		await p.waitForFunction(() => /不能自己审核|may not review/.test(document.querySelector('#line-status').textContent));
		ok((await p.getAttribute('#line', 'data-state')) === 'submitted', 'the submitter cannot pass its own line');
		await p.screenshot({ path: path.join(SHOTS, 'ledger-submitted.png') });
		// A returns file with a bad amount: the report names its row and cell, nothing goes in.
		const bad = path.join(WORK, '四川第三季度申报-错.csv');
		writeFileSync(bad, '编号,金额（万元）,说明\nSC-C05,2300,五金\nSC-C06,两千,服装\n');
		await p.setInputFiles('#r-file', bad);
		await p.click('#returns-form button[type=submit]');
		await p.waitForSelector('#r-report:not([hidden])', { timeout: 60000 });
		const report = await p.textContent('#r-report');
		ok(/3/.test(report) && /B3/.test(report) && /两千/.test(report), 'the report names the bad row and cell', report);
		ok(await p.locator('#lines tbody tr', { hasText: 'SC-C05' }).count() === 0, 'a refused file submits no line');
		const good = path.join(WORK, '四川第三季度申报.csv');
		writeFileSync(good, '编号,金额（万元）,说明\nSC-C05,2300,五金\nSC-C06,2000,服装\n');
		await p.setInputFiles('#r-file', good);
		await p.click('#returns-form button[type=submit]');
		await p.waitForFunction(() => /2/.test(document.querySelector('#r-summary').textContent) &&
			document.querySelector('#r-report').hidden, null, { timeout: 60000 });
		await p.waitForSelector('#lines tbody tr:has-text("SC-C06")', { timeout: 60000 });
		ok(/已导入 2 条/.test(await p.textContent('#r-summary')), 'a good file submits its lines', await p.textContent('#r-summary'));
		ok(await p.textContent('#lines tbody tr:has-text("SC-C06") td[data-fair]') === '非洽谈会', 'a file\'s line without 洽谈会成交 is not from a fair');
		await p.context().close();
	}],
	['another clerk of the office passes 初核', async () => {
		const p = await signIn('sc2');
		await open(p);
		await p.fill('#comment', '凭证齐全，与台账相符');
		await press(p, 'check', 'checked');
		ok(/待复审/.test(await p.textContent('#line-state')), 'after 初核 it awaits 复审');
		await p.context().close();
	}],
	['the province office passes 复审 and signs 联审', async () => {
		const p = await signIn('prov');
		await open(p);
		await press(p, 'review', 'reviewed');
		await press(p, 'joint', 'reviewed');
		ok(/待联审/.test(await p.textContent('#line-state')), 'one 联审 signature does not verify the line');
		await p.context().close();
	}],
	['the finance department signs 联审: verified', async () => {
		const p = await signIn('fin');
		ok(await p.isHidden('#submit-card'), 'the finance reviewer has no form to submit lines');
		await open(p);
		ok(await p.isHidden('#evidence-form'), 'the finance reviewer cannot add evidence');
		ok(await p.locator('#do-check').count() === 0 && await p.locator('#do-review').count() === 0,
			'the finance reviewer has no 初核 or 复审 button');
		await p.fill('#comment', '与省经合办联审通过');
		await press(p, 'joint', 'verified');
		ok(/已核实/.test(await p.textContent('#line-state')), 'the line is verified');
		const who = await p.locator('#history tbody tr').allTextContents();
		const has = (re) => who.some((r) => re.test(r));
		ok(has(/提交.*sc1/) && has(/初核通过.*sc2.*凭证齐全/) && has(/复审通过.*prov/) &&
			has(/联审签署.*prov/) && has(/联审签署.*fin.*与省经合办联审通过/),
			'the history names who did each step, with their comments', who.join(' | '));
		await p.selectOption('#by', 'centre');
		await p.click('#fig button[type=submit]');
		await p.waitForFunction(() => /成都荷花池市场浙江产品营销中心/.test(document.querySelector('#figures').textContent));
		const row = await p.locator('#figures tbody tr', { hasText: '成都荷花池市场浙江产品营销中心' }).textContent();
		ok(/50,000\.00/.test(row) && /14,000\.00/.test(row), 'the figures count its increase over the base', row);
		const centre = p.locator('#figures tbody tr', { hasText: '成都荷花池市场浙江产品营销中心' });
		ok(await centre.locator('td[data-col="verified_fair"]').textContent() === '50,000.00' &&
			await centre.locator('td[data-col="verified_other"]').textContent() === '0.00',
			'its verified sales are counted as from a fair meeting', row);
		await p.locator('#line').screenshot({ path: path.join(SHOTS, 'ledger-verified.png') });
		const axe = await axeViolations(p);
		ok(axe.length === 0, 'axe ledger: no serious or critical violations', axe.join('; '));
		await p.context().close();
	}],
	['the province office sees who is late and the chart of the figures against the targets', async () => {
		const p = await signIn('prov');
		// The plan's deadlines of 2010 are all past: the third batch's papers were due on 31 October.
		await p.waitForSelector('#late li[data-due="2010-10-31"]', { timeout: 60000 });
		const batch3 = await p.textContent('#late li[data-due="2010-10-31"]');
		ok(/驻新疆拓展办 缺 2 项/.test(batch3) && /驻甘肃拓展办 缺 1 项/.test(batch3) && !/驻四川拓展办/.test(batch3),
			'the offices that missed the third batch\'s papers are late, and only they', batch3);
		ok(/按时/.test(await p.textContent('#late li[data-due="2010-06-30"]')), 'nobody missed the first batch');
		const q3 = await p.textContent('#late li[data-due="2010-10-15"]');
		ok(/驻四川拓展办 缺 \d+ 项/.test(q3) && /嘉兴市经济合作交流办公室 未报送季度数据/.test(q3) &&
			/丽水市经济合作交流办公室 未报送季度数据/.test(q3), 'Q3\'s figures: the expansion and the city offices without them are late', q3);
		await p.locator('#late-card').screenshot({ path: path.join(SHOTS, 'ledger-late.png') });
		// The chart: one bar per province with a target, each reading the table's counted and target figures.
		await p.selectOption('#by', 'province');
		await p.click('#fig button[type=submit]');
		await p.waitForFunction(() => document.querySelectorAll('#chart rect.counted').length > 0, null, { timeout: 60000 });
		const table = await p.$$eval('#figures tbody tr', (rows) => rows.map((r) => ({
			name: r.querySelector('th').textContent,
			counted: r.querySelector('td[data-col="counted_yi"]').textContent,
			target: r.querySelector('td[data-col="target_yi"]').textContent,
		})).filter((r) => r.target !== '—'));
		const bars = await p.$$eval('#chart g', (gs) => gs.map((g) => ({
			label: g.querySelector('text.label').textContent, value: g.querySelector('text.value').textContent,
			width: Number(g.querySelector('rect.counted').getAttribute('width')), full: Number(g.querySelector('rect.target').getAttribute('width')),
		})));
		ok(table.length === 20 && bars.length === 20, 'a bar for each of the 20 provinces with a target', `${table.length} rows, ${bars.length} bars`);
		ok(bars.every((b, i) => b.label === table[i].name && b.value === `${table[i].counted} / ${table[i].target}`),
			'each bar reads its row\'s counted and target figures', JSON.stringify(bars.slice(0, 3)));
		const sc = table.findIndex((r) => r.name === '四川');
		ok(sc >= 0 && bars[sc].width > 0 && Math.abs(bars[sc].width - Math.min(1, Number(table[sc].counted) / Number(table[sc].target)) * bars[sc].full) < 1.5,
			'四川\'s bar is as long as its counted share of the target', JSON.stringify(bars[sc]));
		// Quarter by quarter, the network's counted sales: through Q3 what the network row counts.
		await p.selectOption('#by', 'network');
		await p.click('#fig button[type=submit]');
		await p.waitForFunction(() => document.querySelectorAll('#figures tbody tr').length === 1, null, { timeout: 60000 });
		const net = await p.textContent('#figures tbody tr td[data-col="counted_yi"]');
		const quarters = await p.locator('#quarters li').allTextContents();
		ok(quarters.length === 4 && quarters[2].includes(`截至第 3 季度计入 ${net} 亿元`) && Number(net) > 0,
			'the figures by quarter: through Q3 the network\'s counted sales', `${net}: ${quarters.join(' | ')}`);
		await p.selectOption('#by', 'province');
		await p.click('#fig button[type=submit]');
		await p.waitForFunction(() => document.querySelectorAll('#figures tbody tr').length === 20, null, { timeout: 60000 });
		// The figures as Excel, row by row, the fair-meeting split among the columns.
		const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#fig-xlsx')]);
		const sheet = execFileSync('unzip', ['-p', await dl.path(), 'xl/worksheets/sheet1.xml']).toString();
		ok(dl.suggestedFilename().endsWith('.xlsx') && (sheet.match(/<row /g) || []).length === 21 && /其中洽谈会成交/.test(sheet) && /四川/.test(sheet),
			'the figures download as Excel, a header and a row per province', dl.suggestedFilename());
		await p.context().close();
	}],
	['the finance department\'s spot check fails the line: it stops counting, its history kept', async () => {
		const p = await signIn('fin');
		await p.selectOption('#by', 'centre');
		await p.click('#fig button[type=submit]');
		await p.waitForFunction(() => [...document.querySelectorAll('#figures tbody tr')]
			.some((r) => /成都荷花池市场浙江产品营销中心/.test(r.textContent) && /14,000\.00/.test(r.textContent)), null, { timeout: 60000 });
		// A spot check of 四川's verified line fails: it stops counting, its history stays.
		await p.fill('#d-per', '1');
		await p.fill('#d-seed', '7');
		await p.click('#draw button[type=submit]');
		await p.waitForSelector(`#sample tbody tr[data-line="${lineId}"]`);
		ok(/种子 7/.test(await p.textContent('#sample-info')), 'the sample names its seed', await p.textContent('#sample-info'));
		await p.fill('#finding', '进货凭证无浙江供货方印章');
		await p.locator(`#sample tbody tr[data-line="${lineId}"] button`, { hasText: '核查不符' }).click();
		await p.waitForFunction((id) => /未通过/.test(document.querySelector(`#sample tbody tr[data-line="${id}"]`).textContent), lineId);
		// record() reloads the figures: wait for the centre's row to change, or time out and fail.
		await p.waitForFunction(() => [...document.querySelectorAll('#figures tbody tr')]
			.some((r) => /成都荷花池市场浙江产品营销中心/.test(r.textContent) && !/14,000\.00/.test(r.textContent)), null, { timeout: 60000 });
		ok(true, 'after a failed spot check the line no longer counts');
		await p.locator(`#lines tbody tr[data-line="${lineId}"]`).click();
		await p.waitForFunction(() => /抽查未通过/.test(document.querySelector('#line-state').textContent), null, { timeout: 60000 });
		ok(/抽查未通过/.test(await p.textContent('#line-state')) && /抽查未通过.*进货凭证无浙江供货方印章/.test(await p.textContent('#history')) &&
			/联审签署/.test(await p.textContent('#history')), 'the line shows the failed check and keeps its review history');
		await p.click('#lang');
		await p.waitForFunction(() => document.documentElement.lang === 'en');
		const text = await p.evaluate(() => document.body.innerText);
		ok(!/ledger\.[a-z]/.test(text), 'the English page shows no string key');
		ok(/reversed by a spot check/.test(await p.textContent('#line-state')), 'the state reads in English');
		await p.context().close();
	}],
	['the province office adds a distributor to the register on the page', async () => {
		const p = await signIn('prov');
		await p.waitForSelector('#register-card:not([hidden])');
		await p.waitForFunction(() => document.querySelectorAll('#o-pick option').length > 40);
		await p.selectOption('#o-pick', '');
		for (const [f, v] of [['code', 'SC-D040'], ['name', '成都鸿运五金机电商贸有限公司'], ['province', '四川'],
			['city', '成都'], ['step1', '2010-07-05'], ['step2', '2010-07-12'], ['step3', '2010-08-15'], ['docking', '嘉兴']]) await p.fill('#o-' + f, v);
		await p.selectOption('#o-kind', 'distributor');
		await p.selectOption('#o-batch', '2');
		// Approved, but by nobody: refused, the message naming the field.
		await p.click('#outlet button[type=submit]');
		await p.waitForFunction(() => document.querySelector('#o-status').textContent !== '', null, { timeout: 60000 });
		ok(/核准人/.test(await p.textContent('#o-status')), 'a missing approver is named', await p.textContent('#o-status'));
		ok(await p.locator('#o-pick option[value="SC-D040"]').count() === 0, 'the refused distributor is not in the register');
		await p.fill('#o-approver', '省经合办 沈建华');
		await p.click('#outlet button[type=submit]');
		await p.waitForFunction(() => /SC-D040/.test(document.querySelector('#o-status').textContent), null, { timeout: 60000 });
		ok(await p.locator('#o-pick option[value="SC-D040"]').count() === 1 && await p.inputValue('#o-approver') === '省经合办 沈建华',
			'the new distributor is in the register with its approver');
		// A tier on a distributor: refused, naming the field; the saved one unchanged.
		await p.evaluate(() => { document.querySelector('#o-status').textContent = ''; });
		await p.selectOption('#o-tier', '5');
		await p.click('#outlet button[type=submit]');
		await p.waitForFunction(() => document.querySelector('#o-status').textContent !== '', null, { timeout: 60000 });
		ok(/档次/.test(await p.textContent('#o-status')), 'a distributor\'s tier is refused by its field', await p.textContent('#o-status'));
		// The register as Excel, and a register file imported: a bad cell refuses the file, naming it.
		const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#reg-xlsx')]);
		const reg = readFileSync(await dl.path());
		const sheet = execFileSync('unzip', ['-p', await dl.path(), 'xl/worksheets/sheet1.xml']).toString();
		ok(reg.subarray(0, 2).toString() === 'PK' && dl.suggestedFilename().endsWith('.xlsx') && /SC-D040/.test(sheet) &&
			/成都荷花池市场浙江产品营销中心/.test(sheet), 'the register downloads as Excel, the new distributor in it', dl.suggestedFilename());
		const head = '编号,类别,名称,所在市场,省份,城市,档次（亿元）,批次,新建,2009年基数（万元）,拓展办考察,报送资料,省经合办核准,核准人,签订协议,挂牌运行,对接城市\n';
		const badReg = path.join(WORK, '名录-错.csv');
		writeFileSync(badReg, head + 'SC-C96,营销中心,成都国际商贸城浙江产品营销中心,成都国际商贸城,四川,成都,,3,是,,2010-09-06,2010-09-20,,,,,\n' +
			'SC-C97,营销中心,成都五块石市场浙江产品营销中心,成都五块石市场,四川,成都,4,3,是,,2010-09-06,2010-09-20,,,,,\n');
		await p.setInputFiles('#reg-file', badReg);
		await p.click('#reg-form button[type=submit]');
		await p.waitForFunction(() => document.querySelector('#reg-status').textContent !== '', null, { timeout: 60000 });
		ok(/第 3 行“档次（亿元）”（G3）/.test(await p.textContent('#reg-status')) && await p.locator('#o-pick option[value="SC-C96"]').count() === 0,
			'a register file with a bad cell is refused by its row and column, nothing imported', await p.textContent('#reg-status'));
		const goodReg = path.join(WORK, '名录.csv');
		writeFileSync(goodReg, head + 'SC-C96,营销中心,成都国际商贸城浙江产品营销中心,成都国际商贸城,四川,成都,,3,是,,2010-09-06,2010-09-20,,,,,\n');
		await p.setInputFiles('#reg-file', goodReg);
		await p.click('#reg-form button[type=submit]');
		await p.waitForFunction(() => /已导入 1 行/.test(document.querySelector('#reg-status').textContent), null, { timeout: 60000 });
		await p.waitForSelector('#o-pick option[value="SC-C96"]', { state: 'attached', timeout: 60000 });
		ok(true, 'a register file imported on the page adds its centre');
		await p.context().close();
	}],
	['the 嘉兴 city clerk lands on the view of its own city', async () => {
		const p = await signIn('jx');
		await p.waitForFunction(() => document.querySelectorAll('#figures tbody tr').length > 0, null, { timeout: 60000 });
		ok(/嘉兴市/.test(await p.textContent('#city-view')), 'the page says whose view it is', await p.textContent('#city-view'));
		const rows = await p.locator('#figures tbody tr th').allTextContents();
		ok(rows.length === 1 && rows[0] === '四川', 'the figures are those of the province docking with 嘉兴', rows.join(' | '));
		ok(await p.isHidden('#lines-card') && await p.isHidden('#late-card') && await p.isHidden('#submit-card') &&
			await p.isHidden('#samples'), 'a city clerk has no lines, deadlines, submissions or spot checks');
		ok(await p.locator('#plan li').count() === 0, 'nor the network plan set beside its figures');
		// Its quarter's figure for the 三大市场: reported on the page, listed with who reported it.
		await p.selectOption('#c-quarter', '3');
		await p.fill('#c-amount', '4200');
		await p.click('#city-form button[type=submit]');
		await p.waitForSelector('#city-reports li[data-quarter="3"]', { timeout: 60000 });
		ok(/4,200\.00 万元（jx/.test(await p.textContent('#city-reports li[data-quarter="3"]')), 'the city\'s Q3 figure is reported',
			await p.textContent('#city-reports'));
		await p.context().close();
	}],
];

for (const [name, fn] of steps) if (!(await step(name, fn))) break;
ok(problems.length === 0, 'no page errors or dialogs', problems.join(' | '));
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
