// dom.js — building the page from data without ever parsing data as HTML.
// Every string from the server goes in through text nodes (textContent);
// nothing here sets innerHTML.

// h('tag.class', {attr: value, onclick: fn}, child, ...) → an element.
// Children are nodes or strings (strings become text nodes); null and false are skipped.
export function h(spec, attrs, ...children) {
	const [tag, ...classes] = spec.split('.');
	const el = document.createElement(tag || 'div');
	if (classes.length) el.className = classes.join(' ');
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false) continue;
		if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
		else if (k === 'text') el.textContent = String(v);
		else if (k === 'dataset') Object.assign(el.dataset, v);
		else if (v === true) el.setAttribute(k, '');
		else el.setAttribute(k, String(v));
	}
	append(el, children);
	return el;
}

// Appends children (nodes, strings, arrays of them) to el.
export function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false) continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

// Empties el and fills it with children.
export function fill(el, ...children) {
	el.replaceChildren();
	return append(el, children);
}

// The search API marks matches as \u0001…\u0002 inside plain text.  The text is
// split on the marks and each piece becomes a text node or a <mark>, so the
// text is never parsed: escaping first and then swapping the marks for <mark>
// gives the same page, with no HTML string in between.
export function highlight(text, marks = ['\u0001', '\u0002']) {
	const frag = document.createDocumentFragment();
	const [open, close] = marks;
	let inside = false;
	let piece = '';
	const flush = () => {
		if (!piece) return;
		frag.append(inside ? h('mark', { text: piece }) : document.createTextNode(piece));
		piece = '';
	};
	for (const ch of String(text ?? '')) {
		if (ch === open) { flush(); inside = true; }
		else if (ch === close) { flush(); inside = false; }
		else piece += ch;
	}
	flush();
	return frag;
}

// The text without the marks (for titles and screen-reader labels).
export function unmark(text, marks = ['\u0001', '\u0002']) {
	return String(text ?? '').split(marks[0]).join('').split(marks[1]).join('');
}

// Shows or hides elements by the hidden attribute.
export function show(el, on = true) { el.hidden = !on; }

// A debounced version of fn: runs ms after the last call.
export function debounce(fn, ms) {
	let timer = 0;
	const d = (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
	d.cancel = () => clearTimeout(timer);
	return d;
}

// $('#id') within root.
export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
