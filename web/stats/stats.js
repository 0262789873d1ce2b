// stats.js — the statistics page (绩效考核): the figures by province, city,
// fair, marketing centre or quarter from GET /api/v1/stats, a bar chart of
// contracts and intentions against each target drawn as SVG in the page,
// and the table, downloadable as CSV.  An office gets only its own figures:
// the server scopes them, this page just shows what it is given.
import { latest, superseded } from '../lib/api.js';
import { $, h, fill } from '../lib/dom.js';
import { t, pick, onLangChange } from '../lib/i18n.js';
import { mountHeader } from '../lib/header.js';
import { startSession, sessionLost, currentUser } from '../lib/session.js';
import { downloadCSV } from '../lib/csv.js';

const COLS = ['label', 'meetings', 'held', 'no_show', 'no_show_rate', 'intentions', 'contracts',
	'intention_wan', 'contract_wan', 'target_wan', 'progress'];
const PCT = new Set(['no_show_rate', 'progress']);
const SVG = 'http://www.w3.org/2000/svg';
let figures = null;

const pct = (v) => (v === null || v === undefined ? '—' : (v * 100).toFixed(v < 0.01 ? 2 : 1) + '%');
const cellText = (r, c) => (PCT.has(c) ? pct(r[c]) : r[c] ?? '—');

// An SVG element with attributes; text goes in as a text node.
function s(tag, attrs = {}, text) {
	const el = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
	if (text !== undefined) el.textContent = String(text);
	return el;
}

function query() {
	const p = new URLSearchParams({ by: $('#by').value });
	if ($('#year').value) p.set('year', $('#year').value);
	if ($('#quarter').value && $('#year').value) p.set('quarter', $('#quarter').value);
	return p.toString();
}

// The figures drawn are the answer to the last query asked, not the slowest.
const getStats = latest();

async function load(ev) {
	ev?.preventDefault();
	status = () => t('stats.loading');
	drawStatus();
	try {
		figures = await getStats('/api/v1/stats?' + query());
		const none = !figures.rows.length;
		status = () => (none ? t('stats.none') : '');
	} catch (e) {
		if (superseded(e) || sessionLost(e)) return;
		figures = null;
		status = () => pick(e.message);
	}
	draw();
}

function drawTable() {
	fill($('#figures thead tr'), COLS.map((c, i) => h(i ? 'th.num' : 'th', { scope: 'col', text: t('stats.c.' + c) })));
	const line = (r, tag) => h('tr', {}, COLS.map((c, i) => (i === 0
		? h('th', { scope: 'row', text: pick(r.label) })
		: h(tag + '.num', { text: cellText(r, c) }))));
	fill($('#figures tbody'), figures ? figures.rows.map((r) => line(r, 'td')) : []);
	fill($('#figures tfoot'), figures && figures.rows.length ? line(figures.totals, 'td') : []);
}

// Bars, one row per group: against the target when there is one, else
// against the largest amount shown.
function drawChart() {
	const box = $('#chart');
	const rows = figures ? figures.rows : [];
	const targets = rows.some((r) => r.target_wan !== null);
	$('#chart-note').textContent = rows.length ? t(targets ? 'stats.noteTargets' : 'stats.noteAmounts') : '';
	if (!rows.length) { fill(box); return; }
	const num = (v) => Number(v ?? 0);
	const scale = targets ? null : Math.max(1, ...rows.map((r) => num(r.contract_wan) + num(r.intention_wan)));
	const W = 900, left = 190, bar = 520, rowH = 30, top = 8;
	const svg = s('svg', { viewBox: `0 0 ${W} ${top * 2 + rows.length * rowH}`, role: 'img', 'aria-labelledby': 'chart-title chart-note' });
	rows.forEach((r, i) => {
		const y = top + i * rowH;
		const whole = targets ? Math.max(num(r.target_wan), 1) : scale;
		const cw = Math.min(1, num(r.contract_wan) / whole) * bar;
		const iw = Math.min(1 - cw / bar, num(r.intention_wan) / whole) * bar;
		const g = s('g');
		g.append(s('title', {}, t('stats.chartLabel', {
			name: r.label, contract: r.contract_wan, intention: r.intention_wan,
			target: r.target_wan === null ? '' : t('stats.ofTarget', { target: r.target_wan, pct: pct(r.progress) }),
		})));
		g.append(s('text', { x: left - 8, y: y + 19, 'text-anchor': 'end', class: 'label' }, r.label.length > 14 ? r.label.slice(0, 13) + '…' : r.label));
		if (targets) g.append(s('rect', { x: left, y: y + 5, width: r.target_wan === null ? 0 : bar, height: 20, class: 'target' }));
		g.append(s('rect', { x: left, y: y + 5, width: cw.toFixed(1), height: 20, class: num(r.progress) >= 1 ? 'over' : 'contract' }));
		g.append(s('rect', { x: (left + cw).toFixed(1), y: y + 5, width: Math.max(0, iw).toFixed(1), height: 20, class: 'intention' }));
		g.append(s('text', { x: left + bar + 8, y: y + 19, class: 'value' },
			r.target_wan === null ? t('stats.valueAmounts', { contract: r.contract_wan, intention: r.intention_wan })
				: t('stats.valueOfTarget', { contract: r.contract_wan, target: r.target_wan, pct: pct(r.progress) })));
		svg.append(g);
	});
	svg.append(s('line', { x1: left, x2: left, y1: 0, y2: top * 2 + rows.length * rowH, class: 'axis' }));
	fill(box, svg, h('ul.legend', {},
		h('li.l-contract', { text: t('stats.l.contract') }),
		h('li.l-intention', { text: t('stats.l.intention') }),
		targets ? h('li.l-target', { text: t('stats.l.target') }) : null));
}

function drawScope() {
	const me = currentUser();
	$('#scope').textContent = me && (me.role === 'city' || me.role === 'expansion')
		? t('stats.scopeOwn', { region: me.region || '' }) : t('stats.scopeAll');
}

// The line under the form, in the page's language at the time it is drawn.
let status = () => '';
function drawStatus() {
	$('#status').textContent = status();
}

function draw() {
	drawStatus();
	drawScope();
	drawTable();
	drawChart();
}

function csv() {
	if (!figures) return;
	const rows = [COLS.map((c) => t('stats.c.' + c))];
	for (const r of [...figures.rows, figures.totals]) rows.push(COLS.map((c, i) => (i ? cellText(r, c) : pick(r.label))));
	downloadCSV(`stats-${figures.by}-${figures.year ?? 'all'}.csv`, rows);
}

function init() {
	mountHeader({ title: 'stats.heading', signIn: true });
	$('#year').value = new Date().getFullYear();
	$('#query').addEventListener('submit', load);
	$('#csv').addEventListener('click', csv);
	onLangChange(draw);
	startSession({
		allowed: ['admin', 'organiser', 'city', 'expansion'],
		onSignedIn: () => load(),
		onSignedOut: () => { figures = null; status = () => ''; draw(); },
	});
	document.body.dataset.ready = '1';
}

init();
