// csv.js — a CSV file made in the page: UTF-8 with a byte-order mark (so
// Excel opens Chinese text right), RFC 4180 quoting, CRLF line ends.

// A cell that a spreadsheet would run as a formula gets a leading
// apostrophe, so a report that quotes a bad cell such as "=1+1" stays text.
function cell(v, keepFormulas) {
	let s = v === null || v === undefined ? '' : String(v);
	if (!keepFormulas && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
	return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// rows: arrays of cells (the first is the header) → the file's text, BOM first.
// {formulas: 'keep'} leaves cells as they are, for a file meant to go back
// into fairmatch unchanged (its import refuses formulas where they matter).
export function toCSV(rows, { formulas } = {}) {
	const keep = formulas === 'keep';
	return '\uFEFF' + rows.map((r) => r.map((c) => cell(c, keep)).join(',')).join('\r\n') + '\r\n';
}

// Offers the rows to the user as a download named filename.
export function downloadCSV(filename, rows, opts) {
	const blob = new Blob([toCSV(rows, opts)], { type: 'text/csv;charset=utf-8' });
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10000);
	return blob;
}
