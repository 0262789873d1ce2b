// The FlexSearch peer of `script/bench search`: the same product text and
// the same queries, CJK split into characters (FlexSearch's advice for
// Chinese), Latin words whole, forward tokenizing for prefixes.
// usage: node bench.mjs DOCS.tsv QUERIES.tsv ROUNDS
import { readFileSync } from "node:fs";
import FlexSearch from "flexsearch";

const [docsPath, queriesPath, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
const encode = (s) => s.toLowerCase().match(/[\u3400-\u9fff\uf900-\ufaff]|[a-z0-9]+/g) || [];
const index = new FlexSearch.Index({ tokenize: "forward", encode });

const t0 = performance.now();
const text = readFileSync(docsPath, "utf8");
let docs = 0;
for (const line of text.split("\n")) {
  const tab = line.indexOf("\t");
  if (tab < 0) continue;
  index.add(Number(line.slice(0, tab)), line.slice(tab + 1));
  docs++;
}
const buildS = (performance.now() - t0) / 1000;
globalThis.gc?.();
const heapMB = process.memoryUsage().heapUsed / 1048576;

const queries = readFileSync(queriesPath, "utf8").split("\n")
  .filter((l) => l && !l.startsWith("#") && l.includes("\t"))
  .map((l) => { const [cls, q] = l.split("\t"); return { cls, q, ms: [], hits: 0 }; });
for (let r = 0; r < rounds; r++) {
  for (const q of queries) {
    const t = performance.now();
    const hits = index.search(q.q, { limit: 20 });
    q.ms.push(performance.now() - t);
    q.hits = hits.length;
  }
}
const pct = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.max(0, Math.ceil(p / 100 * s.length) - 1)]; };
const all = queries.flatMap((q) => q.ms);
const classes = {};
for (const q of queries) (classes[q.cls] ??= []).push(...q.ms);
for (const [cls, v] of Object.entries(classes))
  console.log(`${cls.padEnd(12)} p50 ${pct(v, 50).toFixed(3)} ms  p99 ${pct(v, 99).toFixed(3)} ms`);
console.log(JSON.stringify({ docs, build_s: +buildS.toFixed(2), heap_mb: Math.round(heapMB),
  p50_ms: +pct(all, 50).toFixed(3), p99_ms: +pct(all, 99).toFixed(3) }));
