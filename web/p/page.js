// page.js — a participant's personal page, opened from the QR code on their
// printed agenda (/p/TOKEN) with no password: their current agenda, the
// requests to and from them (a supplier answers here; a buyer goes to the
// product search to ask, the request going with this link), their
// availability (away slots and representatives, changed here) and the
// agenda as .ics.  Offered in 中文, English and Русский; dates and times are
// formatted in the chosen language, as the fair's clock reads them (its
// time_zone, which the page names), wherever the phone is.
import { $, h } from '../lib/dom.js';
import { api, ApiError } from '../lib/api.js';
import { t, pick, useLangs, setLang, getLang, applyI18n, onLangChange, LOCALES } from '../lib/i18n.js';

useLangs(['zh', 'en', 'ru']);
const token = decodeURIComponent(location.pathname.split('/')[2] || '');
const base = '/api/v1/p/' + encodeURIComponent(token);
let page = null;
let answered = null;	// the last answer given here, shown until the next
let availStatus = null;	// the key of the last availability save's message

// The schedule's days and times are the fair's wall clock ("2026-05-21", "09:00"):
// they are written as they are, in the chosen language, never moved to the phone's zone
// (a Date at that wall time in UTC, formatted in UTC).
const at = (date, hm) => new Date(`${date}T${hm}:00Z`);
const fmtDay = (d) => new Intl.DateTimeFormat(LOCALES[getLang()], { timeZone: 'UTC', weekday: 'short', month: 'long', day: 'numeric' }).format(d);
const fmtTime = (d) => new Intl.DateTimeFormat(LOCALES[getLang()], { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
// The fair's zone as the chosen language names it ("中国标准时间", "China Standard Time"),
// generic where it has summer time, with its IANA name; the name alone if the browser lacks it.
function zoneName(zone, date) {
	const named = (style) => new Intl.DateTimeFormat(LOCALES[getLang()], { timeZone: zone, timeZoneName: style })
		.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value;
	try {
		const name = named('longGeneric') || named('long');
		return name && name !== zone ? t('page.zoneNamed', { name, zone }) : zone;
	} catch {
		return zone;
	}
}
const when = (x) => x.date ? `${fmtDay(at(x.date, x.start))} ${fmtTime(at(x.date, x.start))}–${fmtTime(at(x.date, x.end))}` : `${x.start}–${x.end}`;
const who = (w) => w ? (w.region ? t('page.withRegion', w) : w.name) : '';

function meetingItem(m) {
	const buyer = page.me.side === 'buyer';
	return h('li', { dataset: { meeting: m.id } },
		h('div.when', null, when(m),
			m.changed ? h('span.changed', null, t('page.changed')) : null),
		h('div.table', null, t('page.table') + ' ', m.table_name || String(m.table)),
		h('div.with', null, who(m.with)),
		m.about ? h('div.about.muted', null, t('page.about', { label: t(buyer ? 'page.theyOffer' : 'page.theyWant'), text: m.about })) : null,
		m.location ? h('div.location.muted', null, m.location) : null);
}

function requestItem(r, incoming) {
	const li = h('li', { dataset: { request: r.id } },
		h('div.with', null, who(r.with)),
		r.product ? h('div.muted', null, t('page.product', { name: r.product })) : null,
		h('div.state', null, t('page.state.' + r.state), r.scheduled ? ' · ' + t('page.scheduled') : ''));
	if (incoming && r.state === 'asked') {
		li.append(h('div.actions', null,
			h('button.answer.accept', { type: 'button', onclick: () => answer(r, 'accepted') }, t('page.accept')),
			h('button.answer.decline', { type: 'button', onclick: () => answer(r, 'declined') }, t('page.decline'))));
	}
	return li;
}

async function answer(r, state) {
	const status = $('#answer-status');
	try {
		await api(`${base}/requests/${r.id}`, { method: 'POST', body: { state } });
		r.state = state;
		answered = state;
		draw();
	} catch (e) {
		status.textContent = e instanceof ApiError ? pick(e.message) : t('page.failed');
	}
}

function draw() {
	if (!page) return;
	const me = page.me;
	$('#fair-name').textContent = page.fair.name;
	document.title = `${me.name} · ${page.fair.name}`;
	$('#me-name').textContent = me.name;
	$('#me-line').textContent = [t(me.side === 'buyer' ? 'page.buyer' : 'page.supplier'), me.region,
		t('page.badge', { badge: me.badge })].filter(Boolean).join(' · ');
	const list = $('#meetings');
	list.replaceChildren(...page.meetings.map(meetingItem));
	if (!page.meetings.length) list.append(h('li.muted', null, t('page.noMeetings')));
	const first = page.meetings[0] || page.slots[0];
	$('#zone').textContent = t('page.timezone', { zone: zoneName(page.time_zone || 'Asia/Shanghai', first?.date ? at(first.date, first.start) : new Date()) });
	$('#ics').href = `${base}/agenda.ics`;
	$('#ics').setAttribute('download', `${page.fair.code}-${me.badge}.ics`);
	for (const [key, incoming] of [['incoming', true], ['outgoing', false]]) {
		const ul = $('#' + key);
		ul.replaceChildren(...page[key].map((r) => requestItem(r, incoming)));
		if (!page[key].length) ul.append(h('li.muted', null, t('page.noRequests')));
	}
	// A supplier is asked; a buyer asks: at the product search, which sends this link along.
	$('#incoming-box').hidden = me.side === 'buyer' && !page.incoming.length;
	$('#outgoing-box').hidden = me.side === 'supplier' && !page.outgoing.length;
	$('#ask-box').hidden = $('#ask-note').hidden = me.side !== 'buyer';
	$('#ask-more').href = '/?' + new URLSearchParams({ fair: page.fair.code, link: token });
	$('#answer-status').textContent = answered ? t('page.answered', { state: t('page.state.' + answered) }) : '';
	if (document.activeElement !== $('#reps')) $('#reps').value = me.reps;
	const away = new Set(me.away);
	$('#away-slots').replaceChildren(...page.slots.map((s) => h('li', null,
		h('label', null,
			h('input', { type: 'checkbox', checked: away.has(s.slot), dataset: { slot: s.slot },
				onchange: (e) => saveAvailability(e.target.checked ? { away: [s.slot] } : { back: [s.slot] }) }),
			' ' + when(s)))));
	$('#avail-status').textContent = availStatus ? t(availStatus) : '';
}

// Sends one change of availability; the page redraws from the server's answer.
async function saveAvailability(change) {
	const status = $('#avail-status');
	try {
		page = await api(`${base}/availability`, { method: 'POST', body: change });
		availStatus = 'page.saved';
	} catch (e) {
		availStatus = null;
		draw();
		status.textContent = e instanceof ApiError ? pick(e.message) : t('page.failed');
		return;
	}
	draw();
}

$('#reps-form').addEventListener('submit', (e) => {
	e.preventDefault();
	saveAvailability({ reps: Number($('#reps').value) });
});

function langButtons() {
	for (const b of document.querySelectorAll('.langs button')) {
		b.setAttribute('aria-pressed', String(b.dataset.lang === getLang()));
		b.onclick = () => setLang(b.dataset.lang);
	}
}

onLangChange(() => { langButtons(); draw(); });
applyI18n();
langButtons();
try {
	page = await api(base);
	$('#status').removeAttribute('data-i18n');
	$('#status').textContent = '';
	$('#app').hidden = false;
	draw();
} catch (e) {
	const status = $('#status');
	status.removeAttribute('data-i18n');
	status.textContent = e instanceof ApiError && e.status === 404 ? t('page.noLink') : t('page.failed');
	status.dataset.i18n = e instanceof ApiError && e.status === 404 ? 'page.noLink' : 'page.failed';
}
