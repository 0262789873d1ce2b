// fairday.js — the console's parts for running a fair: the layout and the
// tables' names, participants (availability, walk-ins, check-in, no-shows,
// their meetings with an outcome form), meeting requests and hand pairs,
// schedule versions (what a draft changes, publish, discard, undo), and the
// fair day (check-in by badge, the arrivals board, backfill).  Every action
// is one API call; the server checks and says what is wrong.
import { api } from '../lib/api.js';
import { $, h, fill } from '../lib/dom.js';
import { t, pick } from '../lib/i18n.js';
import { sessionLost } from '../lib/session.js';
import { fmtWhen } from '../lib/time.js';

const enc = encodeURIComponent;
let code = null;		// the open fair
let onChange = () => {};	// the grid reloads after a change
let shown = null;		// the badge whose details are open (redrawn in another language)
export let people = [];		// the participants, for the grid's move targets

const base = () => `/api/v1/fairs/${enc(code)}`;
const say = (sel, text) => { $(sel).textContent = text; };
const post = (path, body = {}) => api(base() + path, { method: 'POST', body });

// Runs an action; a refusal is shown in sel, in the page's language.
async function act(sel, fn) {
	try {
		await fn();
	} catch (e) {
		if (!sessionLost(e)) say(sel, pick(e.message));
	}
}

export async function openFairDay(fairCode, changed) {
	code = fairCode;
	onChange = changed;
	for (const id of ['#setup', '#people', '#requests', '#versions', '#day']) $(id).hidden = false;
	$('#person').hidden = true;
	shown = null;
	for (const id of ['#setup-status', '#people-status', '#requests-status', '#versions-status', '#checkin-status', '#backfill-status']) say(id, '');
	await Promise.all([loadSetup(), loadPeople(), loadRequests(), loadVersions(), loadDay()]);
}

export function redrawFairDay() {
	if (!code) return;
	loadSetup(); loadPeople(); loadRequests(); loadVersions(); loadDay();
	if (!$('#person').hidden && shown) showPerson(shown);
}

// ---- layout ----

async function loadSetup() {
	await act('#setup-status', async () => {
		const s = await api(base() + '/setup');
		if (!s.days) { say('#setup-status', t('console.s.none')); fill($('#tables-list')); return; }
		say('#setup-status', t('console.s.current', {
			days: s.days, per: s.slots_per_day, min: s.slot_minutes, start: s.start,
			lunch: s.lunch || t('console.s.noLunch'), tables: s.tables.length,
		}));
		$('#s-days').value = s.days; $('#s-per').value = s.slots_per_day; $('#s-min').value = s.slot_minutes;
		$('#s-start').value = s.start; $('#s-tables').value = s.tables.length;
		const [from, to] = (s.lunch || '-').split('-');
		$('#s-lunch-from').value = from || ''; $('#s-lunch-to').value = to || '';
		fill($('#tables-list'),
			h('thead', {}, h('tr', {}, ['console.s.tableNo', 'console.s.tableName', 'console.s.tableWhere'].map((k) => h('th', { scope: 'col', text: t(k) })))),
			h('tbody', {}, s.tables.map((tb) => h('tr', { dataset: { table: tb.table } },
				h('th', { scope: 'row', text: tb.table }),
				h('td', {}, h('input.t-name', { value: tb.name, 'aria-label': t('console.s.tableNameOf', { n: tb.table }) })),
				h('td', {}, h('input.t-where', { value: tb.location || '', 'aria-label': t('console.s.tableWhereOf', { n: tb.table }) }))))));
	});
}

async function saveSetup(e) {
	e.preventDefault();
	const from = $('#s-lunch-from').value, to = $('#s-lunch-to').value;
	if (Boolean(from) !== Boolean(to)) { say('#setup-status', t('console.s.lunchBoth')); return; }
	await act('#setup-status', async () => {
		const r = await post('/schedule/setup', {
			days: Number($('#s-days').value), slots_per_day: Number($('#s-per').value),
			slot_minutes: Number($('#s-min').value), start: $('#s-start').value,
			lunch: from ? `${from}-${to}` : null, tables: Number($('#s-tables').value),
		});
		await loadSetup();
		say('#setup-status', t('console.s.saved', r));
		await loadPeople();
		onChange();
	});
}

async function saveTables() {
	const tables = [...document.querySelectorAll('#tables-list tbody tr')].map((tr) => ({
		table: Number(tr.dataset.table), name: tr.querySelector('.t-name').value.trim(), location: tr.querySelector('.t-where').value.trim(),
	}));
	await act('#setup-status', async () => {
		await post('/tables', { tables });
		say('#setup-status', t('console.s.tablesSaved'));
		onChange();
	});
}

// ---- participants ----

const sideText = (side) => t('console.side.' + side);
const nb = (name, badge) => t('console.nameBadge', { name, badge });

async function loadPeople() {
	await act('#people-status', async () => {
		people = (await api(base() + '/participants')).participants || [];
		const cols = ['badge', 'side', 'name', 'region', 'reps', 'away', 'meetings', 'requests', 'state', 'actions'];
		fill($('#people-list'),
			h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', text: t('console.p.' + c) })))),
			h('tbody', {}, people.map((p) => h('tr', { dataset: { badge: p.badge } },
				h('th', { scope: 'row', text: p.badge }),
				h('td', { text: sideText(p.side) }),
				h('td', { text: p.name }),
				h('td', { text: p.region }),
				h('td.num', { text: p.reps }),
				h('td', { text: p.away.join(t('common.listSep')) }),
				h('td.num', { text: p.meetings }),
				h('td.num', { text: p.requests }),
				h('td', { text: [p.checked_in_at ? t('console.p.in') : '', p.no_show ? t('console.p.noShow') : '', p.walk_in ? t('console.p.walkIn') : ''].filter(Boolean).join(' · ') }),
				h('td', {},
					h('button.ghost.small.details', { type: 'button', text: t('console.p.details'), 'aria-label': t('console.p.detailsOf', { name: p.name }), onclick: () => showPerson(p.badge) }),
					h('button.ghost.small.noshow', { type: 'button', text: t('console.p.markNoShow'), 'aria-label': t('console.p.markNoShowOf', { name: p.name }), onclick: () => noShow(p.badge) }),
					revokeButton(p))))));
	});
}

async function showPerson(badge) {
	shown = badge;
	await act('#people-status', async () => {
		const p = await api(`${base()}/participants/${enc(badge)}`);
		const box = $('#person');
		box.hidden = false;
		const awayId = 'away-' + p.badge;
		fill(box,
			h('h3', { text: `${nb(p.name, p.badge)} · ${sideText(p.side)}` }),
			h('form.row.avail', { onsubmit: (e) => { e.preventDefault(); saveAvailability(p); } },
				h('label', { for: awayId, text: t('console.p.away') }),
				h('input', { id: awayId, value: p.away.join(','), placeholder: t('console.p.awayHint') }),
				h('label', { for: 'reps-' + p.badge, text: t('console.p.reps') }),
				h('input.narrow', { id: 'reps-' + p.badge, type: 'number', min: 1, max: 20, value: p.reps }),
				h('button.ghost.small', { type: 'submit', text: t('console.p.saveAvail') })),
			h('h4', { text: t('console.p.theirMeetings') }),
			p.meetings.length ? h('ul.entries', {}, p.meetings.map((m) => meetingItem(p, m))) : h('p.muted', { text: t('console.p.none') }),
			h('h4', { text: t('console.p.theirRequests') }),
			p.requests.length ? h('ul.entries', {}, p.requests.map((r) => h('li', { text: `${r.buyer.name} ↔ ${r.supplier.name} · ${t('console.r.st.' + r.state)}` }))) : h('p.muted', { text: t('console.p.none') }),
			h('h4', { text: t('console.p.theirCandidates') }),
			p.candidates.length ? h('ul.entries', {}, p.candidates.map((c) => h('li', { text: t('console.p.candidateLine', { name: c.name, badge: c.badge, value: c.value, scheduled: c.scheduled ? t('console.p.scheduled') : '' }) }))) : h('p.muted', { text: t('console.p.none') }));
		box.scrollIntoView({ block: 'nearest' });
	});
}

// One meeting of a participant: where, with whom, late mark, and its outcome form.
function meetingItem(p, m) {
	const id = `o-${m.id}`;
	const label = (k) => t('console.o.fieldOf', { field: t(k), meeting: m.when });
	const sel = (cls, key, opts) => h('select.' + cls, { 'aria-label': label(key) }, opts.map(([v, k]) => h('option', { value: v, text: t(k) })));
	return h('li', { dataset: { meeting: m.id } },
		h('span', { text: t('console.p.meetingLine', { when: m.when, table: m.table_name, with: nb(m.with_name, m.with_badge) }) }),
		m.late_minutes ? h('span.muted', { text: ' · ' + t('console.p.late', { n: m.late_minutes }) }) : null,
		m.outcome ? h('span.muted', { text: ' · ' + t('console.o.recorded', { what: t('console.o.' + (m.outcome === 'no_show' ? 'no' : m.outcome)) }) }) : null,
		h('button.ghost.small.late', { type: 'button', text: t('console.p.markLate'), onclick: () => act('#people-status', async () => { await post(`/meetings/${m.id}/late`, { minutes: 10 }); await showPerson(p.badge); onChange(); }) }),
		h('form.outcome-form', { id, onsubmit: (e) => { e.preventDefault(); saveOutcome(p, m, e.target); } },
			sel('o-held', 'console.o.held', [['1', 'console.o.yes'], ['0', 'console.o.no']]),
			sel('o-kind', 'console.o.kind', [['none', 'console.o.none'], ['intention', 'console.o.intention'], ['contract', 'console.o.contract']]),
			h('input.o-amount', { inputmode: 'decimal', placeholder: t('console.o.amount'), 'aria-label': label('console.o.amount') }),
			h('input.o-products', { placeholder: t('console.o.products'), 'aria-label': label('console.o.products') }),
			h('button.primary.small', { type: 'submit', text: t('console.o.save') })),
		m.outcome ? evidenceForm(p, m, label) : null,
		m.outcome ? outcomeTrail(m) : null);
}

// Upload an evidence file (a contract's photo, a signed intention) for a recorded outcome.
function evidenceForm(p, m, label) {
	return h('form.row.evidence-form', { onsubmit: (e) => { e.preventDefault(); saveEvidence(p, m, e.target); } },
		h('input.o-file', { type: 'file', 'aria-label': label('console.o.evidenceFile') }),
		h('button.ghost.small', { type: 'submit', text: t('console.o.evidence') }));
}

async function saveEvidence(p, m, form) {
	const file = form.querySelector('.o-file').files[0];
	if (!file) return say('#people-status', t('console.o.evidenceNone'));
	await act('#people-status', async () => {
		await api(`${base()}/meetings/${m.id}/evidence?filename=${enc(file.name)}`, { method: 'POST', body: file });
		await showPerson(p.badge);
		say('#people-status', t('console.o.evidenceSaved', { name: file.name }));
	});
}

// A recorded outcome's evidence files and its history of changes, loaded after the list.
function outcomeTrail(m) {
	const box = h('div.o-trail', { dataset: { meeting: m.id } });
	api(`${base()}/meetings/${m.id}/outcome`).then((o) => {
		const field = (f) => t('console.o.f.' + f);
		// Values as the form shows them; evidence as its file name, without the SHA-256.
		const value = (f, v) => (v == null ? '—' : f === 'kind' ? t('console.o.' + v)
			: f === 'held' ? t(v === 'held' ? 'console.o.yes' : 'console.o.no')
			: f === 'evidence' ? v.replace(/^[0-9a-f]{64} /, '') : v);
		fill(box,
			h('h5', { text: t('console.o.history') }),
			h('ul.entries', {},
				o.evidence.map((e) => h('li', { text: t('console.o.evidenceLine', { name: e.filename, size: e.size, by: e.added_by, at: fmtWhen(e.added_at) }) })),
				o.history.map((x) => h('li', { text: t('console.o.historyLine', { at: fmtWhen(x.at), by: x.by, field: field(x.field), old: value(x.field, x.old), new: value(x.field, x.new) }) }))));
	}).catch((e) => { if (!sessionLost(e)) fill(box, h('p.error', { text: pick(e.message) })); });
	return box;
}

async function saveOutcome(p, m, form) {
	const held = form.querySelector('.o-held').value === '1';
	const body = { held, kind: held ? form.querySelector('.o-kind').value : 'none' };
	const amount = form.querySelector('.o-amount').value.trim(), products = form.querySelector('.o-products').value.trim();
	if (held && amount) body.amount = amount;
	if (products) body.products = products;
	await act('#people-status', async () => {
		await post(`/meetings/${m.id}/outcome`, body);
		await showPerson(p.badge);
		say('#people-status', t('console.o.saved'));
	});
}

async function saveAvailability(p) {
	const away = $('#away-' + p.badge).value.split(/[,，\s]+/).filter(Boolean).map(Number);
	await act('#people-status', async () => {
		await post(`/participants/${enc(p.badge)}/availability`, { back: 'all', away, reps: Number($('#reps-' + p.badge).value) });
		say('#people-status', t('console.p.availSaved', { name: p.name }));
		await loadPeople();
	});
}

// "撤销个人链接": a lost or passed-on agenda's QR code opens nothing after the second press
// (the first asks "sure?" for a few seconds); the next print gives a new link.
function revokeButton(p) {
	const label = (k) => t(k, { name: p.name });
	const b = h('button.ghost.small.revoke', { type: 'button', text: t('console.p.revoke'), 'aria-label': label('console.p.revokeOf') });
	let timer = 0;
	b.onclick = async () => {
		if (!b.classList.contains('sure')) {
			b.classList.add('sure');
			b.textContent = t('console.p.revokeSure');
			b.setAttribute('aria-label', label('console.p.revokeSureOf'));
			timer = setTimeout(() => {
				b.classList.remove('sure');
				b.textContent = t('console.p.revoke');
				b.setAttribute('aria-label', label('console.p.revokeOf'));
			}, 5000);
			return;
		}
		clearTimeout(timer);
		await act('#people-status', async () => {
			await post(`/participants/${enc(p.badge)}/link/revoke`);
			say('#people-status', t('console.p.revoked', { badge: p.badge }));
		});
		b.classList.remove('sure');
		b.textContent = t('console.p.revoke');
		b.setAttribute('aria-label', label('console.p.revokeOf'));
	};
	return b;
}

async function noShow(badge) {
	await act('#people-status', async () => {
		const r = await post(`/participants/${enc(badge)}/noshow`);
		say('#people-status', t('console.p.noShowDone', { badge, n: r.meetings }));
		await Promise.all([loadPeople(), loadDay()]);
		onChange();
	});
}

async function walkIn(e) {
	e.preventDefault();
	const pairs = $('#w-pairs').value.split(/[,，\s]+/).filter(Boolean).map((b) => b.toUpperCase());
	await act('#people-status', async () => {
		const p = await post('/participants', { side: $('#w-side').value, name: $('#w-name').value.trim(), region: $('#w-region').value.trim(), pairs });
		say('#people-status', t('console.w.added', { name: p.name, badge: p.badge }));
		$('#walkin-form').reset();
		await Promise.all([loadPeople(), loadDay()]);
	});
}

// ---- requests and pairs ----

async function loadRequests() {
	await act('#requests-status', async () => {
		const rs = (await api(base() + '/requests')).requests || [];
		const cols = ['when', 'buyer', 'supplier', 'product', 'asker', 'state', 'decider'];
		if (!rs.length) say('#requests-status', t('console.r.none'));
		fill($('#requests-list'),
			h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', text: t('console.r.' + c) })), h('th', { scope: 'col', text: t('console.p.actions') }))),
			h('tbody', {}, rs.map((r) => h('tr', { dataset: { request: r.id } },
				h('td', { text: fmtWhen(r.created_at) }),
				h('td', { text: nb(r.buyer.name, r.buyer.badge) }),
				h('td', { text: nb(r.supplier.name, r.supplier.badge) }),
				h('td', { text: r.product_name || '' }),
				h('td', { text: r.asked_by === 'kiosk' ? t('console.r.kiosk') : r.asked_by }),
				h('td', { text: t('console.r.st.' + r.state) + (r.scheduled ? ' · ' + t('console.r.inSchedule') : '') }),
				h('td', { text: r.decided_by ? `${r.decided_by} ${fmtWhen(r.decided_at)}` : '' }),
				h('td', {},
					h('button.ghost.small.accept', { type: 'button', text: t('console.r.accept'), 'aria-label': t('console.r.acceptOf', { buyer: r.buyer.name, supplier: r.supplier.name }), onclick: () => decide(r, 'accepted') }),
					h('button.ghost.small.decline', { type: 'button', text: t('console.r.decline'), 'aria-label': t('console.r.declineOf', { buyer: r.buyer.name, supplier: r.supplier.name }), onclick: () => decide(r, 'declined') }))))));
	});
}

async function decide(r, state) {
	await act('#requests-status', async () => {
		await post(`/requests/${r.id}/decide`, { state });
		await loadRequests();
		say('#requests-status', t('console.r.decided', { buyer: r.buyer.name, supplier: r.supplier.name, state: t('console.r.st.' + state) }));
	});
}

async function pair(remove) {
	const buyer = $('#pair-buyer').value.trim().toUpperCase(), supplier = $('#pair-supplier').value.trim().toUpperCase();
	await act('#requests-status', async () => {
		const r = await post('/pairs', { buyer, supplier, remove });
		await loadRequests();
		say('#requests-status', t('console.pair.done', { buyer, supplier, state: t('console.r.st.' + r.state) }));
	});
}

// ---- versions ----

const place = (p) => (p ? t('console.v.place', { when: p.when, table: p.table_name }) : '');

export async function loadVersions() {
	await act('#versions-status', async () => {
		const v = await api(base() + '/versions');
		say('#versions-summary', v.published ? t('console.v.summary', { published: v.published, n: v.versions.length }) : t('console.v.none'));
		$('#undo').hidden = !v.versions.some((x) => x.state === 'old');
		$('#diff').hidden = !v.draft;
		if (!v.draft) return;
		const d = await api(`${base()}/versions/${v.draft}/diff`);
		say('#diff-title', t('console.v.draftTitle', { n: v.draft }));
		say('#diff-counts', t('console.v.counts', { added: d.added.length, moved: d.moved.length, dropped: d.dropped.length, unchanged: d.unchanged }));
		const line = (kind, c) => h('li.diff-' + kind, { text: t('console.v.' + kind, { buyer: c.buyer.name, supplier: c.supplier.name, from: place(c.from), to: place(c.to) }) });
		fill($('#diff-list'), d.added.map((c) => line('added', c)), d.moved.map((c) => line('moved', c)), d.dropped.map((c) => line('dropped', c)));
		$('#publish').dataset.version = v.draft;
		$('#draft-export').dataset.render = `export/schedule?version=${v.draft}`;
	});
}

async function versionAction(path, key) {
	await act('#versions-status', async () => {
		const r = await post(path);
		say('#versions-status', t(key, r));
		await loadVersions();
		onChange();
	});
}

// ---- the fair day ----

async function loadDay() {
	await act('#backfill-status', async () => {
		const [a, b] = await Promise.all([api(base() + '/arrivals'), api(base() + '/backfill')]);
		say('#arrivals-summary', t('console.arrivals', { expected: a.expected, arrived: a.arrived, noShow: a.no_show }));
		fill($('#arrivals'), a.arrivals.map((x) => h('li', { text: t('console.arrival', { time: fmtWhen(x.checked_in_at).slice(11, 16), name: x.name, badge: x.badge }) })));
		fill($('#backfill'), b.proposals.length ? b.proposals.map((p) => h('li', { dataset: { meeting: p.meeting } },
			h('span', { text: t('console.bf.line', { when: p.when, table: p.table_name, present: p.present.name, partner: nb(p.partner.name, p.partner.badge), score: p.score }) }),
			' ',
			h('button.primary.small', { type: 'button', text: t('console.bf.accept'), 'aria-label': t('console.bf.acceptOf', { present: p.present.name, partner: p.partner.name }), onclick: () => backfill(p) }))) :
			h('li.muted', { text: t('console.bf.none') }));
	});
}

async function backfill(p) {
	await act('#backfill-status', async () => {
		const r = await post('/backfill', { meeting: p.meeting });
		say('#backfill-status', t('console.bf.done', { present: r.present.name, partner: r.partner.name, when: r.when }));
		await loadDay();
		onChange();
	});
}

async function checkIn(e) {
	e.preventDefault();
	// A scanner types what the QR code holds: the badge, or an agenda's personal link
	// …/p/TOKEN, whose page names the badge.
	const typed = $('#checkin-badge').value.trim();
	const link = typed.match(/\/p\/([^/?#]+)/);
	await act('#checkin-status', async () => {
		const badge = link ? (await api('/api/v1/p/' + link[1])).me.badge : typed.toUpperCase();
		const p = await post(`/participants/${enc(badge)}/checkin`);
		say('#checkin-status', t('console.checkin.done', { name: p.name, badge: p.badge, n: p.meetings.length }));
		$('#checkin-badge').value = '';
		await Promise.all([loadDay(), loadPeople()]);
	});
}

// The board is live: check-ins at other desks, their backfill proposals and kiosk requests
// show within LIVE_MS without a click, while a fair is open and the page is in view.
const LIVE_MS = 10000;
let live = false;

async function refreshLive() {
	if (!code || document.hidden || $('#day').hidden || live) return;
	live = true;
	try {
		await Promise.all([loadDay(), loadRequests()]);
	} finally {
		live = false;
	}
}

export function initFairDay() {
	setInterval(refreshLive, LIVE_MS);
	$('#setup-form').addEventListener('submit', saveSetup);
	$('#tables-save').addEventListener('click', saveTables);
	$('#walkin-form').addEventListener('submit', walkIn);
	$('#pair-form').addEventListener('submit', (e) => { e.preventDefault(); pair(false); });
	$('#pair-remove').addEventListener('click', () => pair(true));
	$('#publish').addEventListener('click', () => versionAction(`/versions/${$('#publish').dataset.version}/publish`, 'console.v.published'));
	$('#discard').addEventListener('click', () => versionAction(`/versions/${$('#publish').dataset.version}/discard`, 'console.v.discarded'));
	$('#undo').addEventListener('click', () => versionAction('/schedule/undo', 'console.v.published'));
	$('#checkin-form').addEventListener('submit', checkIn);
}
