// header.js — the header every page shows, and the sign-in form of the
// pages that have one, made here and nowhere else.  A page marks where
// they go, <header data-fm-header></header> first in its body and
// <section data-fm-sign-in></section> in its main, and calls mountHeader()
// before anything else.  session.js does the signing in and out.
//
// The parts, the same on every page and marked data-fm-part:
//   skip      a link past the header, for the keyboard
//   title     the page's heading; a link home when the page asks for one
//   banner    a line of context (the kiosk's fair), hidden while empty
//   user      who is signed in, with sign-out; hidden while nobody is
//   lang      the language switch (中文 ⇄ English), and beside it Русский on
//             the pages that offer it (useLangs)
// The sign-in form is data-fm-component="sign-in"; its fields keep the
// ids session.js and the tests know (#login-form, #login-name, …).
import { $, h } from './dom.js';
import { t, applyI18n, langButton, ruButton, onLangChange } from './i18n.js';

let user = null;

// Makes the header (and the sign-in form), then puts the current language's
// strings into the whole page (applyI18n), so a page need not.
// opts: title (a strings.js key); skipTo and skipLabel (where the skip link
// goes and its key); onHome (makes the title a link that runs it);
// signIn (true on pages that need an account).
export function mountHeader({ title, skipTo = '#main', skipLabel = 'common.skipMain', onHome = null, signIn = false }) {
	const slot = $('[data-fm-header]');
	if (!slot) throw new Error('header.js: the page has no <header data-fm-header>');
	const heading = onHome
		? h('a', { href: '#/', id: 'home', 'data-i18n': title, onclick: (e) => { e.preventDefault(); onHome(); } })
		: h('span', { 'data-i18n': title });
	const header = h('header.bar', { dataset: { fmComponent: 'header' } },
		h('h1', { dataset: { fmPart: 'title' } }, heading),
		h('p.banner', { id: 'header-banner', hidden: true, dataset: { fmPart: 'banner' } }),
		h('div.who', { hidden: true, dataset: { fmPart: 'user' } },
			h('span', { id: 'who' }),
			h('button.ghost', { type: 'button', id: 'logout', 'data-i18n': 'login.logout' })),
		h('button.lang', { type: 'button', id: 'lang', dataset: { fmPart: 'lang' } }),
		h('button.lang', { type: 'button', id: 'lang-ru' }));
	const skip = h('a.skip', { href: skipTo, 'data-i18n': skipLabel, dataset: { fmPart: 'skip' } });
	slot.replaceWith(skip, header);
	langButton($('#lang', header));
	ruButton($('#lang-ru', header));

	const place = $('[data-fm-sign-in]');
	if (signIn && !place) throw new Error('header.js: the page has no <section data-fm-sign-in>');
	if (signIn) place.replaceWith(signInForm());
	applyI18n();
	onLangChange(drawUser);
}

function signInForm() {
	return h('section.login-view', { id: 'login-view', hidden: true, 'aria-labelledby': 'login-title', dataset: { fmComponent: 'sign-in' } },
		h('form.card.login', { id: 'login-form' },
			h('h2', { id: 'login-title', 'data-i18n': 'login.title' }),
			h('label', { for: 'login-name', 'data-i18n': 'login.name' }),
			h('input', { id: 'login-name', name: 'login', autocomplete: 'username', required: true }),
			h('label', { for: 'login-pass', 'data-i18n': 'login.pass' }),
			h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
			h('p.error', { id: 'login-error', role: 'alert' }),
			h('button.primary', { type: 'submit', 'data-i18n': 'login.submit' })));
}

// Shows who is signed in (me from GET /api/v1/me), or nobody (null).
export function showUser(me) {
	user = me && me.login ? me : null;
	drawUser();
}

function drawUser() {
	const part = $('[data-fm-part="user"]');
	if (!part) return;
	part.hidden = !user;
	$('#who').textContent = user
		? t('login.who', { login: user.login, role: t('role.' + user.role), region: user.region || '' }).trim() : '';
}

// The banner's text ('' hides it).
export function setBanner(text) {
	const b = $('[data-fm-part="banner"]');
	b.textContent = text || '';
	b.hidden = !text;
}
