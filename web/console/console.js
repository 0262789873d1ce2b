// console.js — the organiser console: the fairs with their pairing (which
// cities supply, which provinces buy), batch matching and scheduling as jobs
// with a progress bar, and the schedule grid (slots × tables) where a
// meeting can be locked or moved, or its outcome opened; move mode offers only the places the
// rules allow, and the server checks every move.  Running the fair (layout,
// participants, requests, versions, the fair day) is in fairday.js.
import { api, pollJob } from '../lib/api.js';
import { $, h, fill } from '../lib/dom.js';
import { t, pick, onLangChange } from '../lib/i18n.js';
import { mountHeader } from '../lib/header.js';
import { startSession, sessionLost } from '../lib/session.js';
import { fmtWhen } from '../lib/time.js';
import { initFairDay, openFairDay, redrawFairDay, loadVersions, people, showMeeting } from './fairday.js';
import { loadCertificate } from './certificate.js';

let fairs = [];
let fair = null;	// the open fair
let grid = null;	// its schedule, as GET …/schedule gives it
let moving = null;	// the meeting being moved
let busy = false;

const enc = encodeURIComponent;

// ---- fairs ----

async function loadFairs() {
	try {
		fairs = (await api('/api/v1/fairs')).fairs || [];
		$('#fairs-status').textContent = fairs.length ? '' : t('console.noFairs');
	} catch (e) {
		if (!sessionLost(e)) $('#fairs-status').textContent = pick(e.message);
	}
	drawFairs();
	if (fair) fair = fairs.find((f) => f.code === fair.code) || fair;
	drawFair();
}

// The scheduled backups' last result, under the fairs.
let backups = null;	// GET /api/v1/backups, or an ApiError
async function loadBackups() {
	try {
		backups = await api('/api/v1/backups');
	} catch (e) {
		if (sessionLost(e)) return;
		backups = e;
	}
	drawBackups();
}

function drawBackups() {
	const el = $('#backup-status'), b = backups;
	if (!b) return;
	if (b instanceof Error) el.textContent = pick(b.message);
	else if (!b.enabled) el.textContent = t('console.backup.off');
	else if (b.last_at && !b.last_ok)
		el.textContent = t('console.backup.failed', { at: fmtWhen(b.last_at), error: pick(b.last_error || '') });
	else if (b.last_ok_at) el.textContent = t('console.backup.ok', { at: fmtWhen(b.last_ok_at), file: b.last_file });
	else el.textContent = t('console.backup.pending');
}

const list = (a) => (Array.isArray(a) && a.length ? a.join(t('common.listSep')) : '');

function drawFairs() {
	fill($('#fairs tbody'), fairs.map((f) => h('tr', { 'aria-current': fair?.code === f.code ? 'true' : null },
		h('th', { scope: 'row' }, h('span', { text: f.name }), h('span.code.block', { text: f.code })),
		h('td', { text: [f.city, [f.start_date, f.end_date].filter(Boolean).join(' – ')].filter(Boolean).join(' · ') }),
		h('td', { text: list(f.cities) || t('console.allCities') }),
		h('td', { text: list(f.provinces) || t('console.allProvinces') }),
		h('td.num', { text: f.candidates ?? 0 }),
		h('td', {}, h('button.ghost.small', {
			type: 'button', text: t('console.open'), 'aria-label': t('console.openFair', { name: f.name }),
			onclick: () => openFair(f.code),
		})))));
}

function openFair(code) {
	fair = fairs.find((f) => f.code === code);
	grid = null;
	moving = null;
	$('#job').hidden = true;
	$('#job-status').textContent = '';
	drawFairs();
	drawFair();
	$('#fair').hidden = false;
	$('#fair-title').focus();
	loadGrid();
	openFairDay(code, loadGrid);
}

function drawFair() {
	if (!fair) return;
	$('#fair-title').textContent = t('console.fairTitle', { name: fair.name, code: fair.code });
	$('#fair-title').tabIndex = -1;
	$('#fair-pairing').textContent = t('console.pairing', {
		cities: list(fair.cities) || t('console.allCities'),
		provinces: list(fair.provinces) || t('console.allProvinces'),
		n: fair.candidates ?? 0,
	});
}

// ---- jobs ----

async function runJob(path, label, done) {
	if (busy) return;
	busy = true;
	document.body.dataset.job = 'running';
	const status = $('#job-status');
	const bar = (text, v) => { $('#job').hidden = false; $('#job-phase').textContent = text; $('#job-progress').value = v; };
	status.textContent = '';
	for (const b of [$('#run-match'), $('#run-schedule')]) b.disabled = true;
	bar(label, 0);
	try {
		const res = await api(path, { method: 'POST' });
		let job = res.job || res;
		if (job.state !== 'done' && job.state !== 'failed') {
			job = await pollJob(res.location || '/api/v1/jobs/' + job.id, (j) => bar(j.message ? pick(j.message) : label, j.progress || 0));
		}
		// A failed job leaves no bar behind that still says it is working.
		if (job.state === 'failed') {
			$('#job').hidden = true;
			status.textContent = t('console.failed', { why: pick(job.message || '') });
		} else {
			bar(t('console.done'), 1);
			await done(job.result || {});
		}
	} catch (e) {
		$('#job').hidden = true;
		if (!sessionLost(e)) status.textContent = t('console.failed', { why: pick(e.message) });
	} finally {
		busy = false;
		for (const b of [$('#run-match'), $('#run-schedule')]) b.disabled = false;
		document.body.dataset.job = 'done';
	}
}

function runMatch() {
	const top = Math.min(100, Math.max(1, Number($('#top').value) || 10));
	runJob(`/api/v1/fairs/${enc(fair.code)}/match?top=${top}`, t('console.matching'), async (r) => {
		$('#job-status').textContent = t('console.matched', { demands: r.demands ?? 0, candidates: r.candidates ?? 0, skipped: r.skipped ?? 0 });
		await loadFairs();
	});
}

// A PDF or export, rendered by the server as a job, then downloaded.
function runRender(what) {
	runJob(`/api/v1/fairs/${enc(fair.code)}/${what}`, t('console.rendering'), async (r) => {
		$('#job-status').textContent = t('console.rendered');
		if (r.url) window.location.assign(r.url);
	});
}

function runSchedule() {
	runJob(`/api/v1/fairs/${enc(fair.code)}/schedule`, t('console.scheduling'), async (r) => {
		await loadVersions();
		// A solve is a draft, the first one too: its changes wait for "publish" under the versions.
		if (r.applied === false) {
			$('#job-status').textContent = t('console.v.draftMade', {
				version: r.version, meetings: r.meetings ?? 0, ratio: r.ratio !== undefined ? Math.round(r.ratio * 1000) / 10 : '—',
			});
			return;
		}
		$('#job-status').textContent = t('console.scheduled', {
			meetings: r.meetings ?? 0, value: fmt(r.value), bound: fmt(r.bound),
			ratio: r.ratio !== undefined ? Math.round(r.ratio * 1000) / 10 : '—', gaps: r.gaps ?? 0, dropped: r.dropped ?? 0,
		});
		await loadGrid();
	});
}

const fmt = (x) => (typeof x === 'number' ? (Math.round(x * 10) / 10).toLocaleString() : '—');

// ---- the grid ----

async function loadGrid() {
	if (!fair) return;
	const code = fair.code;
	try {
		const g = await api(`/api/v1/fairs/${enc(code)}/schedule`);
		if (fair?.code !== code) return;
		grid = g;
		$('#grid-status').textContent = '';
	} catch (e) {
		if (sessionLost(e)) return;
		grid = null;
		$('#grid-status').textContent = e.status === 404 ? t('console.noSchedule') : pick(e.message);
	}
	drawGrid();
}

// "第 1 天 上午 09:00–09:20": day numbers and sessions as the grid gives them.
function slotLabel(s) {
	const day = typeof s.day === 'number' ? t('console.day', { n: s.day }) : s.day;
	const session = s.session ? t('console.session.' + s.session) : '';
	const when = [s.start, s.end].filter(Boolean).join('–');
	return [day, session.startsWith('console.') ? s.session : session, when].filter(Boolean).join(' ');
}

function drawGrid() {
	const box = $('#grid-box');
	if (!grid || !Array.isArray(grid.slots) || !grid.slots.length) { box.hidden = true; return; }
	box.hidden = false;
	const tables = grid.tables || [];
	const at = new Map();
	for (const m of grid.meetings || []) at.set(m.slot + ':' + m.table, m);
	const n = (grid.meetings || []).length;
	$('#grid-summary').textContent = t('console.gridSummary', {
		meetings: n, slots: grid.slots.length, tables: tables.length,
		locked: (grid.meetings || []).filter((m) => m.locked).length,
	});
	const hint = $('#move-hint');
	hint.hidden = !moving;
	if (moving) hint.textContent = t('console.moveHint', { what: meetingText(moving) });
	fill($('#grid'),
		h('caption.visually-hidden', { text: t('console.grid') }),
		h('thead', {}, h('tr', {},
			h('th', { scope: 'col', text: t('console.slot') }),
			tables.map((tb) => h('th', { scope: 'col' }, tb.name || t('kiosk.tableN', { n: tb.table }),
				tb.booth ? h('span.block.muted', { text: tb.booth }) : null)))),
		h('tbody', {}, grid.slots.map((s) => h('tr', {},
			h('th', { scope: 'row', text: slotLabel(s) }),
			tables.map((tb) => cell(s, tb, at.get(s.slot + ':' + tb.table)))))));
}

const meetingText = (m) => `${m.buyer?.name || m.buyer?.badge || '?'} ↔ ${m.supplier?.name || m.supplier?.badge || '?'}`;

// Whether moving the meeting being moved to (slot, table) keeps every rule
// the grid can see: both sides free and present then, the table nobody
// else's booth.  The server checks again.
function accepts(slot, table) {
	const m = moving;
	if (!m || (table.booth && table.booth !== m.supplier?.name)) return false;
	for (const o of grid.meetings || []) {
		if (o.id !== m.id && o.slot === slot.slot && (o.buyer?.badge === m.buyer?.badge || o.supplier?.badge === m.supplier?.badge)) return false;
	}
	return !people.some((p) => (p.badge === m.buyer?.badge || p.badge === m.supplier?.badge) && p.away.includes(slot.slot));
}

function cell(slot, table, m) {
	if (!m) {
		return h('td.empty', {}, moving && accepts(slot, table) ? h('button.ghost.small.target', {
			type: 'button', text: t('console.moveHere'), dataset: { slot: slot.slot, table: table.table },
			'aria-label': t('console.moveHereLabel', { slot: slotLabel(slot), table: table.name || table.table }),
			onclick: () => moveTo(slot.slot, table.table),
		}) : null);
	}
	const isMoving = moving && moving.id === m.id;
	return h('td.meeting' + (m.locked ? '.locked' : '') + (isMoving ? '.moving' : '') + (m.late_minutes ? '.late' : '') + (m.no_show ? '.no-show' : ''), { dataset: { meeting: m.id } },
		h('span.buyer', { text: m.buyer?.name || m.buyer?.badge || '' }),
		h('span.supplier', { text: m.supplier?.name || m.supplier?.badge || '' }),
		m.product ? h('span.product.muted', { text: m.product.name || m.product.code }) : null,
		m.locked ? h('span.lock-mark', { text: t('console.lockedMark') }) : null,
		m.late_minutes ? h('span.lock-mark', { text: t('console.p.late', { n: m.late_minutes }) }) : null,
		m.no_show ? h('span.lock-mark', { text: t('console.p.noShow') }) : null,
		h('span.cell-actions.no-print', {},
			h('button.ghost.small', {
				type: 'button', 'aria-pressed': String(Boolean(m.locked)),
				text: m.locked ? t('console.unlock') : t('console.lock'),
				'aria-label': (m.locked ? t('console.unlock') : t('console.lock')) + ' ' + meetingText(m),
				onclick: () => lock(m),
			}),
			h('button.ghost.small.outcome', {
				type: 'button', text: t('console.m.open'), 'aria-label': t('console.m.openOf', { what: meetingText(m) }),
				onclick: () => showMeeting(m.id, () => t('console.m.where', { when: slotLabel(slot), table: table.name || t('kiosk.tableN', { n: table.table }) }), m.late_minutes),
			}),
			h('button.ghost.small.move', {
				type: 'button', text: isMoving ? t('console.cancelMove') : t('console.move'),
				'aria-label': (isMoving ? t('console.cancelMove') : t('console.move')) + ' ' + meetingText(m),
				onclick: () => { moving = isMoving ? null : m; $('#grid-error').textContent = ''; drawGrid(); },
			})));
}

async function lock(m) {
	$('#grid-error').textContent = '';
	try {
		await api(`/api/v1/fairs/${enc(fair.code)}/meetings/${enc(m.id)}/lock`, { method: 'POST', body: { locked: !m.locked } });
		await loadGrid();
	} catch (e) {
		if (!sessionLost(e)) $('#grid-error').textContent = pick(e.message);
	}
}

async function moveTo(slot, table) {
	const m = moving;
	if (!m) return;
	$('#grid-error').textContent = '';
	try {
		await api(`/api/v1/fairs/${enc(fair.code)}/meetings/${enc(m.id)}/move`, { method: 'POST', body: { slot, table } });
		moving = null;
		await loadGrid();
		$('#grid-status').textContent = t('console.moved', { what: meetingText(m) });
	} catch (e) {
		if (sessionLost(e)) return;
		// The server names the rule the move would break; the meeting stays put.
		$('#grid-error').textContent = t('console.moveRefused', { why: pick(e.message) });
	}
}

// ---- wiring ----

function init() {
	mountHeader({ title: 'console.heading', signIn: true });
	initFairDay();
	$('#run-match').addEventListener('click', runMatch);
	$('#run-schedule').addEventListener('click', runSchedule);
	$('#reload-grid').addEventListener('click', loadGrid);
	$('#print').addEventListener('click', () => window.print());
	// Render buttons, also those drawn later (each version's export): one listener for all.
	document.addEventListener('click', (e) => { const b = e.target.closest?.('button.render'); if (b && !b.disabled) runRender(b.dataset.render); });
	document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && moving) { moving = null; drawGrid(); } });
	onLangChange(() => { drawFairs(); drawFair(); drawGrid(); drawBackups(); redrawFairDay(); });
	startSession({
		allowed: ['organiser', 'admin'],
		onSignedIn: () => { loadFairs(); loadBackups(); loadCertificate(); },
		onSignedOut: () => {
			fairs = []; fair = null; grid = null; moving = null;
			for (const id of ['#fair', '#setup', '#people', '#requests', '#versions', '#day', '#cert', '#meeting']) $(id).hidden = true;
			fill($('#fairs tbody'));
		},
	});
	document.body.dataset.ready = '1';
}

init();
