// kiosk.js — the touch kiosk at "/": search as you type, filters from the
// search's facets (the server applies the fair's cities, so counts and pages
// are the fair's), browsing by category or city from the empty search box,
// a product page with a QR code, "ask for a meeting" and a way to every
// product of its exhibitor (browsed by the exhibitor's id), idle reset (back to
// Chinese), and a notice while the server cannot be reached (with recovery,
// no reload).
//
// Settings in the address: ?fair=CODE makes that fair the kiosk's own
// (kept through idle resets); ?idle=SECONDS changes the 60 s idle reset and
// ?idle=off turns it off (the QR code's link does, for a visitor's phone);
// ?link=TOKEN, a buyer's personal link (their page's "find a product and
// ask" sends it), asks for meetings as that buyer, with no badge or PIN,
// until the idle reset forgets it.
//
// A meeting request names its buyer by badge code and the PIN printed
// beside it, or by the personal link of their agenda: scanned (a scanner
// types the QR code's address), pasted, or brought along by ?link=.
import { api, onReachability, ping } from './lib/api.js';
import { $, h, fill, highlight, debounce } from './lib/dom.js';
import { t, pick, onLangChange, getLang, setLang, useLangs, fmtNumbers } from './lib/i18n.js';
import { mountHeader, setBanner } from './lib/header.js';
import { qrcode } from './vendor/qrcode.mjs';

// 哈洽会's buyers read Russian: the kiosk offers it beside 中文 and English.
useLangs(['zh', 'en', 'ru']);

const PAGE = 20;
const params = new URLSearchParams(location.search);
const IDLE_OFF = params.get('idle') === 'off';
const IDLE_MS = Math.max(1, Number(params.get('idle')) || 60) * 1000;

const state = {
	q: '', region: '', category: '', fair: '',
	exhibitor: null,	// { id, name }: only this exhibitor's products
	hits: [], total: 0, facets: { region: {}, category: {} }, marks: ['\u0001', '\u0002'],
	forgiving: null,	// what forgiving search did, from the reply
	elsewhere: false,	// the fair had no hits: these are every fair's
	product: null,		// the product on show
};
let homeFair = params.get('fair') || '';
let fairs = [];
const fairByCode = new Map();
let searchCtrl = null;
let productCtrl = null;
// The buyer whose personal link this kiosk carries (?link=): { token, name, badge, fair },
// or false for a link that opens nothing.
let asBuyer = null;
// Where phones reach this box (public_url), for the product's QR code: the address this
// kiosk uses until the server says, or when none is set (often localhost on a kiosk).
let publicBase = location.origin;
api('/api/v1/tls').then((x) => { if (x && x.public_url) publicBase = x.public_url.replace(/\/+$/, ''); }).catch(() => {});

// ---- fairs ----

async function loadFairs() {
	try {
		fairs = (await api('/api/v1/fairs')).fairs || [];
	} catch (e) {
		if (e.status !== 0) console.warn(e);
		return false;
	}
	fairByCode.clear();
	for (const f of fairs) fairByCode.set(f.code, f);
	if (homeFair && !fairByCode.has(homeFair)) homeFair = '';
	if (!state.fair) state.fair = homeFair;
	drawFairs();
	return true;
}

function fairOptions(select, chosen, withAll) {
	fill(select,
		withAll ? h('option', { value: '', text: t('kiosk.allFairs') }) : null,
		fairs.map((f) => h('option', { value: f.code, selected: f.code === chosen, text: f.name })));
	select.value = chosen;
}

function drawFairs() {
	fairOptions($('#f-fair'), state.fair, true);
	const home = fairByCode.get(homeFair);
	setBanner(home ? home.name : '');
}

const fairName = (code) => fairByCode.get(code)?.name || code;

// ---- search ----

// What the search box and filters ask for.  An empty box with a city or
// category chosen browses them; an empty box alone shows the start screen
// with the fair's categories and cities to browse.  The fair is filtered by
// the server, so the total, the chips' counts and every page are the fair's;
// when the fair has nothing for the words, every fair's hits are shown, and
// the status says so.  An exhibitor's products are its own, at any fair.
async function search({ more = false } = {}) {
	const q = state.q.trim();
	const ex = state.exhibitor;
	const start = !q && !state.region && !state.category && !ex;
	searchCtrl?.abort();
	searchCtrl = new AbortController();
	const p = new URLSearchParams({ q, kind: 'supply', prefix: '1', limit: String(start ? 1 : PAGE) });
	if (more) p.set('offset', String(state.hits.length));
	if (ex) p.set('exhibitor', String(ex.id));
	else if (state.fair && !(more && state.elsewhere)) p.set('fair', state.fair);
	if (state.region) p.set('region', state.region);
	if (state.category) p.set('category', state.category);
	if (start) { state.facets = { region: {}, category: {} }; drawStart(); }
	else setStatus(t('kiosk.searching'));
	let res, elsewhere = more && state.elsewhere;
	try {
		const signal = searchCtrl.signal;
		res = await api('/api/v1/search?' + p, { signal });
		if (!more && !start && q && state.fair && !ex && res && !res.total && !signal.aborted) {
			p.delete('fair');
			const all = await api('/api/v1/search?' + p, { signal });
			if (all?.total) { res = all; elsewhere = true; }
		}
		// A newer search aborted this one while its body was read: that one draws.
		if (!res || signal.aborted) return;
	} catch (e) {
		if (e.name === 'AbortError') return;
		if (!start) setStatus(e.status === 0 ? t('offline.title') : pick(e.message));
		return;
	}
	state.facets = res.facets || { region: {}, category: {} };
	if (start) { drawChips(); return; }
	state.marks = res.mark || state.marks;
	if (!more) state.forgiving = res.forgiving || null;
	state.hits = more ? state.hits.concat(res.hits || []) : res.hits || [];
	state.total = res.total || 0;
	state.elsewhere = elsewhere;
	drawResults();
}

function drawStart() {
	state.hits = []; state.total = 0; state.elsewhere = false;
	state.forgiving = null;
	drawForgiving();
	$('#start').hidden = false;
	fill($('#results'));
	$('#more').hidden = true;
	setStatus('');
	drawChips();
}

function setStatus(s) { $('#status').textContent = s; }

// What forgiving search did (a corrected word, a dropped size), in the page's language.
function drawForgiving() {
	const f = state.forgiving, el = $('#forgiving');
	el.hidden = !f;
	el.textContent = f ? (f.message?.[getLang()] || f.message?.[getLang() === 'ru' ? 'en' : 'zh'] || f.message?.zh || '') : '';
}

function drawResults() {
	$('#start').hidden = true;
	drawForgiving();
	const list = $('#results');
	fill(list, state.hits.map((hit) => h('li', {},
		h('a.card', { href: '#/p/' + encodeURIComponent(hit.code), dataset: { code: hit.code } },
			h('span.name', {}, highlight(hit.highlight || hit.name, state.marks)),
			hit.snippet ? h('span.snippet', {}, highlight(hit.snippet, state.marks)) : null,
			h('span.meta', {},
				h('span', { text: hit.owner || '' }),
				h('span', { text: hit.region || '' }),
				h('span', { text: hit.category || '' }),
				h('span.code', { text: hit.code }))))));
	const q = state.q.trim();
	const n = { n: state.total, shown: state.hits.length };
	let status;
	if (!q && state.exhibitor) status = t('kiosk.exhibitorProducts', { ...n, name: state.exhibitor.name });
	else if (!q) status = t('kiosk.browsing', { ...n, what: [state.category, state.region].filter(Boolean).join(' · ') });
	else if (state.total === 0) status = state.fair ? t('kiosk.noneAt', { q, fair: fairName(state.fair) }) : t('kiosk.none', { q });
	else if (state.elsewhere) status = t('kiosk.elsewhere', { ...n, q, fair: fairName(state.fair) });
	else status = t('kiosk.found', n);
	setStatus(status);
	$('#more').hidden = state.hits.length >= state.total;
	drawChips();
}

// The city and category chips: what the search (or the fair) has, the chosen one kept.
function drawChips() {
	chips($('#f-region'), Object.entries(state.facets.region || {}), state.region,
		(v) => { state.region = v; search(); });
	chips($('#f-category'), Object.entries(state.facets.category || {}), state.category,
		(v) => { state.category = v; search(); });
	// The exhibitor being listed: one chip, pressed; a tap lets it go.
	const ex = state.exhibitor;
	chips($('#f-exhibitor'), ex ? [[ex.name, null]] : [], ex ? ex.name : '',
		() => { state.exhibitor = null; search(); });
}

function chips(box, entries, chosen, pickFn) {
	const label = box.firstElementChild;
	if (chosen && !entries.some(([v]) => v === chosen)) entries.unshift([chosen, null]);
	entries.sort((a, b) => (b[1] ?? 1e9) - (a[1] ?? 1e9));
	fill(box, label, entries.slice(0, 12).map(([v, n]) => h('button.chip', {
		type: 'button', 'aria-pressed': String(v === chosen),
		onclick: () => pickFn(v === chosen ? '' : v),
	}, v, n !== null ? h('span.count', { text: n }) : null)));
	box.hidden = entries.length === 0;
}

// ---- the product page ----

async function showProduct(code) {
	$('#search-view').hidden = true;
	$('#product-view').hidden = false;
	$('#p-body').hidden = true;
	$('#p-status').textContent = t('kiosk.loading');
	productCtrl?.abort();
	productCtrl = new AbortController();
	let p;
	try {
		p = await api('/api/v1/products/' + encodeURIComponent(code), { signal: productCtrl.signal });
	} catch (e) {
		if (e.name === 'AbortError') return;
		$('#p-status').textContent = e.status === 0 ? t('offline.title') : pick(e.message);
		return;
	}
	state.product = p;
	drawProduct();
	$('#p-name').focus({ preventScroll: true });
	window.scrollTo(0, 0);
	findTable(p);
}

const FIELDS = ['category', 'spec', 'brand', 'price', 'moq', 'honours', 'keywords', 'description', 'contact', 'phone'];

function drawProduct() {
	const p = state.product;
	if (!p) return;
	$('#p-status').textContent = '';
	$('#p-name').textContent = p.name;
	$('#p-name').tabIndex = -1;
	$('#p-company').textContent = [p.company, [p.city, p.county].filter(Boolean).join(' ')].filter(Boolean).join(' · ');
	$('#p-exhibitor').textContent = t('kiosk.exhibitorAll', { name: p.company });
	$('#p-exhibitor').hidden = !p.supplier_id;
	const value = (k) => {
		if (k === 'price' && p.price) {
			const price = fmtNumbers(p.price);

			return p.unit ? t('kiosk.pricePer', { price, unit: p.unit }) : t('kiosk.priceYuan', { price });
		}
		if (k === 'phone' && p.phone) return h('a', { href: 'tel:' + p.phone.replace(/[^0-9+]/g, ''), text: p.phone });
		return p[k];
	};
	fill($('#p-fields'), FIELDS.filter((k) => p[k] !== undefined && p[k] !== null && p[k] !== '')
		.map((k) => [h('dt', { text: t('field.' + k) }), h('dd', {}, value(k))]));
	const url = publicBase + '/?idle=off#/p/' + encodeURIComponent(p.code);
	const qr = qrcode(0, 'M');
	qr.addData(url);
	qr.make();
	const img = $('#p-qr');
	img.src = qr.createDataURL(8, 4);
	img.alt = t('kiosk.qrAlt', { url });
	$('#p-body').hidden = false;
}

// Where the supplier sits at the fair: the tables of its meetings in the
// fair's schedule, if the fair has one and it may be read here.
async function findTable(p) {
	const fair = state.fair || homeFair;
	const el = $('#p-table');
	el.hidden = true;
	if (!fair) return;
	try {
		const g = await api('/api/v1/fairs/' + encodeURIComponent(fair) + '/schedule');
		const tables = new Map((g.tables || []).map((x) => [x.table, x]));
		const mine = new Set((g.meetings || []).filter((m) => m.supplier?.name === p.company).map((m) => m.table));
		if (!mine.size || state.product !== p) return;
		const names = [...mine].sort((a, b) => a - b).map((n) => tables.get(n)?.name || t('kiosk.tableN', { n }));
		el.textContent = t('kiosk.tableAt', { fair: fairName(fair), tables: names.join(t('common.listSep')) });
		el.hidden = false;
	} catch { /* no schedule yet, or not public: nothing to show */ }
}

// Every product of the product's exhibitor, from the empty search box.
function showExhibitor() {
	const p = state.product;
	if (!p?.supplier_id) return;
	state.exhibitor = { id: p.supplier_id, name: p.company };
	state.q = ''; state.region = ''; state.category = '';
	$('#q').value = '';
	state.cameFromList = false;
	location.hash = '#/';
	search();
}

// ---- ask for a meeting ----

// The token in what a scanner typed or a buyer pasted: an agenda's address (…/p/TOKEN) or
// the token alone; '' for anything else.
const linkToken = (text) => (String(text).trim().match(/(?:^|\/p\/)([A-Za-z0-9_-]{43})(?:[/?#]|$)/) || [])[1] || '';

// Who a personal link opens: { token, name, badge, fair, side }, or null when it opens nothing.
async function whoseLink(token) {
	try {
		const p = await api('/api/v1/p/' + encodeURIComponent(token));
		return { token, name: p.me.name, badge: p.me.badge, side: p.me.side, fair: p.fair.code, fairName: p.fair.name };
	} catch (e) {
		if (e.status === 404) return null;
		throw e;
	}
}

// The request's buyer as the link form shows it: the link typed or scanned, once checked
// (false: it opens nothing); linkFor, the token it is about.
let linkWho = null;
let linkFor = '';
let linkSeq = 0;

function drawLinkWho() {
	const el = $('#ask-who');
	el.textContent = linkWho === false ? t('kiosk.linkInvalid')
		: linkWho ? t('kiosk.linkWho', { name: linkWho.name, badge: linkWho.badge, fair: linkWho.fairName || fairName(linkWho.fair) }) : '';
	// The link names its fair (the line above says which): the request goes there.
	if (linkWho) $('#ask-fair').value = linkWho.fair;
	$('#ask-fair').hidden = $('#ask-fair-label').hidden = Boolean(linkWho) && byLink();
}

// Checks the link in the form as it is typed or scanned.
async function checkLink() {
	const token = linkToken($('#ask-link').value);
	const seq = ++linkSeq;
	if (!token) { linkWho = null; linkFor = ''; drawLinkWho(); return; }
	// Checked already (the box losing focus changes nothing): the form stays as it is.
	if (token === linkFor) return;
	$('#ask-who').textContent = t('kiosk.linkChecking');
	let who;
	try {
		who = await whoseLink(token);
	} catch (e) {
		if (seq === linkSeq) $('#ask-who').textContent = e.status === 0 ? t('offline.title') : pick(e.message);
		return;
	}
	if (seq !== linkSeq) return;
	linkWho = who || false;
	linkFor = token;
	drawLinkWho();
}

const byLink = () => $('#ask-by-link').checked;

// Shows the badge-and-PIN part or the link part of the form; the other is disabled, so the
// browser neither checks nor sends it.
function drawAskHow() {
	const link = byLink();
	$('#ask-pin-part').hidden = $('#ask-pin-part').disabled = link;
	$('#ask-link-part').hidden = $('#ask-link-part').disabled = !link;
	drawLinkWho();
}

function openAsk() {
	const d = $('#ask-dialog');
	fairOptions($('#ask-fair'), state.fair || homeFair || fairs[0]?.code || '', false);
	$('#ask-product').textContent = [state.product?.name, state.product?.company].filter(Boolean).join(' · ');
	$('#ask-result').textContent = '';
	$('#ask-badge').value = $('#ask-pin').value = $('#ask-phone').value = '';
	// A kiosk opened from a personal link asks as its buyer.
	$('#ask-link').value = asBuyer ? location.origin + '/p/' + asBuyer.token : '';
	linkWho = asBuyer || null;
	linkFor = asBuyer ? asBuyer.token : '';
	$(asBuyer ? '#ask-by-link' : '#ask-by-pin').checked = true;
	drawAskHow();
	$('#ask-send').disabled = false;
	d.showModal();
	$(asBuyer ? '#ask-phone' : '#ask-badge').focus();
}

async function sendAsk(ev) {
	ev.preventDefault();
	const out = $('#ask-result');
	const phone = $('#ask-phone').value.trim();
	let fair = $('#ask-fair').value;
	const body = { product: state.product.code, phone };
	if (byLink()) {
		const token = linkToken($('#ask-link').value);
		if (!token || !phone) { out.textContent = t('kiosk.linkNeeded'); $(token ? '#ask-phone' : '#ask-link').focus(); return; }
		// A scanner's Enter can come before the link's check: the link's fair decides where it goes.
		if (token !== linkFor) await checkLink();
		if (linkWho && linkWho.token === token) fair = linkWho.fair;
		body.link = token;
	} else {
		const badge = $('#ask-badge').value.trim();
		const pin = $('#ask-pin').value.trim();
		if (!badge) { out.textContent = t('kiosk.badgeNeeded'); $('#ask-badge').focus(); return; }
		if (!/^[0-9]{6}$/.test(pin) || !phone) { out.textContent = t('kiosk.pinNeeded'); $('#ask-pin').focus(); return; }
		Object.assign(body, { badge, pin });
	}
	$('#ask-send').disabled = true;
	try {
		await api('/api/v1/fairs/' + encodeURIComponent(fair) + '/requests', { method: 'POST', body });
		out.textContent = t('kiosk.asked', { fair: fairName(fair) });
	} catch (e) {
		out.textContent = e.status === 0 ? t('offline.title') : pick(e.message);
		$('#ask-send').disabled = false;
	}
}

// The buyer of ?link=, shown above the page with the way back to their agenda.
function drawAsBuyer() {
	$('#as-buyer').hidden = asBuyer === null;
	$('#as-buyer-back').hidden = !asBuyer;
	if (asBuyer === false) $('#as-buyer-text').textContent = t('kiosk.linkInvalid');
	if (!asBuyer) return;
	$('#as-buyer-text').textContent = t('kiosk.asBuyer', { name: asBuyer.name, badge: asBuyer.badge });
	$('#as-buyer-back').href = '/p/' + encodeURIComponent(asBuyer.token);
}

// Takes up ?link=TOKEN: its buyer asks from this kiosk; a link that opens nothing is said so.
// The token leaves the address at once (a product's address copied or shared, or a
// Referer, must not carry it) and stays in this tab's session storage, for a reload.
const LINK_KEY = 'fairmatch.kiosk.link';
let linkGen = 0;	// counts forgetLink: a check that started before one is dropped
async function takeLink() {
	let token;
	if (params.has('link')) {
		// The address's link, whatever the tab held before: a new one, or none that works.
		token = linkToken(params.get('link'));
		params.delete('link');
		const q = params.toString();
		history.replaceState(null, '', location.pathname + (q ? '?' + q : '') + location.hash);
		if (token) sessionStorage.setItem(LINK_KEY, token);
		else sessionStorage.removeItem(LINK_KEY);
	} else token = sessionStorage.getItem(LINK_KEY) || '';
	if (!token) return;
	const gen = linkGen;
	let who;
	try {
		who = (await whoseLink(token)) || false;
	} catch { return; /* the server away: the notice says so; the badge and PIN still work */ }
	if (gen !== linkGen) return;
	asBuyer = who;
	drawAsBuyer();
}

// Forgets the buyer of ?link= (at the idle reset; the header's home button keeps it).
function forgetLink() {
	linkGen++;
	asBuyer = null;
	linkWho = null;
	linkFor = '';
	$('#as-buyer').hidden = true;
	sessionStorage.removeItem(LINK_KEY);
}

// ---- routing ----

function route() {
	const m = location.hash.match(/^#\/p\/(.+)$/);
	if (m) { showProduct(decodeURIComponent(m[1])); return; }
	productCtrl?.abort();
	state.product = null;
	$('#product-view').hidden = true;
	$('#search-view').hidden = false;
}

// ---- idle reset ----

let idleTimer = 0;
function resetIdle() {
	clearTimeout(idleTimer);
	if (IDLE_OFF) return;
	// The next visitor is someone else: the buyer of ?link= is forgotten too.
	idleTimer = setTimeout(() => { forgetLink(); goHome(); }, IDLE_MS);
}

// Back to the start screen, as the next visitor should find it: in Chinese,
// at the kiosk's own fair, nothing typed or chosen.
function goHome() {
	const d = $('#ask-dialog');
	if (d.open) d.close();
	searchCtrl?.abort();
	state.q = ''; state.region = ''; state.category = ''; state.fair = homeFair;
	state.exhibitor = null;
	$('#q').value = '';
	if (getLang() !== 'zh') setLang('zh');
	drawFairs();
	search();
	if (location.hash && location.hash !== '#/') history.replaceState(null, '', location.pathname + location.search);
	route();
	window.scrollTo(0, 0);
	document.body.dataset.idleReset = String(Number(document.body.dataset.idleReset || 0) + 1);
}

// ---- the server going away and coming back ----

let retryTimer = 0;
onReachability((ok) => {
	$('#offline').hidden = ok;
	if (!ok && !retryTimer) {
		retryTimer = setInterval(async () => { if (await ping()) recover(); }, 3000);
	}
});

async function recover() {
	clearInterval(retryTimer);
	retryTimer = 0;
	if (!fairs.length) await loadFairs();
	const m = location.hash.match(/^#\/p\/(.+)$/);
	if (m) showProduct(decodeURIComponent(m[1]));
	else search();
}

// ---- start ----

function init() {
	mountHeader({ title: 'kiosk.heading', skipTo: '#q', skipLabel: 'common.skip', onHome: goHome });
	fill($('#examples'), t('kiosk.examples').split(' ').map((w) => h('button.chip', {
		type: 'button', lang: /^[a-z]+$/.test(w) ? 'en' : 'zh-CN',
		onclick: () => { $('#q').value = w; state.q = w; search(); },
	}, w)));
	const typed = debounce(() => search(), 150);
	$('#q').addEventListener('input', () => { state.q = $('#q').value; typed(); });
	$('#search-form').addEventListener('submit', (e) => { e.preventDefault(); typed.cancel(); state.q = $('#q').value; search(); $('#q').blur(); });
	$('#f-fair').addEventListener('change', () => { state.fair = $('#f-fair').value; state.region = ''; search(); });
	$('#clear').addEventListener('click', () => { state.region = ''; state.category = ''; state.exhibitor = null; state.fair = homeFair; drawFairs(); search(); });
	$('#more').addEventListener('click', () => search({ more: true }));
	$('#back').addEventListener('click', () => { if (history.length > 1 && state.cameFromList) history.back(); else location.hash = '#/'; });
	$('#results').addEventListener('click', (e) => { if (e.target.closest('a.card')) state.cameFromList = true; });
	$('#ask').addEventListener('click', openAsk);
	$('#p-exhibitor').addEventListener('click', showExhibitor);
	$('#ask-form').addEventListener('submit', sendAsk);
	$('#ask-close').addEventListener('click', () => $('#ask-dialog').close());
	for (const r of ['#ask-by-pin', '#ask-by-link']) $(r).addEventListener('change', () => { drawAskHow(); $(byLink() ? '#ask-link' : '#ask-badge').focus(); });
	const typedLink = debounce(checkLink, 250);
	$('#ask-link').addEventListener('input', typedLink);
	$('#ask-link').addEventListener('change', () => { typedLink.cancel(); checkLink(); });
	window.addEventListener('hashchange', route);
	for (const ev of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart', 'scroll']) {
		document.addEventListener(ev, resetIdle, { passive: true, capture: true });
	}
	onLangChange(() => {
		drawFairs();
		drawAsBuyer();
		if ($('#ask-dialog').open) drawLinkWho();
		if (state.product) drawProduct();
		if ($('#start').hidden) drawResults(); else drawStart();
	});
	resetIdle();
	drawStart();
	loadFairs().then(() => search());
	takeLink();
	route();
	document.body.dataset.ready = '1';
}

init();
