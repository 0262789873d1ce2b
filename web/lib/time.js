// time.js — moments the server records in UTC ("2026-12-06T02:48:00Z"),
// shown in the fair's time zone (GET /me's time_zone, Asia/Shanghai unless
// the server is set otherwise), whatever zone the browser's machine is in.
let zone = 'Asia/Shanghai';

// Sets the fair's zone (from /me); an empty or unknown one keeps the last.
export function setTimeZone(z) {
	if (!z) return;
	try {
		new Intl.DateTimeFormat('en', { timeZone: z });
		zone = z;
	} catch { /* not a zone this browser knows */ }
}

export const timeZone = () => zone;

const parts = (d, opts) => Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', ...opts })
	.formatToParts(d).map((p) => [p.type, p.value]));

// "2026-12-06T02:48:00Z" → "2026-12-06 10:48" in the fair's zone; '' for none,
// the text itself when it is not a moment.
export function fmtWhen(iso) {
	if (!iso) return '';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return String(iso);
	const p = parts(d, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

// Today's date (YYYY-MM-DD) in the fair's zone.
export function today() {
	const p = parts(new Date(), { year: 'numeric', month: '2-digit', day: '2-digit' });
	return `${p.year}-${p.month}-${p.day}`;
}
