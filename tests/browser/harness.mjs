// harness.mjs — what the browser scripts after test.mjs share: checks
// counted, steps named, and the closing "N passed, N failed" line.
let passed = 0;
let failed = 0;

// A check that held or did not; detail says what was seen.
export const ok = (cond, what, detail = '') => {
	if (cond) passed++;
	else { failed++; console.log(`FAIL ${what}${detail ? ': ' + detail : ''}`); }
};

// Runs a named step: true, or false (counted as a failure) if it threw.
export async function step(name, fn) {
	try {
		await fn();
		console.log(`  ${name}`);
		return true;
	} catch (e) {
		failed++;
		console.log(`FAIL ${name}: ${e.message.split('\n').slice(0, 4).join(' | ')}`);
		return false;
	}
}

// Fails on the page errors and dialogs seen, closes the browser, prints the tally and exits with it.
export async function finish(browser, problems) {
	ok(problems.length === 0, 'no page errors or dialogs', problems.join(' | '));
	await browser.close();
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed === 0 ? 0 : 1);
}
