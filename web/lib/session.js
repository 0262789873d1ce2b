// session.js — sign-in for the office portal, the organiser console and the
// statistics page: who is signed in (GET /me), signing in with the form
// header.js made, signing out, and what to do when a session runs out in
// the middle of the work.
import { api } from './api.js';
import { $ } from './dom.js';
import { t, pick } from './i18n.js';
import { showUser } from './header.js';
import { setTimeZone } from './time.js';

let me = null;
let opts = null;

export const currentUser = () => me;

// Starts the page: shows the app to a user whose role is in allowed, the
// sign-in form to anyone else.  onSignedIn(me) runs after each sign-in.
export async function startSession(options) {
	opts = options;
	$('#login-form').addEventListener('submit', signIn);
	$('#logout').addEventListener('click', signOut);
	try {
		me = await api('/api/v1/me');
		setTimeZone(me?.time_zone);
	} catch (e) {
		me = null;
		$('#login-error').textContent = pick(e.message);
	}
	enter();
}

function enter() {
	const ok = me && me.login && opts.allowed.includes(me.role);
	$('#login-view').hidden = Boolean(ok);
	$('#app').hidden = !ok;
	showUser(me);
	if (ok) {
		opts.onSignedIn(me);
	} else {
		if (me && me.login) $('#login-error').textContent = t('login.wrongRole', { login: me.login, role: t('role.' + me.role) });
		$('#login-name').focus();
	}
	document.body.dataset.signedIn = ok ? me.login : '';
}

async function signIn(ev) {
	ev.preventDefault();
	const err = $('#login-error');
	const btn = $('#login-form button[type=submit]');
	err.textContent = '';
	btn.disabled = true;
	try {
		me = await api('/api/v1/login', { method: 'POST', body: { login: $('#login-name').value.trim(), password: $('#login-pass').value } });
		$('#login-pass').value = '';
		enter();
	} catch (e) {
		err.textContent = e.status === 401 ? t('login.bad') : pick(e.message);
	} finally {
		btn.disabled = false;
	}
}

async function signOut() {
	try { await api('/api/v1/logout', { method: 'POST' }); } catch { /* signed out here all the same */ }
	me = null;
	opts.onSignedOut?.();
	enter();
}

// For a failed request: a 401 means the session is gone, so back to the form.
// Returns true if it handled the error.
export function sessionLost(e) {
	if (e && e.status === 401) {
		me = null;
		opts.onSignedOut?.();
		enter();
		$('#login-error').textContent = t('login.expired');
		return true;
	}
	return false;
}
