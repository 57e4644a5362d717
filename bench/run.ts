// `npm run bench [-- --only name[,name] | --list]`: run the benchmark suites in headless Chromium
// (bench/index.html), print a table and merge the entries into bench/results.json (entries of
// suites not run keep their previous values).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInChromium } from '../scripts/lib/headless.ts';
import type { BenchPageResult } from './main.ts';
import type { BenchEntry } from './suites/index.ts';
import { nodeSuites } from './node/uiLongestTask.ts';

const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));

function parseArgs(argv: string[]): { only: string | null; timeoutMs: number; list: boolean } {
  let only: string | null = null;
  let list = false;
  let timeoutMs = 30 * 60_000;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only' && argv[i + 1]) only = argv[++i];
    else if (a.startsWith('--only=')) only = a.slice(7);
    else if (a === '--list') list = true;
    else if (a === '--timeout-ms' && argv[i + 1]) timeoutMs = Number(argv[++i]);
    else throw new Error(`bench: unknown argument ${JSON.stringify(a)} (use --only name[,name], --list or --timeout-ms N)`);
  }
  if (!(timeoutMs > 0)) throw new Error('bench: --timeout-ms must be a positive number');
  return { only, timeoutMs, list };
}

/** Key detail for the table: numbers and short strings, no arrays. */
function keyDetail(d: BenchEntry['detail']): string {
  if (typeof d === 'string') return d;
  return Object.entries(d)
    .filter(([k, v]) => !['adapter', 'date', 'suite'].includes(k) && (typeof v === 'number' || (typeof v === 'string' && v.length < 40)))
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}`)
    .join(' ');
}

function printTable(entries: BenchEntry[]): void {
  const rows = [['name', 'value', 'unit', 'goal', 'detail'],
    ...entries.map((e) => [e.name, Number.isFinite(e.value) ? e.value.toPrecision(4) : String(e.value), e.unit, e.goal, keyDetail(e.detail)])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => (c === 4 ? cell : cell.padEnd(widths[c]))).join('  '));
}

/** Replace the entries of the suites that ran (and any same-named entry); keep the rest in place. */
function mergeResults(previous: BenchEntry[], fresh: BenchEntry[], suitesRun: string[]): BenchEntry[] {
  const freshNames = new Set(fresh.map((e) => e.name));
  const stale = (e: BenchEntry) =>
    freshNames.has(e.name) || (typeof e.detail === 'object' && suitesRun.includes(String(e.detail.suite)));
  const kept = previous.filter((e) => !stale(e));
  return [...kept, ...fresh];
}

async function main(): Promise<void> {
  const { only, timeoutMs, list } = parseArgs(process.argv.slice(2));
  if (list) {
    const r = (await runInChromium({ page: '/bench/index.html', query: { list: '1' }, timeoutMs })) as { suites: string[] };
    console.log([...r.suites, ...nodeSuites.map((s) => `${s.name} (Node-side: production build)`)].join('\n'));
    return;
  }
  // Node-side suites (they build and drive the app) run when named, or in a full run; the in-page
  // suites run unless every --only name is a Node-side suite.
  const names = only?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const chosenNode = nodeSuites.filter((s) => names.length === 0 || names.some((o) => s.name.includes(o)));
  const pageNeeded = names.length === 0 || names.some((o) => !nodeSuites.some((s) => s.name.includes(o)));
  const page: BenchPageResult = pageNeeded
    ? ((await runInChromium({ page: '/bench/index.html', query: only ? { only } : {}, timeoutMs, onLog: (line) => console.log(line) })) as BenchPageResult)
    : { adapter: { vendor: '', architecture: '', description: '' }, suites: [], errors: [] };
  let adapter = `${page.adapter.vendor}/${page.adapter.architecture}`;
  const date = new Date().toISOString();
  const fresh: BenchEntry[] = page.suites.flatMap((s) => s.entries.map((e) => ({
    ...e,
    detail: { ...(typeof e.detail === 'string' ? { note: e.detail } : e.detail), suite: s.name, adapter, date },
  })));
  for (const s of chosenNode) {
    try {
      const r = await s.run((line) => console.log(line));
      if (!pageNeeded) adapter = r.adapter;
      fresh.push(...r.entries.map((e) => ({ ...e, detail: { ...(typeof e.detail === 'string' ? { note: e.detail } : e.detail), suite: s.name, adapter: r.adapter, date } })));
      page.suites.push({ name: s.name, entries: [] });
    } catch (e) {
      page.errors.push({ suite: s.name, message: (e as Error).stack ?? String(e) });
    }
  }
  const previous: BenchEntry[] = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : [];
  const merged = mergeResults(previous, fresh, page.suites.map((s) => s.name));
  writeFileSync(resultsPath, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`\nadapter: ${adapter}`);
  printTable(fresh);
  console.log(`\nwrote ${merged.length} entries to bench/results.json`);
  for (const e of page.errors) console.error(`suite ${e.suite} failed:\n${e.message}`);
  if (page.errors.length) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
