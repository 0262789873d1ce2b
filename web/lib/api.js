// api.js — the page's one way to the server.  JSON in and out, the session
// cookie, the CSRF header on every request that changes something, errors as
// ApiError with the server's bilingual message, and a shared notion of
// whether the server can be reached at all.
import { both } from './i18n.js';

export class ApiError extends Error {
	constructor(status, code, message, body) {
		super(message);
		this.status = status;	// 0 when the server could not be reached
		this.code = code;	// the server's "error" field, or "network"
		this.body = body;
	}
}

const listeners = new Set();
let reachable = true;

// fn(true|false) runs when the server becomes reachable or unreachable.
export function onReachability(fn) { listeners.add(fn); }
export function isReachable() { return reachable; }
function setReachable(ok) {
	if (ok === reachable) return;
	reachable = ok;
	for (const fn of listeners) fn(ok);
}

// api('/api/v1/…', {method, body, signal}) → the parsed JSON body; a Blob body is sent as it is.
// Throws ApiError; an AbortError passes through as it is.
export async function api(path, { method = 'GET', body, signal, headers = {} } = {}) {
	const init = { method, signal, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
	if (method !== 'GET' && method !== 'HEAD') init.headers['X-Requested-With'] = 'fetch';
	if (body instanceof Blob) {
		// A file, sent as it is (an upload names it in the query).
		init.headers['Content-Type'] = body.type || 'application/octet-stream';
		init.body = body;
	} else if (body !== undefined) {
		init.headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch(path, init);
	} catch (e) {
		if (e.name === 'AbortError') throw e;
		setReachable(false);
		throw new ApiError(0, 'network', both('api.unreachable'));
	}
	setReachable(true);
	let data = null;
	try { data = await res.json(); } catch { /* not JSON: handled below */ }
	if (!res.ok) {
		throw new ApiError(res.status, data?.error || 'http_' + res.status,
			data?.message || both('api.status', { status: res.status }), data);
	}
	return data;
}

// A loader whose later call supersedes an earlier one still on its way:
// get(path, opts) aborts the previous request, so that a slow answer for the
// period the user has already left never overwrites the one they asked for
// (the superseded call rejects with an AbortError; see superseded()).
export function latest() {
	let ctrl = null;
	return (path, opts = {}) => {
		ctrl?.abort();
		ctrl = new AbortController();
		return api(path, { ...opts, signal: ctrl.signal });
	};
}

// Was e the rejection of a request a later one superseded?
export const superseded = (e) => e?.name === 'AbortError';

// Is the server there?  (GET /healthz, never throws.)
export async function ping() {
	try { await api('/healthz'); return true; } catch { return false; }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls a job (its location, /api/v1/jobs/ID) until it is done or failed;
// onProgress(job) after each look.  Resolves with the last job.
export async function pollJob(location, onProgress, { interval = 250, signal } = {}) {
	for (;;) {
		let job;
		try {
			job = await api(location, { signal });
		} catch (e) {
			if (e.status === 0) { await sleep(1000); continue; }	// the server blinked: keep asking
			throw e;
		}
		onProgress?.(job);
		if (job.state === 'done' || job.state === 'failed') return job;
		await sleep(interval);
	}
}

// Sends a file with XMLHttpRequest, which (unlike fetch) reports upload
// progress: onProgress(fraction) while the bytes go out.  Resolves with
// {status, body} for any HTTP answer; rejects with ApiError(0) if the
// connection fails.
export function uploadFile(url, file, onProgress) {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open('POST', url);
		xhr.setRequestHeader('X-Requested-With', 'fetch');
		xhr.setRequestHeader('Accept', 'application/json');
		xhr.responseType = 'text';
		xhr.upload.addEventListener('progress', (e) => {
			if (e.lengthComputable) onProgress?.(e.loaded / e.total);
		});
		xhr.addEventListener('load', () => {
			setReachable(true);
			let body = null;
			try { body = JSON.parse(xhr.responseText); } catch { /* leave null */ }
			resolve({ status: xhr.status, body });
		});
		xhr.addEventListener('error', () => {
			setReachable(false);
			reject(new ApiError(0, 'network', both('api.uploadCut')));
		});
		const form = new FormData();
		form.append('file', file, file.name);
		xhr.send(form);
	});
}
