// axe.mjs — axe-core run in a page: its serious and critical violations, as text.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function axeViolations(page) {
	// Evaluated through the DevTools protocol: the page's CSP rightly refuses an inline <script>.
	if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
	return page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
	});
}
