// ledger.js — the marketing network's ledger (营销网络台账): an expansion
// office submits its quarterly lines and their evidence; each line goes
// 初核 (the expansion office) → 复审 (the province office) → 联审 (the
// province office and the finance department), with who, when and what
// they said; the figures against the plan, and who is late.  A city
// office lands on the figures of the outlets docking with its city.  The server
// decides who may take which step; this page offers the buttons the
// caller's role has and shows the server's answer.
import { api, latest, superseded } from '../lib/api.js';
import { $, h, fill } from '../lib/dom.js';
import { t, pick, onLangChange } from '../lib/i18n.js';
import { mountHeader } from '../lib/header.js';
import { startSession, sessionLost, currentUser } from '../lib/session.js';
import { downloadCSV } from '../lib/csv.js';
import { fmtWhen } from '../lib/time.js';

const LINE_COLS = ['id', 'outlet', 'name', 'quarter', 'amount', 'fair', 'state'];
const HIST_COLS = ['at', 'action', 'by', 'state', 'comment'];
const FIG_COLS = ['name', 'outlets', 'base', 'verified', 'verified_fair', 'verified_other', 'pending', 'increase', 'new_sales', 'counted', 'counted_yi', 'target_yi'];
// The buttons each role has: its review step, and returning and commenting.
const ACTIONS = {
	expansion: ['check', 'return', 'comment'],
	admin: ['review', 'joint', 'return', 'comment'],
	finance: ['joint', 'return', 'comment'],
};
// The register's fields as POST /api/v1/ledger/register takes them: [field, input type,
// choices as [the cell's value, the key of its label or null for the value itself]].
const OUTLET_FIELDS = [
	['code', 'text'], ['kind', 'select', [['centre', 'ledger.o.centre'], ['distributor', 'ledger.o.distributor']]],
	['name', 'text'], ['market', 'text'], ['province', 'text'], ['city', 'text'],
	['tier', 'select', [['', 'ledger.o.noTier'], ['10'], ['5'], ['3'], ['2']]],
	['batch', 'select', [['1'], ['2'], ['3']]], ['new', 'select', [['yes', 'ledger.o.isNew'], ['no', 'ledger.o.existing']]], ['base', 'text'],
	['step1', 'date'], ['step2', 'date'], ['step3', 'date'], ['approver', 'text'], ['step4', 'date'],
	['step5', 'date'], ['docking', 'text'],
];
const SVG = 'http://www.w3.org/2000/svg';
let register = null;
let lines = null;
let line = null;
let figures = null;
let late = null;
let sample = null;
const SAMPLE_COLS = ['province', 'line', 'name', 'amount', 'result', 'finding', 'record'];
const REPORT_COLS = ['row', 'cell', 'column', 'value', 'message'];
let returns = null;	// the last returns upload's answer: {ok, rows} or the report of its bad rows
let cityReports = null;	// a city office's reports of the year
const fairText = (l) => t(l.from_fair ? 'ledger.fair.yes' : 'ledger.fair.no');
// The period's lists, each drawn from the answer to its last request only.
const getLines = latest(), getFigures = latest(), getLate = latest();

const year = () => $('#year').value;
const quarterArg = () => ($('#quarter').value ? '&quarter=' + $('#quarter').value : '');
const stateText = (s) => t('ledger.s.' + s);

// A failure as a message in the status line el.
function failed(e, el) {
	if (sessionLost(e)) return;
	el.textContent = pick(e.message);
}

async function loadLines() {
	$('#status').textContent = t('ledger.loading');
	try {
		lines = (await getLines(`/api/v1/ledger/lines?year=${year()}${quarterArg()}`)).lines;
		$('#status').textContent = '';
	} catch (e) {
		if (superseded(e)) return;
		lines = null; failed(e, $('#status'));
	}
	drawLines();
}

function drawLines() {
	fill($('#lines thead tr'), LINE_COLS.map((c) => h('th', { scope: 'col', text: t('ledger.c.' + c) })));
	// "No lines" is drawn here, not in the status line, so that a language switch redraws it.
	if (lines && !lines.length) { fill($('#lines tbody'), h('tr', {}, h('td.muted', { colspan: LINE_COLS.length, text: t('ledger.noLines') }))); return; }
	fill($('#lines tbody'), (lines || []).map((l) => h('tr', {
		tabindex: 0, dataset: { line: l.id }, 'aria-selected': line && line.id === l.id ? 'true' : 'false',
		onclick: () => openLine(l.id), onkeydown: (e) => { if (e.key === 'Enter') openLine(l.id); },
	}, LINE_COLS.map((c) => h(c === 'amount' ? 'td.num' : 'td', {
		text: c === 'state' ? stateText(l.state) : c === 'quarter' ? 'Q' + l.quarter : c === 'fair' ? fairText(l) : l[c],
		dataset: c === 'fair' ? { fair: l.from_fair ? 'yes' : 'no' } : {},
	})))));
}

async function openLine(id) {
	try {
		line = await api('/api/v1/ledger/lines/' + id);
		$('#line-status').textContent = '';
	} catch (e) { failed(e, $('#status')); return; }
	drawLine();
	drawLines();
}

function drawLine() {
	const box = $('#line');
	box.hidden = !line;
	if (!line) return;
	const me = currentUser();
	$('#line-title').textContent = t('ledger.lineTitle', { id: line.id, name: line.name });
	$('#line-state').textContent = t('ledger.lineState', { year: line.year, quarter: line.quarter, amount: line.amount, state: stateText(line.state) }) +
		t('common.listSep') + fairText(line);
	$('#line').dataset.state = line.state;
	fill($('#evidence'), line.evidence.length
		? line.evidence.map((e) => h('li', { text: t('ledger.evidenceItem', { kind: t('ledger.kind.' + e.kind), file: e.filename, by: e.by, at: fmtWhen(e.at) }) }))
		: h('li.muted', { text: t('ledger.noEvidence') }));
	$('#evidence-form').hidden = !(['expansion', 'admin'].includes(me.role) && ['submitted', 'returned'].includes(line.state));
	fill($('#history thead tr'), HIST_COLS.map((c) => h('th', { scope: 'col', text: t('ledger.h.' + c) })));
	fill($('#history tbody'), line.history.map((r) => h('tr', {},
		h('td', { text: fmtWhen(r.at) }), h('td', { text: t('ledger.a.' + r.action) }),
		h('td', { text: t('ledger.byRole', { by: r.by, role: t('role.' + r.role) }) }), h('td', { text: stateText(r.state) }),
		h('td', { text: r.comment }))));
	// The role's own step when it is the one pending; returning while any is; commenting always.
	const offered = (ACTIONS[me.role] || []).filter((a) => a === 'comment' || (line.next && (a === 'return' || a === line.next)));
	fill($('#actions'), offered.map((a) => h('button', {
		type: 'button', id: 'do-' + a, class: a === 'return' || a === 'comment' ? 'ghost' : 'primary',
		text: t('ledger.do.' + a), onclick: () => act(a),
	})));
}

async function act(action) {
	const st = $('#line-status');
	try {
		line = await api(`/api/v1/ledger/lines/${line.id}/review`, { method: 'POST', body: { action, comment: $('#comment').value } });
		$('#comment').value = '';
		st.textContent = t('ledger.done', { state: stateText(line.state) });
	} catch (e) { failed(e, st); return; }
	drawLine();
	await loadLines();
	await loadFigures();
}

async function addEvidence(ev) {
	ev.preventDefault();
	const file = $('#e-file').files[0];
	const st = $('#line-status');
	if (!file) return;
	try {
		line = await api(`/api/v1/ledger/lines/${line.id}/evidence?filename=${encodeURIComponent(file.name)}&kind=${$('#e-kind').value}`, { method: 'POST', body: file });
		$('#e-file').value = '';
		st.textContent = t('ledger.evidenceAdded');
	} catch (e) { failed(e, st); return; }
	drawLine();
}

async function submitLine(ev) {
	ev.preventDefault();
	try {
		const l = await api('/api/v1/ledger/lines', { method: 'POST', body: {
			outlet: $('#s-outlet').value, year: Number(year()), quarter: Number($('#s-quarter').value),
			amount: $('#s-amount').value.trim(), note: $('#s-note').value.trim(), from_fair: $('#s-fair').checked,
		} });
		$('#status').textContent = t('ledger.submitted', { id: l.id });
		$('#s-amount').value = '';
		$('#s-fair').checked = false;
		await loadLines();
		await openLine(l.id);
	} catch (e) { failed(e, $('#status')); }
}

async function uploadReturns(ev) {
	ev.preventDefault();
	const file = $('#r-file').files[0];
	if (!file) return;
	try {
		returns = await api(`/api/v1/ledger/returns?year=${year()}&quarter=${$('#s-quarter').value}&filename=${encodeURIComponent(file.name)}`, { method: 'POST', body: file });
		$('#r-file').value = '';
	} catch (e) {
		if (sessionLost(e)) return;
		returns = e.body?.errors ? e.body : { ok: false, message: e.message, errors: [] };
	}
	drawReturns();
	if (returns.ok) await loadAll();
}

// The upload's outcome: how many lines went in, or each bad row by row and column.
function drawReturns() {
	$('#r-summary').textContent = !returns ? '' : returns.ok
		? t('ledger.returnsDone', { n: returns.rows }) : pick(returns.message);
	$('#r-summary').className = !returns ? '' : returns.ok ? 'good' : 'error';
	const errors = returns?.errors || [];
	$('#r-report').hidden = errors.length === 0;
	fill($('#r-report thead tr'), REPORT_COLS.map((c) => h('th', { scope: 'col', text: t('ledger.rr.' + c) })));
	fill($('#r-report tbody'), errors.map((e) => h('tr', {}, REPORT_COLS.map((c) =>
		h('td', { text: c === 'message' ? pick(e.message) : e[c] })))));
}

async function loadRegister() {
	try {
		register = await api('/api/v1/ledger/register');
		fill($('#s-outlet'), register.outlets.map((o) => h('option', { value: o.code, text: `${o.code} ${o.name}` })));
	} catch (e) { failed(e, $('#status')); }
	drawRegisterForm();
}

// The province office's form: a new centre or distributor, or the one picked, field by field.
function drawRegisterForm() {
	if ($('#register-card').hidden) return;
	const picked = $('#o-pick').value;
	fill($('#o-pick'), [h('option', { value: '', text: t('ledger.o.new') }),
		...(register ? register.outlets : []).map((o) => h('option', { value: o.code, text: `${o.code} ${o.name}`, selected: o.code === picked }))]);
	const o = register?.outlets.find((x) => x.code === picked);
	const step = (n, key = 'date') => o?.steps.find((s) => s.step === n)?.[key] ?? '';
	const value = {
		code: o?.code ?? '', kind: o?.kind ?? 'centre', name: o?.name ?? '',
		market: o?.market ?? '', province: o?.province ?? '', city: o?.city ?? '', tier: o?.tier_yi ? String(o.tier_yi) : '',
		batch: String(o?.batch ?? 1), new: o ? (o.new ? 'yes' : 'no') : 'yes', base: o && !o.new ? o.base : '',
		step1: step(1), step2: step(2), step3: step(3), approver: step(3, 'approver'), step4: step(4), step5: step(5),
		docking: o?.docking ?? '',
	};
	fill($('#outlet'), [...OUTLET_FIELDS.map(([f, type, choices]) => h('label', {},
		h('span', { text: t('ledger.o.' + f) }),
		type === 'select'
			? h('select', { id: 'o-' + f, name: f }, choices.map(([c, key]) => h('option', { value: c, text: key ? t(key) : c, selected: c === value[f] })))
			: h('input', { id: 'o-' + f, name: f, type, value: value[f] }))),
	h('div.actions', {}, h('button', { type: 'submit', class: 'primary', text: t('ledger.o.save') }))]);
}

async function saveOutlet(ev) {
	ev.preventDefault();
	const body = Object.fromEntries(OUTLET_FIELDS.map(([f]) => [f, $('#o-' + f).value.trim()]));
	const st = $('#o-status');
	let saved;
	try {
		saved = await api('/api/v1/ledger/register', { method: 'POST', body });
	} catch (e) { failed(e, st); return; }
	await loadRegister();
	$('#o-pick').value = saved.code;
	drawRegisterForm();
	st.textContent = t(saved.inserted ? 'ledger.o.added' : 'ledger.o.saved', { code: saved.code });
}

// The province office's register file: loaded all or nothing, the first bad cell named.
async function importRegister(ev) {
	ev.preventDefault();
	const file = $('#reg-file').files[0];
	const st = $('#reg-status');
	if (!file) return;
	st.className = 'status';
	try {
		const r = await api(`/api/v1/ledger/register/import?filename=${encodeURIComponent(file.name)}`, { method: 'POST', body: file });
		$('#reg-file').value = '';
		st.textContent = t('ledger.reg.done', r);
		st.className = 'status good';
	} catch (e) { failed(e, st); st.className = 'status error'; return; }
	await loadRegister();
	await loadAll();
}

async function loadCityReports() {
	try {
		cityReports = await api(`/api/v1/ledger/city-reports?year=${year()}`);
	} catch (e) { cityReports = null; failed(e, $('#c-status')); }
	drawCityReports();
}

function drawCityReports() {
	const rs = cityReports ? cityReports.reports : [];
	fill($('#city-reports'), rs.length
		? rs.map((r) => h('li', { dataset: { quarter: r.quarter }, text: t('ledger.city.item', { quarter: r.quarter, amount: r.amount, by: r.submitted_by, at: fmtWhen(r.submitted_at) }) }))
		: h('li.muted', { text: t('ledger.city.none') }));
}

async function reportCity(ev) {
	ev.preventDefault();
	const quarter = Number($('#c-quarter').value);
	try {
		cityReports = await api('/api/v1/ledger/city-reports', { method: 'POST', body: {
			year: Number(year()), quarter, amount: $('#c-amount').value.trim(), note: $('#c-note').value.trim(),
		} });
		$('#c-amount').value = '';
		$('#c-status').textContent = t('ledger.city.done', { quarter });
	} catch (e) { failed(e, $('#c-status')); return; }
	drawCityReports();
}

async function loadFigures(ev) {
	ev?.preventDefault();
	$('#fig-xlsx').href = `/api/v1/ledger/figures/export?format=xlsx&by=${$('#by').value}&year=${year()}${quarterArg()}`;
	try {
		figures = await getFigures(`/api/v1/ledger/figures?by=${$('#by').value}&year=${year()}${quarterArg()}`);
	} catch (e) {
		if (superseded(e)) return;
		figures = null; failed(e, $('#status'));
	}
	drawFigures();
}

// An SVG element with attributes; text goes in as a text node.
function s(tag, attrs = {}, text) {
	const el = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
	if (text !== undefined) el.textContent = String(text);
	return el;
}

function drawFigures() {
	const rows = figures ? figures.rows : [];
	fill($('#figures thead tr'), FIG_COLS.map((c, i) => h(i ? 'th.num' : 'th', { scope: 'col', text: t('ledger.f.' + c) })));
	fill($('#figures tbody'), rows.map((r) => h('tr', {}, FIG_COLS.map((c, i) => (i === 0
		? h('th', { scope: 'row', text: r.name })
		: h('td.num', { text: r[c] ?? '—', dataset: { col: c } }))))));
	const me = currentUser();
	$('#city-view').hidden = me?.role !== 'city';
	if (me?.role === 'city') $('#city-view').textContent = t(rows.length ? 'ledger.cityView' : 'ledger.cityNone', { city: me.region });
	fill($('#quarters'), (figures ? figures.quarters : []).map((q) => h('li', { dataset: { quarter: q.quarter }, text: t('ledger.quarterLine', q) })));
	fill($('#plan'), (figures ? figures.plan : []).map((p) => h('li', {
		text: t('ledger.plan', { zh: p.zh, item: p.item, target: p.target_yi, counted: p.counted_yi ?? '—' }),
	})));
	// Counted against target, one bar per row that has a target.
	const withTarget = rows.filter((r) => r.target_yi !== null).slice(0, 40);
	if (!withTarget.length) { fill($('#chart')); return; }
	const W = 900, left = 190, bar = 520, rowH = 26;
	const svg = s('svg', { viewBox: `0 0 ${W} ${withTarget.length * rowH + 8}`, role: 'img', 'aria-labelledby': 'fig-title' });
	withTarget.forEach((r, i) => {
		const y = 4 + i * rowH;
		const counted = Number(r.counted_cents) / 1e6;
		const g = s('g');
		g.append(s('title', {}, t('ledger.chartLabel', { name: r.name, counted: r.counted_yi, target: r.target_yi })));
		g.append(s('text', { x: left - 8, y: y + 17, 'text-anchor': 'end', class: 'label' }, r.name.length > 14 ? r.name.slice(0, 13) + '…' : r.name));
		g.append(s('rect', { x: left, y: y + 4, width: bar, height: 18, class: 'target' }));
		g.append(s('rect', { x: left, y: y + 4, width: (Math.min(1, counted / Math.max(r.target_yi, 0.01)) * bar).toFixed(1), height: 18, class: 'counted', 'data-key': r.key }));
		g.append(s('text', { x: left + bar + 8, y: y + 17, class: 'value' }, `${r.counted_yi} / ${r.target_yi}`));
		svg.append(g);
	});
	fill($('#chart'), svg);
}

async function drawSample(ev) {
	ev.preventDefault();
	const body = { year: Number(year()), per_province: Number($('#d-per').value) };
	if ($('#quarter').value) body.quarter = Number($('#quarter').value);
	if ($('#d-seed').value.trim()) body.seed = Number($('#d-seed').value.trim());
	try {
		sample = await api('/api/v1/ledger/samples', { method: 'POST', body });
		$('#sample-status').textContent = '';
	} catch (e) { failed(e, $('#sample-status')); }
	drawSampleTable();
}

async function record(line, passed) {
	try {
		sample = await api(`/api/v1/ledger/samples/${sample.id}/findings`, { method: 'POST', body: { line, passed, finding: $('#finding').value.trim() } });
		$('#finding').value = '';
		$('#sample-status').textContent = '';
	} catch (e) { failed(e, $('#sample-status')); return; }
	drawSampleTable();
	await loadLines();
	await loadFigures();
}

function drawSampleTable() {
	$('#sample-info').textContent = sample
		? t('ledger.sampleInfo', { id: sample.id, seed: sample.seed, n: sample.per_province, by: sample.drawn_by, at: fmtWhen(sample.drawn_at) }) : '';
	fill($('#sample thead tr'), SAMPLE_COLS.map((c) => h('th', { scope: 'col', text: t('ledger.sc.' + c) })));
	fill($('#sample tbody'), (sample ? sample.lines : []).map((l) => h('tr', { dataset: { line: l.line } },
		h('td', { text: l.province }), h('td', { text: l.line }), h('td', { text: l.name }),
		h('td.num', { text: l.amount }), h('td', { text: t('ledger.r.' + l.result) }), h('td', { text: l.finding }),
		h('td', {}, l.result !== 'pending' ? null : [
			h('button', { type: 'button', class: 'ghost', text: t('ledger.pass'), onclick: () => record(l.line, true) }),
			h('button', { type: 'button', class: 'ghost', text: t('ledger.fail'), onclick: () => record(l.line, false) })]))));
}

function figuresCSV() {
	if (!figures) return;
	const rows = [FIG_COLS.map((c) => t('ledger.f.' + c))];
	for (const r of figures.rows) rows.push(FIG_COLS.map((c) => r[c] ?? ''));
	downloadCSV(`ledger-${figures.by}-${figures.year}.csv`, rows);
}

async function loadLate() {
	try { late = await getLate(`/api/v1/ledger/late?year=${year()}`); } catch (e) {
		if (superseded(e)) return;
		late = null; failed(e, $('#status'));
	}
	drawLate();
}

function drawLate() {
	const ds = late ? late.deadlines : [];
	fill($('#late'), ds.length ? ds.map((d) => h('li', { dataset: { due: d.due }, text: t('ledger.lateLine', {
		due: d.due, what: d.what,
		status: !d.past ? t('ledger.notDue') : d.late.length
			? d.late.map((o) => t(o.kind === 'city' ? 'ledger.lateCity' : 'ledger.lateOffice', o)).join(t('common.listSep')) : t('ledger.lateNone'),
	}) })) : h('li.muted', { text: t('ledger.noDeadlines') }));
}

async function loadAll(ev) {
	ev?.preventDefault();
	if (currentUser()?.role === 'city') { await loadFigures(); await loadCityReports(); return; }
	await loadLines();
	await loadFigures();
	await loadLate();
}

function redraw() {
	drawLines();
	drawLine();
	drawFigures();
	drawLate();
	drawSampleTable();
	drawRegisterForm();
	drawReturns();
	drawCityReports();
}

function init() {
	mountHeader({ title: 'ledger.heading', signIn: true });
	$('#year').value = new Date().getFullYear();
	$('#period').addEventListener('submit', loadAll);
	$('#submit').addEventListener('submit', submitLine);
	$('#evidence-form').addEventListener('submit', addEvidence);
	$('#fig').addEventListener('submit', loadFigures);
	$('#csv').addEventListener('click', figuresCSV);
	$('#draw').addEventListener('submit', drawSample);
	$('#outlet').addEventListener('submit', saveOutlet);
	$('#returns-form').addEventListener('submit', uploadReturns);
	$('#reg-form').addEventListener('submit', importRegister);
	$('#city-form').addEventListener('submit', reportCity);
	$('#o-pick').addEventListener('change', () => { $('#o-status').textContent = ''; drawRegisterForm(); });
	onLangChange(redraw);
	startSession({
		allowed: ['admin', 'expansion', 'finance', 'city'],
		onSignedIn: (me) => {
			// A city office reads only the figures of the outlets docking with its city.
			$('#lines-card').hidden = me.role === 'city';
			$('#late-card').hidden = me.role === 'city';
			$('#submit-card').hidden = !['expansion', 'admin'].includes(me.role);
			$('#samples').hidden = !['admin', 'finance'].includes(me.role);
			$('#register-card').hidden = me.role !== 'admin';
			$('#city-card').hidden = me.role !== 'city';
			if (!$('#submit-card').hidden) loadRegister();
			loadAll();
		},
		onSignedOut: () => { lines = null; line = null; figures = null; late = null; sample = null; register = null; returns = null; cityReports = null; redraw(); },
	});
	document.body.dataset.ready = '1';
}

init();
