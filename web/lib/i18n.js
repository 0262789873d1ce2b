// i18n.js — Simplified Chinese first, English on request, and Russian on
// the pages participants read (their personal page, the kiosk): 哈洽会's
// buyers read it.  The choice is kept in localStorage, per device.  Every
// string a person reads is in strings.js: the
// HTML has none of its own, only elements marked data-i18n="key" (text) or
// data-i18n-attr="attr:key;attr:key"; pages call t(key, vars) for text they make.
import { strings } from './strings.js';

const KEY = 'fairmatch.lang';
// The languages a page offers: zh and en everywhere; a page may add ru (useLangs).
let offered = ['zh', 'en'];
let stored = 'zh';
try { stored = localStorage.getItem(KEY) || 'zh'; } catch { /* storage off: Chinese */ }
// A device that chose Russian reads English on the pages without it.
const fit = (l) => offered.includes(l) ? l : l === 'ru' ? 'en' : 'zh';
let lang = fit(stored);
const listeners = new Set();

// The page offers these languages (before mounting anything).
export function useLangs(list) {
	offered = list;
	lang = fit(stored);
}
export const langs = () => offered.slice();
// BCP 47 tags, for <html lang> and Intl formatting.
export const LOCALES = { zh: 'zh-CN', en: 'en', ru: 'ru' };

export const getLang = () => lang;

// The numbers in a text (a price, a range such as 2400-2900) grouped as the page's language
// writes them: 2,400 in Chinese and English, 2 400 in Russian.
export const fmtNumbers = (text) => String(text).replace(/\d+(?:\.\d+)?/g,
	(n) => new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 2 }).format(Number(n)));

// The string for key in language l, with {name} filled from vars.  A key
// that strings.js lacks comes back as it is (the browser tests look for that).
export function tIn(l, key, vars = {}) {
	const e = strings[key];
	let s = e ? e[l] ?? e.zh : key;
	for (const [k, v] of Object.entries(vars)) s = s.split('{' + k + '}').join(String(v));
	return s;
}

// The string for key in the current language.
export const t = (key, vars = {}) => tIn(lang, key, vars);

// "中文 / English", as the server writes its messages (pick() splits them).
export const both = (key, vars = {}) => tIn('zh', key, vars) + ' / ' + tIn('en', key, vars);

// Puts the current language's strings into root's marked elements.
export function applyI18n(root = document) {
	document.documentElement.lang = LOCALES[lang];
	for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
	for (const el of root.querySelectorAll('[data-i18n-attr]')) {
		for (const pair of el.dataset.i18nAttr.split(';')) {
			const [attr, key] = pair.split(':');
			if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
		}
	}
	const title = document.querySelector('meta[name="fm-title"]');
	if (title) document.title = t(title.content);
}

export function setLang(l) {
	lang = offered.includes(l) ? l : 'zh';
	stored = lang;
	try { localStorage.setItem(KEY, lang); } catch { /* not kept */ }
	applyI18n();
	for (const fn of listeners) fn(lang);
}

// fn(lang) after every switch (to redraw what the page made itself).
export const onLangChange = (fn) => listeners.add(fn);

// Wires a button that switches between Chinese and English (from Russian:
// to Chinese).  The button is labelled in the language it switches to, with
// lang set accordingly.
export function langButton(btn) {
	const label = () => {
		btn.textContent = t('common.otherLang');
		btn.lang = lang === 'zh' ? 'en' : 'zh-CN';
	};
	btn.addEventListener('click', () => setLang(lang === 'zh' ? 'en' : 'zh'));
	onLangChange(label);	// also when a page switches (the kiosk's idle reset)
	label();
}

// Wires the button that switches to Russian: shown only on pages that offer
// it, labelled in Russian, pressed while the page reads Russian.
export function ruButton(btn) {
	btn.hidden = !offered.includes('ru');
	const label = () => {
		btn.textContent = t('common.russian');
		btn.lang = 'ru';
		btn.setAttribute('aria-pressed', String(lang === 'ru'));
	};
	btn.addEventListener('click', () => setLang('ru'));
	onLangChange(label);
	label();
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

// The server's messages read "中文 / English".  The split is at the first
// " / " after which no Chinese character follows, so a Chinese part that has
// a slash of its own ("已匹配 3 / 10 个需求 / 3 of 10 …") stays whole; failing
// that (an English part that quotes a Chinese name), at the first " / "
// followed by a Latin letter.  A message that does not split is shown whole.
export function pick(message, l = lang) {
	const m = String(message ?? '');
	const cuts = [];
	for (let at = m.indexOf(' / '); at >= 0; at = m.indexOf(' / ', at + 3)) {
		if (CJK.test(m.slice(0, at))) cuts.push(at);
	}
	const at = cuts.find((c) => !CJK.test(m.slice(c + 3))) ?? cuts.find((c) => /^[A-Za-z]/.test(m.slice(c + 3)));
	if (at === undefined) return m;
	return l === 'zh' ? m.slice(0, at) : m.slice(at + 3);
}
