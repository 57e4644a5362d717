// The benchmark page: runs the suites named by ?only= (comma-separated substrings; all when
// absent) on one WebGPU device (?list lists the suite names instead) and reports through the headless runner's __log / __report
// (scripts/lib/headless.ts). Opened by hand in a browser, it prints to the page instead.
import { acquireGpu } from '../src/gpu/device.ts';
import { bridge, log } from '../scripts/lib/pageBridge.ts';
import { suites, type BenchEntry } from './suites/index.ts';

export interface BenchPageResult {
  adapter: { vendor: string; architecture: string; description: string };
  suites: { name: string; entries: BenchEntry[] }[];
  errors: { suite: string; message: string }[];
}

async function main(): Promise<void> {
  const query = new URLSearchParams(location.search);
  if (query.has('list')) { // `npm run bench -- --list`: names only, no device needed
    if (bridge.__report) await bridge.__report(JSON.stringify({ suites: suites.map((s) => s.name) }));
    else log(suites.map((s) => s.name).join('\n'));
    return;
  }
  const only = query.get('only')?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const chosen = only.length ? suites.filter((s) => only.some((o) => s.name.includes(o))) : suites;
  if (chosen.length === 0) throw new Error(`no suite matches --only ${only.join(',')} (suites: ${suites.map((s) => s.name).join(', ')})`);
  const ctx = await acquireGpu();
  const result: BenchPageResult = { adapter: { ...ctx.adapterInfo }, suites: [], errors: [] };
  log(`adapter: ${ctx.adapterInfo.vendor} / ${ctx.adapterInfo.architecture}`);
  for (const suite of chosen) {
    log(`suite ${suite.name} …`);
    try {
      result.suites.push({ name: suite.name, entries: await suite.run(ctx, (l) => log(`  ${l}`)) });
    } catch (e) {
      result.errors.push({ suite: suite.name, message: (e as Error).stack ?? String(e) });
      log(`suite ${suite.name} FAILED: ${(e as Error).message}`);
    }
  }
  ctx.device.destroy();
  if (bridge.__report) await bridge.__report(JSON.stringify(result));
  else log(JSON.stringify(result, null, 2));
}

main().catch((e: unknown) => {
  // An uncaught error reaches the runner as a page error; keep a readable copy on the page too.
  log(`bench failed: ${(e as Error).stack ?? String(e)}`);
  throw e;
});
