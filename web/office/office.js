// office.js — the office portal: upload a catalogue (drag and drop or the
// picker) with a progress bar for the bytes and then for the server's check,
// the validation report as a table and as a CSV file made here, the upload
// history, the blank templates, and the office's own entries: listed a page
// at a time with filters, searched, exported in the template's columns.
import { api, uploadFile, pollJob, latest, superseded } from '../lib/api.js';
import { $, h, fill, highlight } from '../lib/dom.js';
import { t, tIn, pick, onLangChange, getLang } from '../lib/i18n.js';
import { mountHeader } from '../lib/header.js';
import { downloadCSV } from '../lib/csv.js';
import { startSession, sessionLost } from '../lib/session.js';
import { fmtWhen } from '../lib/time.js';

let me = null;
let report = null;	// {result, filename} on show
let history = [];
let entry = null;	// {kind, data} on show
let withdrawn = [];	// [{kind, code, name, withdrawn_at, withdrawn_by}]
let busy = false;
let own = { offset: 0, total: 0, limit: 20 };	// the entries list's page

const KINDS = { city: ['supply'], expansion: ['demand'], admin: ['supply', 'demand'] };
const kinds = () => KINDS[me?.role] || [];

// ---- upload ----

const SORTS = ['-updated', 'code', 'name', 'category'];

function drawKinds() {
	for (const sel of [$('#kind'), $('#own-kind')]) {
		const v = sel.value;
		fill(sel, kinds().map((k) => h('option', { value: k, text: t('kind.' + k) })));
		if (kinds().includes(v)) sel.value = v;
		sel.disabled = kinds().length < 2;
	}
	const sort = $('#own-sort').value;
	fill($('#own-sort'), SORTS.map((k) => h('option', { value: k, text: t('office.sort.' + k) })));
	if (sort) $('#own-sort').value = sort;
	drawTemplates();
}

// The blank templates of the catalogue chosen for upload.
function drawTemplates() {
	const kind = $('#kind').value || kinds()[0] || 'supply';
	$('#tpl-xlsx').href = `/api/v1/templates/${kind}.xlsx`;
	$('#tpl-csv').href = `/api/v1/templates/${kind}.csv`;
}

function phase(text, value) {
	$('#up-state').hidden = false;
	$('#up-phase').textContent = text;
	$('#up-progress').value = value;
}

async function upload(file) {
	if (busy || !file) return;
	busy = true;
	document.body.dataset.upload = 'running';
	const kind = $('#kind').value;
	const status = $('#up-status');
	status.textContent = '';
	$('#report').hidden = true;
	phase(t('office.sending', { name: file.name, pct: 0 }), 0);
	const url = '/api/v1/uploads?kind=' + encodeURIComponent(kind) + '&filename=' + encodeURIComponent(file.name);
	try {
		const res = await uploadFile(url, file, (f) => phase(t('office.sending', { name: file.name, pct: Math.round(f * 100) }), f * 0.5));
		if (res.status !== 202 && res.status !== 200 && res.status !== 422) {
			const e = { status: res.status, message: res.body?.message || String(res.status) };
			if (sessionLost(e)) return;
			throw e;
		}
		let job = res.body.job || res.body;
		if (job.state !== 'done' && job.state !== 'failed') {
			job = await pollJob(res.body.location || '/api/v1/jobs/' + job.id, (j) => {
				phase(j.message ? pick(j.message) : t('office.checking'), 0.5 + 0.5 * (j.progress || 0));
			});
		}
		phase(t('office.finished'), 1);
		if (job.state === 'failed') {
			status.textContent = t('office.failed', { why: pick(job.message || '') });
		} else {
			showReport(job.result || {}, file.name);
			status.textContent = job.result?.ok ? t('office.okShort') : t('office.rejectedShort');
		}
		loadHistory();
	} catch (e) {
		status.textContent = t('office.failed', { why: pick(e.message) });
	} finally {
		busy = false;
		document.body.dataset.upload = 'done';
		$('#file').value = '';
	}
}

// ---- the report ----

const message = (e) => (getLang() === 'en' ? e.message_en : e.message_zh) || pick(e.message);

function showReport(result, filename) {
	report = { result, filename };
	drawReport();
	$('#report').hidden = false;
}

// A report row's column: as the file headed it, else the catalogue's own
// name for the field in language l.  A missing column has no heading of its
// own: the report names it by the catalogue's (Chinese) name, which follows
// the page's language like any other label.
function columnOf(e, l) {
	const key = e.field ? `entry.${report?.result?.kind}.${e.field}` : null;
	const label = key ? tIn(l, key) : null;
	if (e.column && (!key || e.column !== tIn('zh', key))) return e.column;
	if (!key) return '';
	return label === key ? (e.column || e.field) : label;
}

function drawReport() {
	if (!report) return;
	const r = report.result;
	const errors = Array.isArray(r.errors) ? r.errors : [];
	$('#report-title').textContent = t('office.reportOf', { name: report.filename });
	$('#report-summary').textContent = r.ok
		? t('office.ok', { ins: r.inserted || 0, upd: r.updated || 0, same: r.unchanged || 0 })
		: t('office.rejected', { n: r.error_count ?? errors.length });
	$('#report-summary').className = r.ok ? 'good' : 'error';
	fill($('#report-table tbody'), errors.map((e) => h('tr', {},
		h('td.num', { text: e.row ?? '' }),
		h('td', { text: columnOf(e, getLang()) }),
		h('td.value', { text: e.value ?? '' }),
		h('td', { text: message(e) }))));
	$('#report-table').hidden = errors.length === 0;
	$('#report-csv').hidden = errors.length === 0;
}

// The report as CSV, in both languages: "行 Row" over the numbers, and the
// problem in Chinese and in English side by side.
function reportCSV() {
	const errors = report?.result?.errors || [];
	const bi = (k) => tIn('zh', k) + ' ' + tIn('en', k);
	const rows = [[bi('office.col.row'), bi('office.col.column'), bi('office.col.cell'), bi('office.col.value'),
		tIn('zh', 'office.col.message'), tIn('en', 'office.col.message')]];
	for (const e of errors) rows.push([e.row, e.column || `${columnOf(e, 'zh')} ${columnOf(e, 'en')}`, e.cell, e.value, e.message_zh || pick(e.message, 'zh'), e.message_en || pick(e.message, 'en')]);
	const base = (report.filename || 'upload').replace(/\.[^.]*$/, '');
	downloadCSV(t('office.reportFile', { name: base }), rows);
}

// ---- history ----

async function loadHistory() {
	try {
		history = (await api('/api/v1/uploads')).uploads || [];
		const none = !history.length;
		histStatus = () => (none ? t('office.noHistory') : '');
	} catch (e) {
		if (sessionLost(e)) return;
		histStatus = () => pick(e.message);
	}
	drawHistory();
}

// The line under the history, in the page's language at the time it is drawn.
let histStatus = () => '';
function drawHistory() {
	$('#hist-status').textContent = histStatus();
	fill($('#history tbody'), history.map((u) => h('tr', {},
		h('td', { text: fmtWhen(u.uploaded_at) }),
		h('td', { text: u.filename }),
		h('td', { text: t('kind.' + u.kind) }),
		h('td', { text: u.uploaded_by }),
		h('td.num', { text: u.rows }),
		h('td.num', { text: u.rejected ? t('office.rejected', { n: u.error_count })
			: `${u.inserted} / ${u.updated} / ${u.unchanged}` }),
		h('td', {}, h('button.ghost.small', {
			type: 'button', text: t('office.view'), 'aria-label': t('office.viewOf', { name: u.filename }),
			onclick: () => (u.rejected ? openRejected(u.job, u.filename) : openUpload(u.id)),
		})))));
}

// A refused file's report, kept with its import job.
async function openRejected(job, filename) {
	try {
		const j = await api('/api/v1/jobs/' + job);
		showReport(j.result || {}, filename);
		$('#report').scrollIntoView({ block: 'start' });
	} catch (e) {
		if (!sessionLost(e)) $('#hist-status').textContent = pick(e.message);
	}
}

async function openUpload(id) {
	try {
		const u = await api('/api/v1/uploads/' + id);
		showReport(u.report || { ok: true, inserted: u.inserted, updated: u.updated, unchanged: u.unchanged }, u.filename);
		$('#report').scrollIntoView({ block: 'start' });
	} catch (e) {
		if (!sessionLost(e)) $('#hist-status').textContent = pick(e.message);
	}
}

// ---- own entries ----

// One entry in the list: open it, or withdraw it.
const ownItem = (kind, x, label, extra) => h('li', { dataset: { code: x.code } },
	h('button.entry-link', { type: 'button', onclick: () => openEntry(kind, x.code) },
		h('span.code', { text: x.code }), ' ', h('span.name', {}, label), ' ',
		h('span.muted', { text: extra })),
	' ',
	h('button.ghost.withdraw', { type: 'button', text: t('office.withdraw'),
		'aria-label': t('office.withdrawOf', { code: x.code }),
		onclick: () => setWithdrawn(kind, x.code, true) }));

// The filters of the entries list, as query parameters.
function ownParams(kind) {
	const p = new URLSearchParams({ kind });
	const sort = $('#own-sort').value || '-updated';
	p.set('sort', sort === 'name' && kind === 'demand' ? 'product' : sort);
	if ($('#own-category').value.trim()) p.set('category', $('#own-category').value.trim());
	if ($('#own-since').value) p.set('since', $('#own-since').value);
	return p;
}

// The list and the search of the office's own entries share one list: only the last asked is drawn.
const getOwn = latest();

// A page of the office's own entries (nothing typed in the search box):
// filtered, sorted, and the same as files in the template's columns.
async function listOwn(offset) {
	const kind = $('#own-kind').value || kinds()[0];
	const out = $('#own-status');
	if (!kind) return;
	const p = ownParams(kind);
	$('#own-xlsx').href = '/api/v1/entries/export?' + p + '&format=xlsx';
	$('#own-csv').href = '/api/v1/entries/export?' + p + '&format=csv';
	p.set('offset', String(offset));
	p.set('limit', String(own.limit));
	try {
		const res = await getOwn('/api/v1/entries?' + p);
		const list = res.entries || [];
		own = { ...own, offset, total: res.total || 0 };
		out.textContent = list.length ? t('office.ownPage', { from: offset + 1, to: offset + list.length, n: own.total })
			: t('office.ownNone');
		fill($('#own-results'), list.map((x) => ownItem(kind, x, x.name || x.product || '',
			[x.company || x.buyer, kind === 'supply' ? x.city : x.province, x.category, t('office.ownUpdated', { when: fmtWhen(x.updated_at) })]
				.filter(Boolean).join(' · '))));
		$('#own-prev').disabled = offset === 0;
		$('#own-next').disabled = offset + list.length >= own.total;
		document.body.dataset.own = `${offset}:${list.length}:${own.total}`;
	} catch (e) {
		if (!superseded(e) && !sessionLost(e)) out.textContent = pick(e.message);
	}
}

async function searchOwn(ev) {
	ev?.preventDefault();
	const q = $('#own-q').value.trim();
	const kind = $('#own-kind').value;
	const out = $('#own-status');
	if (!q) { await listOwn(0); return; }
	$('#own-prev').disabled = true;
	$('#own-next').disabled = true;
	const p = new URLSearchParams({ q, kind, limit: '50', prefix: '1' });
	if (me.role !== 'admin' && me.region) p.set('region', me.region);
	try {
		const res = await getOwn('/api/v1/search?' + p);
		const marks = res.mark || ['\u0001', '\u0002'];
		out.textContent = t('office.ownFound', { n: res.total || 0 });
		fill($('#own-results'), (res.hits || []).map((x) => ownItem(kind, x, highlight(x.highlight || x.name, marks),
			[x.owner, x.region, x.category].filter(Boolean).join(' · '))));
		document.body.dataset.own = 'search:' + q;
	} catch (e) {
		if (!superseded(e) && !sessionLost(e)) out.textContent = pick(e.message);
	}
}

// ---- withdrawn entries ----

const itemPath = (kind, code) => (kind === 'supply' ? '/api/v1/products/' : '/api/v1/demands/') + encodeURIComponent(code);

async function loadWithdrawn() {
	try {
		withdrawn = [];
		for (const kind of kinds()) {
			const res = await api('/api/v1/withdrawn?kind=' + kind);
			withdrawn.push(...(res.withdrawn || []).map((x) => ({ ...x, kind })));
		}
		drawWithdrawn();
	} catch (e) {
		if (!sessionLost(e)) $('#wd-status').textContent = pick(e.message);
	}
}

function drawWithdrawn() {
	if (!withdrawn.length) {
		fill($('#withdrawn'), h('li.muted', { text: t('office.noWithdrawn') }));
		return;
	}
	fill($('#withdrawn'), withdrawn.map((x) => h('li', { dataset: { code: x.code } },
		h('span.code', { text: x.code }), ' ', h('span.name', { text: x.name }), ' ',
		h('span.muted', { text: t('office.withdrawnWhen', { when: fmtWhen(x.withdrawn_at), by: x.withdrawn_by || '' }) }),
		' ',
		h('button.ghost.restore', { type: 'button', text: t('office.restore'),
			'aria-label': t('office.restoreOf', { code: x.code }),
			onclick: () => setWithdrawn(x.kind, x.code, false) }))));
}

// Withdraws (on) or restores an entry; the lists follow.
async function setWithdrawn(kind, code, on) {
	const out = $('#wd-status');
	try {
		await api(itemPath(kind, code) + (on ? '/withdraw' : '/restore'), { method: 'POST' });
		out.textContent = t(on ? 'office.withdrewOne' : 'office.restoredOne', { code });
		if (on) document.querySelector(`#own-results li[data-code="${CSS.escape(code)}"]`)?.remove();
		await loadWithdrawn();
	} catch (e) {
		if (!sessionLost(e)) out.textContent = pick(e.message);
	}
}

// An entry's fields, in the catalogue's column order.  Each is labelled by
// strings.js 'entry.KIND.FIELD', whose Chinese is the catalogue's column name.
const ENTRY_COLUMNS = {
	supply: ['code', 'name', 'company', 'credit_code', 'city', 'county', 'category', 'spec', 'brand',
		'price', 'unit', 'moq', 'honours', 'keywords', 'description', 'contact', 'phone'],
	demand: ['code', 'product', 'buyer', 'buyer_type', 'province', 'city', 'category', 'description',
		'quantity', 'unit', 'price', 'deadline', 'contact', 'phone'],
};
const columnKey = (kind, k) => `entry.${kind}.${k}`;

async function openEntry(kind, code) {
	try {
		const data = await api(itemPath(kind, code));
		entry = { kind, data };
		drawEntry();
		$('#entry').hidden = false;
		$('#entry-title').focus();
	} catch (e) {
		if (!sessionLost(e)) $('#own-status').textContent = pick(e.message);
	}
}

function drawEntry() {
	if (!entry) return;
	const { kind, data } = entry;
	$('#entry-title').textContent = `${data.code} ${data.name || data.product || ''}`;
	$('#entry-title').tabIndex = -1;
	fill($('#entry-fields'), ENTRY_COLUMNS[kind].filter((k) => data[k] !== undefined && data[k] !== null && data[k] !== '')
		.map((k) => [h('dt', { text: t(columnKey(kind, k)) }), h('dd', { text: data[k] })]));
}

// The entry as a catalogue file of one row, to edit and upload again: its
// header is the catalogue's (Chinese) column names, whatever the page's language.
function entryCSV() {
	const cols = ENTRY_COLUMNS[entry.kind];
	downloadCSV(entry.data.code + '.csv', [cols.map((k) => tIn('zh', columnKey(entry.kind, k))), cols.map((k) => entry.data[k] ?? '')], { formulas: 'keep' });
}

// ---- wiring ----

function wireDrop() {
	const drop = $('#drop');
	for (const ev of ['dragenter', 'dragover']) {
		drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
	}
	for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('over'));
	drop.addEventListener('drop', (e) => {
		e.preventDefault();
		const f = e.dataTransfer?.files?.[0];
		if (f) upload(f);
	});
	// A file dropped beside the zone must not make the browser leave the page.
	window.addEventListener('dragover', (e) => e.preventDefault());
	window.addEventListener('drop', (e) => e.preventDefault());
	$('#file').addEventListener('change', () => upload($('#file').files[0]));
}

function init() {
	mountHeader({ title: 'office.heading', signIn: true });
	wireDrop();
	$('#report-csv').addEventListener('click', reportCSV);
	$('#own-form').addEventListener('submit', searchOwn);
	$('#entry-csv').addEventListener('click', entryCSV);
	$('#own-prev').addEventListener('click', () => listOwn(Math.max(0, own.offset - own.limit)));
	$('#own-next').addEventListener('click', () => listOwn(own.offset + own.limit));
	$('#kind').addEventListener('change', drawTemplates);
	onLangChange(() => {
		drawKinds(); drawReport(); drawHistory(); drawEntry(); drawWithdrawn();
		if (me && !$('#own-q').value.trim()) listOwn(own.offset);
	});
	startSession({
		allowed: ['city', 'expansion', 'admin'],
		onSignedIn: (who) => { me = who; drawKinds(); loadHistory(); loadWithdrawn(); listOwn(0); document.body.dataset.ready = '1'; },
		onSignedOut: () => {
			me = null; report = null; history = []; histStatus = () => ''; entry = null; withdrawn = [];
			$('#report').hidden = true; $('#entry').hidden = true; $('#up-state').hidden = true;
			fill($('#own-results')); fill($('#withdrawn'));
			$('#up-status').textContent = ''; $('#own-status').textContent = ''; $('#wd-status').textContent = '';
		},
	});
	document.body.dataset.ready = '1';
}

init();
