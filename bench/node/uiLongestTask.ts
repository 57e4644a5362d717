// `ui-longest-task-ms`: the production build's longest main-thread task while the page works —
// a batch run of the toy example set, then two training runs side by side — measured in the page
// with the Long Tasks API (each main-thread task over 50 ms); the Long Animation Frame API gives the
// longest frames (tasks and the waits between them until a frame is drawn) and their attribution.
// Node side: `vite build` into a temporary folder, `vite preview` serves it on 127.0.0.1 (a secure
// context, so WebGPU exists), headless Chromium (test/chromium.ts flags) drives the UI by its
// test ids. No dev-only hook exists in this build, so progress is read from the page itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../test/chromium.ts';
import type { BenchEntry } from '../suites/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Training is measured over this long (both runs stepping), after the first step of each. */
const TRAIN_MEASURE_MS = 60_000;

interface Frame {
  duration: number; blocking: number;
  /** ms from the frame's start to its rendering update, and the style + layout part of that update */
  renderMs: number; styleLayoutMs: number;
  /** when the frame started (performance.now()), to place it in the run */
  start: number;
  scripts: { source: string; duration: number }[];
}

async function frames(page: Page): Promise<Frame[]> {
  return page.evaluate(() => (window as unknown as { __loaf: Frame[] }).__loaf.slice());
}
/** The long tasks since the last reset, and reset both lists. */
async function tasksAndReset(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __tasks: { duration: number }[]; __loaf: unknown[] };
    const out = w.__tasks.map((t) => t.duration);
    w.__tasks.length = 0;
    w.__loaf.length = 0;
    return out;
  });
}
const maxOf = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
const longest = (fs: Frame[]) => fs.reduce<Frame | null>((a, f) => (a === null || f.duration > a.duration ? f : a), null);

async function stepOf(page: Page, method: string): Promise<number> {
  const t = await page.getByTestId(`run-${method}`).getByTestId('run-step').textContent().catch(() => null);
  return Number(/^(\d+)/.exec(t?.trim() ?? '')?.[1] ?? 0);
}

async function until(what: string, ok: () => Promise<boolean>, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`ui-longest-task: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function uiLongestTask(log: (line: string) => void): Promise<{ entries: BenchEntry[]; adapter: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'repro-ui-bench-'));
  log('ui-longest-task: vite build (production) …');
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, ...(process.env.REPRO_LOAF_DUMP ? { minify: false } : {}) } });
  const server = await preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  try {
    const addr = server.httpServer.address();
    if (!addr || typeof addr === 'string') throw new Error('vite preview has no TCP address');
    const origin = `http://127.0.0.1:${addr.port}`;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => log(`[pageerror] ${e.message}`));
    await page.addInitScript(() => {
      const w = window as unknown as { __loaf: unknown[] };
      w.__loaf = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { startTime: number; duration: number; blockingDuration: number; renderStart: number; styleAndLayoutStart: number; scripts: { sourceURL: string; sourceFunctionName: string; invoker: string; duration: number }[] }[]) {
          const end = e.startTime + e.duration;
          w.__loaf.push({
            duration: e.duration, blocking: e.blockingDuration, start: e.startTime,
            renderMs: e.renderStart > 0 ? end - e.renderStart : 0,
            styleLayoutMs: e.styleAndLayoutStart > 0 ? end - e.styleAndLayoutStart : 0,
            scripts: e.scripts.map((s) => ({ source: `${s.invoker} ${s.sourceFunctionName} ${s.sourceURL.split('/').pop()}`, duration: s.duration })),
          });
        }
      }).observe({ type: 'long-animation-frame', buffered: true });
      // Long Tasks API: each main-thread task over 50 ms, on its own (a long frame can hold several
      // short tasks with the page idle between them, waiting for the GPU process to draw a frame).
      const t = window as unknown as { __tasks: { start: number; duration: number }[] };
      t.__tasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) t.__tasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${origin}/?tab=inspector`);
    const adapter = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a ? `${a.info.vendor}/${a.info.architecture}` : 'none';
    });
    log(`ui-longest-task: adapter ${adapter}, ${origin}`);
    await page.getByTestId('load-bundled').click();
    await page.getByTestId('model-loaded').waitFor({ timeout: 180_000 });

    // 1. a batch run of the example set
    await page.getByTestId('tab-batch').click();
    await page.getByTestId('example-toy-addition.jsonl').click();
    await until('the example set', async () => Number((await page.getByTestId('parsed-count').textContent().catch(() => '0')) ?? 0) > 0, 30_000);
    const n = Number(await page.getByTestId('parsed-count').textContent());
    // page load, model load, the chart warm-up (src/ui/chartWarmup.tsx): reported, not in the figure
    const load = await frames(page);
    const loadTasks = await tasksAndReset(page);
    const tBatch = Date.now();
    await page.getByTestId('batch-run').click();
    await until('the batch run', async () => (await page.getByTestId('batch-cancel').count()) === 0 && (await page.getByTestId('result-row').count()) === n, 600_000);
    await page.waitForTimeout(2500); // the charts' last throttled redraw
    const batch = await frames(page);
    const batchTasks = await tasksAndReset(page);
    const batchMs = Date.now() - tBatch;
    log(`ui-longest-task: batch of ${n} in ${(batchMs / 1000).toFixed(1)} s, longest task ${maxOf(batchTasks).toFixed(0)} ms (${batchTasks.length} over 50 ms); ${batch.length} long frames, longest ${longest(batch)?.duration.toFixed(0) ?? 0} ms`);

    // 2. two training runs side by side (a small config, so steps come often)
    await page.getByTestId('tab-training').click();
    await page.getByTestId('training-screen').waitFor({ timeout: 60_000 });
    for (const [id, v] of [['train-steps', '1000'], ['grpo-prompts', '2'], ['grpo-generations', '4'], ['grpo-max-tokens', '64']]) await page.getByTestId(id).fill(v);
    await page.getByTestId('start-comparison').click();
    await until('both runs to take a step', async () => Math.min(await stepOf(page, 'outcome'), await stepOf(page, 'repro')) >= 1, 300_000);
    await tasksAndReset(page);
    const s0 = Math.min(await stepOf(page, 'outcome'), await stepOf(page, 'repro'));
    await page.waitForTimeout(TRAIN_MEASURE_MS);
    const train = await frames(page);
    const trainTasks = await tasksAndReset(page);
    const s1 = Math.min(await stepOf(page, 'outcome'), await stepOf(page, 'repro'));
    log(`ui-longest-task: training steps ${s0} → ${s1} in ${TRAIN_MEASURE_MS / 1000} s, longest task ${maxOf(trainTasks).toFixed(0)} ms (${trainTasks.length} over 50 ms); ${train.length} long frames, longest ${longest(train)?.duration.toFixed(0) ?? 0} ms`);

    // REPRO_LOAF_DUMP=file.json: every long frame of both phases, for finding what to make cheaper.
    if (process.env.REPRO_LOAF_DUMP) writeFileSync(process.env.REPRO_LOAF_DUMP, JSON.stringify({ load, batch, train }, null, 1));
    const lb = longest(batch);
    const lt = longest(train);
    // The figure: the longest main-thread task (Long Tasks API). The longest frame (Long Animation
    // Frame API: tasks plus the waits between them until a frame is drawn) is in the detail.
    const worst = Math.max(maxOf(batchTasks), maxOf(trainTasks));
    const top = (f: Frame | null) => (f ? [...f.scripts].sort((a, b) => b.duration - a.duration).slice(0, 3).map((s) => `${s.source} ${s.duration.toFixed(0)}ms`).join('; ') : '');
    return {
      adapter,
      entries: [{
        name: 'ui-longest-task-ms',
        value: worst,
        unit: 'ms',
        goal: '≤ 200',
        detail: {
          build: 'production (vite build + vite preview)',
          batchLongestTaskMs: maxOf(batchTasks), batchTasksOver50: batchTasks.length, batchTasksOver200: batchTasks.filter((d) => d > 200).length,
          trainingLongestTaskMs: maxOf(trainTasks), trainingTasksOver50: trainTasks.length, trainingTasksOver200: trainTasks.filter((d) => d > 200).length,
          loadLongestTaskMs: maxOf(loadTasks),
          batchLongestFrameMs: lb?.duration ?? 0, batchBlockingMs: lb?.blocking ?? 0, batchItems: n, batchLongFrames: batch.length, batchTopScripts: top(lb),
          batchRenderMs: lb?.renderMs ?? 0, batchStyleLayoutMs: lb?.styleLayoutMs ?? 0, batchFramesOver200: batch.filter((f) => f.duration > 200).length,
          trainingLongestFrameMs: lt?.duration ?? 0, trainingBlockingMs: lt?.blocking ?? 0, trainingSteps: `${s0}→${s1}`, trainingLongFrames: train.length, trainingTopScripts: top(lt),
          trainingRenderMs: lt?.renderMs ?? 0, trainingStyleLayoutMs: lt?.styleLayoutMs ?? 0, trainingFramesOver200: train.filter((f) => f.duration > 200).length,
          loadLongestFrameMs: longest(load)?.duration ?? 0, loadTopScripts: top(longest(load)),
          api: 'longtask (figure) + long-animation-frame (frames, attribution)',
        },
      }],
    };
  } finally {
    await browser.close().catch(() => {});
    await new Promise<void>((r) => server.httpServer.close(() => r()));
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Suites that run Node-side (they drive a built app), beside the in-page suites of bench/suites. */
export const nodeSuites = [{ name: 'ui-longest-task', run: uiLongestTask }];
